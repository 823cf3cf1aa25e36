"""The capacity page and a week's drill-down (issue 12): the next twelve weeks per person
and per client, as far as the viewer's reach goes, in a fixed number of queries.

The clock is Monday 10 June 2030, 10:00 UTC; the personas' practices work Monday to
Friday, 09:00 to 17:00 UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.clients.services import assign_assistant, create_client
from tandem.planning.plan_cache import forget_plans
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=UTC)
FRIDAY_CLOSE = datetime(2030, 6, 14, 17, 0, tzinfo=UTC)
CAPACITY = reverse("planning:capacity")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def taken_on(
    world: PracticeWorld, hours: str, deadline_at: datetime = FRIDAY_CLOSE, title: str = ""
) -> Task:
    task = create_task(
        world.client1,
        actor=world.owner,
        title=title or f"{hours} h for client 1",
        expectations="Done",
        deadline_at=deadline_at,
        assignee=world.assistant,
        estimate_hours=Decimal(hours),
    )
    return move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)


def week_url(kind: str, pk: int, monday: str = "2030-06-10") -> str:
    return reverse("planning:capacity-week", args=[monday, kind, pk])


def test_the_owner_sees_everyones_weeks_and_every_client_with_work(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    taken_on(world, "6")
    response = signed_in(world.owner).get(CAPACITY)
    text = page_text(response)
    assert response.status_code == 200
    for person in (world.owner, world.assistant, world.unassigned):
        assert person.display_name in text
    assert "Client A1" in text
    # The chart is an image with a title and a description; the table says the same.
    assert re.search(r'<svg role="img" aria-labelledby="cap-person-\d+-t cap-person-\d+-d"', text)
    assert "Week of 10 Jun: 6 h taken on of 39 h free" in text
    assert "<td>39 h</td><td>6 h</td>" in text


def test_an_assistant_sees_only_their_own_weeks_and_their_clients(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    taken_on(world, "6")
    other = create_client(actor=world.owner, name="Not Theirs", time_zone="UTC")
    assign_assistant(other, assistant=world.unassigned, actor=world.owner)
    task = create_task(
        other, actor=world.owner, title="Elsewhere", expectations="Done",
        deadline_at=FRIDAY_CLOSE, assignee=world.unassigned,
    )  # fmt: skip
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.unassigned)
    text = page_text(signed_in(world.assistant).get(CAPACITY))
    assert "Your weeks" in text
    assert world.unassigned.display_name not in text
    assert world.owner.display_name not in text
    assert "Client A1" in text
    assert "Not Theirs" not in text


def test_an_over_booked_week_is_marked_with_a_sign_and_words_not_colour_alone(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    taken_on(world, "45")
    text = page_text(signed_in(world.owner).get(CAPACITY))
    assert "1 week over-booked" in text
    assert "over-booked." in text  # in the chart's description
    assert '<span aria-hidden="true">! </span>Over-booked' in text
    assert 'class="cap-over-mark"' in text


def test_a_weeks_drill_down_lists_the_requests_behind_it_with_links(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    task = taken_on(world, "45", title="Big launch")
    for viewer, kind, pk in (
        (world.owner, "person", world.assistant.pk),
        (world.assistant, "client", world.client1.pk),
    ):
        text = page_text(signed_in(viewer).get(week_url(kind, pk)))
        assert "Big launch" in text
        assert reverse("work:task-detail", args=[task.pk]) in text
        assert "Will miss its deadline" in text
        assert "Needs 45 h, 39 h free before the deadline." in text


def test_a_crowded_week_lists_its_soonest_requests_and_sums_the_rest(
    personas: Personas, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tandem.planning import selectors_capacity

    monkeypatch.setattr(selectors_capacity, "WEEK_ITEMS", 2)
    world = personas.a
    for hour in (13, 11, 15, 12):
        taken_on(world, "1", FRIDAY_CLOSE.replace(hour=hour), title=f"Due at {hour}")
    text = page_text(signed_in(world.owner).get(week_url("person", world.assistant.pk)))
    assert "Due at 11" in text
    assert "Due at 12" in text
    assert "Due at 13" not in text
    assert "Due at 15" not in text
    assert "And 2 more requests due later, 2 h in this week." in text


def test_an_empty_week_says_what_comes_next(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    text = page_text(signed_in(world.owner).get(week_url("client", world.client2.pk)))
    assert "Nothing planned in this week" in text


@pytest.mark.parametrize(
    "monday", ["2030-13-45", "2030-06-11", "2031-06-09", "tomorrow", "2030-06-10x", "0000-00-00"]
)
def test_a_week_that_is_no_week_of_the_plan_is_missing_with_a_sentence(
    personas: Personas, clock: time_machine.Traveller, monday: str
) -> None:
    world = personas.a
    response = signed_in(world.owner).get(week_url("person", world.assistant.pk, monday))
    assert response.status_code == 404


def test_a_row_kind_that_is_not_one_is_missing(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    response = signed_in(world.owner).get(week_url("project", world.client1.pk))
    assert response.status_code == 404


def count_queries(viewer, url: str, *, kept_plan: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Queries of one view of ``url``: with the plan worked out afresh, or (``kept_plan``)
    with the one kept from the view before."""
    if not kept_plan:
        forget_plans()
    http = signed_in(viewer)
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_and_a_week_cost_the_same_queries_with_2_or_30_requests(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    """Session, the user with their membership; the plan's version, the policy, the people,
    the plan's five (their weeks, hours, time off; the requests, the heads-ups); the clients.
    A week: the same, the row's name, its requests. With the plan kept, the plan's own are
    not run."""
    world = personas.a
    for _ in range(2):
        taken_on(world, "1")
    small = (
        count_queries(world.owner, CAPACITY),
        count_queries(world.owner, week_url("client", world.client1.pk)),
    )
    for _ in range(28):
        taken_on(world, "1")
    big = (
        count_queries(world.owner, CAPACITY),
        count_queries(world.owner, week_url("client", world.client1.pk)),
    )
    assert small == big
    assert big[0] <= 10
    assert big[1] <= 11
    kept = (
        count_queries(world.owner, CAPACITY, kept_plan=True),
        count_queries(world.owner, week_url("client", world.client1.pk), kept_plan=True),
    )
    assert kept == (6, 7)


# A request's expected completion and the dashboard's "Will miss" ---------------------------


def test_an_accepted_request_shows_when_it_is_expected_done(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    task = taken_on(world, "6")
    url = reverse("planning:task-plan", args=[task.pk])
    # Monday 10:00 to 16:00.
    assert "Expected done" in page_text(signed_in(world.assistant).get(url))
    assert "Mon 10 Jun, 16:00" in page_text(signed_in(world.owner).get(url))
    page = page_text(signed_in(world.owner).get(reverse("work:task-detail", args=[task.pk])))
    assert url in page
    # The client's side never sees the load: no slot, and the fragment is refused.
    page = page_text(signed_in(world.contact1).get(reverse("work:task-detail", args=[task.pk])))
    assert url not in page
    assert signed_in(world.contact1).get(url).status_code == 403


def test_a_request_that_will_miss_says_why_on_its_page_and_the_dashboard(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    task = taken_on(world, "45", title="Big launch")
    text = page_text(signed_in(world.assistant).get(reverse("planning:task-plan", args=[task.pk])))
    assert "Will miss its deadline:" in text
    assert "Needs 45 h, 39 h free before the deadline." in text
    assert reverse("planning:will-miss") in page_text(signed_in(world.owner).get("/dashboard/"))
    for viewer in (world.owner, world.assistant):
        text = page_text(signed_in(viewer).get(reverse("planning:will-miss")))
        assert "Big launch" in text
        assert "Needs 45 h, 39 h free before the deadline." in text
    # Not the unassigned assistant's work, nor a client they serve.
    assert "Big launch" not in page_text(
        signed_in(world.unassigned).get(reverse("planning:will-miss"))
    )


def test_work_not_yet_accepted_or_assigned_has_no_date_yet(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    task = create_task(
        world.client1, actor=world.contact1, title="New", expectations="Done",
        deadline_at=FRIDAY_CLOSE,
    )  # fmt: skip
    text = page_text(signed_in(world.owner).get(reverse("planning:task-plan", args=[task.pk])))
    assert "Planned once it is accepted." in text


def test_the_expected_date_and_will_miss_cost_fixed_queries(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    task = taken_on(world, "45")  # one that will miss: its title is read
    url = reverse("planning:task-plan", args=[task.pk])
    will_miss = reverse("planning:will-miss")
    small = (count_queries(world.owner, url), count_queries(world.owner, will_miss))
    for _ in range(20):
        taken_on(world, "3")
    big = (count_queries(world.owner, url), count_queries(world.owner, will_miss))
    assert small == big
    assert big[0] <= 10
    assert big[1] <= 11
    kept = (
        count_queries(world.owner, url, kept_plan=True),
        count_queries(world.owner, will_miss, kept_plan=True),
    )
    # Will miss: also the heads-ups waiting to be confirmed.
    assert kept == (5, 5)


@pytest.mark.parametrize("prefix", ["/", "/tandem/"])
@pytest.mark.parametrize("kind", ["person", "client"])
def test_a_weeks_link_is_the_one_reverse_gives(kind: str, prefix: str) -> None:
    """The page formats each cell's link into a pattern reversed once; it must be the
    address Django would reverse, under any script prefix."""
    from django.urls import get_script_prefix, set_script_prefix

    from tandem.planning.selectors_capacity import week_url as cell_url

    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        for monday, pk in ((date(2030, 6, 10), 7), (date(2031, 1, 6), 12345678901)):
            expected = reverse("planning:capacity-week", args=[monday.isoformat(), kind, pk])
            assert cell_url(monday, kind, pk) == expected
            assert expected.startswith(prefix)
    finally:
        set_script_prefix(before)


def test_a_week_counts_but_does_not_name_work_for_a_client_the_viewer_no_longer_serves(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    from tandem.clients.services import unassign_assistant

    world = personas.a
    taken_on(world, "3", title="Client 1's launch")
    unassign_assistant(world.client1, assistant=world.assistant, actor=world.owner)
    # Still theirs in the plan, but no longer a request they may open.
    text = page_text(signed_in(world.assistant).get(week_url("person", world.assistant.pk)))
    assert "Client 1's launch" not in text
    assert "of work for clients you do not serve" in text
    owners = page_text(signed_in(world.owner).get(week_url("person", world.assistant.pk)))
    assert "Client 1's launch" in owners
