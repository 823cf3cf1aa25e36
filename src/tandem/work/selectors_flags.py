"""What on one client's page needs the practice's attention: its overdue work and what waits
on the client, flagged as the dashboard flags them across clients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max

from tandem.clients.models import Client
from tandem.work.models import Task, TaskEvent, TaskStatus
from tandem.work.selectors_day import PRACTICE_STATUSES

if TYPE_CHECKING:
    from tandem.accounts.models import User


@dataclass(frozen=True)
class Waiting:
    task: Task
    # When it went to the client (its latest move to "waiting on the client").
    since: datetime | None


@dataclass(frozen=True)
class ClientFlags:
    # The practice's late work (requested, accepted or in progress past its deadline),
    # longest overdue first.
    overdue: list[Task]
    # Waiting on the client, the longest waiting first.
    waiting: list[Waiting]

    @property
    def any(self) -> bool:
        return bool(self.overdue or self.waiting)


def client_flags(
    *, viewer: User, client: Client, open_tasks: Sequence[Task], now: datetime
) -> ClientFlags:
    """Flags from ``open_tasks`` (the page's open requests of ``client``, already loaded),
    and one query for when each waiting task went to the client."""
    overdue = [
        task
        for task in open_tasks
        if task.status in PRACTICE_STATUSES and task.deadline_at and task.deadline_at < now
    ]
    overdue.sort(key=lambda task: (task.deadline_at, task.pk))
    # Led by the client's waiting tasks (an index range), then each one's events by the
    # (task, created_at) index: never a walk through all of a busy client's history.
    waiting_ids = Task.objects.visible_to(viewer).filter(
        client=client, status=TaskStatus.WAITING_ON_CLIENT
    )
    since = dict(
        TaskEvent.objects.filter(
            task__in=waiting_ids.values("pk"), to_status=TaskStatus.WAITING_ON_CLIENT
        )
        .values("task_id")
        .annotate(since=Max("created_at"))
        .values_list("task_id", "since")
    )
    waiting = [
        Waiting(task, since.get(task.pk))
        for task in open_tasks
        if task.status == TaskStatus.WAITING_ON_CLIENT
    ]
    waiting.sort(key=lambda row: (row.since or row.task.created_at, row.task.pk))
    return ClientFlags(overdue=overdue, waiting=waiting)
