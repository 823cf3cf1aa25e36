"""What a weekly check-in says, read from a client's work: done last week, in progress, waiting
on the client, coming up. Three queries per client, each bounded, whatever its size.

The result is a frozen value kept on the check-in as JSON (``to_json``/``from_json``), so the
pages, the portal and the mail show what was prepared (or refreshed when it went), not what
the database holds when someone looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from tandem.planning.models_headsups import HeadsUp
from tandem.planning.models_owed import Owed
from tandem.work.models import OPEN_STATUSES, Task, TaskEvent, TaskStatus

# Each section shows this many; the check-in's page and the portal link to the rest.
SECTION_LIMIT = 10
# "Coming up": deadlines within this many days after the check-in.
COMING_UP_DAYS = 14
# Open requests read per client (by deadline): far more than any section shows.
OPEN_READ_LIMIT = 200
LAST_WEEK = timedelta(days=7)
S = TaskStatus
IN_PROGRESS = (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS)
STATUS_LABELS = {status.value: str(status.label) for status in TaskStatus}


@dataclass(frozen=True)
class Item:
    """One line of a section: a request (``task_id``) or something owed, and its instant
    (done at, due by, deadline), shown on the client's clock."""

    title: str
    task_id: int | None = None
    at: datetime | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "task_id": self.task_id,
            "at": self.at.isoformat() if self.at else None,
            "detail": self.detail,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        at = data.get("at")
        return cls(
            title=str(data.get("title", "")),
            task_id=data.get("task_id"),
            at=datetime.fromisoformat(at) if at else None,
            detail=str(data.get("detail", "")),
        )


@dataclass(frozen=True)
class Section:
    items: tuple[Item, ...] = ()
    # More than shown.
    has_more: bool = False

    def __bool__(self) -> bool:
        return bool(self.items)

    def to_json(self) -> dict[str, Any]:
        return {"items": [item.to_json() for item in self.items], "has_more": self.has_more}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Section:
        data = data or {}
        items = tuple(Item.from_json(item) for item in data.get("items", []))
        return cls(items=items, has_more=bool(data.get("has_more", False)))

    @classmethod
    def of(cls, items: list[Item]) -> Section:
        return cls(items=tuple(items[:SECTION_LIMIT]), has_more=len(items) > SECTION_LIMIT)


SECTIONS = ("done", "in_progress", "waiting", "coming_up", "heads_ups")


@dataclass(frozen=True)
class Content:
    """The check-in's four parts (heads-ups are part of "coming up", kept apart)."""

    since: datetime | None = None
    until: datetime | None = None
    done: Section = Section()
    in_progress: Section = Section()
    waiting: Section = Section()
    coming_up: Section = Section()
    heads_ups: Section = Section()

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in SECTIONS)

    def sections(self, *, client_side: bool) -> list[tuple[str, Section]]:
        """The parts as pages and mail show them, titled for who reads them; heads-ups are
        part of "Coming up"."""
        coming = Section(
            items=self.coming_up.items + self.heads_ups.items,
            has_more=self.coming_up.has_more or self.heads_ups.has_more,
        )
        return [
            ("Done last week", self.done),
            ("In progress", self.in_progress),
            ("Waiting on you" if client_side else "Waiting on the client", self.waiting),
            ("Coming up", coming),
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            **{name: getattr(self, name).to_json() for name in SECTIONS},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Content:
        data = data or {}
        since, until = data.get("since"), data.get("until")
        return cls(
            since=datetime.fromisoformat(since) if since else None,
            until=datetime.fromisoformat(until) if until else None,
            **{name: Section.from_json(data.get(name)) for name in SECTIONS},
        )


def content_for(client_id: int, *, until: datetime) -> Content:
    """The check-in of ``client_id`` as of ``until``: four queries (what was done in the
    week before, its open requests by deadline, what it owes, its heads-ups coming)."""
    since = until - LAST_WEEK
    open_tasks = _open_tasks(client_id)
    soon = until + timedelta(days=COMING_UP_DAYS)
    return Content(
        since=since,
        until=until,
        done=Section.of(_done(client_id, since=since, until=until)),
        in_progress=Section.of([_item(row) for row in open_tasks if row[2] in IN_PROGRESS]),
        waiting=Section.of(_waiting(client_id, open_tasks)),
        coming_up=Section.of(
            [
                Item(title=row[1], task_id=row[0], at=row[3])
                for row in open_tasks
                if row[3] is not None and until <= row[3] < soon
            ]
        ),
        heads_ups=Section.of(_coming_heads_ups(client_id, until=until)),
    )


TaskRow = tuple[int, str, str, datetime | None]


def _open_tasks(client_id: int) -> list[TaskRow]:
    rows = (
        Task.objects.filter(client_id=client_id, status__in=OPEN_STATUSES)
        .order_by("deadline_at", "id")
        .values_list("pk", "title", "status", "deadline_at")
    )
    return list(rows[:OPEN_READ_LIMIT])


def _item(row: TaskRow) -> Item:
    return Item(title=row[1], task_id=row[0], at=row[3], detail=STATUS_LABELS.get(row[2], ""))


def _done(client_id: int, *, since: datetime, until: datetime) -> list[Item]:
    """Requests moved to done in the week (a request done twice is listed once)."""
    moves = (
        TaskEvent.objects.filter(
            client_id=client_id,
            kind=TaskEvent.Kind.STATUS_CHANGED,
            to_status=S.DONE,
            created_at__gte=since,
            created_at__lt=until,
        )
        .order_by("-created_at", "-id")
        .values_list("task_id", "task__title", "created_at")
    )
    seen: dict[int, Item] = {}
    for task_id, title, at in moves[: SECTION_LIMIT * 2 + 1]:
        seen.setdefault(task_id, Item(title=title, task_id=task_id, at=at))
    return list(seen.values())


def _waiting(client_id: int, open_tasks: list[TaskRow]) -> list[Item]:
    """What the practice waits for from the client: what it owes (open items of open
    requests), deliveries to review, and requests that still need a deadline."""
    owed = (
        Owed.objects.filter(client_id=client_id, state=Owed.State.OPEN)
        .filter(Q(task__isnull=True) | Q(task__status__in=OPEN_STATUSES))
        .order_by("due_at", "id")
        .values_list("what", "task_id", "task__title", "due_at")
    )
    items = [
        Item(title=what, task_id=task_id, at=due_at, detail=f"for “{title}”" if title else "")
        for what, task_id, title, due_at in owed[: SECTION_LIMIT + 1]
    ]
    for row in open_tasks:
        if row[2] == S.DELIVERED:
            items.append(Item(title=row[1], task_id=row[0], detail="Delivered: review it"))
        elif row[2] == S.NEEDS_DEADLINE:
            items.append(Item(title=row[1], task_id=row[0], detail="Needs a deadline"))
    return items


def _coming_heads_ups(client_id: int, *, until: datetime) -> list[Item]:
    """The client's heads-ups still coming (tentative or confirmed) and due within
    COMING_UP_DAYS of ``until``, soonest first, saying whether the practice confirmed them.
    One query."""
    rows = (
        HeadsUp.objects.open()
        .filter(
            client_id=client_id,
            due_at__gte=until,
            due_at__lt=until + timedelta(days=COMING_UP_DAYS),
        )
        .order_by("due_at", "id")
        .values_list("what", "due_at", "state")
    )
    return [
        Item(
            title=what,
            at=due_at,
            detail=(
                "Heads-up: confirmed, time reserved"
                if state == HeadsUp.State.CONFIRMED
                else "Heads-up: not confirmed yet"
            ),
        )
        for what, due_at, state in rows[:OPEN_READ_LIMIT]
    ]
