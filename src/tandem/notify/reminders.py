"""Deadline reminders: "due within a day" and "overdue", once per deadline, to the watchers
who can still see the task.

The scan goes practice by practice and, within one, through the owed tasks in batches of
``BATCH_SIZE`` by id. Each batch is its own transaction and runs the same queries whatever
its size: its tasks not yet reminded about their current deadline (one query), who hears
about each (one query), then ``services.record`` (the recipients' preferences, the rows,
their mail jobs: a bulk write each). A crash loses at most the batch in flight, which the
next scan does again; the unique key per (kind, task, deadline, recipient) makes a second
worker's scan of the same batch write nothing. A moved deadline is a new deadline,
reminded again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.models import Practice
from tandem.notify.models import Kind, Notification
from tandem.notify.services import Change, record
from tandem.work.models import Task, TaskStatus
from tandem.work.selectors import task_audience

DAY = timedelta(days=1)
# Each client of a batch is one member of a UNION ALL, and SQLite allows 500 of them.
BATCH_SIZE = 200

# Work still owed: a delivered task has met its deadline, a closed one no longer has one.
REMINDED_STATUSES = (
    TaskStatus.REQUESTED,
    TaskStatus.ACCEPTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.WAITING_ON_CLIENT,
)


def remind_deadlines(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> list[Notification]:
    """Every practice's reminders, one practice and one batch at a time; returns the rows
    written (a row another worker wrote first is returned but not written twice)."""
    now = now or timezone.now()
    told: list[Notification] = []
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        told += remind_practice(practice_id, now=now, batch_size=batch_size)
    return told


def remind_practice(
    practice_id: int, *, now: datetime, batch_size: int = BATCH_SIZE
) -> list[Notification]:
    """One practice's "due within a day" and "overdue" reminders, batch by batch."""
    windows = (
        (Kind.DUE_TOMORROW, Q(deadline_at__gt=now, deadline_at__lte=now + DAY)),
        (Kind.OVERDUE, Q(deadline_at__lte=now)),
    )
    told: list[Notification] = []
    for kind, window in windows:
        owed = _owed(practice_id, kind, window)
        after: int | None = 0
        while after is not None:
            rows, after = _remind_batch(owed, kind, after=after, size=batch_size)
            told += rows
    return told


def _owed(practice_id: int, kind: str, window: Q) -> QuerySet[Task]:
    """The practice's open tasks in ``window`` not yet reminded about their deadline."""
    reminded = Notification.objects.filter(
        task_id=OuterRef("pk"), kind=kind, deadline_at=OuterRef("deadline_at")
    )
    return (
        Task.objects.filter(practice_id=practice_id, status__in=REMINDED_STATUSES)
        .filter(window)
        .exclude(Exists(reminded))
        .select_related("client")
        .order_by("pk")
    )


@transaction.atomic
def _remind_batch(
    owed: QuerySet[Task], kind: str, *, after: int, size: int
) -> tuple[list[Notification], int | None]:
    """Remind the next ``size`` owed tasks after id ``after``; returns the rows and the id
    the next batch starts after (None when this batch was the last)."""
    tasks = list(owed.filter(pk__gt=after)[:size])
    if not tasks:
        return [], None
    hearing = watchers_who_see(tasks)
    changes = [
        Change(
            task,
            kind,
            # The deadline is in the key: a moved deadline is reminded again.
            f"{kind}:{task.pk}:{int(task.deadline_at.timestamp())}",  # type: ignore[union-attr]
            deadline_at=task.deadline_at,
            recipients=hearing[task.pk],
        )
        for task in tasks
    ]
    return record(changes), tasks[-1].pk if len(tasks) == size else None


def watchers_who_see(tasks: Sequence[Task]) -> defaultdict[int, list[User]]:
    """Each task's watchers who can still see it, by task id, in one query.

    Who sees a task depends only on its client, so the query has a part per client of the
    batch: the work app's own ``task_audience`` (one of the client's tasks stands for
    them all) narrowed to the watchers of that client's tasks in the batch; the parts are
    joined with UNION ALL. A reminder can therefore never reach someone the task page would
    404 for. Each list is ordered by user id.
    """
    by_client: defaultdict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_client[task.client_id].append(task)
    parts = [
        task_audience(same_client[0])
        .filter(watching__task_id__in=[task.pk for task in same_client])
        .annotate(watched_task_id=F("watching__task_id"))
        for same_client in by_client.values()
    ]
    hearing: defaultdict[int, list[User]] = defaultdict(list)
    if not parts:
        return hearing
    for user in parts[0].union(*parts[1:], all=True):
        hearing[user.watched_task_id].append(user)
    for users in hearing.values():
        users.sort(key=lambda user: user.pk)
    return hearing
