"""`tandem inbound` as a mail server runs it: a real process, the message on standard input.

The process works on this test's database. On PostgreSQL it connects to the test database
by name; on SQLite (in memory, so invisible to another process) the test copies the database
into a file for it and copies the file back afterwards, so the assertions read what the
command wrote.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tandem.inbound.addresses import client_address, reply_address
from tandem.inbound.models import InboundMessage, Outcome
from tandem.work.models import Comment, Task, TaskStatus
from tandem.work.services import create_task
from tests.conftest import Personas
from tests.test_inbound import mail

pytestmark = pytest.mark.django_db(transaction=True)

TANDEM = str(Path(sys.executable).with_name("tandem"))


def _database_url(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'inbound.sqlite3'}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{settings['USER']}{password}@{host}/{settings['NAME']}"


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


def tandem_inbound(
    raw: bytes, *args: str, tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``tandem inbound *args`` with ``raw`` on standard input against the test database."""
    connection.ensure_connection()
    is_sqlite = connection.vendor == "sqlite"
    file = tmp_path / "inbound.sqlite3"
    if is_sqlite:
        with sqlite3.connect(file) as copy:
            _copy(connection.connection, copy)
    full_env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp_path),
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    process = subprocess.run(
        [TANDEM, "inbound", *args],
        input=raw,
        capture_output=True,
        env=full_env,
        timeout=60,
        check=False,
    )
    result = subprocess.CompletedProcess(
        process.args, process.returncode, process.stdout.decode(), process.stderr.decode()
    )
    if is_sqlite:
        with sqlite3.connect(file) as copy:
            _copy(copy, connection.connection)
    return result


def test_piped_mail_from_a_contact_becomes_a_task(personas: Personas, tmp_path: Path) -> None:
    world = personas.a
    raw = mail("html-only.eml", sender=world.contact1.email, to=client_address(world.client1))

    result = tandem_inbound(raw, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    [task] = Task.objects.all()
    assert result.stdout.strip().startswith("task_created http")
    assert result.stdout.strip().endswith(f"/tasks/{task.pk}/")
    assert (task.title, task.created_by) == ("Book the board meeting room", world.contact1)
    assert task.status == TaskStatus.NEEDS_DEADLINE


def test_the_recipient_option_is_the_envelope_recipient(personas: Personas, tmp_path: Path) -> None:
    world = personas.a
    raw = mail("windows-1251.eml", sender=world.contact1.email, to="team@example.org")

    result = tandem_inbound(raw, "--recipient", client_address(world.client1), tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert Task.objects.get().title == "Счета за октябрь"


def test_the_same_message_piped_twice_is_one_task(personas: Personas, tmp_path: Path) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender=world.contact1.email, to=client_address(world.client1))

    first = tandem_inbound(raw, tmp_path=tmp_path)
    second = tandem_inbound(raw, tmp_path=tmp_path)

    assert (first.returncode, second.returncode) == (0, 0)
    assert second.stdout.startswith("duplicate ")
    assert Task.objects.count() == 1


def test_mail_from_an_unknown_sender_exits_0_creates_nothing_and_is_logged(
    personas: Personas, tmp_path: Path
) -> None:
    world = personas.a
    raw = mail("no-deadline.eml", sender="stranger@example.com", to=client_address(world.client1))

    result = tandem_inbound(raw, tmp_path=tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip() == "ignored_unknown_sender"
    assert "stranger@example.com" in result.stderr  # the warning in the server's log
    assert not Task.objects.exists()
    assert InboundMessage.objects.get().outcome == Outcome.UNKNOWN_SENDER


def test_a_piped_reply_to_a_notification_becomes_a_comment(
    personas: Personas, tmp_path: Path
) -> None:
    world = personas.a
    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Order new business cards",
        expectations="Ordered.",
        deadline_at=None,
        allow_missing_deadline=True,
    )
    raw = mail("outlook-reply.eml", sender=world.owner.email, to=reply_address(task, world.owner))

    result = tandem_inbound(raw, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    comment = Comment.objects.get()
    assert (comment.task, comment.author) == (task, world.owner)
    assert "Sent:" not in comment.body_markdown


@pytest.mark.parametrize(
    ("raw", "env", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), {}, "Outlook .msg file"),
        (
            b"From: a@example.org\nSubject: big\n\n" + b"x" * (1024 * 1024 + 1),
            {"TANDEM_INBOUND_MAX_MB": "1"},
            "over the limit of 1.0 MB",
        ),
    ],
    ids=["outlook msg", "oversized"],
)
def test_unusable_input_exits_65_with_one_line_and_no_traceback(
    personas: Personas, tmp_path: Path, raw: bytes, env: dict[str, str], reason: str
) -> None:
    result = tandem_inbound(raw, tmp_path=tmp_path, env=env)

    assert result.returncode == 65
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("tandem inbound: ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert not Task.objects.exists()
