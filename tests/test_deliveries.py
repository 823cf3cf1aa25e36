"""Delivering work for review: a message, files and links; the client accepts it (with
thanks, if they like) or sends it back saying what is missing. Services first, then the
request page as each side sees it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.notify import wording
from tandem.notify.models import Kind, Notification
from tandem.work.attachments import store_attachment
from tandem.work.deliveries import MESSAGE_MISSING, deliver_task
from tandem.work.models import Attachment, Delivery, Task, TaskEvent, TaskStatus
from tandem.work.services import DELIVER_WITH_A_MESSAGE, move_task
from tests.conftest import PracticeWorld, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

S = TaskStatus


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def world(personas: Any) -> PracticeWorld:
    return personas.a


def started(world: PracticeWorld) -> Task:
    from tandem.work.services import create_task

    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Design the menu card",
        expectations="A printable A5 menu card",
        deadline_at=timezone.now() + timedelta(days=3),
        assignee=world.assistant,
    )
    move_task(task, to=S.ACCEPTED, actor=world.assistant)
    move_task(task, to=S.IN_PROGRESS, actor=world.assistant)
    return task


def delivered(world: PracticeWorld) -> Task:
    task = started(world)
    deliver_task(task, actor=world.assistant, message="The menu card, ready to print.")
    return task


def refusal(action: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def status_of(task: Task) -> str:
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


# Delivering ----------------------------------------------------------------------------------


def test_the_practice_delivers_with_a_message_that_is_the_moves_note(
    world: PracticeWorld,
) -> None:
    task = started(world)
    delivery = deliver_task(
        task,
        actor=world.assistant,
        message="  The menu card, ready to print.  ",
        links=["https://example.com/menu", "", "https://example.com/menu"],
    )
    assert status_of(task) == S.DELIVERED
    event = delivery.event
    assert (event.kind, event.from_status, event.to_status) == (
        TaskEvent.Kind.STATUS_CHANGED,
        S.IN_PROGRESS,
        S.DELIVERED,
    )
    assert event.actor == world.assistant
    assert delivery.message == "The menu card, ready to print."
    # Blank lines and repeats are dropped.
    assert delivery.links == ["https://example.com/menu"]
    assert (delivery.task, delivery.client) == (task, world.client1)


def test_files_sent_with_a_delivery_hang_from_it_and_its_task(world: PracticeWorld) -> None:
    task = started(world)
    upload = store_attachment(
        client=world.client1, uploaded_by=world.assistant, name="menu.pdf", content=b"%PDF-1.4"
    )
    delivery = deliver_task(
        task, actor=world.assistant, message="Menu attached.", uploads=[upload.pk]
    )
    upload.refresh_from_db()
    assert (upload.task, upload.delivery, upload.comment) == (task, delivery, None)


def test_someone_elses_upload_refuses_the_whole_delivery(world: PracticeWorld) -> None:
    task = started(world)
    theirs = store_attachment(
        client=world.client1, uploaded_by=world.contact1, name="menu.pdf", content=b"%PDF-1.4"
    )
    error = refusal(
        lambda: deliver_task(task, actor=world.assistant, message="Here", uploads=[theirs.pk])
    )
    assert error.field == "attachments"
    assert status_of(task) == S.IN_PROGRESS
    assert not Delivery.objects.exists()
    assert Attachment.objects.get(pk=theirs.pk).task is None


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("contact1", "Only the practice can deliver work for review; ask your assistant."),
        ("unassigned", "This task is not one of yours; open it from your own task list."),
    ],
)
def test_only_the_practice_working_on_the_client_may_deliver(
    world: PracticeWorld, who: str, message: str
) -> None:
    task = started(world)
    error = refusal(lambda: deliver_task(task, actor=world.persona(who), message="Here"))
    assert error.message == message
    assert status_of(task) == S.IN_PROGRESS


def test_only_work_in_progress_can_be_delivered(world: PracticeWorld) -> None:
    task = delivered(world)
    error = refusal(lambda: deliver_task(task, actor=world.assistant, message="Again"))
    assert error.message == (
        "A task in “Delivered for review” cannot be moved to “Delivered for review”."
    )


def test_a_delivery_needs_a_message(world: PracticeWorld) -> None:
    task = started(world)
    error = refusal(lambda: deliver_task(task, actor=world.assistant, message="  "))
    assert (error.field, error.message) == ("message", MESSAGE_MISSING)
    assert status_of(task) == S.IN_PROGRESS
    assert not TaskEvent.objects.filter(task=task, to_status=S.DELIVERED).exists()


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (
            "javascript:alert(1)",
            "Links must start with http:// or https://; “javascript:alert(1)” does not.",
        ),
        ("ftp://files.example.com/menu", "Links must start with http:// or https://;"),
        (
            "the shared folder",
            "is not a web address; paste the whole link, starting with https://.",
        ),
        ("https://", "is not a web address"),
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused_with_a_sentence(
    world: PracticeWorld, link: str, message: str
) -> None:
    task = started(world)
    error = refusal(
        lambda: deliver_task(
            task, actor=world.assistant, message="Here", links=["https://example.com", link]
        )
    )
    assert error.field == "links"
    assert message in error.message
    assert status_of(task) == S.IN_PROGRESS


def test_more_than_ten_links_are_refused(world: PracticeWorld) -> None:
    task = started(world)
    links = [f"https://example.com/{i}" for i in range(11)]
    error = refusal(lambda: deliver_task(task, actor=world.assistant, message="x", links=links))
    assert error.message == "Give at most 10 links; put the rest in a file."


def test_the_plain_move_to_delivered_is_refused_in_favour_of_a_delivery(
    world: PracticeWorld,
) -> None:
    task = started(world)
    error = refusal(lambda: move_task(task, to=S.DELIVERED, actor=world.assistant, note="x"))
    assert error.message == DELIVER_WITH_A_MESSAGE
    assert status_of(task) == S.IN_PROGRESS


def test_the_client_hears_of_the_delivery_with_its_message(world: PracticeWorld) -> None:
    task = delivered(world)
    react_now()
    (told,) = Notification.objects.filter(recipient=world.contact1, kind=Kind.DELIVERED)
    assert told.task == task
    assert wording.sentence(told, ZoneInfo("UTC")) == (
        f"{world.assistant.display_name} delivered the work for your review: "
        "“The menu card, ready to print.”"
    )


# Reviewing ------------------------------------------------------------------------------------


def test_the_client_accepts_with_a_thank_you_note(world: PracticeWorld) -> None:
    task = delivered(world)
    move_task(task, to=S.DONE, actor=world.contact1, note="  Thank you, it is perfect!  ")
    assert status_of(task) == S.DONE
    accepted = TaskEvent.objects.filter(task=task).latest("id")
    assert (accepted.to_status, accepted.note) == (S.DONE, "Thank you, it is perfect!")


def test_the_client_accepts_without_a_note(world: PracticeWorld) -> None:
    task = delivered(world)
    move_task(task, to=S.DONE, actor=world.contact1)
    assert status_of(task) == S.DONE


def test_sending_back_needs_a_note_saying_what_is_missing(world: PracticeWorld) -> None:
    task = delivered(world)
    error = refusal(lambda: move_task(task, to=S.IN_PROGRESS, actor=world.contact1, note=" "))
    assert (error.field, error.message) == (
        "note",
        "Say what still needs doing before sending the work back.",
    )
    move_task(task, to=S.IN_PROGRESS, actor=world.contact1, note="The prices are missing.")
    assert status_of(task) == S.IN_PROGRESS


def test_the_practice_cannot_accept_its_own_delivery(world: PracticeWorld) -> None:
    task = delivered(world)
    error = refusal(lambda: move_task(task, to=S.DONE, actor=world.owner))
    assert error.message == "Only the client can accept delivered work."


# The request page -----------------------------------------------------------------------------


def task_url(task: Task, name: str = "work:task-detail") -> str:
    return reverse(name, args=[task.pk])


def test_the_assistant_delivers_from_the_page_with_a_file_and_a_link(
    world: PracticeWorld,
) -> None:
    task = started(world)
    http = signed_in(world.assistant)
    page = page_text(http.get(task_url(task)))
    assert '<summary class="button">Deliver for review</summary>' in page
    upload = store_attachment(
        client=world.client1, uploaded_by=world.assistant, name="menu.pdf", content=b"%PDF-1.4"
    )
    data = {
        "message": "The **menu card**, ready to print.",
        "links": "https://example.com/menu\r\n\r\n",
        "upload": [upload.pk],
    }
    response = http.post(task_url(task, "work:task-deliver"), data)
    assert response.status_code == 302
    delivery = Delivery.objects.get(task=task)
    assert delivery.links == ["https://example.com/menu"]
    assert Attachment.objects.get(pk=upload.pk).delivery == delivery

    # The client opens the page on the delivery, highlighted, with everything in it.
    text = page_text(signed_in(world.contact1).get(task_url(task)))
    card = re.search(r'<section class="card delivery-card".*?</section>', text, re.DOTALL)
    assert card is not None
    highlighted = card.group(0)
    assert "Delivered for your review" in highlighted
    assert "<strong>menu card</strong>" in highlighted
    assert f'href="/files/{upload.pk}/"' in highlighted
    assert 'href="https://example.com/menu"' in highlighted
    assert ">Accept the work</button>" in highlighted
    assert '<summary class="button secondary">Send back</summary>' in highlighted
    # The progress line marks where it stands; the sentence says what to do.
    assert re.search(r'<li class="current" aria-current="step"><span>Delivered</span>', text)
    assert "Look at the delivery below, then accept it or send it back" in text


def test_a_thank_you_note_shows_in_the_conversation(world: PracticeWorld) -> None:
    task = delivered(world)
    http = signed_in(world.contact1)
    response = http.post(task_url(task, "work:task-move"), {"to": "done", "note": "Lovely!"})
    assert response.status_code == 302
    text = page_text(signed_in(world.assistant).get(task_url(task)))
    thanks = re.search(r'<div class="bubble thanks-entry">.*?</div>', text, re.DOTALL)
    assert thanks is not None
    assert "Accepted the work." in thanks.group(0)
    assert '<blockquote class="thanks">Lovely!</blockquote>' in thanks.group(0)


def test_earlier_deliveries_stay_in_the_conversation(world: PracticeWorld) -> None:
    task = delivered(world)
    move_task(task, to=S.IN_PROGRESS, actor=world.contact1, note="Add the prices.")
    deliver_task(task, actor=world.assistant, message="Now with the prices.")
    text = page_text(signed_in(world.contact1).get(task_url(task)))
    assert text.count('class="bubble delivery-entry"') == 2
    card = re.search(r'<section class="card delivery-card".*?</section>', text, re.DOTALL)
    assert card is not None
    assert "Now with the prices." in card.group(0)
    assert "ready to print" not in card.group(0)


def test_cancelling_asks_for_a_reason_and_a_confirmation(world: PracticeWorld) -> None:
    task = started(world)
    http = signed_in(world.contact1)
    url = task_url(task, "work:task-move")
    response = http.post(url, {"to": "cancelled", "note": "Not needed any more."})
    assert response.status_code == 400
    assert status_of(task) == S.IN_PROGRESS
    response = http.post(url, {"to": "cancelled", "note": "Not needed any more.", "confirm": "on"})
    assert response.status_code == 302
    assert status_of(task) == S.CANCELLED


def test_the_secondary_moves_sit_behind_their_own_buttons(world: PracticeWorld) -> None:
    task = started(world)
    text = page_text(signed_in(world.assistant).get(task_url(task)))
    for label in ("Wait for the client", "Cancel the request"):
        assert f'<summary class="button secondary">{label}</summary>' in text
    # Closed until asked for: only the page's one next step is a filled-in button.
    assert '<details class="disclosure" open' not in text


def test_work_delivered_before_deliveries_had_rows_can_still_be_accepted(
    world: PracticeWorld,
) -> None:
    task = started(world)
    # As a task delivered by the version before migration work/0008 is: no Delivery row.
    Task.objects.filter(pk=task.pk).update(status=S.DELIVERED)
    text = page_text(signed_in(world.contact1).get(task_url(task)))
    assert 'class="card delivery-card"' not in text
    assert ">Accept the work</button>" in text
    assert '<summary class="button secondary">Send back</summary>' in text


def test_a_long_conversation_folds_its_older_entries_above_the_newest_and_the_reply_box(
    world: PracticeWorld,
) -> None:
    from tandem.work.services import add_comment

    task = started(world)
    for i in range(10):
        add_comment(task, actor=world.contact1, body_markdown=f"Question {i}")
    # Created, accepted, started and ten comments: thirteen entries, the last six shown.
    http = signed_in(world.assistant)
    text = page_text(http.get(task_url(task)))
    assert 'href="?all=1#conversation-h"' in text
    assert "Show 7 earlier entries</a>" in text
    assert "Question 3" not in text
    shown = text.split("Show 7 earlier entries", 1)[1]
    assert shown.index("Question 4") < shown.index("Question 9") < shown.index('id="reply"')
    # ... and all of them on asking, the page's queries the same.
    everything = page_text(http.get(task_url(task) + "?all=1"))
    assert "Question 0" in everything
    assert "earlier entries" not in everything


def test_a_delivery_keeps_the_promise_to_answer(world: PracticeWorld) -> None:
    task = started(world)
    # As if the practice had not answered yet: a delivery is a practice-side move too.
    Task.objects.filter(pk=task.pk).update(respond_by=timezone.now() + timedelta(hours=2))
    task.refresh_from_db()
    deliver_task(task, actor=world.assistant, message="Here it is.")
    task.refresh_from_db()
    assert task.respond_by is None
