"""Page-shaped reads for tasks. Callers fetch the task through ``Task.objects.visible_to``
first; what hangs off a visible task is visible with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import F

from tandem.clients.models import Client
from tandem.work.models import Comment, Task, TaskEvent

if TYPE_CHECKING:
    from tandem.accounts.models import User


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a task's timeline: a change (``event``) or a ``comment``."""

    at: datetime
    actor: User | None
    event: TaskEvent | None = None
    comment: Comment | None = None


def task_timeline(task: Task) -> list[TimelineEntry]:
    """The task's changes and comments, oldest first, in two queries.

    At the same instant a change comes before a comment, and ids break the remaining ties,
    so the order never depends on which query ran first.
    """
    events = task.events.select_related("actor").order_by("created_at", "id")
    comments = task.comments.select_related("author").order_by("created_at", "id")
    keyed = [
        ((e.created_at, 0, e.pk), TimelineEntry(e.created_at, e.actor, event=e)) for e in events
    ]
    keyed += [
        ((c.created_at, 1, c.pk), TimelineEntry(c.created_at, c.author, comment=c))
        for c in comments
    ]
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def open_requests(*, viewer: User, client: Client) -> list[Task]:
    """The client's open tasks the viewer may see, soonest deadline first: one query."""
    return list(
        Task.objects.visible_to(viewer)
        .filter(client=client)
        .open()
        .order_by(F("deadline_at").asc(nulls_first=True), "id")
    )
