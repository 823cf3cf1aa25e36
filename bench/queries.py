"""Where a page's time goes: each SQL query of one request, timed, on the benchmark's data.

    .venv/bin/python bench/queries.py owner /requests/            # SQLite bench data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/queries.py contact /portal/ --explain

Reads the data the last `make bench` (or `bench/run.py --keep` on PostgreSQL) seeded; the
viewer is one of the benchmark's: owner, assistant, contact. The page is requested eight
times in this process with Django's test client (the last one is reported), and every query
is timed by an execute wrapper. With --explain, the plan of each query slower than
--slow ms is printed too (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL);
with SHOW_PREPARED=1 in the environment (PostgreSQL), how many statements the connection
keeps prepared after the last request; with --profile N, the N costliest calls of the last
request (cProfile; PROFILE_SORT=tottime sorts by own time instead of cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import SEEDED_FILE, bench_database_url, bench_environment  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("viewer", choices=["owner", "assistant", "contact"])
    parser.add_argument("path")
    parser.add_argument("--explain", action="store_true", help="print the slow queries' plans")
    parser.add_argument("--slow", type=float, default=2.0, help="ms from which to explain")
    parser.add_argument("--full", action="store_true", help="print whole queries and params")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest calls")
    # A running server has run each query many times on its connection: on PostgreSQL the
    # sixth run of a query is a prepared statement (settings, TANDEM_PG_PREPARE_AFTER).
    parser.add_argument("--repeat", type=int, default=8, help="requests, the last reported")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    backend = "postgresql" if database_url else "sqlite"
    var_dir = BENCH_DIR / "work" / backend
    seeded = json.loads((var_dir / SEEDED_FILE).read_text())
    env = bench_environment(var_dir, bench_database_url(database_url) if database_url else "")
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from tandem.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=seeded[f"{args.viewer}_email"]))
    timed: list[tuple[float, str, Any]] = []

    def timer(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - start) * 1000, sql, params))

    profiler = cProfile.Profile()
    for attempt in range(args.repeat):
        timed.clear()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            if args.profile and attempt == args.repeat - 1:
                response = profiler.runcall(client.get, args.path)
            else:
                response = client.get(args.path)
        total = (time.perf_counter() - start) * 1000
    print(f"{args.viewer} {args.path}: HTTP {response.status_code}, {total:.1f} ms in all, "
          f"{sum(t for t, _, _ in timed):.1f} ms in {len(timed)} queries")  # fmt: skip
    for ms, sql, params in timed:
        shown = f"{sql}\n    params: {params}" if args.full else sql[:600] + "…" * (len(sql) > 600)
        print(f"\n{ms:8.2f} ms  {shown}")
        if args.explain and ms >= args.slow:
            explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN ANALYZE "
            with connection.cursor() as cursor:
                cursor.execute(explain + sql, params)
                for row in cursor.fetchall():
                    print("           ", " | ".join(str(c) for c in row))
    if os.environ.get("SHOW_PREPARED"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            print("prepared:", cursor.fetchone())
    if args.profile:
        print()
        order = os.environ.get("PROFILE_SORT", "cumulative")
        pstats.Stats(profiler).sort_stats(order).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
