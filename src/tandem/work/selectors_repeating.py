"""Page-shaped reads for repeating work, templates and checklists. Callers fetch the task or
client through ``visible_to`` first; each function says how many queries it runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.roles import Capability
from tandem.work.models import ChecklistItem, RepeatingRequest, RequestTemplate, Task
from tandem.work.repeating import client_calendar, schedule_of
from tandem.work.selectors_progress import Progress

if TYPE_CHECKING:
    from tandem.accounts.models import User


@dataclass(frozen=True)
class Checklist:
    items: list[ChecklistItem]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.is_done)

    @property
    def summary(self) -> str:
        """ "3 of 5 steps done", as the lists say it (``selectors_progress``)."""
        return Progress(done=self.done, total=self.total).summary


def checklist_of(task: Task) -> Checklist:
    """One query."""
    return Checklist(list(task.checklist_items.order_by("position", "id")))


@dataclass(frozen=True)
class SeriesRow:
    series: RepeatingRequest
    schedule_text: str
    next_made: datetime
    next_due: datetime
    # The deadlines of the copies to come, the next one first, on the client's clock: "Fri 1
    # Jan", or with the year when it is not this year's. Empty unless asked for.
    coming: tuple[str, ...] = ()

    @property
    def next_text(self) -> str:
        """ "next copy made Thu 24 Dec for Fri 1 Jan"."""
        return f"next copy made {_day(self.next_made)} for {_day(self.next_due)}"


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


# How many dates to come a client's repeating work page shows for each active series.
COMING_DATES = 4


def series_row(series: RepeatingRequest, client: Client, *, coming: int = 0) -> SeriesRow:
    """No query: ``client`` carries its practice (``select_related``). ``coming``: how many
    deadlines to come to list (an active series' only), the stored next copy's first."""
    schedule = schedule_of(series, calendar=client_calendar(client))
    local = schedule.calendar.zone
    dates: list[datetime] = []
    if coming and series.is_active:
        dates = [series.next_due_at]
        after = schedule.copies_from(series.next_occurrence_on, inclusive=False)
        dates += [next(after).due_at for _ in range(coming - 1)]
    this_year = timezone.now().astimezone(local).year
    return SeriesRow(
        series,
        schedule.describe(),
        series.next_create_at.astimezone(local),
        series.next_due_at.astimezone(local),
        tuple(_dated(moment.astimezone(local), this_year) for moment in dates),
    )


def _dated(moment: datetime, this_year: int) -> str:
    return _day(moment) if moment.year == this_year else f"{_day(moment)} {moment.year}"


def task_repeat_parts(task: Task, *, viewer: User) -> dict[str, Any]:
    """The task page's repeating and checklist parts: the checklist (one query), its series
    (one more, only for a copy) and what the viewer may do with them (no query: the task
    was fetched through ``visible_to``)."""
    standing = access.standing_of_visible(viewer, task.client)
    series = (
        RepeatingRequest.objects.filter(pk=task.series_id).first()
        if task.series_id is not None
        else None
    )
    return {
        "checklist": checklist_of(task),
        "series_row": series_row(series, task.client) if series is not None else None,
        "may_repeat": standing.allows(Capability.MANAGE_REPEATING_WORK),
        "may_tick": standing.allows(Capability.KEEP_CHECKLISTS),
    }


def client_series(client: Client) -> list[SeriesRow]:
    """A client's series, active first, then paused, then ended; newest first within: one
    query."""
    order = Case(
        When(status=RepeatingRequest.Status.ACTIVE, then=Value(0)),
        When(status=RepeatingRequest.Status.PAUSED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    rows = RepeatingRequest.objects.filter(client=client).select_related("assignee")
    return [
        series_row(series, client, coming=COMING_DATES)
        for series in rows.order_by(order, "-created_at", "-id")
    ]


def templates_for(viewer: User) -> list[RequestTemplate]:
    """The templates the viewer keeps, by title: one query."""
    return list(
        RequestTemplate.objects.visible_to(viewer).select_related("client").order_by("title", "id")
    )


def templates_for_client(viewer: User, client: Client) -> list[RequestTemplate]:
    """The templates a new request for ``client`` may start from: one query."""
    return list(
        RequestTemplate.objects.visible_to(viewer)
        .filter(Q(client__isnull=True) | Q(client=client))
        .order_by("title", "id")
    )
