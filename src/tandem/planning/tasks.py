"""Planning's jobs. Each takes ids, re-loads and re-checks, so running twice is harmless."""

from __future__ import annotations

from tandem.core import jobs
from tandem.planning import check_in_job, owed_reminders

# How often the reminder scan looks: a reminder is at most this late.
SCAN_SECONDS = 900


@jobs.job()
def send_owed_reminder(owed_id: int, number: int) -> None:
    owed_reminders.send_reminder(owed_id, number)


@jobs.periodic(every_seconds=SCAN_SECONDS)
@jobs.job(max_attempts=1)
def remind_owed() -> None:
    """What clients owe and have not sent: the first reminder once it is late, the second
    after the practice's number of working days (``owed_reminders``)."""
    owed_reminders.remind_owed()


# Weekly check-ins (issue 12): prepared a day ahead, sent when due (``check_in_job``).
@jobs.job()
def send_check_in_mail(check_in_id: int) -> None:
    check_in_job.send_check_in(check_in_id)


@jobs.periodic(every_seconds=SCAN_SECONDS)
@jobs.job(max_attempts=1)
def run_check_ins() -> None:
    """Each client's weekly check-in: prepared a day before, sent at the practice's day and
    time on the client's clock; at most a scan's interval late."""
    check_in_job.run_check_ins()
