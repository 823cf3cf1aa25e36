"""A worker killed with SIGKILL in the middle of sending: the next worker sends it, once.

Everything runs as in production: `tandem worker` processes on an on-disk SQLite file (in a
temporary TANDEM_VAR_DIR) and a real SMTP server. The server holds the first message's DATA
so the first worker is stuck inside deliver(); the test kills it there, lets the server
refuse that delivery (the client is gone), and starts a second worker. Its periodic sweep
finds the job RUNNING past TANDEM_JOB_TIMEOUT_SECONDS and re-queues it; the job re-claims
the message once the dead worker's lease is over, and sends it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.smtp_server import Recorder, smtp_server

QUEUE_ONE_MAIL = (
    "from tandem.core.mail import queue_email; "
    "queue_email(key='crash:1', to='crash@example.com', subject='Crash test', "
    "text_body='Sent exactly once.')"
)


def tandem_env(var_dir: Path, smtp_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TANDEM_", "DATABASE_URL", "EMAIL_"))
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "TANDEM_VAR_DIR": str(var_dir),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "TANDEM_JOB_TIMEOUT_SECONDS": "2",
        "TANDEM_REAPER_INTERVAL_SECONDS": "1",
        "TANDEM_MAIL_CLAIM_LEASE_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }


def tandem(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "tandem.cli", *args], env=env, check=True, timeout=60)


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `tandem worker` process, stopped (or killed) on the way out."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "worker", "--interval", "0.2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def query(database: Path, sql: str) -> list[dict[str, Any]]:
    with sqlite3.connect(database, timeout=20) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql)]


def outbound(database: Path) -> dict[str, Any]:
    [row] = query(database, "SELECT * FROM core_outboundemail WHERE key = 'crash:1'")
    return row


def mail_jobs(database: Path) -> list[dict[str, Any]]:
    return query(
        database,
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'tandem.core.tasks.send_outbound_email'",
    )


@pytest.mark.slow
def test_a_worker_killed_mid_send_leaves_the_mail_sent_exactly_once(tmp_path: Path) -> None:
    database = tmp_path / "tandem.sqlite3"
    log = tmp_path / "workers.log"
    recorder = Recorder(hang_first=True)
    with smtp_server(recorder) as port:
        env = tandem_env(tmp_path, port)
        tandem(env, "manage", "migrate", "--verbosity", "0")
        tandem(env, "manage", "shell", "--no-imports", "--command", QUEUE_ONE_MAIL)

        with worker(env, log) as first:
            assert recorder.entered.wait(timeout=20), log.read_text()
            first.kill()  # SIGKILL: no clean-up, the job stays RUNNING and the mail claimed
            first.wait(timeout=10)
        assert outbound(database)["sent_at"] is None
        assert [job["status"] for job in mail_jobs(database)] == ["RUNNING"]
        recorder.release.set()

        with worker(env, log):
            wait_for(
                lambda: outbound(database)["sent_at"] is not None,
                timeout=20,
                what=f"the second worker to send the mail; log:\n{log.read_text()}",
            )
            time.sleep(1.5)  # a sweep or two more: nothing may send it again

    assert len(recorder.messages) == 1
    assert recorder.messages[0]["Subject"] == "Crash test"
    email = outbound(database)
    assert email["attempts"] == 2
    assert email["last_error"] == ""
    [job] = mail_jobs(database)
    assert job["status"] == "SUCCESSFUL"
    assert len(json.loads(job["worker_ids"])) == 2
