"""One client's board: a column per status, cards moved by dragging (board.js posts the move
and gets the board back) or by each card's "Move to…" form, which works without JavaScript.

The clock is fixed at Monday 23 November 2026, 10:00 UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.checklist_steps import with_steps
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.day_pages import HTMX, NOW, a_request

S = TaskStatus


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def walk(task: Task, world: PracticeWorld, *statuses: str) -> Task:
    """Moves the task through ``statuses`` as the side each move belongs to."""
    for to in statuses:
        actor = world.contact1 if to in (S.DONE,) else world.owner
        extra: dict[str, Any] = {}
        if to in (S.DECLINED, S.CANCELLED):
            extra["note"] = "Not needed"
        if to == S.WAITING_ON_CLIENT:
            extra = {"waiting_for": "The guest list", "waiting_until": NOW + timedelta(days=2)}
        if to == S.DELIVERED:
            deliver_task(task, actor=actor, message="Here is the work.")
        else:
            move_task(task, to=to, actor=actor, **extra)
    return task


def board_url(world: PracticeWorld, client: int = 1) -> str:
    return reverse("work:board", args=[getattr(world, f"client{client}").pk])


def move_url(world: PracticeWorld, task: Task) -> str:
    return reverse("work:board-move", args=[task.client_id, task.pk])


def column(response: Any, key: str) -> list[str]:
    """The card titles in one column, top to bottom."""
    text = page_text(response)
    match = re.search(rf'data-drop="[^"]*{key}[^"]*"(.*?)</ol>', text, re.DOTALL)
    assert match, f"no column {key}"
    return re.findall(r'class="board-title"[^>]*>([^<]+)<', match.group(1))


def plain(response: Any) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", page_text(response)).split())


def status_of(task: Task) -> str:
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


# What the board shows ------------------------------------------------------------------------


def test_board_has_a_column_per_open_status_with_its_cards(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own, title="New one")
    walk(a_request(own, title="Started", assignee=own.assistant), own, S.ACCEPTED, S.IN_PROGRESS)
    walk(a_request(own, title="Waiting"), own, S.ACCEPTED, S.IN_PROGRESS, S.WAITING_ON_CLIENT)
    a_request(own, client=2, title="Other client's")
    response = signed_in(own.owner).get(board_url(own))
    assert response.status_code == 200
    assert column(response, "requested") == ["New one"]
    assert column(response, "in_progress") == ["Started"]
    assert column(response, "waiting_on_client") == ["Waiting"]
    assert column(response, "accepted") == []
    text = plain(response)
    assert "Other client's" not in text
    assert "Due Fri 27 Nov, 17:00 · assistant" in text


def test_cards_show_priority_and_a_missing_deadline(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own, title="Urgent one", priority="high")
    create_task(
        own.client1,
        actor=own.contact1,
        title="From the mailbox",
        expectations="Sorted",
        deadline_at=None,
        allow_missing_deadline=True,
    )
    response = signed_in(own.owner).get(board_url(own))
    text = page_text(response)
    assert "High priority" in text
    assert column(response, "needs_deadline") == ["From the mailbox"]
    assert "No deadline yet" in text


def test_tasks_closed_in_the_last_fourteen_days_sit_in_a_collapsed_column(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    walk(a_request(own, title="Declined long ago"), own, S.DECLINED)
    clock.shift(timedelta(days=15))
    walk(
        a_request(own, title="Finished", deadline_at=NOW + timedelta(days=20)),
        own,
        S.ACCEPTED,
        S.IN_PROGRESS,
        S.DELIVERED,
        S.DONE,
    )
    clock.shift(timedelta(hours=1))
    walk(a_request(own, title="Called off", deadline_at=NOW + timedelta(days=20)), own, S.CANCELLED)
    # Latest closed first.
    response = signed_in(own.owner).get(board_url(own))
    text = page_text(response)
    assert '<details class="board-column closed"' in text
    assert column(response, "done") == ["Called off", "Finished"]
    assert "Declined long ago" not in text


def test_the_closed_column_shows_the_ten_latest_closed_whatever_their_deadlines(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    for i in range(12):
        # The later closed, the sooner due: the column's order is when they closed.
        task = a_request(own, title=f"Called off {i:02}", deadline_at=NOW + timedelta(days=30 - i))
        walk(task, own, S.CANCELLED)
        clock.shift(timedelta(hours=1))
    cards = column(signed_in(own.owner).get(board_url(own)), "done")
    assert cards == [f"Called off {i:02}" for i in range(11, 1, -1)]


def test_only_the_moves_the_workflow_allows_the_viewer_are_offered(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    a_request(own)

    def options(user: Any) -> list[str]:
        return re.findall(r'<option value="(\w+)"', page_text(signed_in(user).get(board_url(own))))

    assert options(own.owner) == ["accepted", "declined", "cancelled"]
    assert options(own.assistant) == ["accepted", "declined", "cancelled"]
    assert options(own.contact1) == ["cancelled"]


def test_a_column_shows_ten_cards_and_says_how_many_more(personas: Personas, clock: Any) -> None:
    for i in range(13):
        a_request(personas.a, title=f"Request {i:02}", deadline_at=NOW + timedelta(days=1, hours=i))
    response = signed_in(personas.a.owner).get(board_url(personas.a))
    cards = column(response, "requested")
    assert len(cards) == 10
    assert (cards[0], cards[-1]) == ("Request 00", "Request 09")
    more_url = f"/requests/?client={personas.a.client1.pk}&amp;status=requested&amp;sort=deadline"
    assert f'<a href="{more_url}">3 more</a>' in response.content.decode()


def test_empty_board_says_what_comes_there(personas: Personas, clock: Any) -> None:
    response = signed_in(personas.a.owner).get(board_url(personas.a))
    assert "No requests yet" in page_text(response)


def test_contact_sees_their_own_clients_board(personas: Personas, clock: Any) -> None:
    a_request(personas.a, title="Mine")
    response = signed_in(personas.a.contact1).get(board_url(personas.a))
    assert response.status_code == 200
    assert column(response, "requested") == ["Mine"]


@pytest.mark.parametrize(
    ("persona", "client"),
    [("contact2", 1), ("contact1", 2), ("unassigned", 1), ("assistant", 2)],
)
def test_a_board_the_person_may_not_see_is_missing(
    personas: Personas, clock: Any, persona: str, client: int
) -> None:
    a_request(personas.a, client=client)
    response = signed_in(personas.a.persona(persona)).get(board_url(personas.a, client))
    assert response.status_code == 404


def test_another_practices_board_is_missing(personas: Personas, clock: Any) -> None:
    a_request(personas.b)
    assert signed_in(personas.a.owner).get(board_url(personas.b)).status_code == 404


def test_client_page_links_to_the_board(personas: Personas, clock: Any) -> None:
    response = signed_in(personas.a.owner).get(
        reverse("home:client-detail", args=[personas.a.client1.pk])
    )
    assert f'href="{board_url(personas.a)}"' in response.content.decode()


# Moving cards --------------------------------------------------------------------------------


def test_dragging_a_card_moves_the_task_and_returns_the_board(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.assistant).post(
        move_url(own, task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 200
    text = page_text(response)
    assert text.lstrip().startswith('<div id="board"')
    assert 'data-message="Moved “Book the venue” to “Accepted”."' in text
    assert column(response, "accepted") == ["Book the venue"]
    assert status_of(task) == S.ACCEPTED


def test_the_move_to_form_works_without_javascript(personas: Personas, clock: Any) -> None:
    own = personas.a
    task = walk(a_request(own), own, S.ACCEPTED)
    http = signed_in(own.owner)
    response = http.post(move_url(own, task), {"from": "accepted", "to": "in_progress"})
    assert response.status_code == 302
    # Back at the moved card, so a keyboard user keeps their place on the board.
    assert response["Location"] == f"{board_url(own)}#card-{task.pk}"
    follow = http.get(board_url(own))
    assert "Moved “Book the venue” to “In progress”." in page_text(follow)
    assert column(follow, "in_progress") == ["Book the venue"]
    assert f'id="card-{task.pk}"' in follow.content.decode()


def test_contact_accepts_delivered_work_by_moving_it_to_closed(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = walk(a_request(own), own, S.ACCEPTED, S.IN_PROGRESS, S.DELIVERED)
    response = signed_in(own.contact1).post(
        move_url(own, task), {"from": "delivered", "to": "done"}, headers=HTMX
    )
    assert response.status_code == 200
    assert status_of(task) == S.DONE
    assert column(response, "done") == ["Book the venue"]


def test_a_move_for_the_other_side_is_refused_with_the_reason(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.contact1).post(
        move_url(own, task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 400
    text = page_text(response)
    assert 'data-message="Only the practice can accept a request; ask your assistant."' in text
    assert 'data-message-kind="refused"' in text
    # The card is back where it was.
    assert column(response, "requested") == ["Book the venue"]
    assert status_of(task) == S.REQUESTED


def test_a_move_the_workflow_does_not_have_is_refused(personas: Personas, clock: Any) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.owner).post(
        move_url(own, task), {"from": "requested", "to": "delivered"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "A task in “Requested” cannot be moved to “Delivered for review”." in page_text(response)
    assert status_of(task) == S.REQUESTED


def test_a_refused_move_without_javascript_shows_the_board_with_the_reason(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.contact1).post(
        move_url(own, task), {"from": "requested", "to": "accepted"}
    )
    assert response.status_code == 400
    assert re.search(
        r'id="board-live" class="board-live refused" role="status" aria-live="polite">'
        r"Only the practice can accept a request",
        page_text(response),
    )


def test_a_garbled_move_is_refused_not_an_error(personas: Personas, clock: Any) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.owner).post(move_url(own, task), {"to": "x" * 500}, headers=HTMX)
    assert response.status_code == 400
    assert status_of(task) == S.REQUESTED


@pytest.mark.parametrize(
    ("setup", "to", "anchor"),
    [
        ((), "declined", "id_declined_note"),
        ((S.ACCEPTED, S.IN_PROGRESS), "waiting_on_client", "id_waiting_on_client_waiting_for"),
        ((S.ACCEPTED,), "cancelled", "id_cancelled_note"),
    ],
)
def test_moves_that_need_input_open_the_task_page_at_their_form(
    personas: Personas, clock: Any, setup: tuple[str, ...], to: str, anchor: str
) -> None:
    own = personas.a
    task = walk(a_request(own), own, *setup)
    expected = reverse("work:task-detail", args=[task.pk]) + "#" + anchor
    http = signed_in(own.owner)
    dragged = http.post(move_url(own, task), {"from": task.status, "to": to}, headers=HTMX)
    assert dragged.status_code == 200
    assert dragged["HX-Redirect"] == expected
    submitted = http.post(move_url(own, task), {"from": task.status, "to": to})
    assert submitted.status_code == 302
    assert submitted["Location"] == expected
    assert status_of(task) == task.status
    # The anchor is a field on the task page, which says what to fill in.
    page = http.get(expected).content.decode()
    assert f'id="{anchor}"' in page
    assert f"To move “{task.title}” to “{S(to).label}”" in page


def test_a_card_someone_else_moved_meanwhile_is_not_moved(personas: Personas, clock: Any) -> None:
    own = personas.a
    task = a_request(own)
    move_task(task, to=S.ACCEPTED, actor=own.assistant)
    response = signed_in(own.owner).post(
        move_url(own, task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Someone else has just moved this task to “Accepted”" in page_text(response)
    assert column(response, "accepted") == ["Book the venue"]


def test_a_task_of_another_client_cannot_be_moved_through_this_board(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own, client=2)
    url = reverse("work:board-move", args=[own.client1.pk, task.pk])
    response = signed_in(own.owner).post(url, {"from": "requested", "to": "accepted"}, headers=HTMX)
    assert response.status_code == 404
    assert status_of(task) == S.REQUESTED


@pytest.mark.parametrize("persona", ["unassigned", "contact2"])
def test_a_task_the_person_cannot_see_is_missing(
    personas: Personas, clock: Any, persona: str
) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.persona(persona)).post(
        move_url(own, task), {"from": "requested", "to": "cancelled"}, headers=HTMX
    )
    assert response.status_code == 404


def test_another_practices_task_is_missing(personas: Personas, clock: Any) -> None:
    task = a_request(personas.b)
    response = signed_in(personas.a.owner).post(
        move_url(personas.b, task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 404
    assert status_of(task) == S.REQUESTED


# Queries -------------------------------------------------------------------------------------


def fill_board(world: PracticeWorld, rows: int) -> None:
    """``rows`` tasks of client 1 spread over every column, closed ones included, each with
    a checklist of two steps, one done."""
    paths = [(), (S.ACCEPTED,), (S.ACCEPTED, S.IN_PROGRESS), (S.DECLINED,), (S.CANCELLED,)]
    for i in range(rows):
        task = a_request(world, title=f"R{i:02}", assignee=world.assistant)
        with_steps(task, actor=world.assistant, total=2, done=1)
        walk(task, world, *paths[i % len(paths)])


@pytest.mark.parametrize("rows", [2, 50])
@pytest.mark.parametrize("viewer", ["owner", "assistant", "contact1"])
def test_board_queries_do_not_grow_with_the_tasks(
    personas: Personas, clock: Any, rows: int, viewer: str, django_assert_num_queries: Any
) -> None:
    fill_board(personas.a, rows)
    http = signed_in(personas.a.persona(viewer))
    # 1. the session, 2. the user with their membership and practice,
    # 3. the client joined to its practice, 4. the number of tasks per status,
    # 5. the first cards of every column (one query, numbered per column) with assignees
    # and their checklists' progress
    with django_assert_num_queries(5):
        response = http.get(board_url(personas.a))
    # Five kinds of card in turn, the declined and cancelled ones in one closed column.
    per_kind = rows // 5
    expected = 3 * min(per_kind, 10) + min(2 * per_kind, 10) if rows > 2 else rows
    assert page_text(response).count('class="board-title"') == expected
    assert page_text(response).count("1 of 2 checklist steps done") == expected


def test_a_card_past_its_deadline_is_marked_overdue(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    walk(a_request(own, title="Late one", deadline_at=NOW + timedelta(hours=1)), own, S.ACCEPTED)
    a_request(own, title="On time", deadline_at=NOW + timedelta(days=3))
    clock.shift(timedelta(hours=2))
    text = plain(signed_in(own.owner).get(board_url(own)))
    assert "Late one Due Mon 23 Nov, 11:00 Overdue" in text
    assert "On time Due Thu 26 Nov, 10:00 · not assigned" in text


def test_the_move_to_list_starts_on_no_choice_and_an_empty_choice_moves_nothing(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = walk(a_request(own), own, S.ACCEPTED, S.IN_PROGRESS)
    html = page_text(signed_in(own.owner).get(board_url(own)))
    # Not "Cancelled" (the workflow's first move from in progress) waiting behind a click.
    assert f'<select id="move-{task.pk}" name="to" required>\n' in html
    assert '<option value="">Choose a status</option>' in html
    response = signed_in(own.owner).post(move_url(own, task), {"from": "in_progress", "to": ""})
    assert response.status_code == 400
    assert status_of(task) == S.IN_PROGRESS
