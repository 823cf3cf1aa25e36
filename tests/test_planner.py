"""The query planner's statistics: refreshed by a periodic job on SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tandem.core import jobs
from tandem.core.planner import refresh_statistics
from tandem.core.tasks import refresh_planner_statistics
from tandem.work.services import create_task
from tests.jobrunner import SUCCESSFUL, rows, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def statistics_of(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        return list(cursor.fetchall())


def test_the_job_gives_sqlite_statistics_for_every_index_of_the_task_table(personas) -> None:
    a = personas.a
    for title in ("Book the venue", "Send the invoices"):
        create_task(
            a.client1,
            actor=a.contact1,
            title=title,
            expectations="Done",
            deadline_at=timezone.now() + timedelta(days=3),
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    refresh_planner_statistics.enqueue()
    run_worker()

    assert [row.status for row in rows("refresh_planner_statistics")] == [SUCCESSFUL]
    if connection.vendor == "sqlite":
        indexes = {index for index, _ in statistics_of("work_task")}
        # One line per index of a table with rows: the planner now knows the client index
        # narrows a practice's tasks down to a few.
        assert "task_client_by_deadline" in indexes
        assert "work_task_practic_9c004a_idx" in indexes


def test_only_sqlite_needs_it_postgresql_autovacuum_keeps_its_own() -> None:
    assert refresh_statistics() is (connection.vendor == "sqlite")


def test_the_job_is_scheduled_with_the_other_periodic_jobs() -> None:
    assert "tandem.core.tasks.refresh_planner_statistics" in jobs.PERIODIC
