"""The ``tandem`` command: demo, serve, worker, deadline, and Django's management commands."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import datetime

SETTINGS = "tandem.settings"


def _django(static_collected: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if static_collected:
        # Serve compressed, cache-busted files from collectstatic's output.
        os.environ["TANDEM_STATIC_COLLECTED"] = "1"
    import django

    django.setup()


def manage(args: list[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem manage", *args])
    return 0


def prepare(*, quiet: bool = True) -> None:
    """Migrate, create the cache table and collect static files: safe to run every start."""
    from django.core.management import call_command

    verbosity = 0 if quiet else 1
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=verbosity)


def server_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--no-ws",
        # A few threads per process is plenty for a database-bound app on a small machine.
        "--blocking-threads", "4",
        "--log-level", "warning",
        "tandem.wsgi:application",
    ]  # fmt: skip


def served_at(host: str, port: int) -> str:
    """The address links in mail use when SITE_URL is not set: the one being served.

    A wildcard bind (0.0.0.0, ::) names no host, so this machine's loopback stands in;
    members' own address is remembered per practice when they sign in (core/site.py).
    """
    if host in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 (reading a bind address)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    return f"http://{host}:{port}"


def announce_address(host: str, port: int) -> None:
    """Tell settings (in this process and the ones it starts) where the site is served."""
    os.environ.setdefault("TANDEM_SERVED_AT", served_at(host, port))


def worker_command() -> list[str]:
    return [sys.executable, "-m", "tandem.cli", "worker"]


def serve(args: argparse.Namespace) -> int:
    announce_address(args.host, args.port)
    _django(static_collected=True)
    prepare()
    # Replace this process, so signals reach the server directly.
    os.execv(sys.executable, server_command(args.host, args.port, args.workers))  # noqa: S606
    return 0  # not reached


def worker(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    from tandem.agreements import pdf
    from tandem.core import jobs

    jobs.ensure_scheduled()
    pdf.warm_up()
    call_command("db_worker", "--no-reload", "--interval", str(args.interval))
    return 0


def demo(args: argparse.Namespace) -> int:
    announce_address(args.host, args.port)
    _django(static_collected=True)
    from django.core.management import call_command

    print("Preparing the database and static files…", flush=True)
    prepare()
    call_command("load_demo")
    env = {**os.environ, "TANDEM_STATIC_COLLECTED": "1"}
    children = [
        subprocess.Popen(server_command(args.host, args.port, 1), env=env),  # noqa: S603
        subprocess.Popen(worker_command(), env=env),  # noqa: S603
    ]
    print(
        f"\nTandem is running at http://{args.host}:{args.port}/  (Ctrl-C stops it)\n", flush=True
    )
    return _wait(children)


def _wait(children: list[subprocess.Popen[bytes]]) -> int:
    """Run until Ctrl-C or until a child stops; then stop the others."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    print("Tandem stopped.")
    return 0


def deadline(args: argparse.Namespace) -> int:
    """Resolve a deadline phrase without Django or a database: print ISO 8601, or refuse."""
    from zoneinfo import ZoneInfo

    from tandem.core.calendar import PracticeCalendar
    from tandem.work.deadlines import VagueDeadline, resolve_deadline

    zone = ZoneInfo(args.tz)
    now = args.now or datetime.now(zone)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)  # --now without an offset is the wall clock in --tz
    # Monday to Friday, 9:00 to 17:00, in the client's zone: a practice's default week.
    country, subdivision = args.country
    calendar = PracticeCalendar(time_zone=args.tz, country=country, subdivision=subdivision)
    try:
        resolved = resolve_deadline(args.phrase, time_zone=args.tz, now=now, calendar=calendar)
    except VagueDeadline as refusal:
        print(refusal.message, file=sys.stderr)
        print("Try one of:", file=sys.stderr)
        for choice in refusal.suggestions:
            print(f"  {choice.label}: {choice.local.isoformat()}", file=sys.stderr)
        return 1
    print(resolved.local.isoformat())
    return 0


def inbound(args: argparse.Namespace) -> int:
    """Read one raw message on standard input and act on it (see tandem.inbound.services).

    Exit 0 when the message was handled, ignored ones included; 65 (EX_DATAERR: the mail
    server bounces it) for input that is not a usable message; 75 (EX_TEMPFAIL: the mail
    server tries again later) when the database cannot be reached.
    """
    _django()
    from django.db import DatabaseError

    from tandem.inbound import services
    from tandem.inbound.parsing import MalformedMessage, MessageTooLarge

    raw = sys.stdin.buffer.read(services.max_bytes() + 1)
    try:
        receipt = services.receive_message(raw, recipient=args.recipient)
    except (MalformedMessage, MessageTooLarge) as error:
        print(f"tandem inbound: {error}", file=sys.stderr)
        return 65
    except DatabaseError as error:
        print(
            f"tandem inbound: the database is unavailable ({error}); try again later.",
            file=sys.stderr,
        )
        return 75
    task = receipt.task or (receipt.comment.task if receipt.comment else None)
    print(receipt.outcome + (f" {services.task_url(task)}" if task else ""))
    return 0


def _add_deadline_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser("deadline", help="resolve a deadline phrase to an instant")
    sub.add_argument("phrase", help='what the client wrote, e.g. "Friday 5pm"')
    sub.add_argument("--tz", default="UTC", type=_time_zone, help="the client's time zone")
    sub.add_argument(
        "--now", type=_instant, help="the reference time, ISO 8601 (default: the current time)"
    )
    sub.add_argument(
        "--country",
        type=_region,
        default=("", ""),
        help="bank holidays to skip: a country's ISO code, optionally with a region (GB-ENG, US)",
    )


def _instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from error


def _region(text: str) -> tuple[str, str]:
    """ "GB-ENG" as ("GB", "ENG"): the country and region whose bank holidays are days off."""
    from tandem.core.calendar import UnknownRegion, normalize_region

    country, _, subdivision = text.partition("-")
    try:
        return normalize_region(country, subdivision)
    except UnknownRegion as error:
        raise argparse.ArgumentTypeError(error.message) from error


def _time_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise argparse.ArgumentTypeError(f"unknown time zone {name!r}") from error
    return name


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    parser = argparse.ArgumentParser(prog="tandem", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("demo", "load the demo practice and run the server and a worker"),
        ("serve", "run the production web server"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--host", default=os.environ.get("TANDEM_HOST", "127.0.0.1"))
        sub.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        sub.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    work = commands.add_parser("worker", help="run a background worker")
    work.add_argument("--interval", type=float, default=1.0)
    _add_deadline_parser(commands)
    mail = commands.add_parser("inbound", help="act on one e-mail read on standard input")
    mail.add_argument("--recipient", help="the envelope recipient, as the mail server gives it")
    commands.add_parser("manage", help="run a Django management command", add_help=False)
    args = parser.parse_args(argv)
    handlers = {
        "demo": demo,
        "serve": serve,
        "worker": worker,
        "deadline": deadline,
        "inbound": inbound,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
