"""The queue's retries, its reaper and its periodic schedule, through the real worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from tandem.core import jobs
from tandem.core.models import ScheduledRun
from tandem.core.tasks import send_outbound_email, sweep_jobs
from tests.jobrunner import FAILED, READY, RUNNING, SUCCESSFUL, attempt, rows, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# What the test jobs below did, in order; reset before each test.
CALLS: list[tuple[str, int]] = []
# How many more times ``recovers`` fails before it succeeds.
FAILURES_LEFT = {"recovers": 0}


@jobs.job()
def always_fails(number: int) -> None:
    CALLS.append(("always_fails", number))
    raise RuntimeError("always fails")


@jobs.job()
def recovers(number: int) -> int:
    CALLS.append(("recovers", number))
    if FAILURES_LEFT["recovers"] > 0:
        FAILURES_LEFT["recovers"] -= 1
        raise RuntimeError("not yet")
    return number * 2


@jobs.job(max_attempts=1)
def fails_once_for_good() -> None:
    CALLS.append(("fails_once_for_good", 1))
    raise RuntimeError("no retries")


def gave_up(number: int) -> None:
    CALLS.append(("gave_up", number))


@jobs.job(max_attempts=2, on_give_up=gave_up)
def fails_and_says_so(number: int) -> None:
    CALLS.append(("fails_and_says_so", number))
    raise RuntimeError("never")


@jobs.job()
def interrupted() -> None:
    CALLS.append(("interrupted", 1))
    # What the worker's second SIGTERM does to the job it is running.
    raise SystemExit(1)


@jobs.job()
def quick(number: int) -> int:
    CALLS.append(("quick", number))
    return number


@pytest.fixture(autouse=True)
def _clean_state(settings) -> Iterator[None]:
    settings.TANDEM_JOB_MAX_ATTEMPTS = 3
    settings.TANDEM_JOB_TIMEOUT_SECONDS = 300
    CALLS.clear()
    FAILURES_LEFT["recovers"] = 0
    yield
    CALLS.clear()


def run_due_retries(task_name: str) -> None:
    """Run the worker, then jump the clock to each pending retry and run it, until none."""
    run_worker()
    while pending := [row for row in rows(task_name) if row.status == READY]:
        with time_machine.travel(pending[0].run_after + timedelta(seconds=1)):
            run_worker()


def test_backoff_grows_and_is_capped() -> None:
    assert [jobs.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 40, 160, 640]
    assert jobs.backoff(20) == timedelta(hours=1)


def test_failed_job_is_requeued_with_backoff_and_attempt() -> None:
    always_fails.enqueue(7)
    before = timezone.now()

    run_worker()

    first, retry = rows("always_fails")
    assert first.status == FAILED
    assert "always fails" in first.traceback
    assert retry.status == READY
    assert retry.args_kwargs == {"args": [7], "kwargs": {"_attempt": 2}}
    assert (
        before + timedelta(seconds=10) <= retry.run_after <= timezone.now() + timedelta(seconds=10)
    )
    assert CALLS == [("always_fails", 7)]


def test_retry_is_not_run_before_its_time() -> None:
    always_fails.enqueue(1)
    run_worker()
    run_worker()

    assert CALLS == [("always_fails", 1)]


def test_a_failing_job_stops_after_max_attempts_and_stays_failed() -> None:
    always_fails.enqueue(3)

    run_due_retries("always_fails")

    found = rows("always_fails")
    assert [row.status for row in found] == [FAILED, FAILED, FAILED]
    assert [attempt(row) for row in found] == [1, 2, 3]
    assert CALLS == [("always_fails", 3)] * 3
    # Each retry waits its backoff from when the failed attempt started: 10 s, then 40 s.
    waits = [later.run_after - earlier.started_at for earlier, later in pairwise(found)]
    for wait, expected in zip(waits, (10, 40), strict=True):
        assert timedelta(seconds=expected) <= wait < timedelta(seconds=expected + 5)
    # Nothing is left to run, however far the clock moves.
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        run_worker()
    assert len(CALLS) == 3


def test_a_job_that_recovers_succeeds_on_its_retry() -> None:
    FAILURES_LEFT["recovers"] = 1
    recovers.enqueue(21)

    run_due_retries("recovers")

    found = rows("recovers")
    assert [row.status for row in found] == [FAILED, SUCCESSFUL]
    assert found[1].return_value == 42
    assert CALLS == [("recovers", 21), ("recovers", 21)]


def test_max_attempts_of_one_is_not_retried() -> None:
    fails_once_for_good.enqueue()

    run_due_retries("fails_once_for_good")

    assert [row.status for row in rows("fails_once_for_good")] == [FAILED]


def test_a_job_that_gives_up_calls_its_give_up_hook_once_with_its_arguments() -> None:
    fails_and_says_so.enqueue(7)

    run_due_retries("fails_and_says_so")

    assert [row.status for row in rows("fails_and_says_so")] == [FAILED, FAILED]
    assert ("gave_up", 7) in CALLS
    assert CALLS.count(("gave_up", 7)) == 1
    assert CALLS.count(("fails_and_says_so", 7)) == 2


def test_a_job_ended_by_a_forced_shutdown_is_retried() -> None:
    interrupted.enqueue()

    run_worker()

    first, retry = rows("interrupted")
    assert first.status == FAILED
    assert first.exception_class_path == "builtins.SystemExit"
    assert retry.status == READY
    assert attempt(retry) == 2


def orphan(task_result_id: str, *, age: timedelta, claims: int) -> None:
    """Make a queued row look like a worker took it ``age`` ago and then died."""
    DBTaskResult.objects.filter(pk=task_result_id).update(
        status=RUNNING,
        started_at=timezone.now() - age,
        worker_ids=[f"dead-{n}" for n in range(claims)],
    )


def test_reaper_requeues_a_stale_running_job_and_the_worker_runs_it() -> None:
    result = quick.enqueue(5)
    orphan(result.id, age=timedelta(seconds=301), claims=1)

    assert jobs.reap_orphaned_jobs() == 1

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == READY
    assert row.run_after == get_date_max()
    run_worker()
    row.refresh_from_db()
    assert row.status == SUCCESSFUL
    assert len(row.worker_ids) == 2
    assert CALLS == [("quick", 5)]


def test_reaper_leaves_a_recent_running_job_alone() -> None:
    result = quick.enqueue(5)
    orphan(result.id, age=timedelta(seconds=299), claims=1)

    assert jobs.reap_orphaned_jobs() == 0

    assert DBTaskResult.objects.get(pk=result.id).status == RUNNING


def test_reaper_fails_a_job_that_keeps_killing_its_worker() -> None:
    result = quick.enqueue(5)
    orphan(result.id, age=timedelta(seconds=301), claims=3)

    assert jobs.reap_orphaned_jobs() == 0

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == FAILED
    assert row.finished_at is not None
    # The failed row names a real exception class, so reading its result works.
    assert row.task_result.errors[0].exception_class is jobs.OrphanedJob
    run_worker()
    assert CALLS == []


def test_reaper_uses_the_timeout_setting(settings) -> None:
    settings.TANDEM_JOB_TIMEOUT_SECONDS = 2
    result = quick.enqueue(5)
    orphan(result.id, age=timedelta(seconds=3), claims=1)

    assert jobs.reap_orphaned_jobs() == 1


SLOT_TIME = datetime(2030, 1, 7, 12, 0, 30, tzinfo=UTC)


def sweep_rows() -> list[DBTaskResult]:
    return rows("sweep_jobs")


def test_ensure_scheduled_enqueues_each_periodic_job_once_per_slot(settings) -> None:
    every = settings.TANDEM_REAPER_INTERVAL_SECONDS
    assert jobs.PERIODIC[sweep_jobs.module_path] == (sweep_jobs, every)
    with time_machine.travel(SLOT_TIME, tick=False):
        first = jobs.ensure_scheduled()
        second = jobs.ensure_scheduled()

    assert first == len(jobs.PERIODIC)
    assert second == 0
    [row] = sweep_rows()
    next_slot = datetime.fromtimestamp((int(SLOT_TIME.timestamp()) // every + 1) * every, tz=UTC)
    assert row.run_after == next_slot
    assert ScheduledRun.objects.filter(name=sweep_jobs.module_path).count() == 1


def test_ensure_scheduled_adds_the_next_slot_once_time_moves_on(settings) -> None:
    with time_machine.travel(SLOT_TIME, tick=False):
        jobs.ensure_scheduled()
    # Each periodic job has its own interval; past the longest, every one has a new slot.
    longest = max(every for _, every in jobs.PERIODIC.values())
    assert longest % settings.TANDEM_REAPER_INTERVAL_SECONDS == 0
    with time_machine.travel(SLOT_TIME + timedelta(seconds=longest), tick=False):
        assert jobs.ensure_scheduled() == len(jobs.PERIODIC)
        assert jobs.ensure_scheduled() == 0

    slots = sorted(row.run_after for row in sweep_rows())
    assert slots[1] - slots[0] == timedelta(seconds=longest)


def test_the_sweep_reaps_and_schedules_its_next_run_through_the_worker(settings) -> None:
    every = settings.TANDEM_REAPER_INTERVAL_SECONDS
    with time_machine.travel(SLOT_TIME, tick=False):
        jobs.ensure_scheduled()
        stuck = quick.enqueue(9)
        orphan(stuck.id, age=timedelta(seconds=600), claims=1)
    [sweep] = sweep_rows()

    with time_machine.travel(sweep.run_after + timedelta(seconds=1), tick=False):
        run_worker()

    assert DBTaskResult.objects.get(pk=stuck.id).status == SUCCESSFUL
    assert CALLS == [("quick", 9)]
    found = sweep_rows()
    assert [row.status for row in found] == [SUCCESSFUL, READY]
    assert found[1].run_after == sweep.run_after + timedelta(seconds=every)


def test_the_sweep_runs_ahead_of_a_backlog_of_mail() -> None:
    # A due periodic row (dated) sorts before undated rows, so a mail backlog cannot starve
    # the reaper: the worker takes the due sweep first.
    with time_machine.travel(SLOT_TIME, tick=False):
        jobs.ensure_scheduled()
        for number in range(3):
            send_outbound_email.enqueue(10_000 + number)
    [sweep] = sweep_rows()
    with time_machine.travel(sweep.run_after + timedelta(seconds=1), tick=False):
        ready = list(DBTaskResult.objects.ready())
    assert ready[0].pk == sweep.pk
