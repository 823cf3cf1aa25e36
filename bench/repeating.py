"""Bench of the repeating-request job: 5,000 series due at once, one run of the job.

    .venv/bin/python bench/repeating.py                      # SQLite under bench/work/repeating/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/repeating.py
                                                             # PostgreSQL: a fresh database of
                                                             # its own on that server

Seeds a practice with 100 clients (an assistant on each) and 50 repeating requests per
client, each with a three-step checklist and its next copy due to be made now (the series
rows go in with bulk_create: their shape matters here, not the path that writes them), then
times ``repeating_copies.make_due_copies()``: the copies (tasks, watchers, checklists, "created"
events and their reactions' jobs) and the series moved on, batch by batch. A second run must
make nothing (every series has moved on) and is timed too. Target: the first run under a
minute. The 1-minute load average is printed before and after, as in bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
TARGET_SECONDS = 60.0
DB_NAME = "tandem_bench_repeating"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    var_dir = BENCH_DIR / "work" / "repeating"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    os.environ.update(
        TANDEM_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="tandem.settings", LOG_LEVEL="WARNING"
    )
    if database_url:
        os.environ["DATABASE_URL"] = fresh_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", interactive=False, verbosity=0)
    now = seed(args.series, args.clients)
    print(f"database: {connection.vendor}; {args.series:,} series over {args.clients} clients")

    from tandem.work import repeating_copies
    from tandem.work.models import ChecklistItem, Task

    for label in ("first run", "second run"):
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            made = repeating_copies.make_due_copies(now=now)
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        print(
            f"{label}: {made:,} copies in {seconds:.1f} s, {len(queries):,} queries, "
            f"load average {load_before:.2f} → {load_after:.2f}"
        )
        if label == "first run":
            ok = made == args.series and seconds < TARGET_SECONDS
            print(f"  target (all {args.series:,} copies, under {TARGET_SECONDS:.0f} s): "
                  f"{'met' if ok else 'MISSED'}")  # fmt: skip
    print(f"tasks: {Task.objects.count():,}; checklist steps: {ChecklistItem.objects.count():,}")
    return 0


def fresh_database(database_url: str) -> str:
    """An empty database of its own on the server in DATABASE_URL (not bench/run.py's, which
    may be in use), as a URL."""
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(scheme="postgresql")), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DB_NAME}")
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def seed(series_count: int, client_count: int) -> datetime:
    """The practice, its clients and assistants (through the services) and the series (in
    bulk); returns the instant at which every series' next copy is due to be made."""
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.clients.services import assign_assistant, create_client
    from tandem.core.models import Membership
    from tandem.core.roles import Role
    from tandem.core.services import create_practice
    from tandem.work.models import RepeatingRequest
    from tandem.work.recurrence import Frequency, Rule
    from tandem.work.repeating import Schedule, client_calendar

    owner = User.objects.create_user("owner@bench.example.com", password="x", name="Owner")
    practice = create_practice(
        owner=owner,
        name="Bench practice",
        time_zone="Europe/London",
        currency="GBP",
        working_days=[0, 1, 2, 3, 4],
        work_starts_at=clock(9),
        work_ends_at=clock(17),
    )
    zones = ["UTC", "Europe/London", "America/New_York", "Asia/Manila"]
    clients = []
    for number in range(client_count):
        client = create_client(
            actor=owner, name=f"Client {number}", time_zone=zones[number % len(zones)]
        )
        assistant = User.objects.create_user(f"va{number}@bench.example.com", password="x")
        Membership.objects.create(practice=practice, user=assistant, role=Role.ASSISTANT)
        assistant.refresh_from_db()
        assign_assistant(client, assistant=assistant, actor=owner)
        clients.append((client, assistant))
    today = timezone.localdate()
    seeded_at = timezone.now()
    rows = []
    frequencies = [Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY]
    for number in range(series_count):
        client, assistant = clients[number % len(clients)]
        frequency = frequencies[number % 3]
        rule = Rule(
            frequency,
            today,
            weekday=number % 5 if frequency == Frequency.WEEKLY else None,
            day_of_month=None if frequency == Frequency.WEEKLY else 1 + number % 31,
        )
        copy = Schedule(rule, client_calendar(client), None, 7).next_copy(today, now=timezone.now())
        rows.append(
            RepeatingRequest(
                practice=practice,
                client=client,
                title=f"Report {number}",
                expectations="Sent",
                assignee=assistant,
                checklist="Draft\nCheck\nSend",
                frequency=frequency,
                weekday=rule.weekday,
                day_of_month=rule.day_of_month,
                starts_on=today,
                lead_days=7,
                next_occurrence_on=copy.occurrence_on,
                next_due_at=copy.due_at,
                # As if the job had not run for a while: every next copy is owed at once
                # (one each: the one after is made no earlier than this one's deadline).
                next_create_at=seeded_at,
                created_by=owner,
            )
        )
    RepeatingRequest.objects.bulk_create(rows, batch_size=1_000)
    return seeded_at + timedelta(minutes=1)


if __name__ == "__main__":
    raise SystemExit(main())
