"""Page benchmark: seed a big practice, run the real server, time the busiest pages.

    make bench                                   # SQLite under bench/work/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench
                                                 # PostgreSQL: uses a fresh `tandem_bench`
                                                 # database on that server

Steps: a fresh var dir (bench/work/<backend>/), migrate, seed with bulk_create (see
seed.py), start `tandem serve --workers 1` on a free loopback port with TANDEM_BENCH=1,
sign in over HTTP as an owner, an assistant and a contact, then per page 10 warm-up and
100 measured GETs, one at a time. `--scale 0.02` seeds 2 % of the data, to try the bench
itself quickly; its results are no measure of anything.

The floor. Absolute times on a shared machine move by half from one run to the next, so
every page is also given as a ratio of its median to the floor's: a plain page (25 tasks
joined to their client, one query, a minimal template, no sign-in; tandem.work.views_bench)
measured first and again last in the same run, both runs' samples pooled. The ratio is what
later changes are held to. The 1-minute load average at the start and end of each page is
in the table too: anything else running on the machine shows there and in the tails.

Timing. "app" is the server's own time for the request, read from the `Server-Timing:
app;dur=<ms>` header that tandem.core.middleware.ServerTimingMiddleware adds when
TANDEM_BENCH=1: it is the outermost middleware, so it covers every middleware, the view,
the queries and the template, but not granian's own HTTP handling. "wall" is the client's
time from sending the request to having read the whole response over loopback, for
comparison. The same middleware counts the request's database queries (X-Tandem-Queries).

Targets: p95 app time < 50 ms per page and < 100 ms for creating a request through the form;
a fixed query count (every measured request of a page runs the same number of queries, and a
second viewer with a different amount of data runs the same number too); the granian
worker's RSS < 200 MB after the run.

Results are printed and written to bench/results/<date>-<sqlite|postgresql>.{md,json}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
BENCH_DB_NAME = "tandem_bench"
P95_TARGET_MS = 50.0
P95_WRITE_TARGET_MS = 100.0  # creating a request through the form
RSS_TARGET_MB = 200.0
SERVER_START_TIMEOUT = 90.0
SERVER_STOP_TIMEOUT = 10.0


# --- Database and var dir ---------------------------------------------------------------


def prepare_database(database_url: str) -> str:
    """Create an empty `tandem_bench` database on the server in DATABASE_URL; return its URL."""
    import psycopg

    parts = urlsplit(database_url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB_NAME}")
    return bench_database_url(database_url)


def bench_database_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB_NAME}"))


def drop_database(bench_url: str) -> None:
    import psycopg

    parts = urlsplit(bench_url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB_NAME} WITH (FORCE)")


def bench_environment(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DATABASE_URL"))}
    env.update(
        TANDEM_VAR_DIR=str(var_dir),
        TANDEM_BENCH="1",
        DJANGO_SETTINGS_MODULE="tandem.settings",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


SEEDED_FILE = "seeded.json"


def migrate_and_seed(
    env: dict[str, str], backend: str, *, reuse: bool = False, scale: float = 1.0
) -> dict[str, Any]:
    """In this process: Django reads the same environment the server will.

    With ``reuse``, the data a previous run seeded into the same var dir (or the kept
    PostgreSQL database) is migrated and measured again instead of seeded anew.
    """
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    import seed  # bench/seed.py, beside this file
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    migrated = time.perf_counter()
    seeded_file = Path(env["TANDEM_VAR_DIR"]) / SEEDED_FILE
    if reuse:
        seeded = seed.Seeded(**json.loads(seeded_file.read_text()))
        seeded.counts = seed.counts()
    else:
        seeded = seed.seed(random.Random(20240601), scale=scale)
        seeded_file.write_text(json.dumps(seeded.as_dict()))
    import seed_trust  # bench/seed_trust.py: what the trust pages read (issue 13)

    trust = seed_trust.prepare(seeded.as_dict())
    import seed_vault  # bench/seed_vault.py: 200 credentials and 10,000 reveals (issue 14)

    trust |= seed_vault.prepare(seeded.as_dict())
    if backend == "postgresql":
        # Autovacuum would gather statistics and set the visibility map (which index-only
        # scans need) soon after a bulk load; do it now, after the last of it (the vault's
        # 10,000 reveals measured on stale statistics were read whole, 20 ms a page).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db_version = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        from tandem.core.planner import refresh_statistics

        # What the worker's periodic job does on a running install (tandem.core.tasks).
        refresh_statistics()
        db_version = f"SQLite {sqlite3.sqlite_version}"
    done = time.perf_counter()
    connections.close_all()
    info = seeded.as_dict() | trust
    info.update(
        migrate_seconds=round(migrated - started, 1),
        seed_seconds=round(done - migrated, 1),
        db_version=db_version,
    )
    return info


# --- The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "tandem.cli", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    log = log_path.open("wb")
    # Its own session, so stopping it takes granian's workers too, and only them.
    return subprocess.Popen(
        command, env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_healthy(proc: subprocess.Popen[bytes], base_url: str, log_path: Path) -> float:
    started = time.monotonic()
    deadline = started + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"The server exited ({proc.returncode}):\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"The server did not answer /healthz in {SERVER_START_TIMEOUT:.0f} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL it if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    # Workers that outlived their parent are still in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces and parentheses: split after the last ')'.
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, ppid in parents.items() if ppid in frontier]
        tree += children
        frontier = children
    return tree


def memory(pid: int) -> dict[str, Any]:
    fields: dict[str, Any] = {"pid": pid}
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
        cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return fields
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = round(int(value.split()[0]) / 1024, 1)  # kB -> MB
    fields["cmd"] = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()[:120]
    return fields


# --- Signing in and measuring -------------------------------------------------------------


def sign_in(base_url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    client.get("/accounts/login/").raise_for_status()
    response = client.post(
        "/accounts/login/",
        data={
            "login": email,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": f"{base_url}/accounts/login/"},
    )
    if response.status_code != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"Signing in as {email} failed: HTTP {response.status_code}")
    return client


SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


@dataclass
class Sample:
    wall_ms: float
    app_ms: float | None
    queries: int | None
    size: int


def fetch(client: httpx.Client, path: str) -> Sample:
    started = time.perf_counter()
    response = client.get(path)
    body = response.content
    wall = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered HTTP {response.status_code}")
    timing = SERVER_TIMING.search(response.headers.get("server-timing", ""))
    queries = response.headers.get("x-tandem-queries")
    return Sample(
        wall_ms=wall,
        app_ms=float(timing.group(1)) if timing else None,
        queries=int(queries) if queries is not None else None,
        size=len(body),
    )


def post_form(client: httpx.Client, path: str, data: dict[str, str]) -> Sample:
    """POST a form as the browser would; the answer must be the redirect a success gives."""
    started = time.perf_counter()
    response = client.post(
        path,
        data={**data, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": f"{client.base_url}{path}"},
    )
    body = response.content
    wall = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise RuntimeError(f"POST {path} answered HTTP {response.status_code}: {body[:2000]!r}")
    timing = SERVER_TIMING.search(response.headers.get("server-timing", ""))
    queries = response.headers.get("x-tandem-queries")
    return Sample(
        wall_ms=wall,
        app_ms=float(timing.group(1)) if timing else None,
        queries=int(queries) if queries is not None else None,
        size=len(body),
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


@dataclass
class PageResult:
    page: str
    viewer: str
    path: str
    requests: int
    app_median_ms: float | None
    app_p95_ms: float | None
    app_max_ms: float | None
    wall_median_ms: float
    wall_p95_ms: float
    queries: list[int]
    probe: str
    probe_queries: int | None
    size_bytes: int
    p95_pass: bool
    queries_pass: bool
    load_before: float = 0.0  # 1-minute load average when the page's warm-up began
    load_after: float = 0.0  # and when its last request was answered
    floor_ratio: float | None = None  # app median / the floor's app median
    app_samples_ms: list[float] = field(default_factory=list)


def measure(
    name: str,
    viewer: str,
    client: httpx.Client,
    path: str,
    *,
    warmup: int,
    requests: int,
    probe: tuple[str, httpx.Client, str] | None,
    form: dict[str, str] | None = None,
) -> PageResult:
    """GET ``path`` (or, with ``form``, POST it) ``requests`` times after a warm-up."""

    def once() -> Sample:
        return fetch(client, path) if form is None else post_form(client, path, form)

    load_before = os.getloadavg()[0]
    for _ in range(warmup):
        once()
    samples = [once() for _ in range(requests)]
    load_after = os.getloadavg()[0]
    apps = [s.app_ms for s in samples if s.app_ms is not None]
    walls = [s.wall_ms for s in samples]
    queries = sorted({s.queries for s in samples if s.queries is not None})
    probe_queries = None
    if probe is not None:
        # Once to warm it as the page was warmed (a practice's plan is kept after its first
        # reading: planning.plan_cache), then counted.
        fetch(probe[1], probe[2])
        probe_queries = fetch(probe[1], probe[2]).queries
    timed = apps or walls  # without the header, the client's wall time is all there is
    fixed = len(queries) == 1 and (probe_queries is None or probe_queries == queries[0])
    target = P95_WRITE_TARGET_MS if form is not None else P95_TARGET_MS
    return PageResult(
        page=name,
        viewer=viewer,
        path=path,
        requests=len(samples),
        app_median_ms=round(statistics.median(apps), 2) if apps else None,
        app_p95_ms=round(p95(apps), 2) if apps else None,
        app_max_ms=round(max(apps), 2) if apps else None,
        wall_median_ms=round(statistics.median(walls), 2),
        wall_p95_ms=round(p95(walls), 2),
        queries=queries,
        probe=f"{probe[0]} {probe[2]}" if probe else "",
        probe_queries=probe_queries,
        size_bytes=int(statistics.median(s.size for s in samples)),
        p95_pass=p95(timed) < target,
        queries_pass=fixed,
        load_before=round(load_before, 2),
        load_after=round(load_after, 2),
        app_samples_ms=[round(a, 2) for a in apps],
    )


# --- The requests pages -------------------------------------------------------------------

Probe = tuple[str, httpx.Client, str]
PageSpec = tuple[str, str, httpx.Client, str, Probe | None]


def work_pages(
    info: dict[str, Any],
    *,
    owner: httpx.Client,
    assistant: httpx.Client,
    contact: httpx.Client,
    probe_assistant: httpx.Client,
    probe_contact: httpx.Client,
) -> list[PageSpec]:
    """Issue 4's pages, by URL name (Django is set up in this process by the seeding)."""
    from django.urls import reverse

    busiest = info["busiest_client_id"]
    requests = reverse("work:request-list")
    inbox = reverse("work:inbox")
    board = reverse("work:board", args=[busiest])
    task = reverse("work:task-detail", args=[info["page_task_id"]])
    probe_task = reverse("work:task-detail", args=[info.get("probe_task_id") or 0])
    return [
        ("dashboard", "assistant", assistant, "/dashboard/",
         ("assistant (fewest clients)", probe_assistant, "/dashboard/")),
        ("dashboard", "owner", owner, "/dashboard/", None),
        ("inbox", "assistant", assistant, inbox,
         ("assistant (fewest clients)", probe_assistant, inbox)),
        ("inbox", "owner", owner, inbox, None),
        ("requests", "contact", contact, requests, ("contact 2", probe_contact, requests)),
        ("requests", "owner", owner, requests, ("owner", owner, f"{requests}?page=20")),
        ("requests filtered", "owner", owner,
         f"{requests}?status=open&client={busiest}&sort=deadline", None),
        ("requests filtered", "contact", contact, f"{requests}?status=closed&sort=updated",
         None),
        ("search", "owner", owner, f"{requests}?q=marzipan", ("owner", owner,
         f"{requests}?q=supplier+wreath")),
        ("search", "contact", contact, f"{requests}?q=quokka", None),
        ("board", "contact", contact, board, None),
        ("board", "assistant", assistant, board, None),
        # Issue 11: the request page with 50 comments and changes, a delivery awaiting
        # review; the probe is a request of the same client with a short conversation.
        ("task page (50 entries)", "contact", contact, task,
         ("contact", contact, probe_task)),
        ("task page (50 entries)", "assistant", assistant, task,
         ("assistant", assistant, probe_task)),
        ("portal home", "contact", contact, "/portal/", ("contact 2", probe_contact, "/portal/")),
    ]  # fmt: skip


# --- Lists that help decide (issue 11) -------------------------------------------------------


def lists_pages(
    info: dict[str, Any],
    *,
    owner: httpx.Client,
    assistant: httpx.Client,
    probe_assistant: httpx.Client,
) -> list[PageSpec]:
    """The practice-wide board (every client's work; an assistant's clients'), and one
    assistant's work on the owner's board."""
    from django.urls import reverse

    from tandem.accounts.models import User

    board = reverse("work:practice-board")
    theirs = User.objects.get(email=info["assistant_email"]).pk
    return [
        ("practice board", "owner", owner, board,
         ("owner, one assistant's work", owner, f"{board}?who={theirs}")),
        ("practice board", "assistant", assistant, board,
         ("assistant (fewest clients)", probe_assistant, board)),
        ("practice board mine", "assistant", assistant, f"{board}?who=mine", None),
    ]  # fmt: skip


def new_request_form(info: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The new-request page of the contact's client and what a contact types into it."""
    from django.urls import reverse

    path = reverse("work:task-create", args=[info["busiest_client_id"]])
    return path, {
        "title": "Order more ribbon",
        "request_markdown": "Two rolls of **red satin**, please, from the usual wholesaler.",
        "expectations": "The ribbon is in the shop.",
        "deadline": "in 3 working days",
        "priority": "normal",
    }


# --- Trust in phases (issue 13) ---------------------------------------------------------------


def trust_pages(
    info: dict[str, Any], *, owner: httpx.Client, assistant: httpx.Client, contact: httpx.Client
) -> list[PageSpec]:
    """The busiest client's track record (thousands of requests and their moves), its phase
    page, and a request above its phase waiting for the go-ahead (the policy's phase check
    on the request page)."""
    from django.urls import reverse

    busiest = info["busiest_client_id"]
    record = reverse("trust:track-record", args=[busiest])
    waiting = reverse("work:task-detail", args=[info["phase_task_id"]])
    return [
        ("track record", "contact", contact, record, None),
        ("track record", "owner", owner, record, None),
        ("phase page", "contact", contact, reverse("delegation:phase", args=[busiest]), None),
        ("task page (phase check)", "assistant", assistant, waiting, None),
        ("task page (phase check)", "contact", contact, waiting, None),
    ]  # fmt: skip


# --- The credential vault (issue 14) ---------------------------------------------------------


def vault_pages(
    info: dict[str, Any], *, owner: httpx.Client, assistant: httpx.Client, contact: httpx.Client
) -> list[PageSpec]:
    """The busiest client's vault (200 credentials, each with its last of 10,000 reveals) for
    both sides, and its reveal log's first page and a page deep into it."""
    from django.urls import reverse

    busiest = info["busiest_client_id"]
    vault = reverse("vault:list", args=[busiest])
    log = reverse("vault:log", args=[busiest])
    one = reverse("vault:log", args=[busiest]) + f"?credential={info['vault_credential_id']}"
    return [
        ("vault", "contact", contact, vault, None),
        ("vault", "assistant", assistant, vault, None),
        ("reveal log", "contact", contact, log, None),
        ("reveal log", "owner", owner, log, None),
        ("reveal log (one credential)", "contact", contact, one, None),
    ]


# --- Capacity and short notice (issue 12) ----------------------------------------------------


def capacity_pages(
    info: dict[str, Any],
    *,
    owner: httpx.Client,
    assistant: httpx.Client,
    contact: httpx.Client,
    probe_owner: httpx.Client,
) -> list[PageSpec]:
    """The capacity page (every assistant's and the busiest clients' twelve weeks over the
    100,000-request practice), a week's drill-down, a request's expected completion, and
    the short-notice check the new-request form's deadline preview makes as a contact types."""
    from datetime import date, timedelta

    from django.urls import reverse

    from tandem.accounts.models import User

    capacity = reverse("planning:capacity")
    today = date.today()
    monday = (today - timedelta(days=today.weekday())).isoformat()
    theirs = User.objects.get(email=info["assistant_email"]).pk
    week = reverse("planning:capacity-week", args=[monday, "person", theirs])
    expected = reverse("planning:task-plan", args=[info["page_task_id"]])
    preview = reverse("work:deadline-preview", args=[info["busiest_client_id"]])
    check = f"{preview}?field=deadline&notice=1&deadline=in+3+working+days"
    return [
        ("capacity", "owner", owner, capacity,
         ("owner of practice 2", probe_owner, capacity)),
        ("capacity", "assistant", assistant, capacity, None),
        ("capacity week", "owner", owner, week, None),
        ("expected done", "assistant", assistant, expected, None),
        ("short-notice check", "contact", contact, check, None),
    ]  # fmt: skip


# --- Reporting ----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


FLOOR_PAGE = "floor"
FLOOR_PATH = "/bench/floor/"


def floor_median(results: list[PageResult]) -> float | None:
    """The median of every app time the floor's runs measured (first and last, pooled)."""
    samples = [ms for r in results if r.page == FLOOR_PAGE for ms in r.app_samples_ms]
    return round(statistics.median(samples), 2) if samples else None


def set_ratios(results: list[PageResult]) -> float | None:
    floor = floor_median(results)
    for r in results:
        if floor and r.app_median_ms is not None:
            r.floor_ratio = round(r.app_median_ms / floor, 1)
    return floor


def ratio(r: PageResult) -> str:
    return f"{r.floor_ratio}x" if r.floor_ratio is not None else "-"


def table(results: list[PageResult]) -> list[str]:
    head = (
        "| page | viewer | n | app median ms | x floor | app p95 ms | wall median ms "
        "| wall p95 ms | queries | probe queries | size KB | load 1 min start→end "
        "| p95 under target | fixed queries |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        lines.append(
            f"| {r.page} | {r.viewer} | {r.requests} | {r.app_median_ms} | {ratio(r)} "
            f"| {r.app_p95_ms} | {r.wall_median_ms} | {r.wall_p95_ms} "
            f"| {'/'.join(map(str, r.queries))} "
            f"| {r.probe_queries if r.probe_queries is not None else '-'} "
            f"| {r.size_bytes / 1024:.1f} | {r.load_before}→{r.load_after} "
            f"| {verdict(r.p95_pass)} | {verdict(r.queries_pass)} |"
        )
    return lines


def report(
    backend: str, info: dict[str, Any], results: list[PageResult], mem: list[dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    workers = [m for m in mem[1:] if "VmRSS" in m] or [m for m in mem if "VmRSS" in m]
    worker_rss = max((m["VmRSS"] for m in workers), default=0.0)
    total_rss = round(sum(m.get("VmRSS", 0.0) for m in mem), 1)
    rss_pass = 0 < worker_rss < RSS_TARGET_MB
    all_pass = rss_pass and all(r.p95_pass and r.queries_pass for r in results)
    counts = info["counts"]
    floor = set_ratios(results)
    lines = [
        f"# Tandem page benchmark: {backend}",
        "",
        f"- When: {info['when']}",
        f"- Database: {info['db_version']}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; granian, 1 worker, requests one at a time over loopback",
        "- Data: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
        + (f" (scaled by {info['scale']}: a trial run)" if info.get("scale", 1.0) != 1.0 else ""),
        f"- Viewers: owner {info['owner_email']}; assistant {info['assistant_email']} "
        f"({info['assistant_clients']} clients; probe {info['probe_assistant_email']} with "
        f"{info['probe_assistant_clients']}); contact {info['contact_email']}",
        f"- Migrate {info['migrate_seconds']} s, seed {info['seed_seconds']} s, "
        f"server up in {info['server_start_seconds']} s, measuring {info['measure_seconds']} s",
        f"- Load average (1/5/15 min) before measuring {info['load_before']}, after "
        f"{info['load_after']}: anything else running on the machine shows in the tails",
        f"- Floor: {floor} ms, the app median of a plain page (25 tasks joined to their "
        "client, one query, a minimal template, no sign-in) measured first and last; "
        "x floor = a page's app median divided by it, the number to compare across runs",
        "- app = the server's own time (Server-Timing header, outermost middleware); "
        "wall = client time over loopback; queries = X-Tandem-Queries; probe = one request "
        "by a second viewer with a different amount of data (same count expected)",
        "",
        *table(results),
        "",
        f"Worker RSS after the run: {worker_rss} MB (peak "
        f"{max((m.get('VmHWM', 0.0) for m in workers), default=0.0)} MB); all server "
        f"processes: {total_rss} MB. Target < {RSS_TARGET_MB:.0f} MB: {verdict(rss_pass)}. "
        f"The worker's peak was already {info['worker_peak_after_sign_in_mb']} MB after the "
        "sign-ins, before any page: each Argon2 password check holds 46 MiB for a moment.",
        "",
        "| pid | RSS MB | peak MB | command |",
        "|---|---|---|---|",
        *(
            f"| {m['pid']} | {m.get('VmRSS', '-')} | {m.get('VmHWM', '-')} | `{m.get('cmd', '')}` |"
            for m in mem
        ),
        "",
        f"Overall: {verdict(all_pass)}",
    ]
    data = {
        "backend": backend,
        "info": {k: v for k, v in info.items() if k != "password"},
        "pages": [asdict(r) for r in results],
        "memory": {
            "processes": mem,
            "worker_rss_mb": worker_rss,
            "total_rss_mb": total_rss,
            "rss_pass": rss_pass,
        },
        "floor_median_ms": floor,
        "load_average": {"before": info["load_before"], "after": info["load_after"]},
        "targets": {"p95_ms": P95_TARGET_MS, "rss_mb": RSS_TARGET_MB},
        "pass": all_pass,
    }
    return "\n".join(lines) + "\n", data


# --- Main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="measured requests a page")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests a page")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="share of the full data to seed (0.02 to try the bench quickly); results of a "
        "scaled run are written under bench/work/, not bench/results/",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the data the last --keep run (or SQLite run) seeded, migrated, not re-seeded",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated page names to measure (the floor is always measured); a partial "
        "run is written under bench/work/, not bench/results/",
    )
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",") if name.strip()}

    database_url = os.environ.get("DATABASE_URL", "")
    backend = "postgresql" if database_url else "sqlite"
    var_dir = BENCH_DIR / "work" / backend
    if args.reuse:
        bench_url = bench_database_url(database_url) if database_url else ""
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        bench_url = prepare_database(database_url) if database_url else ""
    env = bench_environment(var_dir, bench_url)
    when = datetime.now(UTC)

    print(f"Benchmark on {backend}: migrating and seeding…", flush=True)
    info = migrate_and_seed(env, backend, reuse=args.reuse, scale=args.scale)
    info["when"] = when.strftime("%Y-%m-%d %H:%M UTC")
    info["scale"] = args.scale
    print(
        f"  seeded in {info['seed_seconds']} s: "
        + ", ".join(f"{v:,} {k}" for k, v in info["counts"].items()),
        flush=True,
    )

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "server.log"
    proc = start_server(env, port, log_path)
    clients: list[httpx.Client] = []
    try:
        info["server_start_seconds"] = round(wait_healthy(proc, base_url, log_path), 1)
        print(f"  server up on {base_url} in {info['server_start_seconds']} s", flush=True)
        password = info["password"]
        owner = sign_in(base_url, info["owner_email"], password)
        assistant = sign_in(base_url, info["assistant_email"], password)
        probe_owner = sign_in(base_url, info["probe_owner_email"], password)
        probe_assistant = sign_in(base_url, info["probe_assistant_email"], password)
        contact = sign_in(base_url, info["contact_email"], password)
        probe_contact = sign_in(base_url, info["probe_contact_email"], password)
        visitor = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        clients = [owner, probe_owner, assistant, probe_assistant, contact, probe_contact]
        clients.append(visitor)

        floor: PageSpec = (FLOOR_PAGE, "visitor", visitor, FLOOR_PATH, None)
        pages: list[PageSpec] = [
            floor,
            ("clients", "owner", owner, "/clients/", ("owner", owner, "/clients/?page=5")),
            (
                "clients",
                "assistant",
                assistant,
                "/clients/",
                ("assistant (fewest clients)", probe_assistant, "/clients/"),
            ),
            (
                "people",
                "owner",
                owner,
                "/people/",
                ("owner of practice 2 (no invitations)", probe_owner, "/people/"),
            ),
            ("audit", "owner", owner, "/audit/", ("owner", owner, "/audit/?action=signed_in")),
            ("portal", "contact", contact, "/portal/", ("contact 2", probe_contact, "/portal/")),
        ]
        pages += work_pages(
            info,
            owner=owner,
            assistant=assistant,
            contact=contact,
            probe_assistant=probe_assistant,
            probe_contact=probe_contact,
        )
        pages += lists_pages(
            info, owner=owner, assistant=assistant, probe_assistant=probe_assistant
        )
        pages += capacity_pages(
            info, owner=owner, assistant=assistant, contact=contact, probe_owner=probe_owner
        )
        pages += trust_pages(info, owner=owner, assistant=assistant, contact=contact)
        pages += vault_pages(info, owner=owner, assistant=assistant, contact=contact)
        # Argon2 (memory_cost 46 MiB) verifies each sign-in: it sets the worker's peak RSS.
        signed_in = [memory(pid) for pid in process_tree(proc.pid)[1:]]
        info["worker_peak_after_sign_in_mb"] = max(
            (m.get("VmHWM", 0.0) for m in signed_in), default=0
        )
        results = []
        info["load_before"] = [round(x, 2) for x in os.getloadavg()]
        measuring = time.perf_counter()
        create_path, create_form = new_request_form(info)
        pages.append(("new request (POST)", "contact", contact, create_path, None))
        pages.append(floor)  # again last: a floor that moved during the run shows here
        if only:
            pages = [page for page in pages if page[0] in only or page[0] == FLOOR_PAGE]
        for name, viewer, client, path, probe in pages:
            result = measure(
                name,
                viewer,
                client,
                path,
                warmup=args.warmup,
                requests=args.requests,
                probe=probe,
                form=create_form if path == create_path else None,
            )
            results.append(result)
            print(
                f"  {name:8} {viewer:10} app median {result.app_median_ms} ms, "
                f"p95 {result.app_p95_ms} ms, queries {result.queries}, "
                f"{result.size_bytes / 1024:.1f} KB, load {result.load_before}"
                f"→{result.load_after}",
                flush=True,
            )
        info["measure_seconds"] = round(time.perf_counter() - measuring, 1)
        info["load_after"] = [round(x, 2) for x in os.getloadavg()]
        mem = [memory(pid) for pid in process_tree(proc.pid)]
    finally:
        for client in clients:
            client.close()
        stop_server(proc)
        if bench_url and not (args.keep or args.reuse):
            drop_database(bench_url)

    markdown, data = report(backend, info, results, mem)
    # A scaled run tries the bench itself; only full runs are results worth keeping.
    results_dir = RESULTS_DIR if args.scale == 1.0 and not only else var_dir
    results_dir.mkdir(exist_ok=True)
    stem = results_dir / f"{when:%Y-%m-%d}-{backend}"
    stem.with_suffix(".md").write_text(markdown)
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    print()
    print(markdown)
    print(f"Written to {stem.with_suffix('.md').relative_to(PROJECT_DIR)} and .json")
    return 0 if data["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
