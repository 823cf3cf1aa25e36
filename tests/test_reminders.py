"""The periodic scans (deadline reminders, digest planning): practice by practice, in
batches that run the same queries whatever their size, with the same recipients as ever.

What each reminder says and that its mail goes out once is in test_notify.py and
test_notify_mail.py; here: who hears, across practices and batches, and what it costs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.accounts.models import User
from tandem.clients.services import archive_client, unassign_assistant
from tandem.notify import mailing, reminders, services
from tandem.notify.models import Channel, Kind, Notification
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_watcher, create_task, move_task
from tests.conftest import Personas, PracticeWorld
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

DUE = timezone.now().replace(microsecond=0) + timedelta(days=3)
DAY_BEFORE = DUE - timedelta(hours=20)


def requests(world: PracticeWorld, count: int, *, client: str = "client1") -> list[Task]:
    contact = world.contact1 if client == "client1" else world.contact2
    assignee = world.assistant if client == "client1" else None
    return [
        create_task(
            getattr(world, client),
            actor=contact,
            title=f"Request {number}",
            expectations="Done",
            deadline_at=DUE,
            assignee=assignee,
        )
        for number in range(count)
    ]


def heard(rows: list[Notification]) -> set[tuple[int, int, str]]:
    return {(row.task_id, row.recipient_id, row.kind) for row in rows}


def mail_jobs() -> list[list[int]]:
    jobs = DBTaskResult.objects.filter(task_path="tandem.notify.tasks.send_task_mail")
    return sorted(job.args_kwargs["args"] for job in jobs)


def scan_queries(world: PracticeWorld, *, at: datetime) -> tuple[list[str], list[Notification]]:
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
        rows = reminders.remind_practice(world.practice.pk, now=timezone.now())
    return [query["sql"] for query in queries.captured_queries], rows


# What it costs --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_a_reminder_batch_runs_the_same_queries_for_5_tasks_as_for_50(
    personas: Personas, count: int
) -> None:
    a = personas.a
    tasks = requests(a, count)
    # Each task is watched by the contact who asked and the assistant; the assistant no
    # longer works for the client, so only the contact may hear. (One recipient a task also
    # keeps each bulk INSERT whole on SQLite, which takes at most 999 parameters a
    # statement: Django would split 100 notifications into two INSERTs there.)
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    DBTaskResult.objects.all().delete()

    sql, rows = scan_queries(a, at=DAY_BEFORE)

    # Due within a day, one batch: a savepoint; the owed tasks not yet reminded; their
    # watchers who can see them (one UNION ALL); the watchers' preferences; the notification
    # rows; their mail jobs; the savepoint's release. Then overdue: a savepoint, no tasks,
    # its release.
    assert len(sql) == 10, "\n\n".join(sql)
    assert heard(rows) == {(task.pk, a.contact1.pk, Kind.DUE_TOMORROW) for task in tasks}
    assert mail_jobs() == sorted([a.contact1.pk, task.pk] for task in tasks)


def test_batches_split_the_scan_and_each_costs_the_same(personas: Personas) -> None:
    a = personas.a
    tasks = requests(a, 5)
    with time_machine.travel(DAY_BEFORE, tick=False), CaptureQueriesContext(connection) as queries:
        rows = reminders.remind_practice(a.practice.pk, now=timezone.now(), batch_size=2)
    # Batches of 2, 2 and 1 (seven queries each, as above), then overdue's empty batch.
    assert len(queries.captured_queries) == 3 * 7 + 3
    both = {a.contact1.pk, a.assistant.pk}
    assert heard(rows) == {(t.pk, who, Kind.DUE_TOMORROW) for t in tasks for who in both}


def test_the_digest_scan_runs_the_same_queries_for_one_reader_as_for_four(
    personas: Personas,
) -> None:
    def readers(world: PracticeWorld) -> list[User]:
        return [world.owner, world.assistant, world.contact1, world.contact2]

    digest_everything = dict.fromkeys(Kind.values, str(Channel.EMAIL))
    for world in (personas.a, personas.b):
        for user in readers(world):
            services.save_preferences(
                user, actor=user, channels=digest_everything, wants_digest=True
            )
    # Practice A: all four readers have mail waiting; practice B: only its owner.
    a, b = personas.a, personas.b
    [for_assistant] = requests(a, 1)
    move_task(for_assistant, to=TaskStatus.ACCEPTED, actor=a.assistant)  # the contact hears
    [for_owner] = requests(a, 1, client="client2")
    move_task(for_owner, to=TaskStatus.ACCEPTED, actor=a.owner)  # so does contact 2
    requests(b, 1, client="client2")
    react_now()
    waiting = set(
        Notification.objects.filter(mail_pending=True).values_list("recipient_id", flat=True)
    )
    assert waiting >= {u.pk for u in readers(personas.a)}

    counts = {}
    for world in (personas.a, personas.b):
        with CaptureQueriesContext(connection) as queries:
            due, after = mailing.due_digests(DUE.replace(hour=12), practice_id=world.practice.pk)
        counts[world.practice.name] = len(queries.captured_queries)
        assert after is None
        assert {user_id for user_id, _ in due} == {u.pk for u in readers(world) if u.pk in waiting}
    # The readers with mail waiting, then which of their digests went out already.
    assert counts == {"Practice A": 2, "Practice B": 2}


def test_the_digest_scan_goes_through_every_practice_in_batches(personas: Personas) -> None:
    digest_everything = dict.fromkeys(Kind.values, str(Channel.EMAIL))
    for world in (personas.a, personas.b):
        for user in (world.contact1, world.assistant):
            services.save_preferences(
                user, actor=user, channels=digest_everything, wants_digest=True
            )
        [task] = requests(world, 1)
        move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    react_now()
    batches = list(mailing.due_digest_batches(DUE.replace(hour=12), size=1))
    assert [[user_id for user_id, _ in batch] for batch in batches] == [
        [personas.a.assistant.pk],
        [personas.a.contact1.pk],
        [personas.b.assistant.pk],
        [personas.b.contact1.pk],
    ]


# Who hears ------------------------------------------------------------------------------------


def test_each_practice_hears_of_its_own_tasks_only(personas: Personas) -> None:
    a, b = personas.a, personas.b
    a_tasks, b_tasks = requests(a, 3), requests(b, 2)
    b_for_owner = requests(b, 1, client="client2")
    with time_machine.travel(DAY_BEFORE, tick=False):
        rows = reminders.remind_deadlines(batch_size=2)
    expected = {
        (task.pk, who.pk, Kind.DUE_TOMORROW)
        for world, tasks in ((a, a_tasks), (b, b_tasks))
        for task in tasks
        for who in (world.contact1, world.assistant)
    } | {(task.pk, b.contact2.pk, Kind.DUE_TOMORROW) for task in b_for_owner}
    assert heard(rows) == expected
    assert {row.practice_id for row in rows if row.task_id in {t.pk for t in a_tasks}} == {
        a.practice.pk
    }
    assert {row.practice_id for row in rows if row.task_id in {t.pk for t in b_tasks}} == {
        b.practice.pk
    }


def test_only_watchers_who_can_still_see_the_task_hear_and_never_twice(
    personas: Personas,
) -> None:
    a = personas.a
    [kept, archived] = requests(a, 1) + requests(a, 1, client="client2")
    # The owner watches both; the client of the second is archived, so its contact no
    # longer sees it. The unassigned assistant could never see either.
    add_watcher(kept, actor=a.owner, user=a.owner)
    add_watcher(archived, actor=a.owner, user=a.owner)
    archive_client(a.client2, actor=a.owner)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        first = reminders.remind_deadlines(batch_size=1)
        again = reminders.remind_deadlines(batch_size=1)
    assert heard(first) == {
        (kept.pk, a.contact1.pk, Kind.OVERDUE),
        (kept.pk, a.assistant.pk, Kind.OVERDUE),
        (kept.pk, a.owner.pk, Kind.OVERDUE),
        (archived.pk, a.owner.pk, Kind.OVERDUE),
    }
    assert again == []
    assert Notification.objects.filter(kind=Kind.OVERDUE).count() == 4


def test_keys_name_the_kind_the_task_the_deadline_and_the_recipient(personas: Personas) -> None:
    a = personas.a
    [task] = requests(a, 1)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    with time_machine.travel(DAY_BEFORE, tick=False):
        reminders.remind_deadlines()
    stamp = int(DUE.timestamp())
    assert set(
        Notification.objects.filter(kind=Kind.DUE_TOMORROW).values_list("key", flat=True)
    ) == {
        f"due_tomorrow:{task.pk}:{stamp}:{a.contact1.pk}",
        f"due_tomorrow:{task.pk}:{stamp}:{a.assistant.pk}",
    }
