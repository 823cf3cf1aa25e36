"""A quick before/after check of pages against the floor page, in one process.

    .venv/bin/python bench/ratio.py contact /portal/ /requests/
    .venv/bin/python bench/ratio.py owner /dashboard/ --rounds 60

Reads the data the last `make bench` (or `bench/run.py`) seeded, like `bench/queries.py`.
Each round requests the floor page and then every page once with Django's test client, so a
busy machine slows them alike; it prints each page's median and its ratio to the floor's.
Quicker than a whole bench run for trying a change to how a page renders; the bench (a
real server over loopback) stays the figure of record.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from run import FLOOR_PATH, SEEDED_FILE, bench_database_url, bench_environment  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("viewer", choices=["owner", "assistant", "contact"])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--rounds", type=int, default=40)
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
    from django.test import Client

    from tandem.accounts.models import User

    viewer = Client(HTTP_HOST="127.0.0.1")
    viewer.force_login(User.objects.get(email=seeded[f"{args.viewer}_email"]))
    visitor = Client(HTTP_HOST="127.0.0.1")
    pages = [(visitor, FLOOR_PATH)] + [(viewer, path) for path in args.paths]
    times: dict[str, list[float]] = {path: [] for _, path in pages}
    for round_ in range(args.rounds + 3):
        for client, path in pages:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                print(f"{path}: HTTP {response.status_code}")
                return 1
            if round_ >= 3:  # the first rounds warm caches and templates
                times[path].append(elapsed)
    floor = statistics.median(times[FLOOR_PATH])
    print(f"load {os.getloadavg()[0]:.2f}; floor median {floor:.1f} ms")
    for path in args.paths:
        median = statistics.median(times[path])
        print(f"{path}: median {median:.1f} ms, {median / floor:.1f}x floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
