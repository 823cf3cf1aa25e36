"""Lists that help decide (issue 11): the practice-wide board (every client's open work, or
an assistant's clients'), boards that hide their empty columns, and the client's request form
without an estimate.

The clock is fixed at Monday 23 November 2026, 10:00 UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tandem.clients.services import unassign_assistant
from tandem.core.links import link
from tandem.core.markdown import markdown_preview, shorten
from tandem.work.models import Task, TaskStatus
from tandem.work.services import move_task
from tests.checklist_steps import with_steps
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.day_pages import HTMX, NOW, a_request

S = TaskStatus
BOARD = "/board/"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def titles(response: Any) -> list[str]:
    return re.findall(r'class="board-title"[^>]*>([^<]+)<', page_text(response))


def column(response: Any, key: str) -> tuple[str, list[str]]:
    """A column's opening tag and its card titles."""
    text = page_text(response)
    match = re.search(rf'(<[^>]*data-drop="{key}"[^>]*>)(.*?)</ol>', text, re.DOTALL)
    assert match, f"no column {key}"
    return match.group(1), re.findall(r'class="board-title"[^>]*>([^<]+)<', match.group(2))


def status_of(task: Task) -> str:
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


# Who sees what --------------------------------------------------------------------------------


def test_the_owner_sees_every_clients_open_work_each_card_saying_its_client(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    a_request(own, title="Venue")
    started = a_request(own, client=2, title="Newsletter")
    move_task(started, to=S.ACCEPTED, actor=own.owner)
    a_request(personas.b, title="Other practice's")
    response = signed_in(own.owner).get(BOARD)
    assert response.status_code == 200
    assert column(response, "requested")[1] == ["Venue"]
    assert column(response, "accepted")[1] == ["Newsletter"]
    text = page_text(response)
    assert '<p class="board-client small">Client A1</p>' in text
    assert '<p class="board-client small">Client A2</p>' in text
    assert "Other practice's" not in text


def test_an_assistant_sees_only_their_clients_cards(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own, title="Client one's")
    a_request(own, client=2, title="Client two's")
    assert titles(signed_in(own.assistant).get(BOARD)) == ["Client one's"]


@pytest.mark.parametrize("who", ["unassigned", "b_owner"])
def test_people_without_those_clients_see_an_empty_board(
    personas: Personas, clock: Any, who: str
) -> None:
    a_request(personas.a, title="Venue")
    viewer = personas.b.owner if who == "b_owner" else personas.a.unassigned
    response = signed_in(viewer).get(BOARD)
    assert response.status_code == 200
    assert titles(response) == []
    assert "Nothing to show" in page_text(response)


def test_contacts_cannot_open_the_practice_board(personas: Personas, clock: Any) -> None:
    assert signed_in(personas.a.contact1).get(BOARD).status_code == 403


# Whose work -----------------------------------------------------------------------------------


def test_mine_shows_only_the_viewers_tasks(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own, title="Theirs")
    a_request(own, title="Mine", assignee=own.assistant)
    assert titles(signed_in(own.assistant).get(BOARD + "?who=mine")) == ["Mine"]
    assert sorted(titles(signed_in(own.assistant).get(BOARD))) == ["Mine", "Theirs"]


def test_my_work_on_a_client_i_no_longer_assist_leaves_my_board(
    personas: Personas, clock: Any
) -> None:
    """The board's SQL is kept per member; the clients they reach are read on each visit."""
    own = personas.a
    a_request(own, title="Mine", assignee=own.assistant)
    http = signed_in(own.assistant)
    assert titles(http.get(BOARD + "?who=mine")) == ["Mine"]
    unassign_assistant(own.client1, assistant=own.assistant, actor=own.owner)
    assert titles(http.get(BOARD + "?who=mine")) == []
    assert titles(http.get(BOARD)) == []


def test_the_owner_can_show_one_assistants_work(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own, title="Nobody's")
    a_request(own, title="The assistant's", assignee=own.assistant)
    response = signed_in(own.owner).get(BOARD + f"?who={own.assistant.pk}")
    assert titles(response) == ["The assistant's"]
    assert f'<option value="{own.assistant.pk}" selected>' in page_text(response)


@pytest.mark.parametrize("who", ["someone", "999999"])
def test_an_unknown_person_shows_everyones_work_and_says_so(
    personas: Personas, clock: Any, who: str
) -> None:
    own = personas.a
    a_request(own, title="Venue")
    response = signed_in(own.owner).get(BOARD + f"?who={who}")
    assert response.status_code == 400
    text = page_text(response)
    assert "Whose work: That person is not in the list" in text
    assert titles(response) == ["Venue"]


def test_an_assistant_cannot_pick_a_colleague(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own, title="Venue", assignee=own.assistant)
    response = signed_in(own.unassigned).get(BOARD + f"?who={own.assistant.pk}")
    assert response.status_code == 400
    assert titles(response) == []


# Moves ----------------------------------------------------------------------------------------


def move_url(task: Task) -> str:
    return reverse("work:practice-board-move", args=[task.pk])


def test_a_card_moves_through_the_workflow_and_the_board_comes_back_at_it(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own, client=2)
    response = signed_in(own.owner).post(
        move_url(task), {"from": "requested", "to": "accepted", "who": "everyone"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}?who=everyone#card-{task.pk}"
    assert status_of(task) == S.ACCEPTED


def test_a_move_by_dragging_gets_the_board_back_with_the_card_moved(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own, title="Venue", assignee=own.assistant)
    response = signed_in(own.assistant).post(
        move_url(task), {"from": "requested", "to": "accepted", "who": "mine"}, headers=HTMX
    )
    assert response.status_code == 200
    assert column(response, "accepted")[1] == ["Venue"]
    assert "Moved “Venue” to “Accepted”." in page_text(response)
    # The board keeps the filter it showed: the card's form carries it.
    assert '<input type="hidden" name="who" value="mine">' in page_text(response)


def test_a_move_the_workflow_refuses_comes_back_with_the_sentence(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.owner).post(
        move_url(task), {"from": "requested", "to": "done"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Choose one of the statuses" in page_text(response) or "cannot" in page_text(response)
    assert status_of(task) == S.REQUESTED


def test_a_move_that_needs_a_reason_opens_the_task_page(personas: Personas, clock: Any) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.owner).post(move_url(task), {"from": "requested", "to": "declined"})
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/#id_declined_note"
    assert status_of(task) == S.REQUESTED


def test_cards_offer_the_moves_of_their_own_clients_standing(
    personas: Personas, clock: Any
) -> None:
    own = personas.a
    task = a_request(own)
    response = signed_in(own.assistant).get(BOARD)
    card = re.search(rf'id="card-{task.pk}".*?</li>', page_text(response), re.DOTALL)
    assert card
    assert '<option value="accepted">Accepted</option>' in card.group(0)
    assert f'action="/board/tasks/{task.pk}/move/"' in card.group(0)


def test_moving_a_card_of_a_client_the_assistant_does_not_work_on_is_missing(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a, client=2)
    response = signed_in(personas.a.assistant).post(
        move_url(task), {"from": "requested", "to": "accepted"}
    )
    assert response.status_code == 404
    assert status_of(task) == S.REQUESTED


# Empty columns --------------------------------------------------------------------------------


@pytest.mark.parametrize("board", ["client", "practice"])
def test_empty_columns_are_hidden_but_stay_as_drop_targets(
    personas: Personas, clock: Any, board: str
) -> None:
    own = personas.a
    a_request(own, title="Venue")
    url = BOARD if board == "practice" else reverse("work:board", args=[own.client1.pk])
    response = signed_in(own.owner).get(url)
    opening, cards = column(response, "requested")
    assert "is-empty" not in opening
    assert cards == ["Venue"]
    for key in ("needs_deadline", "accepted", "in_progress", "waiting_on_client", "delivered"):
        opening, cards = column(response, key)
        assert 'class="board-column is-empty"' in opening
        assert cards == []


# Queries --------------------------------------------------------------------------------------


def fill(world: PracticeWorld, rows: int) -> None:
    for i in range(rows):
        client = 1 + i % 2
        assignee = world.assistant if client == 1 else None
        task = a_request(world, client=client, title=f"R{i:02}", assignee=assignee)
        with_steps(task, actor=world.owner, total=2, done=1)
        for to in (S.ACCEPTED, S.IN_PROGRESS)[: i % 3]:
            move_task(task, to=to, actor=world.owner)


@pytest.mark.parametrize("rows", [3, 60])
@pytest.mark.parametrize("who", ["", "the assistant's"])
@pytest.mark.parametrize("viewer", ["owner", "assistant"])
def test_practice_board_queries_do_not_grow_with_the_tasks(
    personas: Personas,
    clock: Any,
    rows: int,
    who: str,
    viewer: str,
    django_assert_num_queries: Any,
) -> None:
    fill(personas.a, rows)
    http = signed_in(personas.a.persona(viewer))
    if who:
        who = "?who=mine" if viewer == "assistant" else f"?who={personas.a.assistant.pk}"
    # 1. the session, 2. the user with their membership and practice, (owners: the people
    # to pick from), the first ids of every column (their counts), the cards (with their
    # checklists' progress), their clients
    with django_assert_num_queries(6 if viewer == "owner" else 5):
        response = http.get(BOARD + who)
    assert response.status_code == 200
    shown = len(titles(response))
    assert page_text(response).count("1 of 2 checklist steps done") == shown
    assert shown == (30 if rows == 60 else rows) if viewer == "owner" and not who else shown > 0


def test_a_column_of_more_than_a_hundred_says_so(personas: Personas, clock: Any) -> None:
    own = personas.a
    for i in range(102):
        a_request(own, title=f"R{i:03}")
    response = signed_in(own.owner).get(BOARD)
    text = page_text(response)
    assert '<span class="badge status-requested">100+</span>' in text
    assert "90+ more" in text
    assert len(column(response, "requested")[1]) == 10


# The client's form asks no estimate -------------------------------------------------------------


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Book the venue",
        "request_markdown": "",
        "expectations": "A signed booking",
        "deadline": "Friday 5pm",
        "priority": "normal",
    } | overrides


def test_the_clients_form_does_not_ask_for_an_estimate(personas: Personas, clock: Any) -> None:
    own = personas.a
    url = reverse("work:task-create", args=[own.client1.pk])
    assert "Estimate in hours" not in page_text(signed_in(own.contact1).get(url))
    assert "Estimate in hours" in page_text(signed_in(own.owner).get(url))


def test_an_estimate_a_contact_posts_anyway_is_ignored(personas: Personas, clock: Any) -> None:
    own = personas.a
    url = reverse("work:task-create", args=[own.client1.pk])
    response = signed_in(own.contact1).post(url, form_data(estimate_hours="-5"))
    assert response.status_code == 302
    assert Task.objects.get().estimate_hours is None


def test_the_practice_still_estimates(personas: Personas, clock: Any) -> None:
    own = personas.a
    url = reverse("work:task-create", args=[own.client1.pk])
    response = signed_in(own.owner).post(url, form_data(estimate_hours="1.5", assignee=""))
    assert response.status_code == 302
    assert Task.objects.get().estimate_hours == Decimal("1.5")


# The pieces -----------------------------------------------------------------------------------


def test_links_are_the_reversed_urls(db: Any) -> None:
    assert link("work:task-detail", 42) == reverse("work:task-detail", args=[42])
    assert link("work:board-move", 3, 42) == reverse("work:board-move", args=[3, 42])


def test_a_preview_is_the_texts_words_cut_at_a_word() -> None:
    assert markdown_preview("# Hi\n\n*Book* `the` [hall](https://x.test)\n> soon") == (
        "Hi Book the hall soon"
    )
    assert (
        markdown_preview("snake_case stays, \\*escaped\\* too") == "snake_case stays, *escaped* too"
    )
    assert shorten("one two three", 9) == "one two…"
    assert shorten("short", 9) == "short"
