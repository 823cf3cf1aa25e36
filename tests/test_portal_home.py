"""The client portal's home: what is waiting on the client, what was delivered for their
review, what is in progress, and recent activity, each with a way to the full list."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client, ClientContact
from tandem.clients.services import assign_assistant
from tandem.core.roles import Role
from tandem.work.deliveries import deliver_task
from tandem.work.models import Comment, Task, TaskEvent, TaskStatus
from tandem.work.selectors_lists import PORTAL_SECTION_SIZE
from tandem.work.services import add_comment, create_task, move_task
from tests.checklist_steps import with_steps
from tests.conftest import Personas, PracticeWorld, join, page_text, signed_in

URL = "/portal/"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_task(client: Client, actor: User, title: str, days: int = 3) -> Task:
    return create_task(
        client,
        actor=actor,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=days),
    )


def started(world: PracticeWorld, title: str, days: int = 3) -> Task:
    task = make_task(world.client1, world.contact1, title, days)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    return task


def without_deadline(world: PracticeWorld, title: str) -> Task:
    """A request saved from an e-mail with no readable deadline: the client owes one."""
    return create_task(
        world.client1,
        actor=world.contact1,
        title=title,
        expectations="Done",
        deadline_at=None,
        allow_missing_deadline=True,
    )


def waiting(world: PracticeWorld, title: str, what: str = "The logo") -> Task:
    task = started(world, title)
    move_task(
        task,
        to=TaskStatus.WAITING_ON_CLIENT,
        actor=world.assistant,
        waiting_for=what,
        waiting_until=timezone.now() + timedelta(days=1),
    )
    return task


def delivered(world: PracticeWorld, title: str) -> Task:
    task = started(world, title)
    deliver_task(task, actor=world.assistant, message="The first draft, for your review.")
    return task


def section_titles(response, key: str) -> list[str]:
    return [task.title for task in response.context["page"].sections[key].tasks]


def section(response, heading_id: str) -> str:
    """The text of one section of the page, by its heading's id."""
    html = response.content.decode()
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.DOTALL)
    assert match, heading_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_each_section_shows_the_right_tasks(personas: Personas, clock) -> None:
    a = personas.a
    waiting(a, "Send the photos", what="Twelve product photos")
    delivered(a, "Draft the newsletter")
    started(a, "Book the venue")
    make_task(a.client1, a.contact1, "Order ribbon")
    done = delivered(a, "Old work")
    move_task(done, to=TaskStatus.DONE, actor=a.contact1)
    response = signed_in(a.contact1).get(URL)
    assert response.status_code == 200
    assert section_titles(response, "waiting_on_you") == ["Send the photos"]
    assert section_titles(response, "delivered") == ["Draft the newsletter"]
    assert section_titles(response, "in_progress") == ["Book the venue", "Order ribbon"]
    waiting_text = section(response, "waiting-h")
    assert "Twelve product photos" in waiting_text
    assert "by Thu 26 Nov, 12:00" in waiting_text
    assert "Old work" not in page_text(response).split("Recent activity")[0]


def test_a_request_that_needs_a_deadline_is_waiting_on_the_client(
    personas: Personas, clock
) -> None:
    a = personas.a
    without_deadline(a, "From an e-mail")
    response = signed_in(a.contact1).get(URL)
    assert section_titles(response, "waiting_on_you") == ["From an e-mail"]
    assert "Set a deadline" in section(response, "waiting-h")


def test_delivered_work_offers_accept_and_send_back(personas: Personas, clock) -> None:
    a = personas.a
    task = delivered(a, "Draft the newsletter")
    text = section(signed_in(a.contact1).get(URL), "delivered-h")
    assert "Accept" in text
    assert "Send back" in text
    html = signed_in(a.contact1).get(URL).content.decode()
    assert f'href="/tasks/{task.pk}/#delivery"' in html


def test_sections_are_limited_with_a_link_to_the_filtered_list(personas: Personas, clock) -> None:
    a = personas.a
    for i in range(PORTAL_SECTION_SIZE + 2):
        make_task(a.client1, a.contact1, f"Request {i}", days=i + 1)
    response = signed_in(a.contact1).get(URL)
    assert section_titles(response, "in_progress") == [
        f"Request {i}" for i in range(PORTAL_SECTION_SIZE)
    ]
    assert response.context["page"].sections["in_progress"].total == PORTAL_SECTION_SIZE + 2
    text = section(response, "active-h")
    assert f"See all {PORTAL_SECTION_SIZE + 2} with your assistant" in text
    assert 'href="/requests/?status=active"' in response.content.decode()
    # The link shows exactly the tasks the section counted.
    listed = signed_in(a.contact1).get("/requests/?status=active")
    assert listed.context["page"].paginator.count == PORTAL_SECTION_SIZE + 2


def test_recent_activity_says_who_did_what_and_when(personas: Personas, clock) -> None:
    a = personas.a
    task = make_task(a.client1, a.contact1, "Book the venue")
    clock.shift(timedelta(minutes=5))
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    clock.shift(timedelta(minutes=5))
    add_comment(task, actor=a.assistant, body_markdown="Two venues are free on the 3rd.")
    response = signed_in(a.contact1).get(URL)
    entries = response.context["page"].activity
    assert [(e.kind, e.who) for e in entries] == [
        ("commented", a.assistant.display_name),
        (TaskEvent.Kind.STATUS_CHANGED, a.assistant.display_name),
        (TaskEvent.Kind.CREATED, a.contact1.display_name),
    ]
    text = section(response, "activity-h")
    assert "commented on Book the venue" in text
    assert "Two venues are free on the 3rd." in text
    assert "moved Book the venue to Accepted" in text
    assert "asked for Book the venue" in text
    assert "Wed 25 Nov, 12:10" in text


def test_recent_activity_quotes_a_comment_as_its_reader_sees_it(personas: Personas, clock) -> None:
    a = personas.a
    task = make_task(a.client1, a.contact1, "Newsletter")
    body = "Put the **wreath workshop** first.\n\n- a <b>bold</b> claim\n- [prices](https://x.test)"
    add_comment(task, actor=a.assistant, body_markdown=body)
    response = signed_in(a.contact1).get(URL)
    text = section(response, "activity-h")
    # No Markdown marks, and what someone typed as HTML stays text.
    assert "“Put the wreath workshop first. a &lt;b&gt;bold&lt;/b&gt; claim prices”" in text


def test_the_portal_never_shows_another_clients_work(personas: Personas, clock) -> None:
    a, b = personas.a, personas.b
    task = make_task(a.client2, a.contact2, "Client two secret")
    add_comment(task, actor=a.owner, body_markdown="Client two comment")
    make_task(b.client1, b.contact1, "Other practice secret")
    text = page_text(signed_in(a.contact1).get(URL))
    assert "secret" not in text
    assert "Client two comment" not in text


def test_empty_sections_say_what_happens_next(personas: Personas, clock) -> None:
    a = personas.a
    response = signed_in(a.contact1).get(URL)
    text = page_text(response)
    assert "Nothing is waiting on you" in text
    assert "Nothing to review" in text
    assert "Nothing is with your assistant right now" in text
    assert "No activity yet" in text
    assert f"/clients/{a.client1.pk}/requests/new/" in text
    assert "New request" in text


SIZES = [2, 50]


@pytest.mark.parametrize("rows", SIZES)
def test_portal_home_queries(personas: Personas, rows: int, django_assert_num_queries) -> None:
    a = personas.a
    for i in range(rows):
        task = make_task(a.client1, a.contact1, f"Request {i:02}")
        add_comment(task, actor=a.assistant, body_markdown="Noted")
        with_steps(task, actor=a.assistant, total=4, done=2)
    with_steps(waiting(a, "Waiting"), actor=a.assistant, total=4, done=2)
    with_steps(delivered(a, "Delivered"), actor=a.assistant, total=4, done=2)
    http = signed_in(a.contact1)
    # 1-2. session, the user with their membership; 3. the client, 4. its assistants and
    # contacts (UNION ALL), 5. its open work counted by status (each section's total), 6.
    # each section's first rows and the requests waiting for its go-ahead (UNION ALL of
    # their ids) with their checklists' progress, 7. its latest changes and comments
    # (UNION ALL), 8. its projects, 9. what the practice asked it for, 10. its heads-ups
    # still coming, 11. its latest weekly check-in, 12. the next phase suggested to it, 13.
    # its agreements waiting for a signature or in force (issue 14)
    with django_assert_num_queries(13):
        response = http.get(URL)
    assert response.context["page"].sections["in_progress"].total == rows
    shown = min(rows, PORTAL_SECTION_SIZE) + 2
    assert page_text(response).count("2 of 4 steps done") == shown


def test_each_change_and_comment_carries_its_tasks_client_for_the_activity_index(
    personas: Personas, clock
) -> None:
    a = personas.a
    task = make_task(a.client2, a.contact2, "Renew the lease")
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.owner)
    add_comment(task, actor=a.owner, body_markdown="On it.")
    assert set(TaskEvent.objects.filter(task=task).values_list("client_id", flat=True)) == {
        a.client2.pk
    }
    assert set(Comment.objects.filter(task=task).values_list("client_id", flat=True)) == {
        a.client2.pk
    }


def test_the_portal_links_to_the_clients_board(personas: Personas, clock) -> None:
    a = personas.a
    html = signed_in(a.contact1).get(URL).content.decode()
    board = f"/clients/{a.client1.pk}/board/"
    assert f'<a href="{board}">see them on a board by status</a>' in html
    assert signed_in(a.contact1).get(board).status_code == 200


def test_the_portal_names_the_clients_assistants_and_its_contacts_main_contact_first(
    personas: Personas, clock
) -> None:
    a = personas.a
    # Names that sort before the main contact's, so only "main first" puts it on top.
    aaron = join(a.owner, "aaron@a.example.com", role=Role.CONTACT, client=a.client1)
    User.objects.filter(pk=aaron.pk).update(name="Aaron Abbott")
    second = join(a.owner, "second@a.example.com", role=Role.ASSISTANT)
    User.objects.filter(pk=second.pk).update(name="Abe Second")
    assign_assistant(a.client1, assistant=second, actor=a.owner)
    Client.objects.filter(pk=a.client1.pk).update(
        main_contact=ClientContact.objects.get(client=a.client1, user=a.contact1)
    )
    # Client 2's people are someone else's: none of them may show.
    assign_assistant(a.client2, assistant=a.unassigned, actor=a.owner)

    page = signed_in(a.contact1).get(URL).context["page"]

    assert [p.display_name for p in page.assistants] == ["Abe Second", a.assistant.display_name]
    assert [p.user_id for p in page.contacts] == [a.contact1.pk, aaron.pk]


def test_a_section_of_several_statuses_shows_its_soonest_due_whatever_their_status(
    personas: Personas, clock
) -> None:
    """Each status is picked on its own; the section is the soonest of all their picks."""
    a = personas.a
    # More than a section holds in each status, their deadlines interleaved so that the
    # section's first five take three of one status and one of each other.
    started_in, requested_in = [2, 3, 5, 7, 9, 11], [4, 6, 8, 10, 12, 14]
    assert len(started_in) == PORTAL_SECTION_SIZE + 1
    for i, (start_days, request_days) in enumerate(zip(started_in, requested_in, strict=True)):
        make_task(a.client1, a.contact1, f"Requested {i}", days=request_days)
        started(a, f"Started {i}", days=start_days)
    accepted = make_task(a.client1, a.contact1, "Accepted soonest", days=1)
    move_task(accepted, to=TaskStatus.ACCEPTED, actor=a.assistant)
    # Waiting on the client: one waits for an answer due tomorrow, one needs a deadline.
    waiting(a, "Waiting one")
    without_deadline(a, "Needs a deadline")

    response = signed_in(a.contact1).get(URL)

    assert section_titles(response, "in_progress") == [
        "Accepted soonest",
        "Started 0",
        "Started 1",
        "Requested 0",
        "Started 2",
    ]
    assert section_titles(response, "waiting_on_you") == ["Needs a deadline", "Waiting one"]
    in_progress = response.context["page"].sections["in_progress"]
    assert in_progress.total == 2 * (PORTAL_SECTION_SIZE + 1) + 1
