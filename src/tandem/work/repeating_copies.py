"""The periodic job that makes each copy of a repeating request ahead of its deadline.

``make_due_copies`` (run every 15 minutes by ``work.tasks.make_repeating_copies``) goes
through the active series whose making time has come in batches of ``BATCH_SIZE`` by id,
each batch its own transaction with the same queries whatever its size: the series, the
copies they already have, the assignees still assigned, then one bulk write each for the
tasks, their watchers, their checklists, their "created" events (with their reactions'
jobs: ``events.record_many``, the batched twin of ``create_task``'s) and the series' next
dates. ``Task``'s unique (series, occurrence date) makes a second worker's run of the same
batch fail and roll back instead of making a copy twice; a retried run finds the copies
and moves on. A copy whose deadline has already passed (the job did not run for a while, or
the series was paused) is skipped, never made late.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.clients.models import Assignment
from tandem.core import events
from tandem.core.calendar import PracticeCalendar
from tandem.work.models import (
    ChecklistItem,
    RepeatingRequest,
    Task,
    TaskEvent,
    TaskStatus,
    Watcher,
)
from tandem.work.repeating import DATES_PER_RUN, Copy, client_calendar, schedule_of

BATCH_SIZE = 200


def make_due_copies(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Every copy whose making time has come, batch by batch; returns how many were made."""
    now = now or timezone.now()
    made = 0
    after: int | None = 0
    while after is not None:
        start = after
        try:
            count, after = _copy_batch(now=now, after=start, size=batch_size)
        except IntegrityError:
            # Another worker made this batch's copies first (Task's unique occurrence):
            # ours rolled back; the next scan finds those series moved on.
            count, after = 0, _last_id_of_batch(now=now, after=start, size=batch_size)
        made += count
    return made


def _due(now: datetime, after: int) -> QuerySet[RepeatingRequest]:
    return (
        RepeatingRequest.objects.filter(
            status=RepeatingRequest.Status.ACTIVE,
            next_create_at__lte=now,
            pk__gt=after,
            client__archived_at__isnull=True,
        )
        .select_related("client__practice")
        .order_by("pk")
    )


def _last_id_of_batch(*, now: datetime, after: int, size: int) -> int | None:
    ids = list(_due(now, after).values_list("pk", flat=True)[:size])
    return ids[-1] if len(ids) == size else None


@transaction.atomic
def _copy_batch(*, now: datetime, after: int, size: int) -> tuple[int, int | None]:
    """Make the copies of the next ``size`` due series after id ``after``; returns how many
    and the id the next batch starts after (None when this was the last)."""
    # Locked (PostgreSQL), skipping a series being edited at this moment: its edit may move
    # the next copy (``edit_series``), and the next run makes that copy.
    locked = _due(now, after).select_for_update(skip_locked=True, of=("self",))
    batch = list(locked[:size])
    if not batch:
        return 0, None
    made = _copies_of(batch, now=now)
    tasks = Task.objects.bulk_create([task for _, task in made])
    Watcher.objects.bulk_create(
        Watcher(practice_id=task.practice_id, task=task, user_id=user_id)
        for task in tasks
        for user_id in _watching(task)
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            practice_id=task.practice_id,
            client_id=task.client_id,
            task=task,
            position=position,
            text=step,
        )
        for (series, _), task in zip(made, tasks, strict=True)
        for position, step in enumerate(series.checklist_steps, start=1)
    )
    events.record_many(
        [
            TaskEvent(
                practice_id=task.practice_id,
                client_id=task.client_id,
                task=task,
                actor_id=task.created_by_id,
                kind=TaskEvent.Kind.CREATED,
                to_status=task.status,
            )
            for task in tasks
        ],
        kind=f"task.{TaskEvent.Kind.CREATED}",
    )
    RepeatingRequest.objects.bulk_update(
        batch, ["next_occurrence_on", "next_due_at", "next_create_at"]
    )
    return len(tasks), batch[-1].pk if len(batch) == size else None


def _watching(task: Task) -> set[int]:
    """Who watches a copy, as ``create_task`` has it: its creator and its assignee."""
    return {task.created_by_id} | ({task.assignee_id} if task.assignee_id is not None else set())


def _copies_of(
    batch: list[RepeatingRequest], *, now: datetime
) -> list[tuple[RepeatingRequest, Task]]:
    """The copies the batch owes (unsaved), each series moved on to its next copy: two
    queries (the copies already made, the assignees still assigned)."""
    made_already = set(
        Task.objects.filter(
            series_id__in=[s.pk for s in batch],
            occurrence_on__gte=min(s.next_occurrence_on for s in batch),
        ).values_list("series_id", "occurrence_on")
    )
    assigned = set(
        Assignment.objects.filter(
            client_id__in={s.client_id for s in batch},
            user_id__in={s.assignee_id for s in batch if s.assignee_id is not None},
        ).values_list("client_id", "user_id")
    )
    calendars: dict[tuple[int, str], PracticeCalendar] = {}
    owed: list[tuple[RepeatingRequest, Task]] = []
    for series in batch:
        key = (series.practice_id, series.client.time_zone)
        if key not in calendars:
            calendars[key] = client_calendar(series.client)
        schedule = schedule_of(series, calendar=calendars[key])
        # The next copy as stored (and shown on the pages); the ones after from the rule.
        copy = Copy(series.next_occurrence_on, series.next_due_at, series.next_create_at)
        for _ in range(DATES_PER_RUN):
            if copy.create_at > now:
                break
            if copy.due_at > now and (series.pk, copy.occurrence_on) not in made_already:
                owed.append((series, _task_for(series, copy, assigned)))
            copy = schedule.copy_for(series.rule.next_after(copy.occurrence_on))
        series.next_occurrence_on, series.next_due_at = copy.occurrence_on, copy.due_at
        series.next_create_at = copy.create_at
    return owed


def _task_for(series: RepeatingRequest, copy: Copy, assigned: set[tuple[int, int]]) -> Task:
    assignee_id = series.assignee_id
    if assignee_id is not None and (series.client_id, assignee_id) not in assigned:
        # No longer works on the client: the copy waits in the inbox for someone to take it.
        assignee_id = None
    now = timezone.now()
    return Task(
        practice_id=series.practice_id,
        client_id=series.client_id,
        title=series.title,
        request_markdown=series.request_markdown,
        expectations=series.expectations,
        deadline_at=copy.due_at,
        priority=series.priority,
        assignee_id=assignee_id,
        created_by_id=series.created_by_id,
        status=TaskStatus.REQUESTED,
        series=series,
        occurrence_on=copy.occurrence_on,
        created_at=now,
        updated_at=now,
    )
