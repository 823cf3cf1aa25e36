"""Repeating requests: starting a series, editing, pausing, resuming and ending it.

A series keeps its next copy's date under the rule, deadline and making time
(``next_occurrence_on``, ``next_due_at``, ``next_create_at``); the periodic job that makes
each copy is ``repeating_copies.make_due_copies``. A series made from a request tells its
start, edits, pauses and end on that request's timeline (``TaskEvent.Kind.SERIES``, worded
by ``changes.describe``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import events
from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.core.zones import zone_name
from tandem.work.models import (
    Priority,
    RepeatingRequest,
    Task,
    TaskEvent,
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

LEAD_DAYS_MAX = 90
CHECKLIST_MAX = 30
STEP_MAX = 200
# How many of a series' dates one run looks through (a series left paused for years).
DATES_PER_RUN = 400

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

    def next_copy(
        self,
        day: date,
        *,
        now: datetime,
        inclusive: bool = True,
        after_round_of: date | None = None,
    ) -> Copy:
        """The first copy from ``day`` whose deadline is still ahead and, with
        ``after_round_of`` (the last copy made), in a later round than that copy's
        (``Rule.round_of``)."""
        copies = self.copies_from(day, inclusive=inclusive)
        done = self.rule.round_of(after_round_of) if after_round_of is not None else None
        for _ in range(DATES_PER_RUN):
            copy = next(copies)
            if copy.due_at > now and (
                done is None or self.rule.round_of(copy.occurrence_on) > done
            ):
                return copy
        raise DomainError("That rule gives no date in the coming years; pick another day.")

    def upcoming(
        self,
        *,
        now: datetime,
        count: int = 4,
        from_day: date | None = None,
        after_round_of: date | None = None,
    ) -> list[Copy]:
        """The next ``count`` copies whose deadline is ahead, from ``from_day`` (or the
        rule's start) on, after the round of ``after_round_of``."""
        first = self.next_copy(
            from_day or self.rule.starts_on, now=now, after_round_of=after_round_of
        )
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
    (``source_task``), that task becomes the series' first copy, the rule starts after it,
    and its timeline says it now repeats.
    """
    standing_for_client(client, actor, Capability.MANAGE_REPEATING_WORK, wrong_role=ONLY_PRACTICE)
    values, rule = _checked_parts(
        client,
        earliest_start=client_today(client),
        title=title,
        request_markdown=request_markdown,
        expectations=expectations,
        frequency=frequency,
        weekday=weekday,
        day_of_month=day_of_month,
        starts_on=starts_on,
        due_time=due_time,
        lead_days=lead_days,
        assignee=assignee,
        priority=priority,
        checklist=checklist,
    )
    if source_task is not None and source_task.series_id is not None:
        raise DomainError(ALREADY_REPEATS)
    schedule = Schedule(rule, client_calendar(client), due_time, lead_days)
    first = schedule.next_copy(starts_on, now=timezone.now())
    with transaction.atomic():
        series = RepeatingRequest.objects.create(
            practice_id=client.practice_id,
            client=client,
            **values,
            next_occurrence_on=first.occurrence_on,
            next_due_at=first.due_at,
            next_create_at=first.create_at,
            created_by=actor,
            updated_by=actor,
        )
        if source_task is not None:
            _first_copy_is(source_task, series=series, first=first)
            _tell(series, actor=actor, did="started", rule=True)
    return series


ALREADY_REPEATS = "This request already repeats; see the client's repeating work."


def _first_copy_is(task: Task, *, series: RepeatingRequest, first: Copy) -> None:
    """The request a series was made from is its first copy, dated by its own deadline.
    Conditional, so of two people making it repeat at once the second is refused."""
    zone = ZoneInfo(series.client.time_zone)
    day = timezone.localtime(task.deadline_at, zone).date() if task.deadline_at else None
    occurrence = min(day or client_today(series.client), first.occurrence_on)
    claimed = Task.objects.filter(pk=task.pk, series__isnull=True).update(
        series=series, occurrence_on=occurrence
    )
    if not claimed:
        raise DomainError(ALREADY_REPEATS)
    RepeatingRequest.objects.filter(pk=series.pk).update(source_task=task)
    series.source_task = task


def _checked_parts(
    client: Client, *, earliest_start: date | None, check_assignee: bool = True, **parts: Any
) -> tuple[dict[str, Any], Rule]:
    """A series' parts checked and cleaned, and its rule; refused with a sentence beside the
    first part that is wrong. ``starts_on`` may not be before ``earliest_start`` (None: an
    edit that keeps the first date, which may be long past)."""
    title = require_text(parts["title"], field="title", message="Give the request a short title.")
    expectations = require_text(
        parts["expectations"],
        field="expectations",
        message="Say what done looks like, so everyone knows when each copy is finished.",
        limit=COMMENT_MAX,
    )
    rule = check_rule(
        frequency=parts["frequency"],
        weekday=parts["weekday"],
        day_of_month=parts["day_of_month"],
        starts_on=parts["starts_on"],
    )
    if earliest_start is not None and parts["starts_on"] < earliest_start:
        raise DomainError(
            "The first date has already passed; pick today or later.", field="starts_on"
        )
    if not 0 <= parts["lead_days"] <= LEAD_DAYS_MAX:
        raise DomainError(
            f"Make each copy between 0 and {LEAD_DAYS_MAX} days before it is due.",
            field="lead_days",
        )
    assignee = parts["assignee"] if check_assignee else None
    _check_related(client, project=None, assignee=assignee, priority=parts["priority"])
    return parts | {
        "title": title,
        "expectations": expectations,
        "request_markdown": parts["request_markdown"].strip(),
        "checklist": check_checklist(parts["checklist"]),
        "frequency": rule.frequency,
        "weekday": rule.weekday,
        "day_of_month": rule.day_of_month,
    }, rule


# Editing a series ---------------------------------------------------------------------------------

# The parts of a series that say when its copies fall due.
SCHEDULE_PARTS = ("frequency", "weekday", "day_of_month", "starts_on", "due_time")
# What ``edit_series`` takes, in the order the form and the timeline name them.
EDITABLE_PARTS = (
    "title",
    "request_markdown",
    "expectations",
    *SCHEDULE_PARTS,
    "lead_days",
    "assignee",
    "priority",
    "checklist",
)


def edit_series(
    series: RepeatingRequest, *, actor: User, seen: datetime | None = None, **changes: Any
) -> bool:
    """Change an active or paused series as ``changes`` say (parts not given stay as they
    are). Returns whether anything changed.

    A new rule, first date, time or lead time moves the next copy: the first date under the
    new rule from today on, in a later round (week, month or quarter: ``Rule.round_of``)
    than the last copy already made, so moving "the 1st" to "the 5th" after January's copy
    was made next makes February's, not a second January. The copies already made are
    requests of their own and keep their deadlines.

    ``seen`` is when the series was last changed as the editor saw it (``updated_at``): when
    someone has changed it since, the edit is refused and nothing is written. An ended series
    is refused. The request it was made from, if any, says what changed on its timeline.
    """
    unknown = set(changes) - set(EDITABLE_PARTS)
    if unknown:
        raise TypeError(f"edit_series cannot change {', '.join(sorted(unknown))}")
    client = series.client
    standing_for_client(client, actor, Capability.MANAGE_REPEATING_WORK, wrong_role=ONLY_PRACTICE)
    if series.is_ended:
        raise DomainError(ended_refusal(series))
    current = {part: getattr(series, part) for part in EDITABLE_PARTS}
    moved_start = "starts_on" in changes and changes["starts_on"] != series.starts_on
    # Only a new assignee is checked: one who has since left the client does not block an
    # edit of the words (the job already leaves each copy to the inbox).
    new_assignee = _same(changes.get("assignee", current["assignee"])) != series.assignee_id
    values, rule = _checked_parts(
        client,
        earliest_start=client_today(client) if moved_start else None,
        check_assignee=new_assignee,
        **current | changes,
    )
    changed = [part for part in EDITABLE_PARTS if _same(values[part]) != _same(current[part])]
    if not changed:
        return False
    update = {part: values[part] for part in changed}
    with transaction.atomic():
        _lock(series)
        if not set(changed).isdisjoint(RESCHEDULING_PARTS):
            update |= _next_copy_of(series, rule, values)
        _save_unless_changed_meanwhile(series, update, actor=actor, seen=seen)
        _tell(
            series,
            actor=actor,
            did="edited",
            rule=not set(changed).isdisjoint(SCHEDULE_PARTS),
            parts=[part for part in changed if part not in SCHEDULE_PARTS],
        )
    return True


# What moves the next copy when it changes.
RESCHEDULING_PARTS = frozenset({*SCHEDULE_PARTS, "lead_days"})


def _lock(series: RepeatingRequest) -> None:
    """Lock the series' row until the transaction ends (PostgreSQL; SQLite's writers take
    turns anyway), so the job cannot make a copy under the old rule while an edit works out
    the next one: the job skips a locked series until its next run."""
    list(RepeatingRequest.objects.select_for_update().filter(pk=series.pk).values("pk"))


def _next_copy_of(
    series: RepeatingRequest, rule: Rule, values: dict[str, Any]
) -> dict[str, date | datetime]:
    """The next copy under the edited rule: from today, in a round after the last copy's."""
    client = series.client
    schedule = Schedule(rule, client_calendar(client), values["due_time"], values["lead_days"])
    copy = schedule.next_copy(
        client_today(client), now=timezone.now(), after_round_of=last_copy_made_on(series)
    )
    return {
        "next_occurrence_on": copy.occurrence_on,
        "next_due_at": copy.due_at,
        "next_create_at": copy.create_at,
    }


def _save_unless_changed_meanwhile(
    series: RepeatingRequest, update: dict[str, Any], *, actor: User, seen: datetime | None
) -> None:
    """Write ``update`` only over the version the editor saw, and only while it has not
    ended (one conditional UPDATE); refused with who changed it otherwise."""
    now = timezone.now()
    rows = RepeatingRequest.objects.filter(pk=series.pk, updated_at=seen or series.updated_at)
    rows = rows.exclude(status=RepeatingRequest.Status.ENDED)
    if not rows.update(**update, updated_at=now, updated_by=actor):
        raise DomainError(_changed_meanwhile(series, actor=actor))
    for part, value in update.items():
        setattr(series, part, value)
    series.updated_at, series.updated_by = now, actor


def _same(value: Any) -> Any:
    """A part as compared for an edit: a person by id."""
    return getattr(value, "pk", value)


def last_copy_made_on(series: RepeatingRequest) -> date | None:
    """The rule's date of the latest copy of ``series`` already made (its first copy, the
    request it was made from, counts), or None. One query (the copies' index)."""
    made: date | None = Task.objects.filter(series_id=series.pk).aggregate(
        last=Max("occurrence_on")
    )["last"]
    return made


def ended_refusal(series: RepeatingRequest) -> str:
    return (
        f"“{series.title}” has ended, so it can no longer be changed; make a request repeat "
        "again to start anew."
    )


def _changed_meanwhile(series: RepeatingRequest, *, actor: User) -> str:
    """Why an edit was refused after the checks passed: the series ended, or someone
    changed it after the editor opened it."""
    latest = RepeatingRequest.objects.select_related("updated_by").filter(pk=series.pk).first()
    if latest is None or latest.is_ended:
        return ended_refusal(series)
    who = latest.updated_by.display_name if latest.updated_by else "Someone"
    first = f"{who} changed this series while you were editing it."
    if latest.updated_by_id == actor.pk:
        first = "You changed this series in another window meanwhile."
    return (
        f"{first} Your edits are still in the form: check them against the series as it is "
        "now, and save again."
    )


def _tell(
    series: RepeatingRequest,
    *,
    actor: User,
    did: str,
    rule: bool = False,
    parts: list[str] | None = None,
) -> None:
    """A line on the timeline of the request the series was made from (none without one),
    through the one event path: what was done, the rule as it now is, the other parts an
    edit changed. No query (the event is built from ids)."""
    if series.source_task_id is None:
        return
    said: dict[str, Any] = {"did": did}
    if rule:
        calendar = client_calendar(series.client)
        clock = series.due_time or calendar.work_ends_at
        said["rule"] = {
            "frequency": series.frequency,
            "weekday": series.weekday,
            "day_of_month": series.day_of_month,
            "due": f"{clock:%H:%M}",
            "zone": series.client.time_zone,
        }
    if parts:
        said["parts"] = parts
    event = TaskEvent(
        practice_id=series.practice_id,
        client_id=series.client_id,
        task_id=series.source_task_id,
        actor=actor,
        kind=TaskEvent.Kind.SERIES,
        changes={"series": said},
    )
    events.record(event, kind=f"task.{TaskEvent.Kind.SERIES}")


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
    fields = ["status", "updated_at", "updated_by"]
    if to == status.ACTIVE:
        copy = schedule_of(series).next_copy(
            max(client_today(series.client), series.next_occurrence_on), now=timezone.now()
        )
        series.next_occurrence_on, series.next_due_at = copy.occurrence_on, copy.due_at
        series.next_create_at = copy.create_at
        fields += ["next_occurrence_on", "next_due_at", "next_create_at"]
    series.status = to
    series.updated_at, series.updated_by = timezone.now(), actor
    did = {status.ACTIVE: "resumed", status.PAUSED: "paused", status.ENDED: "ended"}[status(to)]
    with transaction.atomic():
        series.save(update_fields=fields)
        _tell(series, actor=actor, did=did, rule=to == status.ACTIVE)
    return series


def _why_not(series: RepeatingRequest, to: str) -> str:
    if series.status == RepeatingRequest.Status.ENDED:
        return f"“{series.title}” has ended; make a request repeat again to start anew."
    if series.status == to:
        return f"“{series.title}” is already {series.get_status_display().lower()}."
    return "Pause, resume or end the series."
