"""Notifications as reactions on the one event path (``core.events``): each runs from a job
after the change has committed, once per event (the event path makes a second run a no-op).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tandem.core import events
from tandem.notify import acknowledgement, services
from tandem.notify.models import Kind
from tandem.work.models import Comment, TaskEvent
from tandem.work.services import COMMENT_POSTED

TASK_EDITED = f"task.{TaskEvent.Kind.EDITED}"
# A repeating series' lines on the request it was made from (started, edited, paused…) are
# the timeline's record, not news for the request's watchers: no notification hears them.
TASK_SERIES = f"task.{TaskEvent.Kind.SERIES}"
# Edits have their own reaction (below).
TASK_EVENTS = [
    f"task.{kind}"
    for kind in TaskEvent.Kind.values
    if f"task.{kind}" not in {TASK_EDITED, TASK_SERIES}
]


@events.reaction("notify.task_event", kinds=TASK_EVENTS)
def on_task_event(row: models.Model, kind: str) -> None:
    assert isinstance(row, TaskEvent)
    services.notify_event(row, row.task)


@events.reaction("notify.comment", kinds=[COMMENT_POSTED])
def on_comment(row: models.Model, kind: str) -> None:
    assert isinstance(row, Comment)
    services.notify_comment(row, row.task)


# A request changed after it was sent (issue 11) ---------------------------------------------


@events.reaction("notify.task_edited", kinds=[TASK_EDITED])
def on_task_edited(row: models.Model, kind: str) -> None:
    """Tell the task's watchers and its assignee what changed; never the person who
    changed it, and only people who can still see the task."""
    assert isinstance(row, TaskEvent)
    task = row.task
    affected = Q(watching__task_id=task.pk) | Q(pk=task.assignee_id)
    people = services.audience(task).filter(affected)
    if row.actor_id is not None:
        people = people.exclude(pk=row.actor_id)
    change = services.Change(
        task=task,
        kind=Kind.EDITED,
        key=f"event:{row.pk}",
        actor=row.actor,
        event=row,
        recipients=list(people.order_by("pk")),
    )
    services.record([change])


@events.reaction("notify.acknowledge", kinds=[f"task.{TaskEvent.Kind.CREATED}"])
def on_task_created(row: models.Model, kind: str) -> None:
    """The client's receipt for a request they sent (``acknowledgement``)."""
    assert isinstance(row, TaskEvent)
    acknowledgement.acknowledge(row)
