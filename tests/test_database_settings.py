"""How Tandem talks to PostgreSQL: the settings read from the environment, and prepared
statements on a real connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tandem.work.models import Task

POSTGRES_URL = "postgres://tandem@127.0.0.1:5432/tandem"


def options_under(**env: str) -> subprocess.CompletedProcess[str]:
    """The default database's OPTIONS as ``tandem.settings`` reads them from ``env``."""
    code = (
        "import json, tandem.settings as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DATABASE_URL": POSTGRES_URL, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_postgresql_binds_on_the_server_and_prepares_a_query_after_five_runs() -> None:
    run = options_under()
    options = json.loads(run.stdout)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_pooler_in_transaction_mode() -> None:
    options = json.loads(options_under(TANDEM_PG_PREPARE_AFTER="off").stdout)
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_a_prepare_setting_that_is_not_a_number_says_what_to_write() -> None:
    run = options_under(TANDEM_PG_PREPARE_AFTER="soon")
    assert run.returncode != 0
    assert "TANDEM_PG_PREPARE_AFTER is 'soon': give a number of runs, or off" in run.stderr


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_on_postgresql() -> None:
    """On PostgreSQL the sixth run of a query uses a prepared statement; SQLite has none
    to keep (the setting is PostgreSQL's only)."""
    for _ in range(6):
        list(Task.objects.filter(title="Never a title").values_list("pk"))
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"work_task"."title" = $1' in statement for statement in prepared)
