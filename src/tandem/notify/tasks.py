"""Notification jobs: the per-task mail after its batch window, the daily digests, and the
deadline reminders. Each takes ids, re-loads and re-checks, so running twice is harmless.
The two periodic scans go practice by practice in batches, a fixed number of queries each."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tandem.core import jobs
from tandem.notify import mailing, reminders

# How often the periodic scans look: a reminder or a digest is at most this late.
SCAN_SECONDS = 900


@jobs.job()
def send_task_mail(recipient_id: int, task_id: int) -> None:
    mailing.send_task_mail(recipient_id, task_id)


@jobs.job()
def send_digest(user_id: int, on: str) -> None:
    mailing.send_digest(user_id, date.fromisoformat(on))


@jobs.periodic(every_seconds=SCAN_SECONDS)
@jobs.job(max_attempts=1)
def plan_digests() -> None:
    """One digest job per reader whose morning has come, queued a batch of readers at a
    time (practice by practice); the next scan tries again for anyone this one missed (the
    digest's key stops a second one the same day)."""
    for due in mailing.due_digest_batches(timezone.now()):
        jobs.enqueue_many(send_digest, [(user_id, on.isoformat()) for user_id, on in due])


@jobs.periodic(every_seconds=SCAN_SECONDS)
@jobs.job(max_attempts=1)
def remind_deadlines() -> None:
    reminders.remind_deadlines()
