"""What the client owes (issue 12): asked for on a request, or what a request waiting on the
client waits for; answered by the client's side, received or dropped by the practice; shown
on the request's page, in the portal's "Waiting on you" and on the dashboard.

Reminders are in test_owed_reminders.py. The clock is Monday 10 June 2030, 10:00 UTC; the
personas' practices work Monday to Friday, 9:00 to 17:00 UTC.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.clients.services import archive_client
from tandem.core.errors import DomainError
from tandem.planning import owed as services
from tandem.planning.models import Owed, ReminderPolicy
from tandem.work.models import Attachment, Comment, Task, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=UTC)
WEDNESDAY_CLOSE = datetime(2030, 6, 12, 17, 0, tzinfo=UTC)
S = TaskStatus


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def in_progress(world: PracticeWorld, title: str = "Launch the newsletter") -> Task:
    """A request of client 1, sent by its contact, taken on and started by the assistant."""
    task = create_task(
        world.client1,
        actor=world.contact1,
        title=title,
        expectations="Sent to the list",
        deadline_at=MONDAY + timedelta(days=14),
        assignee=world.assistant,
    )
    move_task(task, to=S.ACCEPTED, actor=world.assistant)
    return move_task(task, to=S.IN_PROGRESS, actor=world.assistant)


def wait_for_copy(world: PracticeWorld, task: Task) -> Task:
    return move_task(
        task,
        to=S.WAITING_ON_CLIENT,
        actor=world.assistant,
        waiting_for="The final copy",
        waiting_until=WEDNESDAY_CLOSE,
    )


def ask(world: PracticeWorld, task: Task, what: str = "The final copy") -> Owed:
    return services.ask_client(task, actor=world.assistant, what=what, due_at=WEDNESDAY_CLOSE)


def item(owed: Owed) -> Owed:
    return Owed.objects.get(pk=owed.pk)


# The waiting move makes the same record ---------------------------------------------------------


def test_waiting_on_the_client_owes_what_the_move_waits_for(clock, personas: Personas) -> None:
    a = personas.a
    task = wait_for_copy(a, in_progress(a))
    assert not Owed.objects.exists()  # a reaction: after the move committed
    react_now()
    [owed] = Owed.objects.all()
    assert (owed.what, owed.due_at, owed.source) == (
        "The final copy",
        WEDNESDAY_CLOSE,
        Owed.Source.WAITING,
    )
    assert (owed.task_id, owed.client_id, owed.practice_id) == (
        task.pk,
        a.client1.pk,
        a.practice.pk,
    )
    assert owed.created_by == a.assistant
    assert owed.from_event is not None
    assert owed.from_event.to_status == S.WAITING_ON_CLIENT
    assert owed.is_open


def test_the_client_sending_what_was_needed_answers_it(clock, personas: Personas) -> None:
    a = personas.a
    task = wait_for_copy(a, in_progress(a))
    react_now()
    move_task(task, to=S.IN_PROGRESS, actor=a.contact1)  # "I have sent what you needed"
    react_now()
    owed = Owed.objects.get()
    assert (owed.state, owed.answer, owed.settled_by) == (
        Owed.State.ANSWERED,
        Owed.Answer.RESUMED,
        a.contact1,
    )


def test_the_practice_resuming_marks_it_received(clock, personas: Personas) -> None:
    a = personas.a
    task = wait_for_copy(a, in_progress(a))
    react_now()
    move_task(task, to=S.IN_PROGRESS, actor=a.assistant)
    react_now()
    owed = Owed.objects.get()
    assert (owed.state, owed.answer, owed.settled_by) == (Owed.State.RECEIVED, "", a.assistant)


def test_cancelling_the_request_drops_everything_it_owed(clock, personas: Personas) -> None:
    a = personas.a
    task = wait_for_copy(a, in_progress(a))
    ask(a, task, "The logo")
    react_now()
    move_task(task, to=S.CANCELLED, actor=a.contact1, note="Not needed after all")
    react_now()
    assert set(Owed.objects.values_list("state", flat=True)) == {Owed.State.DROPPED}


def test_a_move_already_left_behind_makes_nothing(clock, personas: Personas) -> None:
    a = personas.a
    task = wait_for_copy(a, in_progress(a))
    # The client answers before the reaction to the first move has run.
    move_task(task, to=S.IN_PROGRESS, actor=a.contact1)
    react_now()
    assert not Owed.objects.exists()


# Answering ------------------------------------------------------------------------------------


def test_a_comment_from_the_client_answers_and_one_from_the_practice_does_not(
    clock, personas: Personas
) -> None:
    a = personas.a
    task = in_progress(a)
    owed = ask(a, task)
    add_comment(task, actor=a.assistant, body_markdown="Any news?")
    react_now()
    assert item(owed).is_open
    clock.shift(timedelta(hours=1))
    reply = add_comment(task, actor=a.contact1, body_markdown="Attached below.")
    react_now()
    answered = item(owed)
    assert (answered.state, answered.answer, answered.answer_comment) == (
        Owed.State.ANSWERED,
        Owed.Answer.COMMENT,
        reply,
    )
    assert answered.settled_at == MONDAY + timedelta(hours=1)


def test_a_comment_with_a_file_is_answered_with_a_file(
    clock, personas: Personas, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = personas.a
    task = in_progress(a)
    owed = ask(a, task)
    http = signed_in(a.contact1)
    response = http.post(
        reverse("work:task-comment", args=[task.pk]),
        {
            "body_markdown": "Here you go",
            "attachments": SimpleUploadedFile("copy.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert response.status_code == 302
    react_now()
    assert (item(owed).state, item(owed).answer) == (Owed.State.ANSWERED, Owed.Answer.FILE)


@pytest.mark.parametrize(("who", "answered"), [("contact1", True), ("assistant", False)])
def test_files_added_on_their_own_answer_only_from_the_clients_side(
    clock, personas: Personas, settings, tmp_path, who: str, answered: bool
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = personas.a
    task = in_progress(a)
    owed = ask(a, task)
    response = signed_in(getattr(a, who)).post(
        reverse("work:attachment-add", args=[task.pk]),
        {"attachments": SimpleUploadedFile("copy.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    assert response.status_code == 302
    react_now()
    expected = (Owed.State.ANSWERED, Owed.Answer.FILE) if answered else (Owed.State.OPEN, "")
    assert (item(owed).state, item(owed).answer) == expected
    # The files are a line on the request's timeline either way.
    timeline = page_text(signed_in(a.assistant).get(reverse("work:task-detail", args=[task.pk])))
    assert "Added the file “copy.pdf”." in timeline


def test_a_comment_written_before_the_ask_answers_nothing(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    add_comment(task, actor=a.contact1, body_markdown="Copy coming soon.")
    clock.shift(timedelta(minutes=5))
    owed = ask(a, task)
    react_now()
    assert item(owed).is_open


def test_a_client_comment_between_the_move_and_its_reaction_answers_it(
    clock, personas: Personas
) -> None:
    a = personas.a
    task = wait_for_copy(a, in_progress(a))
    clock.shift(timedelta(minutes=1))
    add_comment(task, actor=a.contact1, body_markdown="Sending it now.")
    react_now()
    assert Owed.objects.get().state == Owed.State.ANSWERED


def test_here_it_is_answers_once_and_says_so_in_the_conversation(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    owed = ask(a, task)
    services.answer_owed(owed, actor=a.contact1, note="Two versions, pick one.")
    answered = item(owed)
    assert (answered.state, answered.answer, answered.settled_by) == (
        Owed.State.ANSWERED,
        Owed.Answer.HERE_IT_IS,
        a.contact1,
    )
    assert answered.answer_comment is not None
    assert answered.answer_comment.body_markdown == (
        "Here it is: The final copy.\n\nTwo versions, pick one."
    )
    with pytest.raises(DomainError, match="already said this was sent"):
        services.answer_owed(answered, actor=a.contact1)
    assert Comment.objects.filter(task=task, author=a.contact1).count() == 1


def test_here_it_is_answers_only_its_own_item(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    copy, photos = ask(a, task, "The final copy"), ask(a, task, "The photos")
    clock.shift(timedelta(minutes=1))
    services.answer_owed(copy, actor=a.contact1)
    react_now()  # the comment it posted answers nothing else
    assert (item(copy).state, item(photos).state) == (Owed.State.ANSWERED, Owed.State.OPEN)
    add_comment(task, actor=a.contact1, body_markdown="And the photos are in the shared folder.")
    react_now()
    assert (item(photos).state, item(photos).answer) == (Owed.State.ANSWERED, Owed.Answer.COMMENT)


def test_received_or_dropped_cannot_be_answered_or_settled_again(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    received = services.mark_received(ask(a, task, "The logo"), actor=a.assistant)
    dropped = services.drop_owed(ask(a, task, "The photos"), actor=a.owner)
    assert (received.state, dropped.state) == (Owed.State.RECEIVED, Owed.State.DROPPED)
    with pytest.raises(DomainError, match="marked this received"):
        services.answer_owed(received, actor=a.contact1)
    with pytest.raises(DomainError, match="no longer needed"):
        services.mark_received(dropped, actor=a.assistant)


def test_only_the_client_answers_and_only_the_practice_asks_and_settles(
    clock, personas: Personas
) -> None:
    a, b = personas.a, personas.b
    task = in_progress(a)
    owed = ask(a, task)
    with pytest.raises(DomainError, match="Only the client"):
        services.answer_owed(owed, actor=a.assistant)
    with pytest.raises(DomainError, match="Only the practice asks"):
        services.ask_client(task, actor=a.contact1, what="Money", due_at=WEDNESDAY_CLOSE)
    with pytest.raises(DomainError, match="Only the practice marks"):
        services.mark_received(owed, actor=a.contact1)
    for outsider in (a.contact2, a.unassigned, b.owner, b.contact1):
        with pytest.raises(DomainError):
            services.answer_owed(owed, actor=outsider)
        with pytest.raises(DomainError):
            services.drop_owed(owed, actor=outsider)
    assert item(owed).is_open


# Asking ---------------------------------------------------------------------------------------


def test_asking_records_it_and_tells_the_client_in_the_conversation(
    clock, personas: Personas
) -> None:
    a = personas.a
    task = in_progress(a)
    owed = ask(a, task)
    assert (owed.source, owed.created_by, owed.due_at) == (
        Owed.Source.ASKED,
        a.assistant,
        WEDNESDAY_CLOSE,
    )
    comment = Comment.objects.filter(task=task).latest("pk")
    assert comment.author == a.assistant
    assert comment.body_markdown == (
        "We need from you: **The final copy**, by Wednesday 12 June, 17:00 (UTC)."
    )


@pytest.mark.parametrize(
    ("what", "due_at", "sentence"),
    [
        ("", WEDNESDAY_CLOSE, "Say what you need from the client"),
        ("   ", WEDNESDAY_CLOSE, "Say what you need from the client"),
        ("x" * 301, WEDNESDAY_CLOSE, "Keep it under 300 characters."),
        ("The copy", MONDAY - timedelta(hours=1), "That date has already passed"),
        ("The copy", None, "Say by when you need it"),
    ],
)
def test_asking_refuses_what_makes_no_sense(
    clock, personas: Personas, what: str, due_at: datetime | None, sentence: str
) -> None:
    a = personas.a
    task = in_progress(a)
    with pytest.raises(DomainError, match=sentence):
        services.ask_client(task, actor=a.assistant, what=what, due_at=due_at)
    assert not Owed.objects.exists()


def test_a_closed_request_cannot_be_asked_on(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    move_task(task, to=S.CANCELLED, actor=a.contact1, note="No longer")
    with pytest.raises(DomainError, match="This request is cancelled"):
        ask(a, task)


# The request's page ---------------------------------------------------------------------------


def test_the_request_page_loads_the_panel_after_itself(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    page = page_text(signed_in(a.assistant).get(reverse("work:task-detail", args=[task.pk])))
    assert "Needed from the client" in page
    assert f'hx-get="/tasks/{task.pk}/owed/"' in page


def test_the_practice_asks_from_the_panel_with_a_phrase(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    http = signed_in(a.assistant)
    response = http.post(
        reverse("planning:owed-ask", args=[task.pk]),
        {"waiting_for": "The final copy", "waiting_until": "Wednesday 5pm"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/#owed"
    assert Owed.objects.get().due_at == WEDNESDAY_CLOSE
    panel = page_text(http.get(reverse("planning:task-owed", args=[task.pk]), HTTP_HX_REQUEST="1"))
    assert "The final copy" in panel
    assert "needed by" in panel
    assert "Received" in panel
    assert "No longer needed" in panel
    assert "and again 2 working days later" in panel


def test_a_phrase_that_does_not_resolve_comes_back_with_the_reason(
    clock, personas: Personas
) -> None:
    a = personas.a
    task = in_progress(a)
    response = signed_in(a.assistant).post(
        reverse("planning:owed-ask", args=[task.pk]),
        {"waiting_for": "The final copy", "waiting_until": "soon"},
    )
    assert response.status_code == 400
    assert field_error(response, "owed_waiting_until").startswith(
        "“soon” means something different to everyone, so it cannot be a deadline."
    )
    assert 'value="The final copy"' in page_text(response)
    assert 'value="soon"' in page_text(response)
    assert not Owed.objects.exists()


def test_the_client_answers_with_a_file_from_the_panel(
    clock, personas: Personas, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = personas.a
    task = in_progress(a)
    owed = ask(a, task)
    http = signed_in(a.contact1)
    panel = page_text(http.get(reverse("planning:task-owed", args=[task.pk])))
    assert "Here it is" in panel
    assert "Received" not in panel
    response = http.post(
        reverse("planning:owed-answer", args=[owed.pk]),
        {"note": "", "attachments": SimpleUploadedFile("copy.docx", b"PK\x03\x04 not really")},
    )
    assert response.status_code == 302, page_text(response)[:2000]
    answered = item(owed)
    assert (answered.state, answered.answer) == (Owed.State.ANSWERED, Owed.Answer.FILE)
    [attachment] = Attachment.objects.filter(task=task)
    assert attachment.comment_id == answered.answer_comment_id
    again = http.post(reverse("planning:owed-answer", args=[owed.pk]), {"note": "Again?"})
    assert again.status_code == 400
    assert "already said this was sent" in page_text(again)
    assert "Again?" in page_text(again)


def test_a_contact_cannot_reach_another_clients_item(clock, personas: Personas) -> None:
    a = personas.a
    owed = ask(a, in_progress(a))
    response = signed_in(a.contact2).post(reverse("planning:owed-answer", args=[owed.pk]))
    assert response.status_code == 404
    assert item(owed).is_open


def test_a_refused_button_comes_back_beside_its_item(clock, personas: Personas) -> None:
    a = personas.a
    owed = ask(a, in_progress(a))
    services.answer_owed(owed, actor=a.contact1)
    response = signed_in(a.assistant).post(reverse("planning:owed-drop", args=[owed.pk]))
    assert response.status_code == 400
    row = re.search(rf'id="owed-{owed.pk}".*?</li>', page_text(response), re.DOTALL)
    assert row is not None
    assert "already said this was sent" in row.group(0)


# The portal and the dashboard ---------------------------------------------------------------


def test_the_portal_lists_what_was_asked_beside_the_waiting_requests(
    clock, personas: Personas
) -> None:
    a = personas.a
    waiting = wait_for_copy(a, in_progress(a, "Launch the newsletter"))
    ask(a, in_progress(a, "Redo the website"), "The photos of the shop")
    react_now()
    page = page_text(signed_in(a.contact1).get(reverse("home:portal-home")))
    section = re.search(r'aria-labelledby="waiting-h">(.*?)</section>', page, re.DOTALL)
    assert section is not None
    text = section.group(1)
    # The waiting request once (its item is the request's own row), the asked item once.
    assert text.count(waiting.title) == 1
    assert "The final copy" in text
    assert "The photos of the shop" in text
    assert "Send it" in text
    assert "2 things need you." in page
    # Another client's contact sees none of it.
    other = page_text(signed_in(a.contact2).get(reverse("home:portal-home")))
    assert "The photos of the shop" not in other


def test_the_dashboard_lists_what_is_late_and_not_answered(clock, personas: Personas) -> None:
    a = personas.a
    task = in_progress(a)
    late, answered = ask(a, task, "The final copy"), ask(a, task, "The logo")
    services.ask_client(
        in_progress(a, "Later work"), actor=a.assistant, what="Not due yet",
        due_at=MONDAY + timedelta(days=30),
    )  # fmt: skip
    services.answer_owed(answered, actor=a.contact1)
    for_client2 = create_task(
        a.client2, actor=a.owner, title="Client 2 work", expectations="Done",
        deadline_at=MONDAY + timedelta(days=9),
    )  # fmt: skip
    services.ask_client(for_client2, actor=a.owner, what="Bank details", due_at=WEDNESDAY_CLOSE)
    clock.move_to(WEDNESDAY_CLOSE + timedelta(hours=1))

    def listed(user) -> list[str]:
        page = signed_in(user).get(reverse("home:dashboard")).context["page"]
        return [item.what for item in page.still_waiting.items]

    assert listed(a.owner) == [late.what, "Bank details"]
    assert listed(a.assistant) == [late.what]  # client 2 is not theirs
    assert listed(a.unassigned) == []
    text = page_text(signed_in(a.assistant).get(reverse("home:dashboard")))
    assert "Still waiting on the client" in text
    assert "When reminders go out" not in text  # the owner's setting


def test_an_archived_clients_items_leave_the_dashboards(clock, personas: Personas) -> None:
    a = personas.a
    ask(a, in_progress(a))
    clock.move_to(WEDNESDAY_CLOSE + timedelta(hours=1))
    archive_client(a.client1, actor=a.owner)
    for person in (a.assistant, a.owner):
        page = signed_in(person).get(reverse("home:dashboard")).context["page"]
        assert page.still_waiting.items == []


# The reminder setting -------------------------------------------------------------------------


def test_the_owner_chooses_when_the_second_reminder_goes(clock, personas: Personas) -> None:
    a = personas.a
    http = signed_in(a.owner)
    assert http.get(reverse("planning:reminder-settings")).status_code == 200
    response = http.post(reverse("planning:reminder-settings"), {"remind_again_after_days": "3"})
    assert response.status_code == 302
    assert ReminderPolicy.objects.get(practice=a.practice).remind_again_after_days == 3
    assert services.remind_again_after_days(personas.b.practice.pk) == 2


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("0", "Choose between 1 and 10 working days."),
        ("11", "Choose between 1 and 10 working days."),
        ("-1", "Choose between 1 and 10 working days."),
        ("two", "Write a whole number of working days, 1 to 10."),
        ("", "Choose between 1 and 10 working days."),
    ],
)
def test_the_reminder_setting_refuses_nonsense(
    clock, personas: Personas, typed: str, sentence: str
) -> None:
    response = signed_in(personas.a.owner).post(
        reverse("planning:reminder-settings"), {"remind_again_after_days": typed}
    )
    assert response.status_code == 400
    assert field_error(response, "remind_again_after_days") == sentence
    assert f'value="{typed}"' in page_text(response) or not typed
    assert not ReminderPolicy.objects.exists()


# Requests already waiting when the feature arrived ---------------------------------------------


def test_the_migration_gives_requests_already_waiting_their_item_without_a_burst_of_mail(
    clock, personas: Personas
) -> None:
    from django.apps import apps

    migration = importlib.import_module("tandem.planning.migrations.0002_owed_items")
    a = personas.a
    ahead = wait_for_copy(a, in_progress(a, "Ahead"))
    late = wait_for_copy(a, in_progress(a, "Late"))
    Task.objects.filter(pk=late.pk).update(waiting_until=MONDAY - timedelta(days=1))
    migration.owe_what_requests_wait_for(apps, None)
    migration.owe_what_requests_wait_for(apps, None)  # run again: nothing new
    items = {owed.task_id: owed for owed in Owed.objects.all()}
    assert set(items) == {ahead.pk, late.pk}
    assert items[ahead.pk].due_at == WEDNESDAY_CLOSE
    assert items[ahead.pk].first_reminded_at is None
    assert items[ahead.pk].created_by == a.assistant
    assert items[ahead.pk].from_event is not None
    # Already late: counted as reminded, so deploying sends nothing about old waits.
    assert items[late.pk].first_reminded_at == MONDAY
    assert items[late.pk].second_reminded_at == MONDAY
    react_now()  # the moves' own reactions find their items made already
    assert Owed.objects.count() == 2
