"""The practice's dashboard across clients: overdue, due today, due later this week and
waiting on the client, each in the viewer's time zone, each limited with "N more".

Requests are written on Monday 16 November 2026 and the dashboard is read on Monday
23 November 2026 at 10:00 UTC, so deadlines before that are overdue.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tandem.accounts.models import User
from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus
from tandem.work.selectors_day import week_ends_on
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

WRITTEN = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
S = TaskStatus


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(WRITTEN, tick=False) as traveller:
        yield traveller


def a_request(world: PracticeWorld, due: datetime, *, client: int = 1, **fields: Any) -> Task:
    contact = world.contact1 if client == 1 else world.contact2
    defaults: dict[str, Any] = {"title": "Book the venue", "expectations": "A booking"}
    return create_task(
        getattr(world, f"client{client}"),
        actor=contact,
        deadline_at=due,
        **(defaults | fields),
    )


def section(response: Any, key: str) -> list[str]:
    """The titles listed in one section of the dashboard."""
    text = page_text(response)
    match = re.search(rf'class="card day-section day-{key}"(.*?)</section>', text, re.DOTALL)
    assert match, f"no section {key}"
    return re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', match.group(1))


def plain(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", page_text(response)).split())


def dashboard(user: User, clock: time_machine.Traveller) -> Any:
    clock.move_to(NOW)
    return signed_in(user).get(reverse("home:dashboard"))


def test_sections_sort_the_practices_work_by_when_it_is_due(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    a_request(own, NOW - timedelta(days=2), title="Two days late")
    a_request(own, NOW - timedelta(hours=1), client=2, title="An hour late")
    a_request(own, NOW + timedelta(hours=3), title="This afternoon")
    a_request(own, NOW + timedelta(days=4), title="Friday")
    a_request(own, NOW + timedelta(days=7), title="Next Monday")
    waiting = a_request(own, NOW + timedelta(days=9), title="Needs the list")
    for to in (S.ACCEPTED, S.IN_PROGRESS):
        move_task(waiting, to=to, actor=own.owner)
    move_task(
        waiting,
        to=S.WAITING_ON_CLIENT,
        actor=own.owner,
        waiting_for="the guest list",
        waiting_until=NOW + timedelta(days=1, hours=6),
    )
    response = dashboard(own.owner, clock)
    assert response.status_code == 200
    assert section(response, "overdue") == ["Two days late", "An hour late"]
    assert section(response, "today") == ["This afternoon"]
    assert section(response, "week") == ["Friday"]
    assert section(response, "waiting") == ["Needs the list"]
    text = plain(response)
    assert "Waiting for: the guest list, by Tue 24 Nov, 16:00" in text
    assert "Was due Sat 21 Nov, 10:00" in text
    # Not in any of the day's sections (it is flagged above them as "No answer yet": the
    # contact, writing at opening time, was promised an answer by that day's close).
    assert not any(
        "Next Monday" in section(response, key) for key in ("overdue", "today", "week", "waiting")
    )
    assert "Next Monday · Client A1 No answer yet — promised by Mon 16 Nov, 17:00" in text


def test_waiting_work_comes_by_when_the_clients_part_is_due_not_by_deadline(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    # Deadlines in one order, the client's answers due in the other.
    for title, deadline_days, answer_days in (("Later answer", 3, 5), ("Sooner answer", 9, 1)):
        task = a_request(own, NOW + timedelta(days=deadline_days), title=title)
        for to in (S.ACCEPTED, S.IN_PROGRESS):
            move_task(task, to=to, actor=own.owner)
        move_task(
            task,
            to=S.WAITING_ON_CLIENT,
            actor=own.owner,
            waiting_for="the figures",
            waiting_until=NOW + timedelta(days=answer_days),
        )
    for viewer in (own.owner, own.assistant):
        assert section(dashboard(viewer, clock), "waiting") == ["Sooner answer", "Later answer"]


def test_delivered_and_closed_work_is_not_late(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    delivered = a_request(own, NOW - timedelta(days=1), title="Delivered")
    for to in (S.ACCEPTED, S.IN_PROGRESS):
        move_task(delivered, to=to, actor=own.owner)
    deliver_task(delivered, actor=own.owner, message="Delivered, as asked.")
    move_task(
        a_request(own, NOW - timedelta(days=1), title="Declined"),
        to=S.DECLINED,
        actor=own.owner,
        note="No",
    )
    response = dashboard(own.owner, clock)
    assert section(response, "overdue") == []
    assert "Nothing is overdue." in plain(response)


def test_today_and_this_week_follow_the_viewers_time_zone(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    # 23:00 UTC on Monday is 12:00 on Tuesday in Auckland (UTC+13), where it is already
    # 23:00 on Monday when the dashboard is read.
    a_request(own, datetime(2026, 11, 23, 23, 0, tzinfo=UTC), title="Late Monday in UTC")
    # 11:00 UTC on Sunday the 29th is Monday the 30th, 00:00, in Auckland: next week there.
    a_request(own, datetime(2026, 11, 29, 11, 0, tzinfo=UTC), title="Sunday in UTC")
    in_utc = dashboard(own.owner, clock)
    assert section(in_utc, "today") == ["Late Monday in UTC"]
    assert section(in_utc, "week") == ["Sunday in UTC"]
    User.objects.filter(pk=own.owner.pk).update(time_zone="Pacific/Auckland")
    in_auckland = dashboard(own.owner, clock)
    assert section(in_auckland, "today") == []
    assert section(in_auckland, "week") == ["Late Monday in UTC"]
    assert "Due Tue 24 Nov, 12:00" in plain(in_auckland)
    assert "times in Auckland time" in plain(in_auckland)


def test_at_the_weekend_the_week_is_the_coming_one(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    clock.move_to(saturday - timedelta(days=1))
    a_request(own, datetime(2026, 11, 29, 17, 0, tzinfo=UTC), title="Sunday")
    a_request(own, datetime(2026, 12, 4, 17, 0, tzinfo=UTC), title="Next Friday")
    a_request(own, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), title="Monday after")
    clock.move_to(saturday)
    response = signed_in(own.owner).get(reverse("home:dashboard"))
    assert section(response, "week") == ["Sunday", "Next Friday"]
    assert "Due in the coming week" in plain(response)
    # Its "more" link lists the same tasks: the request list reads "week" the same way.
    listed = signed_in(own.owner).get(reverse("work:request-list"), {"due": "week"})
    assert [task.title for task in listed.context["page"].object_list] == ["Sunday", "Next Friday"]


@pytest.mark.parametrize(
    ("today", "ends"),
    [
        (date(2026, 11, 23), date(2026, 11, 30)),  # Monday: this week
        (date(2026, 11, 27), date(2026, 11, 30)),  # Friday: this week
        (date(2026, 11, 28), date(2026, 12, 7)),  # Saturday: the coming week
        (date(2026, 11, 29), date(2026, 12, 7)),  # Sunday: the coming week
    ],
)
def test_the_week_ends_on_the_monday_after_this_working_week(today: date, ends: date) -> None:
    assert week_ends_on(today) == ends


def test_a_long_section_shows_ten_and_links_to_the_rest(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    for i in range(13):
        a_request(personas.a, NOW - timedelta(hours=20 - i), title=f"Late {i:02}")
    response = dashboard(personas.a.owner, clock)
    shown = section(response, "overdue")
    assert shown == [f"Late {i:02}" for i in range(10)]
    more_url = reverse("work:request-list") + "?status=active&amp;due=overdue&amp;sort=deadline"
    assert f'<a href="{more_url}">3 more</a>' in response.content.decode()
    # The list it opens shows the same thirteen.
    listed = signed_in(personas.a.owner).get(html.unescape(more_url))
    assert listed.status_code == 200
    assert len(re.findall(r"Late \d\d", page_text(listed))) == 13
    assert re.search(r"Overdue <span class=\"badge late\">13</span>", page_text(response))


def test_dashboard_links_to_the_inbox_with_the_number_of_new_requests(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a_request(personas.a, NOW + timedelta(days=3))
    a_request(personas.a, NOW + timedelta(days=3), client=2)
    response = dashboard(personas.a.owner, clock)
    assert re.search(r'href="/inbox/">Inbox <span class="badge">2 new</span>', page_text(response))


def test_assistant_sees_only_their_clients_work(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a_request(personas.a, NOW - timedelta(days=1), title="Client 1 late")
    a_request(personas.a, NOW - timedelta(days=1), client=2, title="Client 2 late")
    response = dashboard(personas.a.assistant, clock)
    assert section(response, "overdue") == ["Client 1 late"]


@pytest.mark.parametrize("who", ["a_unassigned", "b_owner", "b_assistant"])
def test_people_outside_the_clients_see_nothing_of_their_work(
    personas: Personas, clock: time_machine.Traveller, who: str
) -> None:
    a_request(personas.a, NOW - timedelta(days=1), title="Client 1 late")
    a_request(personas.a, NOW + timedelta(hours=1), title="Client 1 today")
    practice, kind = who.split("_")
    response = dashboard(getattr(personas, practice).persona(kind), clock)
    for key in ("overdue", "today", "week", "waiting"):
        assert section(response, key) == []
    assert "Nothing is overdue." in plain(response)


def test_contacts_do_not_get_the_dashboard(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    assert dashboard(personas.a.contact1, clock).status_code == 403


# Queries -------------------------------------------------------------------------------------


def fill(world: PracticeWorld, rows: int) -> None:
    """``rows`` requests over both clients, spread across every section."""
    offsets = [timedelta(days=-1), timedelta(hours=2), timedelta(days=3), timedelta(days=20)]
    for i in range(rows):
        task = a_request(world, NOW + offsets[i % 4], client=1 + i % 2, title=f"R{i:02}")
        if i % 5 == 4:
            move_task(task, to=S.ACCEPTED, actor=world.owner)
            move_task(task, to=S.IN_PROGRESS, actor=world.owner)
            move_task(
                task,
                to=S.WAITING_ON_CLIENT,
                actor=world.owner,
                waiting_for="The keys",
                waiting_until=NOW + timedelta(days=2),
            )


@pytest.mark.parametrize("rows", [2, 50])
def test_owner_dashboard_queries_do_not_grow_with_the_tasks(
    personas: Personas, clock: time_machine.Traveller, rows: int, django_assert_num_queries: Any
) -> None:
    fill(personas.a, rows)
    clock.move_to(NOW)
    http = signed_in(personas.a.owner)
    # 1. the session, 2. the user with their membership and practice,
    # 3. every section's total and the inbox count (one aggregate), 4. the first tasks of
    # every section (UNION ALL of each section's ids) joined to client and assignee,
    # 5. the onboarding checklist, 6. the first clients with a contact count, 7. the
    # requests not answered by the time promised, 8. what clients owe past its date
    with django_assert_num_queries(8):
        response = http.get(reverse("home:dashboard"))
    listed = sum(len(section(response, key)) for key in ("overdue", "today", "week", "waiting"))
    assert listed == (2 if rows == 2 else 10 + 10 + 10 + 10)


@pytest.mark.parametrize("rows", [2, 50])
def test_assistant_dashboard_queries_do_not_grow_with_the_tasks(
    personas: Personas, clock: time_machine.Traveller, rows: int, django_assert_num_queries: Any
) -> None:
    fill(personas.a, rows)
    clock.move_to(NOW)
    http = signed_in(personas.a.assistant)
    # 1.-2. session, the user with their membership; 3. the totals, 4. the four sections' first
    # tasks, 5. the first assigned clients with a contact count, 6. the requests not answered by the
    # time promised, 7. what clients owe past its date
    with django_assert_num_queries(7):
        response = http.get(reverse("home:dashboard"))
    assert response.status_code == 200


def test_past_a_hundred_a_section_says_so_instead_of_counting_on(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    for i in range(101):
        a_request(personas.a, NOW - timedelta(hours=1, minutes=i), title=f"Late {i:03}")
    response = dashboard(personas.a.owner, clock)
    text = page_text(response)
    assert '<span class="badge late">100+</span>' in text
    assert ">90+ more</a>" in text
    assert len(section(response, "overdue")) == 10
    # The inbox's badge counts new requests the same way: the overdue ones are new too.
    assert '<span class="badge">100+ new</span>' in text
