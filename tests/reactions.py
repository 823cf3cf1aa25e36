"""Run the reactions the event path has queued, in the test's own process and transaction.

The real worker (``tests/jobrunner.run_worker``) closes connections between jobs, so it
needs ``transaction=True`` tests; this runs the very same ``react`` job function for each
queued row, oldest first, and marks the row done as the worker would, so ordinary tests can
read what the reactions wrote.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tandem.core import events


def react_now() -> int:
    """Run every queued reaction (and those they queue) now; returns how many ran."""
    ran = 0
    while True:
        due = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=events.react.module_path
        ).order_by("enqueued_at", "id")
        # Job ids are UUIDs: among jobs queued at the same instant (a frozen clock), the
        # event's own id keeps the order the events happened in, as the worker would.
        rows = sorted(due, key=lambda row: (row.enqueued_at, row.args_kwargs["args"][2]))
        if not rows:
            return ran
        for row in rows:
            DBTaskResult.objects.filter(pk=row.pk).update(
                status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
            )
            events.react.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            ran += 1
