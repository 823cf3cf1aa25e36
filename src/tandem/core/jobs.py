"""Background jobs on the database queue, with the retries and recovery the library lacks.

django-tasks-db runs each job once: a failed job stays failed and a job whose worker died
stays RUNNING for ever. ``job`` adds bounded retries with exponential backoff, and
``reap_orphaned_jobs`` puts jobs whose worker vanished back on the queue. So a job may run
more than once: every job must be idempotent (take ids, re-load, re-check state).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPT_KWARG = "_attempt"
PERIODIC: dict[str, tuple[Task[Any, Any], int]] = {}


class OrphanedJob(Exception):  # noqa: N818 (the name is what the failed row shows)
    """Its worker stopped answering too many times while running it."""


def backoff(attempt: int) -> timedelta:
    """10 s, 40 s, 2.7 min, 10.7 min, ... capped at an hour."""
    return timedelta(seconds=min(10 * 4 ** (attempt - 1), 3600))


def job(
    *,
    max_attempts: int | None = None,
    priority: int = 0,
    on_give_up: Callable[..., None] | None = None,
) -> Callable[[Callable[P, R]], Task[P, R | None]]:
    """Declare a background job that is retried with backoff when it raises.

    ``on_give_up`` is called with the job's own arguments once its last attempt has failed,
    so that what waits on the job can say it will not come (a PDF "could not be made")."""

    def decorator(function: Callable[P, R]) -> Task[P, R | None]:
        @wraps(function)
        def run(*args: Any, **kwargs: Any) -> R | None:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return function(*args, **kwargs)
            # SystemExit too: a second Ctrl-C or SIGTERM ends the job mid-run, and it must
            # still be tried again rather than left failed for ever.
            except (Exception, SystemExit, KeyboardInterrupt):
                limit = settings.TANDEM_JOB_MAX_ATTEMPTS if max_attempts is None else max_attempts
                name = the_task.name
                if attempt >= limit:
                    logger.exception("Job %s failed for good after %d attempts", name, attempt)
                    if on_give_up is not None:
                        on_give_up(*args, **kwargs)
                    raise
                _retry(the_task, attempt, args, kwargs)
                logger.warning("Job %s failed (attempt %d); retrying", name, attempt, exc_info=True)
                raise

        the_task: Task[P, R | None] = task(priority=priority)(run)
        return the_task

    return decorator


def _retry(
    the_task: Task[Any, Any], attempt: int, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """Queue the next attempt after a backoff, as a new row: the failed row stays as a record."""
    run_after = timezone.now() + backoff(attempt)
    the_task.using(run_after=run_after).enqueue(*args, **{**kwargs, ATTEMPT_KWARG: attempt + 1})


def enqueue_many(
    the_task: Task[Any, Any],
    calls: Sequence[Sequence[Any]],
    *,
    run_after: datetime | None = None,
) -> None:
    """Queue one run of ``the_task`` per argument list in ``calls``, with one INSERT.

    ``enqueue`` writes a row per call; a scan that queues a job per row it finds would
    then run a query per row. The rows are those ``enqueue`` writes (the library's
    ``_task_to_db_task``); another backend gets the calls one by one. SQLite takes at most
    999 parameters a statement, so Django splits more than 66 rows into several INSERTs.
    """
    if not calls:
        return
    if run_after is not None:
        the_task = the_task.using(run_after=run_after)
    backend = the_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for args in calls:
            the_task.enqueue(*args)
        return
    backend.validate_task(the_task)
    rows = [
        DBTaskResult(
            args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
            priority=the_task.priority,
            task_path=the_task.module_path,
            queue_name=the_task.queue_name,
            # enqueue's pre_save handler does this; bulk_create sends no signals.
            run_after=the_task.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for args in calls
    ]
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


def reap_orphaned_jobs(*, now: datetime | None = None) -> int:
    """Put RUNNING jobs whose worker has been silent past the timeout back on the queue.

    A job that has already been claimed ``TANDEM_JOB_MAX_ATTEMPTS`` times (it keeps killing
    its worker) is marked failed instead, so one bad job cannot take the queue down.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TANDEM_JOB_TIMEOUT_SECONDS)
    requeued = 0
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for result in stale.only("id", "worker_ids", "started_at"):
        gone_for_good = len(result.worker_ids) >= settings.TANDEM_JOB_MAX_ATTEMPTS
        # Conditional on the row being unchanged, so a worker that finishes just now wins.
        unchanged = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if gone_for_good:
            unchanged.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{OrphanedJob.__module__}.{OrphanedJob.__qualname__}",
                traceback=f"{OrphanedJob.__doc__} Claimed {len(result.worker_ids)} times.",
            )
        # The maximum date is the library's "no run_after": due at once.
        elif unchanged.update(status=TaskResultStatus.READY, run_after=get_date_max()):
            requeued += 1
    if requeued:
        logger.warning("Re-queued %d job(s) whose worker stopped", requeued)
    return requeued


def periodic(every_seconds: int) -> Callable[[Task[P, R]], Task[P, R]]:
    """Register a job to run every ``every_seconds``, with no cron: see ensure_scheduled."""

    def decorator(the_task: Task[P, R]) -> Task[P, R]:
        PERIODIC[the_task.module_path] = (the_task, every_seconds)
        return the_task

    return decorator


def ensure_scheduled(*, now: datetime | None = None) -> int:
    """Enqueue the next run of every periodic job, once, whoever asks.

    Workers call this when they start and the reaper calls it on every run. The unique
    (name, slot) row makes the enqueue happen once even with several workers asking at once.
    """
    from tandem.core.models import ScheduledRun

    # Periodic jobs register themselves when their module is imported; a fresh worker has
    # imported none of them yet, and would otherwise schedule nothing (and never reap).
    autodiscover_modules("tasks")
    now = now or timezone.now()
    scheduled = 0
    for name, (the_task, every) in PERIODIC.items():
        slot_start = int(now.timestamp()) // every * every + every
        slot = datetime.fromtimestamp(slot_start, tz=UTC)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=name, slot_at=slot)
                the_task.using(run_after=slot).enqueue()
                scheduled += 1
        except IntegrityError:
            continue
    return scheduled
