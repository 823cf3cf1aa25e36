"""The work app's signals, answered with notifications in the same transaction."""

from __future__ import annotations

from typing import Any

from tandem.notify import services
from tandem.work.models import Comment, Task, TaskEvent


def on_task_event(sender: Any, *, event: TaskEvent, task: Task, **kwargs: Any) -> None:
    services.notify_event(event, task)


def on_comment(sender: Any, *, comment: Comment, task: Task, **kwargs: Any) -> None:
    services.notify_comment(comment, task)
