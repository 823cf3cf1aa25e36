"""The feed's sources from ``work``: requests' deadlines, and what is awaited from the client.

Whose requests: a client contact's feed has their client's requests (what they see in the
portal, through ``Task.objects.visible_to``); a practice member's has the requests assigned
to them, owners included. An owner's feed does not hold the whole practice: a practice with
thousands of open requests would make a calendar nobody can read, and the board is the
place to see everyone's work.

Each source is one query (the task rows with their client), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from tandem.core.links import link
from tandem.core.site import absolute
from tandem.planning.feeds import FeedEvent, Viewer, Window, source
from tandem.work.models import Task, TaskQuerySet, TaskStatus

# Cancelled and declined requests leave the feed, so calendar apps remove their events.
LEFT_OUT = (TaskStatus.CANCELLED, TaskStatus.DECLINED)
# What done looks like, cut short in the event's notes.
EXPECTATIONS_SHOWN = 300
STATUS_LABELS = {status.value: str(status.label) for status in TaskStatus}


class Row(NamedTuple):
    """What an event of a task is written from: plain values, not model instances (a
    feed of 500 events spent most of its time building Task and Client objects)."""

    pk: int
    title: str
    status: str
    expectations: str
    # Set on every row each source reads: it filters on its own.
    deadline_at: datetime | None
    waiting_for: str
    waiting_until: datetime | None
    updated_at: datetime
    client_name: str
    client_time_zone: str


COLUMNS = (
    "pk",
    "title",
    "status",
    "expectations",
    "deadline_at",
    "waiting_for",
    "waiting_until",
    "updated_at",
    "client__name",
    "client__time_zone",
)


def _tasks_of(viewer: Viewer) -> TaskQuerySet:
    tasks = Task.objects.visible_to(viewer.person)
    if not viewer.is_client_side:
        tasks = tasks.filter(assignee_id=viewer.person.pk)
    return tasks


def _rows(tasks: TaskQuerySet) -> list[Row]:
    return [Row(*values) for values in tasks.values_list(*COLUMNS)]


@source("work.deadlines")
def deadlines(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """Each request's deadline, "Due: <title> (<client>)"; done ones read "Done: …"."""
    tasks = (
        _tasks_of(viewer)
        .filter(deadline_at__gte=window.starts_at, deadline_at__lt=window.ends_at)
        .exclude(status__in=LEFT_OUT)
        .order_by("deadline_at", "id")[:limit]
    )
    site = absolute(viewer.practice, "")
    return [_deadline(row, site) for row in _rows(tasks)]


@source("work.waiting-on-client")
def waiting_on_client(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """What a waiting request needs from the client, by when: "Waiting on you: …" in the
    contact's feed, "Waiting on <client>: …" in the practice's."""
    tasks = (
        _tasks_of(viewer)
        .filter(
            status=TaskStatus.WAITING_ON_CLIENT,
            waiting_until__gte=window.starts_at,
            waiting_until__lt=window.ends_at,
        )
        .order_by("waiting_until", "id")[:limit]
    )
    site = absolute(viewer.practice, "")
    return [_waiting(row, site, client_side=viewer.is_client_side) for row in _rows(tasks)]


def _deadline(row: Row, site: str) -> FeedEvent:
    assert row.deadline_at is not None
    done = row.status == TaskStatus.DONE
    return FeedEvent(
        uid=f"task-{row.pk}-due@tandem",
        summary=f"{'Done' if done else 'Due'}: {row.title} ({row.client_name})",
        starts_at=row.deadline_at,
        time_zone=row.client_time_zone,
        changed_at=row.updated_at,
        url=site + link("work:task-detail", row.pk),
        description=_notes(row, site),
    )


def _waiting(row: Row, site: str, *, client_side: bool) -> FeedEvent:
    assert row.waiting_until is not None
    who = "you" if client_side else row.client_name
    return FeedEvent(
        uid=f"task-{row.pk}-waiting@tandem",
        summary=f"Waiting on {who}: {row.waiting_for or row.title} ({row.title})",
        starts_at=row.waiting_until,
        time_zone=row.client_time_zone,
        changed_at=row.updated_at,
        url=site + link("work:task-detail", row.pk),
        description=_notes(row, site),
    )


def _notes(row: Row, site: str) -> str:
    expectations = row.expectations
    if len(expectations) > EXPECTATIONS_SHOWN:
        expectations = expectations[: EXPECTATIONS_SHOWN - 1].rstrip() + "…"
    status = STATUS_LABELS.get(row.status, row.status)
    return f"Status: {status}.\nDone when: {expectations}\n{site}{link('work:task-detail', row.pk)}"
