"""Notification mail end to end: written with the change, sent by the real worker through
Django's SMTP backend to a real SMTP server, batched per task, or once a day as a digest."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.models import OutboundEmail
from tandem.inbound.addresses import parse_address, reply_address
from tandem.notify import services, tasks
from tandem.notify.models import Channel, Kind, Notification
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tests.conftest import Personas, PracticeWorld
from tests.jobrunner import run_worker
from tests.smtp_server import Recorder, smtp_server, text_and_html

pytestmark = pytest.mark.django_db(transaction=True)


def later(seconds: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds))


def after_the_batch_window() -> time_machine.travel:
    return later(django_settings.TANDEM_NOTIFY_BATCH_SECONDS + 5)


def request_for(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=timezone.now() + timedelta(days=3),
        assignee=world.assistant,
    )


def news(recorder: Recorder) -> list[EmailMessage]:
    """The notification mails: without the acknowledgement a contact gets for each request
    they send (tests/test_acknowledgement.py)."""
    return [m for m in recorder.messages if not m["Subject"].startswith("We have your request")]


def mails_to(recorder: Recorder, user: User) -> list[EmailMessage]:
    return [message for message in news(recorder) if message["To"] == user.email]


def notification_mails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(key__startswith="notify:").order_by("id"))


def clear_invitation_mail(recorder: Recorder) -> None:
    """The personas' invitations were queued too: send them first, then forget them."""
    run_worker()
    recorder.messages.clear()


def test_three_changes_within_the_window_make_one_mail_per_recipient(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    clear_invitation_mail(smtp)
    task = request_for(a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=a.assistant)
    add_comment(task, actor=a.assistant, body_markdown="I have *called* the venue.")
    run_worker()
    assert news(smtp) == []  # still inside the batch window

    with after_the_batch_window():
        run_worker()
        run_worker()  # a second pass finds nothing more to send
    [mail] = mails_to(smtp, a.contact1)
    assert mail["Subject"] == "3 updates: Book the venue (Client A1)"
    assert mail["Reply-To"] == reply_address(task, a.contact1)
    assert parse_address(mail["Reply-To"]) is not None
    text, html = text_and_html(mail)
    assert "assistant accepted the request." in text
    assert "assistant moved it from “Accepted” to “In progress”." in text
    # The comment as its reader sees it: no Markdown marks in the mail.
    assert "assistant commented: “I have called the venue.”" in text
    assert f"http://127.0.0.1:8000/tasks/{task.pk}/" in text
    assert f'href="http://127.0.0.1:8000/tasks/{task.pk}/"' in html
    # The assistant heard only of the new request (their own moves are not news to them).
    [assistant_mail] = mails_to(smtp, a.assistant)
    assert assistant_mail["Subject"] == "New request: Book the venue (Client A1)"
    assert "contact1 sent this new request." in text_and_html(assistant_mail)[0]
    assert len(news(smtp)) == 2
    assert not Notification.objects.filter(mail_pending=True).exists()


def test_a_change_after_the_window_is_its_own_mail(personas: Personas, smtp: Recorder) -> None:
    a = personas.a
    clear_invitation_mail(smtp)
    task = request_for(a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    with after_the_batch_window():
        run_worker()
        move_task(task, to=TaskStatus.IN_PROGRESS, actor=a.assistant)
    with later(2 * django_settings.TANDEM_NOTIFY_BATCH_SECONDS + 20):
        run_worker()
    subjects = [mail["Subject"] for mail in mails_to(smtp, a.contact1)]
    assert subjects == [
        "Accepted: Book the venue (Client A1)",
        "In progress: Book the venue (Client A1)",
    ]


def test_in_app_only_sends_no_mail(personas: Personas, smtp: Recorder) -> None:
    a = personas.a
    clear_invitation_mail(smtp)
    channels = dict.fromkeys(Kind.values, str(Channel.APP))
    services.save_preferences(a.contact1, actor=a.contact1, channels=channels, wants_digest=False)
    task = request_for(a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    with after_the_batch_window():
        run_worker()
    assert mails_to(smtp, a.contact1) == []
    assert Notification.objects.filter(recipient=a.contact1).count() == 1


def test_a_refused_delivery_is_retried_and_arrives_once(personas: Personas, smtp: Recorder) -> None:
    a = personas.a
    clear_invitation_mail(smtp)
    task = request_for(a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    run_worker()  # the contact's acknowledgement goes at once; the news waits for its window
    smtp.fail_next = 2  # both recipients' first tries are refused
    with after_the_batch_window():
        run_worker()
    assert news(smtp) == []
    with later(django_settings.TANDEM_NOTIFY_BATCH_SECONDS + 120):  # past the first backoff
        run_worker()
    assert len(mails_to(smtp, a.contact1)) == 1
    assert len(mails_to(smtp, a.assistant)) == 1
    assert len(notification_mails()) == 2  # the contact's and the assistant's


def test_someone_who_loses_the_client_before_the_mail_goes_gets_none(
    personas: Personas, smtp: Recorder
) -> None:
    from tandem.clients.services import unassign_assistant

    a = personas.a
    clear_invitation_mail(smtp)
    request_for(a)
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    with after_the_batch_window():
        run_worker()
    assert mails_to(smtp, a.assistant) == []
    assert not Notification.objects.filter(mail_pending=True).exists()


def test_the_daily_digest_comes_once_at_eight_in_the_readers_time_zone(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    User.objects.filter(pk=a.contact1.pk).update(time_zone="Asia/Tokyo")
    channels = dict.fromkeys(Kind.values, str(Channel.EMAIL))
    services.save_preferences(a.contact1, actor=a.contact1, channels=channels, wants_digest=True)
    tokyo = ZoneInfo("Asia/Tokyo")
    evening = datetime(2030, 3, 4, 18, 0, tzinfo=tokyo)
    with time_machine.travel(evening, tick=False):
        clear_invitation_mail(smtp)
        task = request_for(a)
        move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
        other = request_for(a)
        add_comment(other, actor=a.assistant, body_markdown="Which date suits you?")
    with time_machine.travel(evening + timedelta(hours=13, minutes=50)):  # 07:50 in Tokyo
        tasks.plan_digests.enqueue()
        run_worker()
    assert mails_to(smtp, a.contact1) == []
    with time_machine.travel(evening + timedelta(hours=14, minutes=5)):  # 08:05
        tasks.plan_digests.enqueue()
        run_worker()
        tasks.plan_digests.enqueue()  # the next scan: today's digest is already out
        run_worker()
        add_comment(task, actor=a.assistant, body_markdown="Booked for the 12th.")
        tasks.plan_digests.enqueue()
        run_worker()
    [digest] = mails_to(smtp, a.contact1)
    assert digest["Subject"] == "Your daily summary: 2 updates on 2 requests"
    text, _ = text_and_html(digest)
    assert "assistant accepted the request." in text
    assert "assistant commented: “Which date suits you?”" in text
    assert "Booked for the 12th" not in text  # that waits for tomorrow's
    assert f"http://127.0.0.1:8000/tasks/{other.pk}/" in text
    with time_machine.travel(evening + timedelta(days=1, hours=14, minutes=5)):
        tasks.plan_digests.enqueue()
        run_worker()
    assert len(mails_to(smtp, a.contact1)) == 2
    assert "Booked for the 12th" in text_and_html(mails_to(smtp, a.contact1)[1])[0]


def test_due_and_overdue_mails_go_out_once(personas: Personas, smtp: Recorder) -> None:
    a = personas.a
    clear_invitation_mail(smtp)
    task = request_for(a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert task.deadline_at is not None
    with after_the_batch_window():
        run_worker()
    smtp.messages.clear()
    for hours in (-20, -19.5, 1, 1.5):  # two scans a day before, two after the deadline
        with time_machine.travel(task.deadline_at + timedelta(hours=hours)):
            tasks.remind_deadlines.enqueue()
            run_worker()
        with time_machine.travel(task.deadline_at + timedelta(hours=hours, minutes=4)):
            run_worker()
    subjects = sorted(mail["Subject"] for mail in mails_to(smtp, a.contact1))
    assert subjects == [
        "Due soon: Book the venue (Client A1)",
        "Overdue: Book the venue (Client A1)",
    ]
    assert len(mails_to(smtp, a.assistant)) == 2


# A worker killed in the middle of a batch ----------------------------------------------------

MAKE_A_BATCH = """
from datetime import timedelta
from django.utils import timezone
from tests.conftest import build_practice
from tandem.work.services import add_comment, create_task, move_task

a = build_practice("a")
task = create_task(
    a.client1, actor=a.contact1, title="Book the venue", expectations="A signed booking",
    deadline_at=timezone.now() + timedelta(days=3), assignee=a.assistant,
)
move_task(task, to="accepted", actor=a.assistant)
move_task(task, to="in_progress", actor=a.assistant)
add_comment(task, actor=a.assistant, body_markdown="Called the venue.")
"""


class HoldFirstNotification(Recorder):
    """Holds the first notification mail (not the personas' invitations) like
    ``hang_first``, until the test has killed the worker sending it."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        is_news = b"We have your request" not in envelope.content  # not the receipt
        if is_news and b"Book the venue" in envelope.content and not self.entered.is_set():
            self.entered.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Not accepted: the client went away"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_leaves_each_mail_sent_exactly_once(tmp_path: Path) -> None:
    from tests.test_worker_crash import query, tandem, tandem_env, wait_for, worker

    database = tmp_path / "tandem.sqlite3"
    log = tmp_path / "workers.log"
    recorder = HoldFirstNotification()

    def unsent() -> int:
        rows = query(
            database,
            "SELECT COUNT(*) AS n FROM core_outboundemail "
            "WHERE key LIKE 'notify:%' AND sent_at IS NULL",
        )
        return int(rows[0]["n"])

    with smtp_server(recorder) as port:
        env = {**tandem_env(tmp_path, port), "TANDEM_NOTIFY_BATCH_SECONDS": "1"}
        tandem(env, "manage", "migrate", "--verbosity", "0")
        tandem(env, "manage", "shell", "--no-imports", "--command", MAKE_A_BATCH)

        with worker(env, log) as first:
            assert recorder.entered.wait(timeout=30), log.read_text()
            first.kill()  # SIGKILL: its job stays RUNNING, the mail stays claimed
            first.wait(timeout=10)
        recorder.release.set()

        with worker(env, log):
            wait_for(
                lambda: unsent() == 0 and len(query(database, NOTIFY_MAILS)) == 2,
                timeout=30,
                what=f"the second worker to send both mails; log:\n{log.read_text()}",
            )
            time.sleep(1.5)  # a sweep or two more: nothing may send them again

    about_the_task = [m for m in news(recorder) if "Book the venue" in m["Subject"]]
    assert sorted(m["To"] for m in about_the_task) == [
        "assistant@a.example.com",
        "contact1@a.example.com",
    ]
    [to_contact] = [m for m in about_the_task if m["To"] == "contact1@a.example.com"]
    assert to_contact["Subject"] == "3 updates: Book the venue (Client A1)"
    attempts = sorted(row["attempts"] for row in query(database, NOTIFY_MAILS))
    assert attempts == [1, 2]  # the held one was claimed again after its worker died


NOTIFY_MAILS = "SELECT * FROM core_outboundemail WHERE key LIKE 'notify:%'"
