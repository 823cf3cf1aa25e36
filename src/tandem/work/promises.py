"""The practice's promise to answer a new request, kept on the task as ``respond_by``.

A request a client sends (from the form or by e-mail) is promised an answer within the
practice's response time (``Practice.respond_by``: working hours and days on its calendar).
The promise is kept when someone on the practice side accepts, declines or otherwise moves
the request, or comments on it; it lapses when the request is closed (the client cancelled).
Either way ``respond_by`` is cleared, so the dashboard's "No answer yet" is one index range
of the promises still open and already past (``task_awaiting_answer``).
A request the practice creates itself promises nothing: nobody on the client side waits.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tandem.core.access import Side, Standing
from tandem.work.models import CLOSED_STATUSES, Task

if TYPE_CHECKING:
    from tandem.clients.models import Client


def promise_for(
    client: Client, standing: Standing, *, arrived: datetime | None = None
) -> datetime | None:
    """When a request sent now by someone of ``standing`` must be answered; None when the
    practice sends it itself."""
    if standing.side != Side.CLIENT:
        return None
    return client.practice.respond_by(arrived or timezone.now())


def settled_by_move(task: Task, *, side: Side | None, to: str) -> dict[str, Any]:
    """The field a move sets to keep (or drop) the promise: none when nothing is promised."""
    if task.respond_by is not None and (side == Side.PRACTICE or to in CLOSED_STATUSES):
        return {"respond_by": None}
    return {}


def answered(task: Task, *, side: Side | None) -> None:
    """The practice side commented: the client has an answer. One UPDATE, only when a
    promise is open."""
    if task.respond_by is None or side != Side.PRACTICE:
        return
    Task.objects.filter(pk=task.pk).update(respond_by=None)
    task.respond_by = None
