"""The core's own background jobs: sending mail and keeping the queue healthy."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tandem.core import events, jobs, mail, planner


@jobs.job()
def send_outbound_email(email_id: int) -> None:
    mail.deliver(email_id)


@jobs.periodic(every_seconds=settings.TANDEM_REAPER_INTERVAL_SECONDS)
@jobs.job(max_attempts=1)
def sweep_jobs() -> None:
    """Schedule the next sweep first, so a crash here cannot break the chain."""
    from tandem.core.models import ReactionRun, ScheduledRun

    jobs.ensure_scheduled()
    jobs.reap_orphaned_jobs()
    week_ago = timezone.now() - timedelta(days=7)
    ScheduledRun.objects.filter(slot_at__lt=week_ago).delete()
    ReactionRun.objects.filter(ran_at__lt=timezone.now() - events.REMEMBER_RUNS).delete()
    DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=week_ago
    ).delete()


# Every six hours: tables grow fast in a new practice's first days, and a refresh is cheap.
@jobs.periodic(every_seconds=6 * 3600)
@jobs.job(max_attempts=1)
def refresh_planner_statistics() -> None:
    planner.refresh_statistics()
