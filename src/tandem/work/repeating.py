"""Repeating requests: starting a series, pausing, resuming and ending it, and the periodic
job that makes each copy ahead of its deadline.

A series keeps its next copy's date under the rule, deadline and making time
(``next_occurrence_on``, ``next_due_at``, ``next_create_at``). The job
(``make_due_copies``, run every 15 minutes by ``work.tasks.make_repeating_copies``) goes
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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.clients.models import Assignment, Client
from tandem.core import events
from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.core.zones import zone_name
from tandem.work.models import (
    ChecklistItem,
    Priority,
    RepeatingRequest,
    Task,
    TaskEvent,
    TaskStatus,
    Watcher,
)
from tandem.work.models_repeating import steps_of
from tandem.work.recurrence import LAST_DAY, Frequency, Rule, created_at, due_at
from tandem.work.services import (
    COMMENT_MAX,
    _check_related,
    require_text,
    standing_for_client,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

BATCH_SIZE = 200
LEAD_DAYS_MAX = 90
CHECKLIST_MAX = 30
STEP_MAX = 200
# How many of a series' dates one run looks through (a series left paused for years).
_DATES_PER_RUN = 400

ONLY_PRACTICE = "Only the practice can make a request repeat."


@dataclass(frozen=True)
class Copy:
    """One copy to come: its date under the rule, its deadline, and when it is made."""

    occurrence_on: date
    due_at: datetime
    create_at: datetime


@dataclass(frozen=True)
class Schedule:
    """A rule with its time of day and lead time, read on one client's calendar."""

    rule: Rule
    calendar: PracticeCalendar
    due_time: time | None
    lead_days: int

    def copy_for(self, occurrence: date) -> Copy:
        deadline = due_at(occurrence, calendar=self.calendar, at=self.due_time)
        return Copy(occurrence, deadline, created_at(deadline, lead_days=self.lead_days))

    def copies_from(self, day: date, *, inclusive: bool = True) -> Iterator[Copy]:
        occurrence = self.rule.first_on_or_after(day) if inclusive else self.rule.next_after(day)
        while True:
            yield self.copy_for(occurrence)
            occurrence = self.rule.next_after(occurrence)

    def next_copy(self, day: date, *, now: datetime, inclusive: bool = True) -> Copy:
        """The first copy from ``day`` whose deadline is still ahead."""
        copies = self.copies_from(day, inclusive=inclusive)
        for _ in range(_DATES_PER_RUN):
            copy = next(copies)
            if copy.due_at > now:
                return copy
        raise DomainError("That rule gives no date in the coming years; pick another day.")

    def upcoming(self, *, now: datetime, count: int = 4) -> list[Copy]:
        first = self.next_copy(self.rule.starts_on, now=now)
        copies = [first]
        for copy in self.copies_from(first.occurrence_on, inclusive=False):
            if len(copies) == count:
                break
            copies.append(copy)
        return copies

    def describe(self) -> str:
        """ "Every month on the 1st, due 17:00 New York time"."""
        clock = self.due_time or self.calendar.work_ends_at
        return f"{self.rule.describe()}, due {clock:%H:%M} {zone_name(self.calendar.time_zone)}"


def client_calendar(client: Client) -> PracticeCalendar:
    """The practice's calendar read on the client's clock."""
    return client.practice.calendar().in_time_zone(client.time_zone)


def schedule_of(series: RepeatingRequest, *, calendar: PracticeCalendar | None = None) -> Schedule:
    return Schedule(
        series.rule,
        calendar or client_calendar(series.client),
        series.due_time,
        series.lead_days,
    )


def client_today(client: Client) -> date:
    return timezone.localdate(timezone=ZoneInfo(client.time_zone))


# Starting and changing a series -------------------------------------------------------------------


def check_rule(
    *, frequency: str, weekday: int | None, day_of_month: int | None, starts_on: date
) -> Rule:
    """The rule, or a sentence beside the field that is missing or wrong."""
    if frequency not in Frequency.__members__.values():
        raise DomainError("Pick how often: every week, month or three months.", field="frequency")
    if frequency == Frequency.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        raise DomainError("Pick the weekday each copy is due.", field="weekday")
    if frequency != Frequency.WEEKLY and (
        day_of_month is None or not (day_of_month == LAST_DAY or 1 <= day_of_month <= 31)
    ):
        raise DomainError("Pick the day of the month each copy is due.", field="day_of_month")
    return Rule(
        Frequency(frequency),
        starts_on,
        weekday=weekday if frequency == Frequency.WEEKLY else None,
        day_of_month=day_of_month if frequency != Frequency.WEEKLY else None,
    )


def check_checklist(text: str) -> str:
    steps = steps_of(text)
    if len(steps) > CHECKLIST_MAX:
        raise DomainError(
            f"Keep the checklist to {CHECKLIST_MAX} steps; it has {len(steps)}.", field="checklist"
        )
    if any(len(step) > STEP_MAX for step in steps):
        raise DomainError(
            f"Keep each step under {STEP_MAX} characters; split a long one in two.",
            field="checklist",
        )
    return "\n".join(steps)


def start_series(
    client: Client,
    *,
    actor: User,
    title: str,
    expectations: str,
    frequency: str,
    starts_on: date,
    request_markdown: str = "",
    weekday: int | None = None,
    day_of_month: int | None = None,
    due_time: time | None = None,
    lead_days: int = 7,
    assignee: User | None = None,
    priority: str = Priority.NORMAL,
    checklist: str = "",
    source_task: Task | None = None,
) -> RepeatingRequest:
    """Make a request repeat: the practice's move, on a client it works on. From a task
    (``source_task``), that task becomes the series' first copy and the rule starts after it.
    """
    standing_for_client(client, actor, Capability.MANAGE_REPEATING_WORK, wrong_role=ONLY_PRACTICE)
    title = require_text(title, field="title", message="Give the request a short title.")
    expectations = require_text(
        expectations,
        field="expectations",
        message="Say what done looks like, so everyone knows when each copy is finished.",
        limit=COMMENT_MAX,
    )
    rule = check_rule(
        frequency=frequency, weekday=weekday, day_of_month=day_of_month, starts_on=starts_on
    )
    if starts_on < client_today(client):
        raise DomainError(
            "The first date has already passed; pick today or later.", field="starts_on"
        )
    if not 0 <= lead_days <= LEAD_DAYS_MAX:
        raise DomainError(
            f"Make each copy between 0 and {LEAD_DAYS_MAX} days before it is due.",
            field="lead_days",
        )
    _check_related(client, project=None, assignee=assignee, priority=priority)
    checklist = check_checklist(checklist)
    if source_task is not None and source_task.series_id is not None:
        raise DomainError("This request already repeats; see the client's repeating work.")
    schedule = Schedule(rule, client_calendar(client), due_time, lead_days)
    first = schedule.next_copy(starts_on, now=timezone.now())
    with transaction.atomic():
        series = RepeatingRequest.objects.create(
            practice_id=client.practice_id,
            client=client,
            title=title,
            request_markdown=request_markdown.strip(),
            expectations=expectations,
            assignee=assignee,
            priority=priority,
            checklist=checklist,
            frequency=rule.frequency,
            weekday=rule.weekday,
            day_of_month=rule.day_of_month,
            starts_on=starts_on,
            due_time=due_time,
            lead_days=lead_days,
            next_occurrence_on=first.occurrence_on,
            next_due_at=first.due_at,
            next_create_at=first.create_at,
            created_by=actor,
        )
        if source_task is not None:
            # The request it was made from is its first copy, dated by its own deadline.
            source_day = (
                timezone.localtime(source_task.deadline_at, ZoneInfo(client.time_zone)).date()
                if source_task.deadline_at
                else client_today(client)
            )
            Task.objects.filter(pk=source_task.pk, series__isnull=True).update(
                series=series, occurrence_on=min(source_day, first.occurrence_on)
            )
    return series


def change_series(series: RepeatingRequest, *, actor: User, to: str) -> RepeatingRequest:
    """Pause, resume or end a series. Resuming picks the rule up from today: the dates
    missed while paused are not made late."""
    standing_for_client(
        series.client, actor, Capability.MANAGE_REPEATING_WORK, wrong_role=ONLY_PRACTICE
    )
    status = RepeatingRequest.Status
    allowed = {
        status.PAUSED: {status.ACTIVE},
        status.ACTIVE: {status.PAUSED},
        status.ENDED: {status.ACTIVE, status.PAUSED},
    }
    if to not in allowed or series.status not in allowed[status(to)]:
        raise DomainError(_why_not(series, to))
    fields = ["status"]
    if to == status.ACTIVE:
        copy = schedule_of(series).next_copy(
            max(client_today(series.client), series.next_occurrence_on), now=timezone.now()
        )
        series.next_occurrence_on, series.next_due_at = copy.occurrence_on, copy.due_at
        series.next_create_at = copy.create_at
        fields += ["next_occurrence_on", "next_due_at", "next_create_at"]
    series.status = to
    series.save(update_fields=fields)
    return series


def _why_not(series: RepeatingRequest, to: str) -> str:
    if series.status == RepeatingRequest.Status.ENDED:
        return f"“{series.title}” has ended; make a request repeat again to start anew."
    if series.status == to:
        return f"“{series.title}” is already {series.get_status_display().lower()}."
    return "Pause, resume or end the series."


# The job ------------------------------------------------------------------------------------------


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
    batch = list(_due(now, after)[:size])
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
        for _ in range(_DATES_PER_RUN):
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
