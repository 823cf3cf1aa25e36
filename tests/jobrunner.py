"""Run the real database worker in the test process until the queue has nothing due."""

from __future__ import annotations

import io
import signal

from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_worker() -> None:
    """``db_worker --batch``: runs every job that is due now, then returns.

    The worker installs its own Ctrl-C and SIGTERM handlers; put pytest's back afterwards.
    Use it in ``django_db(transaction=True)`` tests: the worker closes connections between
    jobs, which a test wrapped in a transaction does not survive.
    """
    saved = {number: signal.getsignal(number) for number in SIGNALS}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0",
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def rows(task_name: str) -> list[DBTaskResult]:
    """The queue rows of one job, oldest first (retries after the attempt they follow)."""
    found = DBTaskResult.objects.filter(task_path__endswith=f".{task_name}")
    return sorted(found, key=lambda row: (row.enqueued_at, attempt(row)))


def attempt(row: DBTaskResult) -> int:
    return int(row.args_kwargs["kwargs"].get("_attempt", 1))


def statuses(task_name: str) -> list[str]:
    return [row.status for row in rows(task_name)]


READY = TaskResultStatus.READY
RUNNING = TaskResultStatus.RUNNING
FAILED = TaskResultStatus.FAILED
SUCCESSFUL = TaskResultStatus.SUCCESSFUL
