"""What the client owes, kept current from the one event path (``core.events``): each runs
from a job after the change committed, once per event."""

from __future__ import annotations

from django.db import models

from tandem.core import events
from tandem.planning import owed
from tandem.work.models import Comment, TaskEvent, TaskStatus
from tandem.work.services import COMMENT_POSTED

TASK_MOVED = f"task.{TaskEvent.Kind.STATUS_CHANGED}"
TASK_EDITED = f"task.{TaskEvent.Kind.EDITED}"


@events.reaction("planning.owed_on_move", kinds=[TASK_MOVED])
def on_move(row: models.Model, kind: str) -> None:
    """Waiting on the client makes an item; leaving the wait or closing the request ends it."""
    assert isinstance(row, TaskEvent)
    owed.settle_on_move(row)
    if row.to_status == TaskStatus.WAITING_ON_CLIENT:
        owed.owe_while_waiting(row)


@events.reaction("planning.owed_on_comment", kinds=[COMMENT_POSTED])
def on_comment(row: models.Model, kind: str) -> None:
    """A comment from the client's side answers what its request owed."""
    assert isinstance(row, Comment)
    owed.answer_by_comment(row)


@events.reaction("planning.owed_on_files", kinds=[TASK_EDITED])
def on_files(row: models.Model, kind: str) -> None:
    """Files the client's side adds to the request ("Add files", or with an edit) answer
    what it owed, as a comment with files does."""
    assert isinstance(row, TaskEvent)
    if row.changes.get("files_added"):
        owed.answer_by_files(row)
