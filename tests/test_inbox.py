"""The inbox: new requests across the viewer's clients, accepted or declined in place.

The clock is fixed at Monday 23 November 2026, 10:00 UTC. Requests are written by the
clients' contacts through the same service the request form uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant
from tandem.core.access import Requirement, requirement_added
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.work.attachments import store_attachment
from tandem.work.models import Task, TaskEvent, TaskStatus
from tandem.work.services import accept_and_start, create_task, move_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.day_pages import HTMX, NOW, a_request


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def by_email(world: PracticeWorld) -> Task:
    """A request from e-mail with no readable deadline: the client is asked for one."""
    return create_task(
        world.client1,
        actor=world.contact1,
        title="From the mailbox",
        expectations="Sorted",
        deadline_at=None,
        allow_missing_deadline=True,
    )


def move_url(task: Task) -> str:
    return reverse("work:inbox-move", args=[task.pk])


def plain(response: Any) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", page_text(response)).split())


def titles(response: Any) -> list[str]:
    return re.findall(r'class="inbox-title"[^>]*>([^<]+)<', page_text(response))


# What the inbox shows ------------------------------------------------------------------------


def test_owner_sees_every_clients_new_requests_oldest_first(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    own = personas.a
    a_request(own, title="First in")
    clock.shift(timedelta(hours=2))
    a_request(own, client=2, title="Second in")
    clock.shift(timedelta(hours=1))
    response = signed_in(own.owner).get(reverse("work:inbox"))
    assert response.status_code == 200
    assert titles(response) == ["First in", "Second in"]
    text = plain(response)
    assert "Client A1 · from contact1 · came in 3 hours ago" in text
    assert "Due Fri 27 Nov 2026, 17:00" in text


def test_deadline_is_shown_in_the_viewers_time_zone(personas: Personas, clock: Any) -> None:
    own = personas.a
    a_request(own)
    User.objects.filter(pk=own.owner.pk).update(time_zone="Pacific/Auckland")
    response = signed_in(own.owner).get(reverse("work:inbox"))
    # 17:00 UTC on Friday is 06:00 on Saturday in Auckland (UTC+13 in November).
    assert "Due Sat 28 Nov 2026, 06:00" in plain(response)
    assert "Times are in Auckland time" in page_text(response)


def test_only_new_requests_are_listed(personas: Personas, clock: Any) -> None:
    own = personas.a
    accepted = a_request(own, title="Already accepted")
    move_task(accepted, to=TaskStatus.ACCEPTED, actor=own.owner)
    a_request(own, title="Still new")
    assert titles(signed_in(own.owner).get(reverse("work:inbox"))) == ["Still new"]


def test_request_waiting_for_a_deadline_is_flagged_and_cannot_be_accepted(
    personas: Personas, clock: Any
) -> None:
    by_email(personas.a)
    response = signed_in(personas.a.owner).get(reverse("work:inbox"))
    text = page_text(response)
    assert "Waiting for the client's deadline" in text
    assert "you can accept or decline once it is set" in text
    assert 'value="accepted"' not in text


def test_assistant_sees_only_the_requests_of_their_clients(personas: Personas, clock: Any) -> None:
    a_request(personas.a, title="For client 1")
    a_request(personas.a, client=2, title="For client 2")
    response = signed_in(personas.a.assistant).get(reverse("work:inbox"))
    assert titles(response) == ["For client 1"]


def test_unassigned_assistant_and_other_practice_see_an_empty_inbox(
    personas: Personas, clock: Any
) -> None:
    a_request(personas.a)
    for user in (personas.a.unassigned, personas.b.owner, personas.b.assistant):
        response = signed_in(user).get(reverse("work:inbox"))
        assert titles(response) == []
        assert "No new requests" in page_text(response)


@pytest.mark.parametrize("kind", ["contact1", "contact2"])
def test_contacts_cannot_open_the_inbox(personas: Personas, clock: Any, kind: str) -> None:
    a_request(personas.a)
    assert signed_in(personas.a.persona(kind)).get(reverse("work:inbox")).status_code == 403


def test_inbox_shows_the_oldest_twenty_five_and_says_how_many_wait(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    for i in range(27):
        a_request(personas.a, title=f"Request {i:02}")
        clock.shift(timedelta(minutes=1))
    response = signed_in(personas.a.owner).get(reverse("work:inbox"))
    shown = titles(response)
    assert len(shown) == 25
    assert (shown[0], shown[-1]) == ("Request 00", "Request 24")
    assert "Showing the 25 oldest of 27 new requests" in page_text(response)


# Accepting and declining in place -----------------------------------------------------------


def test_accepting_in_place_replaces_the_row_with_its_new_state(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.assistant).post(
        move_url(task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 200
    text = page_text(response)
    assert text.lstrip().startswith(f'<li class="card inbox-row" id="inbox-task-{task.pk}">')
    assert 'role="status"' in text
    assert ">Accepted</span>" in text
    # htmx focuses the row's link after the swap: a keyboard user stays on this row.
    assert f'href="/tasks/{task.pk}/" autofocus>Open the task</a>' in text
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    event = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.STATUS_CHANGED).latest("id")
    assert (event.actor, event.to_status) == (personas.a.assistant, TaskStatus.ACCEPTED)
    # Accepting an unassigned request gives it to the assistant who accepted it.
    assert task.assignee == personas.a.assistant


def test_accepting_without_javascript_goes_back_to_the_inbox(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    http = signed_in(personas.a.owner)
    response = http.post(move_url(task), {"from": "requested", "to": "accepted"})
    assert response.status_code == 302
    assert response["Location"] == reverse("work:inbox")
    follow = http.get(response["Location"])
    assert "“Book the venue” is now accepted." in page_text(follow)
    assert titles(follow) == []


def test_declining_in_place_keeps_the_reason(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.owner).post(
        move_url(task),
        {"from": "requested", "to": "declined", "note": "We do not do travel"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Declined: <q>We do not do travel</q>" in page_text(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.DECLINED
    assert TaskEvent.objects.filter(task=task).latest("id").note == "We do not do travel"


def test_declining_without_a_reason_asks_for_it_in_the_row(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.owner).post(
        move_url(task), {"from": "requested", "to": "declined", "note": "  "}, headers=HTMX
    )
    assert response.status_code == 400
    text = page_text(response)
    assert '<details class="inbox-decline" open>' in text
    assert f'<ul class="errorlist" id="decline-note-{task.pk}-error">' in text
    assert "Say why you are declining this request." in text
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REQUESTED


def test_a_reason_that_is_too_long_is_refused_and_kept(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    reason = "No. " * 1300
    response = signed_in(personas.a.owner).post(
        move_url(task), {"from": "requested", "to": "declined", "note": reason}, headers=HTMX
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Shorten this to 5000 characters; it has 5199." in text  # its last space is trimmed
    assert reason in text
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REQUESTED


def test_declining_without_a_reason_and_without_javascript_shows_the_inbox_with_the_message(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.owner).post(
        move_url(task), {"from": "requested", "to": "declined", "note": ""}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "<h1>Inbox</h1>" in text
    assert f'id="decline-note-{task.pk}-error"><li>Say why you are declining this request.' in text


def test_a_move_the_workflow_does_not_allow_is_refused_in_the_row(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.owner).post(
        move_url(task), {"from": "requested", "to": "done"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "A task in “Requested” cannot be moved to “Done”." in page_text(response)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REQUESTED


def test_an_unknown_move_is_refused_not_an_error(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.owner).post(move_url(task), {"to": "<script>"}, headers=HTMX)
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


def test_a_request_someone_else_moved_meanwhile_is_not_moved_again(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=personas.a.assistant)
    response = signed_in(personas.a.owner).post(
        move_url(task), {"from": "requested", "to": "declined", "note": "Too late"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Someone else has just moved this task to “Accepted”" in page_text(response)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED


def test_the_same_without_javascript_says_so_at_the_top_of_the_inbox(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=personas.a.assistant)
    response = signed_in(personas.a.owner).post(
        move_url(task), {"from": "requested", "to": "accepted"}
    )
    assert response.status_code == 400
    assert re.search(
        r'<div class="form-errors" role="alert">Someone else has just moved this task',
        page_text(response),
    )


@pytest.mark.parametrize(
    ("actor", "owner_of_task"),
    [("assistant", "a_client2"), ("unassigned", "a_client1"), ("owner", "b_client1")],
)
def test_a_request_the_person_cannot_see_is_missing(
    personas: Personas, clock: Any, actor: str, owner_of_task: str
) -> None:
    practice, client = owner_of_task.split("_")
    task = a_request(getattr(personas, practice), client=int(client[-1]))
    response = signed_in(personas.a.persona(actor)).post(
        move_url(task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REQUESTED


def test_a_contact_cannot_accept_from_the_inbox(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.contact1).post(
        move_url(task), {"from": "requested", "to": "accepted"}, headers=HTMX
    )
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REQUESTED


# Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 50])
@pytest.mark.parametrize("viewer", ["owner", "assistant"])
def test_inbox_queries_do_not_grow_with_the_requests(
    personas: Personas, clock: Any, rows: int, viewer: str, django_assert_num_queries: Any
) -> None:
    for i in range(rows):
        a_request(personas.a, client=1 + i % 2 if viewer == "owner" else 1, title=f"R{i}")
    http = signed_in(personas.a.persona(viewer))
    # 1. the session, 2. the user with their membership and practice,
    # 3. the oldest new requests joined to client and author (their ids picked in a
    # subquery), 4. how many there are
    with django_assert_num_queries(4):
        response = http.get(reverse("work:inbox"))
    assert len(titles(response)) == min(rows, 25)


def test_a_new_request_past_its_deadline_is_marked_overdue(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a_request(personas.a, deadline_at=NOW + timedelta(hours=1))
    clock.shift(timedelta(hours=2))
    text = plain(signed_in(personas.a.owner).get(reverse("work:inbox")))
    assert "Due Mon 23 Nov 2026, 11:00 Overdue" in text


# Lists that help decide (issue 11): what a row says, and "Accept and start" ------------------


def row_of(response: Any, task: Task) -> str:
    match = re.search(
        rf'<li class="card inbox-row" id="inbox-task-{task.pk}">(.*?)</li>\s*(?:<li|</ul>|$)',
        page_text(response),
        re.DOTALL,
    )
    assert match, f"no row for task {task.pk}"
    return match.group(1)


def test_a_row_shows_the_start_of_the_request_as_plain_text(personas: Personas, clock: Any) -> None:
    task = a_request(
        personas.a,
        request_markdown="## Venue\n\nPlease **book** the [hall](https://example.com) "
        "<script>x</script>\n\n- 40 guests\n- " + "lunch " * 80,
    )
    response = signed_in(personas.a.owner).get(reverse("work:inbox"))
    row = row_of(response, task)
    preview = re.search(r'<p class="inbox-preview">(.*?)</p>', row, re.DOTALL)
    assert preview
    text = preview.group(1)
    assert text.startswith("Venue Please book the hall <script>x</script> 40 guests lunch")
    # Cut at a word with an ellipsis; the markup is gone and the page escapes what is left.
    assert text.endswith("lunch…")
    assert len(text) <= 220
    assert "&lt;script&gt;" in response.content.decode()
    assert "<strong>" not in text
    assert "##" not in text
    assert "](" not in text


def test_a_row_shows_what_done_looks_like_and_how_many_files_came_with_it(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a, expectations="A signed booking for 40 people")
    for name in ("floor-plan.pdf", "menu.pdf"):
        store_attachment(
            client=personas.a.client1,
            uploaded_by=personas.a.contact1,
            name=name,
            content=b"%PDF-1.4\n%%EOF\n",
            task=task,
        )
    bare = a_request(personas.a, title="No files")
    response = signed_in(personas.a.owner).get(reverse("work:inbox"))
    assert "Done means: A signed booking for 40 people" in plain_of(row_of(response, task))
    assert "· 2 files" in plain_of(row_of(response, task))
    assert "file" not in plain_of(row_of(response, bare)).split("came in")[1].split("Done")[0]


def plain_of(html_text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html_text).split())


def accept_start_url(task: Task) -> str:
    return reverse("work:inbox-accept-start", args=[task.pk])


def test_accept_and_start_makes_both_moves_and_the_assistant_takes_it_on(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    accept_and_start(task, actor=personas.a.assistant)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.assignee == personas.a.assistant
    moves = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.STATUS_CHANGED)
    assert [(e.from_status, e.to_status) for e in moves.order_by("pk")] == [
        ("requested", "accepted"),
        ("accepted", "in_progress"),
    ]
    assert TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.ASSIGNED).count() == 1


def test_an_owner_who_works_on_the_client_takes_it_on_too(personas: Personas, clock: Any) -> None:
    own = personas.a
    assign_assistant(own.client1, actor=own.owner, assistant=own.owner)
    task = a_request(own)
    accept_and_start(task, actor=own.owner)
    task.refresh_from_db()
    assert (task.status, task.assignee) == (TaskStatus.IN_PROGRESS, own.owner)


def test_accept_and_start_is_all_or_nothing(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    paused = Requirement("paused", holds=lambda standing: False, refusal="{client} is paused.")
    with (
        requirement_added(Capability.START_WORK, paused),
        pytest.raises(DomainError, match=r"Client A1 is paused\."),
    ):
        accept_and_start(task, actor=personas.a.assistant)
    task.refresh_from_db()
    assert (task.status, task.assignee) == (TaskStatus.REQUESTED, None)
    assert not TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.STATUS_CHANGED).exists()


def test_accept_and_start_in_place_replaces_the_row(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.assistant).post(
        accept_start_url(task), {"from": "requested"}, headers=HTMX
    )
    assert response.status_code == 200
    text = plain(response)
    assert "In progress" in text
    assert "Open the task" in text
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS


def test_accept_and_start_without_javascript_goes_back_to_the_inbox(
    personas: Personas, clock: Any
) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.owner).post(accept_start_url(task), {"from": "requested"})
    assert response.status_code == 302
    assert response["Location"] == reverse("work:inbox")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS


@pytest.mark.parametrize("htmx", [True, False])
def test_accept_and_start_after_someone_else_accepted_says_so(
    personas: Personas, clock: Any, htmx: bool
) -> None:
    task = a_request(personas.a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=personas.a.owner)
    response = signed_in(personas.a.assistant).post(
        accept_start_url(task), {"from": "requested"}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 400
    assert "Someone else has just moved this task to “Accepted”; reload it and choose again." in (
        page_text(response)
    )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED


def test_accept_and_start_of_a_request_waiting_for_its_deadline_is_refused(
    personas: Personas, clock: Any
) -> None:
    task = by_email(personas.a)
    response = signed_in(personas.a.owner).post(
        accept_start_url(task), {"from": "needs_deadline"}, headers=HTMX
    )
    assert response.status_code == 400
    assert "cannot be moved to “Accepted”" in page_text(response)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.NEEDS_DEADLINE


def test_a_contact_cannot_accept_and_start(personas: Personas, clock: Any) -> None:
    task = a_request(personas.a)
    response = signed_in(personas.a.contact1).post(accept_start_url(task), {"from": "requested"})
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).status == TaskStatus.REQUESTED


@pytest.mark.parametrize("rows", [2, 30])
def test_inbox_queries_do_not_grow_with_files_and_long_requests(
    personas: Personas, clock: Any, rows: int, django_assert_num_queries: Any
) -> None:
    for i in range(rows):
        task = a_request(personas.a, title=f"R{i}", request_markdown="Words " * 500)
        if i % 3 == 0:
            store_attachment(
                client=personas.a.client1,
                uploaded_by=personas.a.contact1,
                name="brief.pdf",
                content=b"%PDF-1.4\n%%EOF\n",
                task=task,
            )
    http = signed_in(personas.a.owner)
    # The session, the user with their membership; the rows with their file counts; the total.
    with django_assert_num_queries(4):
        response = http.get(reverse("work:inbox"))
    assert len(titles(response)) == min(rows, 25)
