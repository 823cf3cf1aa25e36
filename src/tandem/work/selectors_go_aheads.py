"""Requests above the client's phase still waiting for its go-ahead (issue 13).

The portal lists the first few. They are picked in the same query as the portal's sections
(``selectors_lists.portal_work``): this module says which requests wait, in what order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, OrderBy, QuerySet

from tandem.work.go_aheads import BEFORE_WORK
from tandem.work.models import Task

# The portal shows the first few; each is one click.
SHOWN = 10

# Those without a deadline first: they are the ones to settle first.
ORDER: list[str | OrderBy] = [F("deadline_at").asc(nulls_first=True), "pk"]


def waiting(tasks: QuerySet[Task, Any], phase: int) -> QuerySet[Task, Any]:
    """Of ``tasks`` (one client's, scoped), those of a kind above ``phase``, not started,
    without a go-ahead: a range of the client's (status, deadline) index."""
    return tasks.filter(
        status__in=sorted(BEFORE_WORK), go_ahead_at__isnull=True, kind__phase__gt=phase
    )


def is_waiting(task: Task, phase: int) -> bool:
    """``waiting`` for one loaded task (its kind loaded with it)."""
    return (
        task.status in BEFORE_WORK
        and task.go_ahead_at is None
        and task.kind is not None
        and task.kind.phase > phase
    )


def soonest_first(tasks: list[Task]) -> list[Task]:
    """``tasks`` in ``ORDER``, the first ``SHOWN`` of them."""
    return sorted(tasks, key=_order)[:SHOWN]


def _order(task: Task) -> tuple[bool, datetime | None, int]:
    return (task.deadline_at is not None, task.deadline_at, task.pk)
