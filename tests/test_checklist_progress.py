"""A request's checklist progress in the lists: "☑ 2/5" on the practice's request list and
board cards (said in full to a screen reader), "2 of 5 steps done" in the client's portal.

The counts come with the rows each list already reads; the query-count tests of each list
(test_request_list, test_board, test_practice_board, test_portal_home) give every row a
checklist and check the counts stay fixed at two sizes.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.work.models import Task, TaskStatus
from tandem.work.selectors_progress import Progress
from tandem.work.services import create_task, move_task
from tests.checklist_steps import with_steps
from tests.conftest import Personas, PracticeWorld, page_text, signed_in


def a_request(world: PracticeWorld, title: str) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=3),
    )


def row_of(response, title: str) -> str:
    """The markup of the request list's row, or the board's card, titled ``title``."""
    text = response.content.decode()
    match = re.search(rf"<(tr|li)[ >](?:(?!</\1>).)*>{re.escape(title)}</a>.*?</\1>", text, re.S)
    assert match, f"no row for {title!r}"
    return match.group(0)


@pytest.fixture
def three_requests(personas: Personas) -> PracticeWorld:
    """ "Newsletter" 2 of 5 done, "Invoices" every step done, "Venue" without a checklist."""
    world = personas.a
    with_steps(a_request(world, "Newsletter"), actor=world.assistant, total=5, done=2)
    with_steps(a_request(world, "Invoices"), actor=world.assistant, total=2, done=2)
    a_request(world, "Venue")
    return world


@pytest.mark.parametrize("viewer", ["owner", "assistant", "contact1"])
def test_the_request_list_shows_each_rows_own_checklist_progress(
    three_requests: PracticeWorld, viewer: str
) -> None:
    response = signed_in(three_requests.persona(viewer)).get("/requests/")

    newsletter = row_of(response, "Newsletter")
    assert '<span aria-hidden="true">☑ 2/5</span>' in newsletter
    assert '<span class="visually-hidden">2 of 5 checklist steps done</span>' in newsletter
    assert "☑ 2/2" in row_of(response, "Invoices")
    assert "checklist-mini" not in row_of(response, "Venue")


def test_a_finished_checklist_is_marked_complete_and_an_unfinished_one_is_not(
    three_requests: PracticeWorld,
) -> None:
    response = signed_in(three_requests.owner).get("/requests/")

    assert 'class="checklist-mini small is-complete"' in row_of(response, "Invoices")
    assert "is-complete" not in row_of(response, "Newsletter")


def test_a_checklist_of_one_step_says_step(personas: Personas) -> None:
    world = personas.a
    with_steps(a_request(world, "Call the bank"), actor=world.owner, total=1, done=0)

    response = signed_in(world.owner).get("/requests/")

    assert "0 of 1 checklist step done" in row_of(response, "Call the bank")


@pytest.mark.parametrize("board", ["client", "practice"])
def test_board_cards_show_checklist_progress(three_requests: PracticeWorld, board: str) -> None:
    world = three_requests
    url = f"/clients/{world.client1.pk}/board/" if board == "client" else "/board/"

    response = signed_in(world.assistant).get(url)

    assert response.status_code == 200
    card = row_of(response, "Newsletter")
    assert "☑ 2/5" in card
    assert "2 of 5 checklist steps done" in card
    assert "checklist-mini" not in row_of(response, "Venue")


def test_the_client_board_shows_progress_to_the_client_too(three_requests: PracticeWorld) -> None:
    world = three_requests
    response = signed_in(world.contact1).get(f"/clients/{world.client1.pk}/board/")

    assert "2 of 5 checklist steps done" in row_of(response, "Newsletter")


def test_the_portal_says_progress_in_words_in_each_section(personas: Personas) -> None:
    world = personas.a
    with_steps(a_request(world, "Newsletter"), actor=world.assistant, total=5, done=2)
    waiting = a_request(world, "Guest list")
    for to in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        move_task(waiting, to=to, actor=world.assistant)
    move_task(
        waiting,
        to=TaskStatus.WAITING_ON_CLIENT,
        actor=world.assistant,
        waiting_for="The names",
        waiting_until=timezone.now() + timedelta(days=1),
    )
    with_steps(waiting, actor=world.assistant, total=3, done=3)
    a_request(world, "Venue")

    response = signed_in(world.contact1).get("/portal/")

    text = page_text(response)
    assert "2 of 5 steps done" in text
    assert "3 of 3 steps done" in text
    assert text.count("steps done") == 2  # "Venue" has no checklist: nothing said


def test_progress_is_said_in_words_for_each_audience() -> None:
    assert Progress(done=2, total=5).summary == "2 of 5 steps done"
    assert Progress(done=2, total=5).label == "2 of 5 checklist steps done"
    assert Progress(done=0, total=1).summary == "0 of 1 step done"
    assert Progress(done=2, total=5).short == "2/5"
    assert Progress(done=3, total=3).is_complete
    assert not Progress(done=2, total=3).is_complete
