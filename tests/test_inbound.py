"""Requests by e-mail, in process: a message becomes a task, a comment, or a logged refusal.

The fixtures under tests/fixtures/mail are raw messages in the styles real mail clients write;
``mail()`` rewrites their From and To to the personas' addresses. The clock is fixed on a
Monday morning so deadlines resolve the same way every run.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import time_machine

from tandem.clients.services import unassign_assistant
from tandem.core.mail import readable_bodies
from tandem.core.models import OutboundEmail
from tandem.inbound.addresses import client_address, reply_address
from tandem.inbound.models import InboundMessage, Outcome
from tandem.inbound.parsing import MalformedMessage, MessageTooLarge
from tandem.inbound.services import DUPLICATE, receive_message
from tandem.work.models import Attachment, Comment, Task, TaskStatus
from tandem.work.services import create_task
from tests.conftest import Personas, page_text, signed_in

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
FRIDAY_5PM = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def mail(name: str, *, sender: str, to: str, folder: Path = FIXTURES) -> bytes:
    """The fixture ``name`` as sent by ``sender`` to ``to``."""
    raw = (folder / name).read_bytes()
    parts = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
    if len(parts) < 3:
        return raw  # not mail at all: nothing to rewrite
    head, separator, body = parts
    for header, value in ((b"From", sender), (b"To", to)):
        head = re.sub(
            rb"(?m)^" + header + rb":.*(?:\r?\n[ \t].*)*",
            header + b": " + value.encode(),
            head,
            count=1,
        )
    return head + separator + body


def message(subject: str, body: str, *, sender: str, to: str, message_id: str = "") -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if message_id:
        headers.append(f"Message-ID: <{message_id}>")
    text = "\n".join([*headers, "Content-Type: text/plain; charset=utf-8", "", body])
    return text.encode()


def only_task() -> Task:
    [task] = Task.objects.all()
    return task


# A new request ------------------------------------------------------------------------------


def test_plain_mail_from_a_contact_becomes_their_request_without_quote_or_signature(
    personas: Personas,
) -> None:
    world = personas.a
    # Mail clients change the case of addresses; the contact is still recognised.
    sender = f"Ann <{world.contact1.email.upper()}>"
    raw = mail("plain-latin1-signature.eml", sender=sender, to=client_address(world.client1))

    receipt = receive_message(raw)

    task = only_task()
    assert receipt.outcome == Outcome.TASK_CREATED
    assert receipt.task == task
    assert task.client == world.client1
    assert task.created_by == world.contact1
    assert task.title == "Order new business cards"
    assert "500 new business cards for Müller & Söhne with the new address." in (
        task.request_markdown
    )
    assert "- matte finish\n- same layout as last year" in task.request_markdown
    assert "Best regards" not in task.request_markdown
    assert "+49 30" not in task.request_markdown
    assert task.expectations == "the cards are ordered and the delivery date is confirmed."
    log = InboundMessage.objects.get()
    assert (log.outcome, log.task, log.client, log.practice) == (
        Outcome.TASK_CREATED,
        task,
        world.client1,
        world.practice,
    )


def test_html_only_mail_becomes_readable_text_without_tags_styles_or_scripts(
    personas: Personas,
) -> None:
    world = personas.a
    raw = mail("html-only.eml", sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    request = only_task().request_markdown
    assert "Could you book a meeting room for the board meeting?" in request
    assert "Coffee for ten" in request
    assert "<" not in request
    assert "color: red" not in request
    assert "alert" not in request


def test_mail_in_windows_1251_is_decoded_not_garbled(personas: Personas) -> None:
    world = personas.a
    raw = mail("windows-1251.eml", sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    task = only_task()
    assert task.title == "Счета за октябрь"
    assert task.request_markdown.startswith("Пожалуйста, отправьте счета за октябрь.")
    assert "\ufffd" not in task.request_markdown


def test_an_encoded_subject_becomes_the_decoded_title(personas: Personas) -> None:
    world = personas.a
    raw = mail("encoded-subject.eml", sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    task = only_task()
    assert task.title == "Přeložit nabídku do angličtiny 🎉"
    assert task.request_markdown == "Prosím přeložit nabídku do angličtiny."


def test_a_long_subject_is_cut_to_the_title_limit_and_a_missing_one_gets_a_fallback(
    personas: Personas,
) -> None:
    world = personas.a
    to = client_address(world.client1)
    receive_message(message("x" * 300, "One.", sender=world.contact1.email, to=to))
    receive_message(message("", "Two.", sender=world.contact1.email, to=to))

    long, empty = Task.objects.order_by("pk")
    assert len(long.title) == 200
    assert long.title.endswith("…")
    assert empty.title == "(no subject)"


def test_a_forwarded_mail_is_kept_as_the_request(personas: Personas) -> None:
    world = personas.a
    raw = mail("gmail-forward.eml", sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    request = only_task().request_markdown
    assert request.startswith("Can you sort this out with them?")
    assert "invoice 2026-114 of 14 October is overdue" in request


def test_attachments_become_the_tasks_files_with_their_decoded_names(personas: Personas) -> None:
    world = personas.a
    raw = mail(
        "multipart-attachments.eml", sender=world.contact1.email, to=client_address(world.client1)
    )

    receive_message(raw)

    task = only_task()
    assert task.request_markdown == "Please file the attached receipts in the expense report."
    files = {a.name: a for a in Attachment.objects.filter(task=task)}
    assert set(files) == {"receipt-taxi.pdf", "Quittung Bäckerei.jpg"}
    assert files["receipt-taxi.pdf"].uploaded_by == world.contact1
    assert files["receipt-taxi.pdf"].file.read().startswith(b"%PDF-1.4")
    assert not Comment.objects.exists()


def test_a_refused_attachment_is_skipped_and_said_in_a_comment(personas: Personas) -> None:
    world = personas.a
    raw = (
        f"From: {world.contact1.email}\nTo: {client_address(world.client1)}\n"
        "Subject: Install this\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nPlease install the tool by Friday 5pm.\n"
        "--b\nContent-Type: application/octet-stream\n"
        'Content-Disposition: attachment; filename="tool.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n"
        + base64.b64encode(b"MZ\x90\x00" + bytes(200)).decode()
        + "\n--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=notes.txt\n\n"
        "Licence key inside.\n--b--\n"
    ).encode()

    receive_message(raw)

    task = only_task()
    assert [a.name for a in Attachment.objects.filter(task=task)] == ["notes.txt"]
    [comment] = Comment.objects.filter(task=task)
    assert comment.body_markdown.startswith("Some files sent by e-mail were not attached:")
    assert "tool.pdf" in comment.body_markdown


# Deadlines ----------------------------------------------------------------------------------


def test_a_deadline_in_the_subject_is_used_and_dates_in_the_quote_are_not(
    personas: Personas,
) -> None:
    world = personas.a
    raw = mail(
        "deadline-in-subject.eml", sender=world.contact1.email, to=client_address(world.client1)
    )

    receive_message(raw)

    task = only_task()
    assert task.status == TaskStatus.REQUESTED
    assert task.deadline_at == FRIDAY_5PM
    assert "Thursday" not in task.request_markdown
    assert not OutboundEmail.objects.exists()


def test_a_deadline_cue_in_the_body_is_used(personas: Personas) -> None:
    world = personas.a
    body = "Please send the newsletter.\nDeadline: Friday 5pm\nDone when: it is in inboxes."
    raw = message("Newsletter", body, sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    task = only_task()
    assert (task.status, task.deadline_at) == (TaskStatus.REQUESTED, FRIDAY_5PM)
    assert task.expectations == "it is in inboxes."


def test_two_different_deadlines_are_ambiguous_and_the_task_needs_one(personas: Personas) -> None:
    world = personas.a
    body = "Draft it by Wednesday noon and send it by Friday 5pm."
    raw = message("Brochure", body, sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    task = only_task()
    assert (task.status, task.deadline_at) == (TaskStatus.NEEDS_DEADLINE, None)


def test_without_a_deadline_the_task_needs_one_and_the_sender_gets_three_links(
    personas: Personas,
) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to=client_address(world.client1))

    receive_message(raw)

    task = only_task()
    assert (task.status, task.deadline_at) == (TaskStatus.NEEDS_DEADLINE, None)
    assert task.expectations.startswith("To be agreed in the comments")
    [email] = OutboundEmail.objects.all()
    assert email.to == world.contact1.email
    assert "Renew the domain name" in email.subject
    text, html = readable_bodies(email)  # sealed in the database until sent
    links = re.findall(r"https?://\S+\?deadline=\S+", text)
    assert len(links) == 3
    assert all(f"/tasks/{task.pk}/" in link for link in links)
    assert html.count("?deadline=") == 3


def test_a_deadline_link_prefills_the_task_page_and_setting_it_makes_a_request(
    personas: Personas,
) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to=client_address(world.client1))
    receive_message(raw)
    task = only_task()
    text, _ = readable_bodies(OutboundEmail.objects.get())
    link = re.findall(r"https?://\S+\?deadline=\S+", text)[1]
    phrase = parse_qs(urlparse(link).query)["deadline"][0]
    http = signed_in(world.contact1)

    page = http.get(urlparse(link).path, {"deadline": phrase})
    assert page.status_code == 200
    assert f'value="{phrase}"' in page_text(page)

    moved = http.post(f"/tasks/{task.pk}/move/", {"to": "requested", "deadline": phrase})
    assert moved.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.REQUESTED
    assert task.deadline_at == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # tomorrow 5pm


# Who may send -------------------------------------------------------------------------------


def test_mail_from_an_unknown_sender_creates_nothing_and_is_logged(
    personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender="stranger@example.com", to=client_address(world.client1))

    receipt = receive_message(raw)

    assert receipt.outcome == Outcome.UNKNOWN_SENDER
    assert not Task.objects.exists()
    assert not OutboundEmail.objects.exists()  # a stranger is never answered
    log = InboundMessage.objects.get()
    assert (log.outcome, log.sender, log.client) == (
        Outcome.UNKNOWN_SENDER,
        "stranger@example.com",
        world.client1,
    )
    assert "stranger@example.com" in caplog.text


@pytest.mark.parametrize(
    ("sender_kind", "practice"),
    [("contact2", "a"), ("contact1", "b"), ("assistant", "a")],
    ids=["contact of client 2", "contact of another practice", "the practice's assistant"],
)
def test_only_a_contact_of_the_addressed_client_can_send_it_requests(
    personas: Personas, sender_kind: str, practice: str
) -> None:
    sender = getattr(personas, practice).persona(sender_kind)
    raw = mail("no-deadline.eml", sender=sender.email, to=client_address(personas.a.client1))

    assert receive_message(raw).outcome == Outcome.UNKNOWN_SENDER
    assert not Task.objects.exists()


def test_a_tampered_address_creates_nothing(personas: Personas) -> None:
    world = personas.a
    genuine = client_address(world.client2)
    tampered = genuine.replace(f"req-{world.client2.pk}-", f"req-{world.client1.pk}-")
    raw = mail("no-deadline.eml", sender=world.contact1.email, to=tampered)

    receipt = receive_message(raw)

    assert receipt.outcome == Outcome.UNKNOWN_ADDRESS
    assert not Task.objects.exists()
    assert InboundMessage.objects.get().practice is None


def test_the_envelope_recipient_wins_over_the_to_header(personas: Personas) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to="someone@example.org")

    receive_message(raw, recipient=client_address(world.client1))

    assert only_task().client == world.client1


def test_an_automatic_reply_creates_nothing_and_is_not_answered(personas: Personas) -> None:
    world = personas.a
    raw = mail(
        "vacation-auto-reply.eml", sender=world.contact1.email, to=client_address(world.client1)
    )

    assert receive_message(raw).outcome == Outcome.AUTOMATIC
    assert not Task.objects.exists()
    assert not OutboundEmail.objects.exists()


# Twice --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["no-deadline.eml", "no-message-id.eml"])
def test_the_same_message_delivered_twice_creates_one_task(
    personas: Personas, fixture: str
) -> None:
    world = personas.a
    raw = mail(fixture, sender=world.contact1.email, to=client_address(world.client1))

    first = receive_message(raw)
    second = receive_message(raw)

    assert second.outcome == DUPLICATE
    assert second.task == first.task
    assert Task.objects.count() == 1
    assert OutboundEmail.objects.count() <= 1


def test_the_same_message_to_two_clients_is_a_request_for_each(personas: Personas) -> None:
    world = personas.a
    body = "Order paper by Friday 5pm."
    for client in (world.client1, world.client2):
        contact = world.contact1 if client == world.client1 else world.contact2
        raw = message(
            "Paper", body, sender=contact.email, to=client_address(client), message_id="m@x"
        )
        assert receive_message(raw).outcome == Outcome.TASK_CREATED
    assert Task.objects.count() == 2


# Replies to notifications -------------------------------------------------------------------


def _task_for(world) -> Task:
    return create_task(
        world.client1,
        actor=world.assistant,
        title="Order new business cards",
        expectations="Ordered.",
        deadline_at=FRIDAY_5PM,
    )


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("gmail-reply.eml", "Yes, the matte ones please. Same as last year."),
        ("outlook-reply.eml", "Glossy after all, sorry for the back and forth.\n\nAnn"),
    ],
)
def test_a_reply_to_a_notification_becomes_a_comment_without_the_quote(
    personas: Personas, fixture: str, expected: str
) -> None:
    world = personas.a
    task = _task_for(world)
    raw = mail(fixture, sender=world.contact1.email, to=reply_address(task, world.contact1))

    receipt = receive_message(raw)

    assert receipt.outcome == Outcome.COMMENT_ADDED
    comment = Comment.objects.get()
    assert (comment.task, comment.author, comment.body_markdown) == (
        task,
        world.contact1,
        expected,
    )
    assert Task.objects.count() == 1


def test_a_reply_from_someone_other_than_its_recipient_creates_nothing(
    personas: Personas,
) -> None:
    world = personas.a
    task = _task_for(world)
    raw = mail("gmail-reply.eml", sender=world.owner.email, to=reply_address(task, world.contact1))

    assert receive_message(raw).outcome == Outcome.UNKNOWN_SENDER
    assert not Comment.objects.exists()


def test_a_reply_from_someone_who_can_no_longer_see_the_task_creates_nothing(
    personas: Personas,
) -> None:
    world = personas.a
    task = _task_for(world)
    address = reply_address(task, world.assistant)
    unassign_assistant(world.client1, assistant=world.assistant, actor=world.owner)
    raw = mail("gmail-reply.eml", sender=world.assistant.email, to=address)

    assert receive_message(raw).outcome == Outcome.NO_ACCESS
    assert not Comment.objects.exists()


def test_a_reply_address_altered_to_another_task_creates_nothing(personas: Personas) -> None:
    world = personas.a
    task = _task_for(world)
    other = create_task(
        world.client2,
        actor=world.owner,
        title="Other",
        expectations="Done.",
        deadline_at=FRIDAY_5PM,
    )
    address = reply_address(task, world.contact1).replace(f"re-{task.pk}-", f"re-{other.pk}-")
    raw = mail("gmail-reply.eml", sender=world.contact1.email, to=address)

    assert receive_message(raw).outcome == Outcome.UNKNOWN_ADDRESS
    assert not Comment.objects.exists()


# Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "The message is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Outlook .msg file"),
        (b"just some text\nwithout headers\n", "does not start with headers"),
        (b"Subject: hi\n\nNo sender.\n", "no From address"),
    ],
    ids=["empty", "outlook msg", "no headers", "no sender"],
)
def test_malformed_input_is_refused_with_a_sentence(
    personas: Personas, raw: bytes, reason: str
) -> None:
    with pytest.raises(MalformedMessage, match=re.escape(reason)):
        receive_message(raw)
    assert not InboundMessage.objects.exists()


def test_an_oversized_message_is_refused_before_it_is_read(personas: Personas, settings) -> None:
    settings.TANDEM_INBOUND_MAX_MB = 1
    world = personas.a
    raw = message("Big", "x" * (1024 * 1024), sender=world.contact1.email, to="a@b.c")

    with pytest.raises(MessageTooLarge, match=r"over the limit of 1\.0 MB"):
        receive_message(raw)


# The HTTP endpoint --------------------------------------------------------------------------

ENDPOINT = "/inbound/messages/"


def post(raw: bytes, *, secret: str | None = "dev", **query: str):
    http = signed_in(None)
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    url = ENDPOINT + ("?" + urlencode(query) if query else "")
    return http.post(url, data=raw, content_type="message/rfc822", headers=headers)


def test_the_endpoint_turns_a_posted_message_into_a_task(personas: Personas, settings) -> None:
    settings.TANDEM_INBOUND_SECRET = "s3cret"
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to=client_address(world.client1))

    response = post(raw, secret="s3cret")

    assert response.status_code == 200
    task = only_task()
    assert response.json() == {
        "outcome": "task_created",
        "task": f"{settings.SITE_URL}/tasks/{task.pk}/",
    }
    assert post(raw, secret="s3cret").json()["outcome"] == "duplicate"


def test_the_endpoint_takes_the_recipient_from_the_query(personas: Personas) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to="list@example.org")

    response = post(raw, recipient=client_address(world.client1))

    assert response.json()["outcome"] == "task_created"


def test_the_endpoint_answers_an_ignored_message_with_no_task(personas: Personas) -> None:
    raw = mail("no-deadline.eml", sender="stranger@example.com", to="nobody@example.org")

    response = post(raw)

    assert response.status_code == 200
    assert response.json() == {"outcome": "ignored_unknown_address", "task": None}


@pytest.mark.parametrize("secret", [None, "wrong", ""], ids=["missing", "wrong", "empty"])
def test_the_endpoint_refuses_a_wrong_or_missing_secret(personas: Personas, secret) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to=client_address(world.client1))

    response = post(raw, secret=secret)

    assert response.status_code == 403
    assert "Authorization: Bearer" in response.json()["detail"]
    assert not Task.objects.exists()


def test_an_empty_secret_setting_turns_the_endpoint_off(personas: Personas, settings) -> None:
    settings.TANDEM_INBOUND_SECRET = ""
    response = post(b"From: a@b.c\n\nx", secret="")
    assert response.status_code == 404
    assert "turned off" in response.json()["detail"]


def test_the_endpoint_answers_malformed_input_with_400(personas: Personas) -> None:
    response = post(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    assert response.status_code == 400
    assert "Outlook .msg" in response.json()["detail"]


def test_the_endpoint_answers_oversized_input_with_413(personas: Personas, settings) -> None:
    settings.TANDEM_INBOUND_MAX_MB = 1
    response = post(b"From: a@b.c\n\n" + b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert "over the limit" in json.loads(response.content)["detail"]


def test_the_endpoint_accepts_only_post(personas: Personas) -> None:
    response = signed_in(None).get(ENDPOINT, HTTP_AUTHORIZATION="Bearer dev")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# Where people see the address ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "path"), [("owner", "client"), ("assistant", "client"), ("contact1", "portal")]
)
def test_the_client_page_and_the_portal_show_the_clients_private_address(
    personas: Personas, kind: str, path: str
) -> None:
    world = personas.a
    url = f"/clients/{world.client1.pk}/" if path == "client" else "/portal/"
    page = page_text(signed_in(world.persona(kind)).get(url))
    assert "Send requests by e-mail to" in page
    assert client_address(world.client1) in page
    assert client_address(world.client2) not in page


# A deadline with two readings (issue 11, part 5) -----------------------------------------------


def test_a_deadline_cue_with_two_readings_is_not_guessed_and_the_sender_gets_both(
    personas: Personas,
) -> None:
    world = personas.a
    body = "Please send the newsletter by next Friday 5pm.\nDone when: it is in inboxes."
    raw = message("Newsletter", body, sender=world.contact1.email, to=client_address(world.client1))

    # A Wednesday: "next Friday" is the 25th's week's Friday to some, the next one to others.
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), tick=False):
        receive_message(raw)

    task = only_task()
    assert (task.status, task.deadline_at) == (TaskStatus.NEEDS_DEADLINE, None)
    [email] = OutboundEmail.objects.all()
    text, html = readable_bodies(email)
    assert "the day you wrote can mean either of two dates" in text
    links = re.findall(r"https?://\S+\?deadline=\S+", text)
    phrases = [parse_qs(urlparse(link).query)["deadline"][0] for link in links]
    assert phrases == ["27 November 2026 17:00", "4 December 2026 17:00"]
    assert "Fri 27 Nov 5pm" in text
    assert "Fri 4 Dec 5pm" in text
    assert html.count("?deadline=") == 2


def test_a_cue_with_one_reading_beside_one_with_two_is_still_not_guessed(
    personas: Personas,
) -> None:
    world = personas.a
    body = "Draft by Friday 5pm, final by next Friday 5pm."
    raw = message("Brochure", body, sender=world.contact1.email, to=client_address(world.client1))
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), tick=False):
        receive_message(raw)
    assert only_task().deadline_at is None


def test_next_friday_written_on_a_friday_has_one_reading_and_is_used(personas: Personas) -> None:
    world = personas.a
    body = "Please send the newsletter by next Friday 5pm."
    raw = message("Newsletter", body, sender=world.contact1.email, to=client_address(world.client1))
    with time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=UTC), tick=False):
        receive_message(raw)
    assert only_task().deadline_at == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
