"""Reminders of what a client owes (issue 12): the first once it is late, the second after the
practice's number of working days on its calendar; each exactly once, also when a worker
dies mid-batch or two scan at once; an answer in between stops the second.

The clock is controlled (time-machine). The personas' practices work Monday to Friday, 9:00
to 17:00 UTC; what is owed is due on Wednesday 12 June 2030 at 17:00.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.clients.services import archive_client
from tandem.core import jobs
from tandem.core.models import OutboundEmail, Practice
from tandem.core.roles import Role
from tandem.planning import owed as services
from tandem.planning import owed_reminders, tasks
from tandem.planning.models import Owed, ReminderPolicy
from tandem.planning.owed_reminders import FIRST, SECOND, Claimed
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tests.conftest import Personas, PracticeWorld, join
from tests.jobrunner import run_worker
from tests.reactions import react_now
from tests.smtp_server import Recorder, text_and_html

MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=UTC)
DUE = datetime(2030, 6, 12, 17, 0, tzinfo=UTC)  # Wednesday's close
FIRST_SCAN = DUE + timedelta(minutes=15)
# Two working days of working time after Wednesday 17:15: Thursday and Friday, to 17:00.
AGAIN = datetime(2030, 6, 14, 17, 0, tzinfo=UTC)
S = TaskStatus


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def request_of(world: PracticeWorld, title: str = "Launch the newsletter") -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title=title,
        expectations="Sent to the list",
        deadline_at=timezone.now() + timedelta(days=14),
        assignee=world.assistant,
    )


def owe(world: PracticeWorld, count: int = 1, *, due: datetime = DUE) -> list[Owed]:
    task = request_of(world)
    return [
        services.ask_client(task, actor=world.assistant, what=f"Part {n}", due_at=due)
        for n in range(count)
    ]


def scan(at: datetime, **kwargs: Any) -> list[Claimed]:
    with time_machine.travel(at, tick=False):
        return owed_reminders.remind_owed(**kwargs)


def reminder_jobs() -> list[list[int]]:
    rows = DBTaskResult.objects.filter(task_path="tandem.planning.tasks.send_owed_reminder")
    return sorted(row.args_kwargs["args"] for row in rows)


# Once each ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_reminder_is_claimed_once_when_it_is_late(clock, personas: Personas) -> None:
    [owed] = owe(personas.a)
    assert scan(DUE - timedelta(minutes=1)) == []
    assert scan(FIRST_SCAN) == [Claimed(owed.pk, FIRST)]
    assert scan(FIRST_SCAN + timedelta(minutes=15)) == []
    claimed = Owed.objects.get()
    assert (claimed.first_reminded_at, claimed.remind_again_at) == (FIRST_SCAN, AGAIN)
    assert claimed.second_reminded_at is None
    assert reminder_jobs() == [[owed.pk, FIRST]]


@pytest.mark.django_db
def test_the_second_reminder_comes_after_the_practices_working_days(
    clock, personas: Personas
) -> None:
    [owed] = owe(personas.a)
    scan(FIRST_SCAN)
    assert scan(AGAIN - timedelta(minutes=1)) == []
    assert scan(AGAIN) == [Claimed(owed.pk, SECOND)]
    assert scan(AGAIN + timedelta(days=3)) == []  # twice at most
    assert reminder_jobs() == [[owed.pk, FIRST], [owed.pk, SECOND]]


@pytest.mark.django_db
def test_working_days_skip_the_weekend_and_the_bank_holiday(clock, personas: Personas) -> None:
    # England's summer bank holiday is Monday 26 August 2030.
    Practice.objects.filter(pk=personas.a.practice.pk).update(country="GB", subdivision="ENG")
    ReminderPolicy.objects.create(practice=personas.a.practice, remind_again_after_days=1)
    clock.move_to(datetime(2030, 8, 20, 10, 0, tzinfo=UTC))
    friday_close = datetime(2030, 8, 23, 17, 0, tzinfo=UTC)
    [owed] = owe(personas.a, due=friday_close)
    scan(friday_close + timedelta(minutes=15))
    tuesday_close = datetime(2030, 8, 27, 17, 0, tzinfo=UTC)
    assert Owed.objects.get(pk=owed.pk).remind_again_at == tuesday_close
    assert scan(tuesday_close - timedelta(minutes=1)) == []
    assert scan(tuesday_close) == [Claimed(owed.pk, SECOND)]


@pytest.mark.django_db
def test_an_answer_between_the_two_reminders_stops_the_second(clock, personas: Personas) -> None:
    a = personas.a
    [owed] = owe(a)
    scan(FIRST_SCAN)
    with time_machine.travel(FIRST_SCAN + timedelta(hours=20), tick=False):
        add_comment(owed.task, actor=a.contact1, body_markdown="Sorry! Attached now.")  # type: ignore[arg-type]
        react_now()
    assert scan(AGAIN + timedelta(hours=1)) == []
    assert reminder_jobs() == [[owed.pk, FIRST]]


@pytest.mark.django_db
def test_an_answer_after_the_claim_sends_nothing(clock, personas: Personas) -> None:
    a = personas.a
    [owed] = owe(a)
    scan(FIRST_SCAN)
    services.answer_owed(owed, actor=a.contact1)
    assert owed_reminders.send_reminder(owed.pk, FIRST) == []
    assert not OutboundEmail.objects.filter(key__startswith="owed:").exists()


@pytest.mark.django_db
def test_each_contact_gets_each_reminder_once_however_often_its_job_runs(
    clock, personas: Personas
) -> None:
    a = personas.a
    colleague = join(a.owner, "colleague@a.example.com", role=Role.CONTACT, client=a.client1)
    [owed] = owe(a)
    assert owed_reminders.send_reminder(owed.pk, FIRST) == []  # not claimed: a stray job
    scan(FIRST_SCAN)
    first = owed_reminders.send_reminder(owed.pk, FIRST)
    again = owed_reminders.send_reminder(owed.pk, FIRST)
    assert (
        first
        == again
        == [
            f"owed:{owed.pk}:reminder:1:{a.contact1.pk}",
            f"owed:{owed.pk}:reminder:1:{colleague.pk}",
        ]
    )
    mail = OutboundEmail.objects.filter(key__startswith="owed:")
    assert sorted(mail.values_list("to", flat=True)) == [
        "colleague@a.example.com",
        "contact1@a.example.com",
    ]


@pytest.mark.django_db
def test_only_open_items_of_open_requests_of_active_clients_are_reminded(
    clock, personas: Personas
) -> None:
    a, b = personas.a, personas.b
    [kept], [of_b] = owe(a), owe(b)
    [answered] = owe(a)
    services.answer_owed(answered, actor=a.contact1)
    [cancelled] = owe(a)
    # Before the reaction that drops its items has run.
    move_task(cancelled.task, to=S.CANCELLED, actor=a.contact1, note="Off")  # type: ignore[arg-type]
    archived_task = create_task(
        a.client2, actor=a.owner, title="Client 2", expectations="Done",
        deadline_at=MONDAY + timedelta(days=9),
    )  # fmt: skip
    archived = services.ask_client(archived_task, actor=a.owner, what="Deeds", due_at=DUE)
    archive_client(a.client2, actor=a.owner)
    claimed = scan(FIRST_SCAN, batch_size=1)
    assert sorted(claimed, key=lambda c: c.owed_id) == [
        Claimed(kept.pk, FIRST),
        Claimed(of_b.pk, FIRST),
    ]
    assert Owed.objects.get(pk=archived.pk).first_reminded_at is None


# A worker that dies, two that scan at once ----------------------------------------------------


@pytest.mark.django_db
def test_a_worker_dying_mid_batch_loses_nothing_and_claims_nothing_twice(
    clock, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = owe(personas.a, 5)
    real_enqueue = jobs.enqueue_many
    calls = {"n": 0}

    def dies_in_the_second_batch(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("killed")  # the worker stops inside the batch's transaction
        real_enqueue(*args, **kwargs)

    monkeypatch.setattr(jobs, "enqueue_many", dies_in_the_second_batch)
    with pytest.raises(SystemExit):
        scan(FIRST_SCAN, batch_size=2)
    # The first batch committed; the second rolled back, its items unclaimed.
    assert Owed.objects.filter(first_reminded_at__isnull=False).count() == 2
    assert len(reminder_jobs()) == 2
    monkeypatch.setattr(jobs, "enqueue_many", real_enqueue)

    claimed = scan(FIRST_SCAN + timedelta(minutes=15), batch_size=2)  # the next scan
    assert len(claimed) == 3
    assert reminder_jobs() == sorted([owed.pk, FIRST] for owed in items)


@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_claim_each_reminder_once(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        items = owe(personas.a, 6)
    real_enqueue = jobs.enqueue_many
    inside, go_on = threading.Event(), threading.Event()
    results: dict[str, list[Claimed]] = {}

    def held_in_its_batch(*args: Any, **kwargs: Any) -> None:
        if threading.current_thread().name == "first" and not inside.is_set():
            inside.set()
            go_on.wait(timeout=10)
        real_enqueue(*args, **kwargs)

    def worker(name: str) -> None:
        try:
            results[name] = owed_reminders.remind_owed(now=FIRST_SCAN, batch_size=4)
        finally:
            connection.close()

    monkeypatch.setattr(jobs, "enqueue_many", held_in_its_batch)
    first = threading.Thread(target=worker, args=("first",), name="first")
    second = threading.Thread(target=worker, args=("second",), name="second")
    first.start()
    assert inside.wait(timeout=10)
    second.start()  # the first holds its batch's transaction open meanwhile
    second.join(timeout=0.5)
    go_on.set()
    first.join(timeout=30)
    second.join(timeout=30)

    claimed = results["first"] + results["second"]
    assert sorted(c.owed_id for c in claimed) == sorted(owed.pk for owed in items)
    assert reminder_jobs() == sorted([owed.pk, FIRST] for owed in items)


# What it costs --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_a_reminder_scan_runs_the_same_queries_for_5_items_as_for_50(
    clock, personas: Personas, count: int
) -> None:
    owe(personas.a, count)
    practice = Practice.objects.get(pk=personas.a.practice.pk)
    with time_machine.travel(FIRST_SCAN, tick=False), CaptureQueriesContext(connection) as sql:
        claimed = owed_reminders.remind_practice(practice, now=FIRST_SCAN)
    # The practice's reminder setting; the first reminders' batch: a savepoint, the items
    # (locked), the claim (one UPDATE), their mail jobs (one INSERT), the release; the
    # second reminders': a savepoint, no items, the release.
    assert len(sql.captured_queries) == 9, "\n\n".join(q["sql"] for q in sql.captured_queries)
    assert len(claimed) == count


# Through the real worker to a real SMTP server -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_client_gets_each_reminder_by_mail_once_on_their_clock(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    a.client1.time_zone = "America/New_York"
    a.client1.save(update_fields=["time_zone"])
    type(a.contact1).objects.filter(pk=a.contact1.pk).update(time_zone="America/New_York")
    with time_machine.travel(MONDAY, tick=False):
        [owed] = owe(a)
    run_worker()  # the invitations, the receipt and the notifications so far
    smtp.messages.clear()

    for at in (DUE - timedelta(hours=1), FIRST_SCAN, FIRST_SCAN + timedelta(hours=1)):
        with time_machine.travel(at, tick=False):
            tasks.remind_owed.enqueue()
            run_worker()
    with time_machine.travel(AGAIN + timedelta(minutes=5), tick=False):
        tasks.remind_owed.enqueue()
        run_worker()
        tasks.remind_owed.enqueue()
        run_worker()

    # (Asking was a comment in the request's conversation: its notification is mail too.)
    reminders = [m for m in smtp.messages if "Part 0" in m["Subject"]]
    to_contact = [m for m in reminders if m["To"] == a.contact1.email]
    # (A subject with curly quotes is folded onto its own line, read back with a space.)
    assert [m["Subject"].strip() for m in to_contact] == [
        "Reminder: Part 0 for “Launch the newsletter”",
        "Still needed: Part 0 for “Launch the newsletter”",
    ]
    assert all(m["From"].startswith("Practice A") for m in to_contact)
    text, html = text_and_html(to_contact[0])
    # Due at 17:00 UTC: 13:00 on the client's (and the contact's) clock.
    assert "needed by Wednesday 12 June, 13:00" in text
    assert f"http://127.0.0.1:8000/tasks/{owed.task_id}/#owed" in text
    assert "Send it" in html
    assert len(reminders) == 2  # the practice's side gets none
