"""Notifications as reactions on the one event path (``core.events``): each runs from a job
after the change has committed, once per event (the event path makes a second run a no-op).
"""

from __future__ import annotations

from django.db import models

from tandem.core import events
from tandem.notify import acknowledgement, services
from tandem.work.models import Comment, TaskEvent
from tandem.work.services import COMMENT_POSTED

TASK_EVENTS = [f"task.{kind}" for kind in TaskEvent.Kind.values]


@events.reaction("notify.task_event", kinds=TASK_EVENTS)
def on_task_event(row: models.Model, kind: str) -> None:
    assert isinstance(row, TaskEvent)
    services.notify_event(row, row.task)


@events.reaction("notify.comment", kinds=[COMMENT_POSTED])
def on_comment(row: models.Model, kind: str) -> None:
    assert isinstance(row, Comment)
    services.notify_comment(row, row.task)


@events.reaction("notify.acknowledge", kinds=[f"task.{TaskEvent.Kind.CREATED}"])
def on_task_created(row: models.Model, kind: str) -> None:
    """The client's receipt for a request they sent (``acknowledgement``)."""
    assert isinstance(row, TaskEvent)
    acknowledgement.acknowledge(row)
