"""The request list at /requests/: everyone's requests as their role lets them see them,
filtered, sorted, searched and paged, with bad filter values named in the page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.work.models import Priority, Task, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tandem.work.services_projects import create_project
from tests.checklist_steps import with_steps
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

URL = "/requests/"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("UTC"))  # A Wednesday.


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_task(
    client: Client,
    actor: User,
    title: str,
    *,
    due_in: timedelta = timedelta(days=3),
    **kwargs: object,
) -> Task:
    return create_task(
        client,
        actor=actor,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + due_in,
        **kwargs,  # type: ignore[arg-type]
    )


def titles(response) -> list[str]:
    return [task.title for task in response.context["page"].object_list]


def get(user: User, query: str = "", **headers: str):
    return signed_in(user).get(f"{URL}?{query}" if query else URL, headers=headers)


@pytest.fixture
def world(personas: Personas, clock) -> PracticeWorld:
    """Requests of both clients of practice A and one of practice B."""
    a, b = personas.a, personas.b
    make_task(a.client1, a.contact1, "Client one venue")
    make_task(a.client2, a.contact2, "Client two venue")
    make_task(b.client1, b.contact1, "Other practice venue")
    return a


# Who sees what ------------------------------------------------------------------------------


def test_a_contact_sees_only_their_clients_requests(world: PracticeWorld) -> None:
    assert titles(get(world.contact1)) == ["Client one venue"]
    assert titles(get(world.contact2)) == ["Client two venue"]


def test_an_assistant_sees_their_clients_and_an_owner_sees_all(world: PracticeWorld) -> None:
    assert titles(get(world.assistant)) == ["Client one venue"]
    assert sorted(titles(get(world.owner))) == ["Client one venue", "Client two venue"]
    assert titles(get(world.unassigned)) == []


def test_searching_never_reaches_another_clients_or_practices_request(
    world: PracticeWorld,
) -> None:
    response = get(world.contact1, "q=venue")
    assert titles(response) == ["Client one venue"]
    assert "Client two" not in page_text(response)
    assert "Other practice" not in page_text(response)


def test_the_page_shows_status_deadline_in_the_viewers_zone_and_a_new_request_action(
    personas: Personas, clock
) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Print the flyers", due_in=timedelta(hours=6))
    a.contact1.time_zone = "Asia/Tokyo"
    a.contact1.save(update_fields=["time_zone"])
    response = get(a.contact1)
    text = page_text(response)
    assert "Requested" in text
    # 18:00 UTC is 03:00 the next day in Tokyo.
    assert "Thu 26 Nov 2026, 03:00" in text
    assert f"/clients/{a.client1.pk}/requests/new/" in text


# Filters ------------------------------------------------------------------------------------


def test_open_requests_by_default_and_closed_or_any_on_request(personas: Personas, clock) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Still open")
    closed = make_task(a.client1, a.contact1, "Called off")
    move_task(closed, to=TaskStatus.CANCELLED, actor=a.contact1, note="Not needed")
    assert titles(get(a.contact1)) == ["Still open"]
    assert titles(get(a.contact1, "status=closed")) == ["Called off"]
    assert sorted(titles(get(a.contact1, "status=all"))) == ["Called off", "Still open"]
    assert titles(get(a.contact1, "status=cancelled")) == ["Called off"]
    assert titles(get(a.contact1, "status=requested")) == ["Still open"]


def test_status_groups_of_the_portal_sections(personas: Personas, clock) -> None:
    a = personas.a
    task = make_task(a.client1, a.contact1, "Waiting one")
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=a.assistant)
    move_task(
        task,
        to=TaskStatus.WAITING_ON_CLIENT,
        actor=a.assistant,
        waiting_for="The logo",
        waiting_until=NOW + timedelta(days=1),
    )
    make_task(a.client1, a.contact1, "Just asked")
    assert titles(get(a.contact1, "status=waiting")) == ["Waiting one"]
    assert titles(get(a.contact1, "status=active")) == ["Just asked"]


def test_filter_by_client_and_project(personas: Personas, clock) -> None:
    a = personas.a
    project = create_project(a.client1, actor=a.owner, title="Spring launch")
    make_task(a.client1, a.owner, "In the project", project=project)
    make_task(a.client1, a.owner, "Outside it")
    make_task(a.client2, a.owner, "Other client")
    by_client = get(a.owner, f"client={a.client2.pk}")
    assert titles(by_client) == ["Other client"]
    assert titles(get(a.owner, f"project={project.pk}")) == ["In the project"]
    assert titles(get(a.contact1, f"project={project.pk}")) == ["In the project"]
    both = get(a.owner, f"client={a.client1.pk}&project={project.pk}")
    assert titles(both) == ["In the project"]


def test_due_shortcuts_match_the_dashboard(personas: Personas, clock) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Later today", due_in=timedelta(hours=3))
    make_task(a.client1, a.contact1, "Friday", due_in=timedelta(days=2))
    make_task(a.client1, a.contact1, "Next week", due_in=timedelta(days=6))
    late = make_task(a.client1, a.contact1, "Late", due_in=timedelta(hours=1))
    clock.shift(timedelta(hours=2))
    assert titles(get(a.contact1, "due=overdue")) == [late.title]
    assert titles(get(a.contact1, "due=today")) == ["Later today"]
    assert titles(get(a.contact1, "due=week")) == ["Friday"]


def test_deadline_range_is_read_in_the_viewers_time_zone(personas: Personas, clock) -> None:
    a = personas.a
    # 23:30 UTC on the 26th is already the 27th in Tokyo.
    make_task(a.client1, a.contact1, "Late on the 26th", due_in=timedelta(hours=35, minutes=30))
    assert titles(get(a.contact1, "deadline_from=2026-11-26&deadline_to=2026-11-26")) == [
        "Late on the 26th"
    ]
    a.contact1.time_zone = "Asia/Tokyo"
    a.contact1.save(update_fields=["time_zone"])
    assert titles(get(a.contact1, "deadline_from=2026-11-26&deadline_to=2026-11-26")) == []
    assert titles(get(a.contact1, "deadline_from=2026-11-27")) == ["Late on the 26th"]


def test_search_matches_a_word_only_in_a_comment(personas: Personas, clock) -> None:
    a = personas.a
    task = make_task(a.client1, a.contact1, "Newsletter")
    make_task(a.client1, a.contact1, "Venue")
    add_comment(task, actor=a.assistant, body_markdown="Which lighthouse photo?")
    response = get(a.contact1, "q=lighth")
    assert titles(response) == ["Newsletter"]
    assert 'value="lighth"' in response.content.decode()


@pytest.mark.parametrize("typed", ['"', "venue*", "-venue", "NEAR(venue", "venue OR (", "'"])
def test_search_syntax_characters_never_break_the_page(world: PracticeWorld, typed: str) -> None:
    response = signed_in(world.contact1).get(URL, {"q": typed})
    assert response.status_code in (200, 400)
    assert titles(response) in ([], ["Client one venue"])


# Sort and pages ---------------------------------------------------------------------------


def test_sort_orders(personas: Personas, clock) -> None:
    a = personas.a
    first = make_task(a.client1, a.contact1, "Made first", due_in=timedelta(days=5))
    clock.shift(timedelta(minutes=1))
    make_task(a.client1, a.contact1, "Made second", due_in=timedelta(days=1))
    clock.shift(timedelta(minutes=1))
    make_task(a.client1, a.contact1, "Made third", due_in=timedelta(days=9), priority=Priority.HIGH)
    clock.shift(timedelta(minutes=1))
    move_task(first, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert titles(get(a.contact1)) == ["Made second", "Made first", "Made third"]
    assert titles(get(a.contact1, "sort=deadline")) == ["Made second", "Made first", "Made third"]
    assert titles(get(a.contact1, "sort=newest")) == ["Made third", "Made second", "Made first"]
    assert titles(get(a.contact1, "sort=updated")) == ["Made first", "Made third", "Made second"]
    assert titles(get(a.contact1, "sort=priority")) == ["Made third", "Made second", "Made first"]


def test_search_results_come_best_match_first(personas: Personas, clock) -> None:
    a = personas.a
    in_comment = make_task(a.client1, a.contact1, "Quarterly report", due_in=timedelta(days=1))
    add_comment(in_comment, actor=a.assistant, body_markdown="About the hammock order")
    make_task(a.client1, a.contact1, "Hammock order", due_in=timedelta(days=5))
    assert titles(get(a.contact1, "q=hammock")) == ["Hammock order", "Quarterly report"]
    assert titles(get(a.contact1, "q=hammock&sort=deadline")) == [
        "Quarterly report",
        "Hammock order",
    ]


def test_pages_keep_the_filters(personas: Personas, clock) -> None:
    a = personas.a
    for i in range(27):
        make_task(a.client1, a.contact1, f"Request {i:02}", due_in=timedelta(days=1, hours=i))
    first = get(a.contact1, "q=request")
    assert len(titles(first)) == 25
    assert "?q=request&amp;page=2" in first.content.decode()
    second = get(a.contact1, "q=request&sort=deadline&page=2")
    assert titles(second) == ["Request 25", "Request 26"]
    # A page past the end shows the last one; nonsense shows the first.
    assert titles(get(a.contact1, "q=request&sort=deadline&page=99")) == titles(second)
    assert len(titles(get(a.contact1, "page=abc"))) == 25


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=lost", "Status: That status is not in the list"),
        ("due=yesterday", "Due: That due date choice is not in the list"),
        ("sort=random", "Sort by: That order is not in the list"),
        ("deadline_from=tomorrow", "Deadline from: Enter a date such as 2026-11-30."),
        ("deadline_to=2026-02-30", "Deadline to: Enter a date such as 2026-11-30."),
        (
            "deadline_from=2026-12-10&deadline_to=2026-12-01",
            "Deadline to: The “to” date is before the “from” date",
        ),
        ("project=abc", "Project: That project is not in the list"),
        ("q=***", "Search: Search for a word: letters or numbers."),
    ],
)
def test_bad_filter_values_are_named_in_the_page(
    world: PracticeWorld, query: str, message: str
) -> None:
    response = get(world.contact1, query)
    assert response.status_code == 400
    assert message in page_text(response)
    # The valid filters still apply (here: the default, open requests).
    assert titles(response) == ["Client one venue"]


def test_a_project_of_another_client_is_refused(personas: Personas, clock) -> None:
    a, b = personas.a, personas.b
    theirs = create_project(a.client2, actor=a.owner, title="Client two's")
    other_practice = create_project(b.client1, actor=b.owner, title="Practice B's")
    make_task(a.client2, a.owner, "Client two work", project=theirs)
    for project in (theirs, other_practice):
        response = get(a.contact1, f"project={project.pk}")
        assert response.status_code == 400
        assert "That project is not in the list" in page_text(response)
        assert "Client two work" not in page_text(response)
    mixed = get(a.owner, f"client={a.client1.pk}&project={theirs.pk}")
    assert mixed.status_code == 400
    assert "That project belongs to another client" in page_text(mixed)


def test_a_client_the_viewer_does_not_see_is_refused(personas: Personas, clock) -> None:
    a, b = personas.a, personas.b
    for client in (a.client2, b.client1):
        response = get(a.assistant, f"client={client.pk}")
        assert response.status_code == 400
        assert "That client is not in the list" in page_text(response)


def test_an_htmx_refresh_returns_the_results_with_the_message(world: PracticeWorld) -> None:
    response = get(world.contact1, "status=lost", HX_Request="true")
    # The same 400 as the page: base.html's htmx config swaps a 400 in like a 200.
    assert response.status_code == 400
    text = page_text(response)
    assert "That status is not in the list" in text
    assert "<html" not in text
    assert "Client one venue" in text


# Empty states and "New request" ------------------------------------------------------------------


def test_empty_states_say_what_to_do(personas: Personas, clock) -> None:
    a = personas.a
    nothing = page_text(get(a.contact1))
    assert "No requests yet" in nothing
    assert f"/clients/{a.client1.pk}/requests/new/" in nothing
    make_task(a.client1, a.contact1, "Venue")
    no_match = page_text(get(a.contact1, "q=zeppelin"))
    assert "No requests match" in no_match
    assert "clear the filters" in no_match


def test_the_practice_side_chooses_the_client_for_a_new_request(personas: Personas, clock) -> None:
    a = personas.a
    text = page_text(get(a.owner))
    assert 'action="/requests/new/"' in text
    assert a.client2.name in text
    http = signed_in(a.owner)
    response = http.get("/requests/new/", {"client": a.client2.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{a.client2.pk}/requests/new/"
    # An assistant with one client goes straight to it.
    assert f"/clients/{a.client1.pk}/requests/new/" in page_text(get(a.assistant))


def test_new_request_for_a_client_the_viewer_may_not_see_is_missing(
    personas: Personas,
) -> None:
    a, b = personas.a, personas.b
    http = signed_in(a.assistant)
    assert http.get("/requests/new/", {"client": a.client2.pk}).status_code == 404
    assert http.get("/requests/new/", {"client": b.client1.pk}).status_code == 404
    assert http.get("/requests/new/", {"client": "x"})["Location"] == URL


def test_everyone_signed_in_has_a_requests_link(personas: Personas) -> None:
    a = personas.a
    for user in (a.owner, a.assistant, a.contact1):
        assert f'href="{URL}"' in signed_in(user).get("/accounts/profile/").content.decode()


# Query counts ----------------------------------------------------------------------------------

SIZES = [2, 50]


def populate(world: PracticeWorld, rows: int) -> None:
    """``rows`` requests of client 1 in a project, each with a comment and a checklist of
    three steps, one of them done."""
    project = create_project(world.client1, actor=world.owner, title="Launch")
    for i in range(rows):
        task = make_task(
            world.client1,
            world.contact1,
            f"Newsletter {i:02}",
            project=project,
            assignee=world.assistant,
        )
        add_comment(task, actor=world.assistant, body_markdown="Draft attached")
        with_steps(task, actor=world.assistant, total=3, done=1)


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("persona", ["owner", "assistant", "contact1"])
@pytest.mark.parametrize("query", ["", "q=draft&status=all", "status=requested&sort=priority"])
def test_request_list_queries(
    personas: Personas, rows: int, persona: str, query: str, django_assert_num_queries
) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.persona(persona))
    # 1-2. session, the user with their membership; 3. the clients the viewer may filter by,
    # 4. their projects joined to the clients, 5. the count, 6. the page's ids, in order,
    # 7. those requests joined to client, project and assignee, each with its checklist's
    # progress (two counts in the same query)
    with django_assert_num_queries(7):
        response = http.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)
    assert page_text(response).count("1 of 3 checklist steps done") == min(rows, 25)


def test_a_search_matching_too_many_requests_stops_counting_and_shows_the_newest_first(
    personas: Personas, clock, monkeypatch
) -> None:
    a = personas.a
    monkeypatch.setattr("tandem.work.selectors_lists.SEARCH_COUNT_CAP", 2)
    for title in ("Venue venue venue", "Venue booking", "Another venue"):
        make_task(a.client1, a.contact1, title)
        clock.shift(timedelta(minutes=1))
    # Whatever the sort asked for, and however well "Venue venue venue" matches; the pages
    # go as far as the count did.
    for sort in ("relevance", "deadline"):
        response = get(a.contact1, f"q=venue&sort={sort}")
        assert titles(response) == ["Another venue", "Venue booking"]
        assert "More than 2 requests match, so the newest come first" in page_text(response)
    narrower = get(a.contact1, "q=venue booking")
    assert titles(narrower) == ["Venue booking"]
    assert "newest come first" not in page_text(narrower)
    assert "1 request, best match first" in page_text(narrower)


def test_the_client_pickers_escape_names_and_keep_the_chosen_client(personas: Personas) -> None:
    a = personas.a
    a.client1.name = '<b>Bloom</b> & "Co"'
    a.client1.save()
    response = get(a.owner, f"client={a.client1.pk}")
    html = response.content.decode()
    assert "<b>Bloom</b>" not in html
    escaped = "&lt;b&gt;Bloom&lt;/b&gt; &amp; &quot;Co&quot;"
    # The filter keeps the chosen client selected; the "New request" picker lists it too.
    assert f'<option value="{a.client1.pk}" selected>{escaped}</option>' in html
    assert html.count(f'<option value="{a.client1.pk}">{escaped}</option>') >= 1
    assert f'<option value="{a.client2.pk}">' in html
