"""Bench of the weekly check-in job: 500 clients' check-ins prepared, sent and mailed.

    .venv/bin/python bench/check_ins.py                      # SQLite under bench/work/check_ins/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/check_ins.py
                                                             # PostgreSQL: a fresh database of
                                                             # its own on that server

Seeds a practice with 500 clients on four time zones (UTC, London, New York, Manila), each
with two contacts, an assistant, 20 requests in every status (some done in the past week) and
something it owes (rows in bulk: their shape matters here, not the path that writes them).
Then, with the clock given to the job, one scan on Sunday afternoon prepares every client's
Monday 09:00 check-in (what it says read per client), one scan on Monday afternoon claims
them all for sending, and the real database worker (``db_worker --batch``) runs the 500 mail
jobs: each refreshes its check-in's content and stores and sends one message per contact
(to Django's in-memory mail backend). A second pair of scans must do nothing and is timed
too. Target: the three steps together under a minute. The 1-minute load average is printed
before and after each step, as in bench/run.py.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
TARGET_SECONDS = 60.0
DB_NAME = "tandem_bench_check_ins"
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Manila"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--tasks-per-client", type=int, default=20)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    var_dir = BENCH_DIR / "work" / "check_ins"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    os.environ.update(
        TANDEM_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="tandem.settings", LOG_LEVEL="WARNING"
    )
    if database_url:
        os.environ["DATABASE_URL"] = fresh_database(database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("migrate", interactive=False, verbosity=0)
    monday = seed(args.clients, args.tasks_per_client)
    print(f"database: {connection.vendor}; {args.clients:,} clients, 2 contacts each")

    from tandem.planning import check_in_job
    from tandem.planning.models import CheckIn

    prepare_at = monday - timedelta(hours=10)  # Sunday 14:00 UTC: every zone's Monday 09:00
    send_at = monday + timedelta(hours=14)  # is within a day; Monday 14:00 UTC: all are due
    total = 0.0
    steps = [
        ("prepare", lambda: check_in_job.run_check_ins(now=prepare_at).prepared),
        ("send (claim)", lambda: len(check_in_job.run_check_ins(now=send_at).sent)),
        ("mail jobs (worker)", run_worker),
        ("prepare again", lambda: check_in_job.run_check_ins(now=prepare_at).prepared),
        ("send again", lambda: len(check_in_job.run_check_ins(now=send_at).sent)),
    ]
    for label, step in steps:
        load_before = os.getloadavg()[0]
        queries = Counter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            done = step()
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        if label in {"prepare", "send (claim)", "mail jobs (worker)"}:
            total += seconds
        print(
            f"{label}: {done:,} in {seconds:.1f} s, {queries.count:,} queries, "
            f"load average {load_before:.2f} → {load_after:.2f}"
        )
    sent = CheckIn.objects.filter(state=CheckIn.State.SENT).count()
    ok = sent == args.clients and len(mail.outbox) == 2 * args.clients and total < TARGET_SECONDS
    print(
        f"check-ins sent: {sent:,}; mails: {len(mail.outbox):,}; prepare + send + mail: "
        f"{total:.1f} s; target (all {args.clients:,} under {TARGET_SECONDS:.0f} s): "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0


class Counter:
    """Counts the statements run (``connection.execute_wrapper``), keeping none of them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


def run_worker() -> int:
    """The real database worker, in this process, until no job is due; returns the mails
    sent by then."""
    from django.core import mail
    from django.core.management import call_command

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0",
        verbosity=0, stdout=io.StringIO(),
    )  # fmt: skip
    return len(mail.outbox)


def fresh_database(database_url: str) -> str:
    """An empty database of its own on the server in DATABASE_URL, as a URL."""
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(scheme="postgresql")), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DB_NAME}")
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def seed(client_count: int, tasks_per_client: int) -> datetime:
    """The practice (through the service), its clients, people, requests, moves and owed
    items (in bulk); returns the coming Monday, 00:00 UTC."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.clients.models import Assignment, Client, ClientContact
    from tandem.core.models import Membership
    from tandem.core.roles import Role
    from tandem.core.services import create_practice
    from tandem.planning.models import Owed
    from tandem.work.models import Task, TaskEvent, TaskStatus

    today = timezone.now().astimezone(UTC).date()
    monday = datetime.combine(today + timedelta(days=7 - today.weekday()), clock(0), tzinfo=UTC)
    done_at = monday - timedelta(days=3)
    owner = User.objects.create_user("owner@bench.example.com", password="x", name="Owner")
    practice = create_practice(
        owner=owner, name="Bench practice", time_zone="Europe/London", currency="GBP",
        working_days=[0, 1, 2, 3, 4], work_starts_at=clock(9), work_ends_at=clock(17),
    )  # fmt: skip
    password = make_password("x")
    clients = Client.objects.bulk_create(
        [
            Client(practice=practice, name=f"Client {n:03}", time_zone=ZONES[n % len(ZONES)])
            for n in range(client_count)
        ]
    )
    people = User.objects.bulk_create(
        [
            User(email=f"{kind}{n}@bench.example.com", name=f"{kind} {n}", password=password)
            for n in range(client_count)
            for kind in ("va", "contact-a", "contact-b")
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                practice=practice,
                user=person,
                role=Role.ASSISTANT if person.email.startswith("va") else Role.CONTACT,
            )
            for person in people
        ]
    )
    assignments, contacts, tasks = [], [], []
    statuses = list(TaskStatus)
    for n, client in enumerate(clients):
        assistant, contact_a, contact_b = people[3 * n : 3 * n + 3]
        assignments.append(Assignment(practice=practice, client=client, user=assistant))
        for contact in (contact_a, contact_b):
            contacts.append(ClientContact(practice=practice, client=client, user=contact))
        for t in range(tasks_per_client):
            status = statuses[t % len(statuses)]
            tasks.append(
                Task(
                    practice=practice,
                    client=client,
                    title=f"Request {t} of {client.name}",
                    expectations="Done",
                    deadline_at=monday + timedelta(days=t % 21),
                    assignee=assistant,
                    created_by=contact_a,
                    status=status,
                    waiting_until=monday if status == TaskStatus.WAITING_ON_CLIENT else None,
                )
            )
    Assignment.objects.bulk_create(assignments)
    ClientContact.objects.bulk_create(contacts)
    tasks = Task.objects.bulk_create(tasks, batch_size=2_000)
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(
                practice=practice,
                client_id=task.client_id,
                task=task,
                actor=task.created_by,
                kind=TaskEvent.Kind.STATUS_CHANGED,
                from_status=TaskStatus.DELIVERED,
                to_status=TaskStatus.DONE,
                created_at=done_at,
            )
            for task in tasks
            if task.status == TaskStatus.DONE
        ],
        batch_size=2_000,
    )
    Owed.objects.bulk_create(
        [
            Owed(
                practice=practice,
                client_id=task.client_id,
                task=task,
                what="The final copy",
                due_at=monday,
                created_by=task.assignee,
            )
            for task in tasks
            if task.status == TaskStatus.IN_PROGRESS
        ],
        batch_size=2_000,
    )
    return monday


if __name__ == "__main__":
    raise SystemExit(main())
