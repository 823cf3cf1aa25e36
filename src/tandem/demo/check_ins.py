"""The demo's weekly check-ins (issue 12): Bloom Florist's went out this week with a note from
Ada and waits for Chloe's answer; Summit Coaching's next one is prepared, ready for a note.

Made through the check-in job's own steps (prepare, note, send), as the worker would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core.models import Practice
from tandem.planning import check_in_job
from tandem.planning.check_in_times import check_in_instant, week_start
from tandem.planning.check_ins import note_check_in
from tandem.planning.models import CheckIn
from tandem.planning.models_policy import planning_policy

NOTE = (
    "Lovely week! The spring newsletter is nearly ready. Is anything coming up for Mother's "
    "Day? If you tell me now, I can keep time free for it."
)


def seed_check_ins(practice: Practice) -> None:
    """One check-in waiting for an answer, and one prepared to go."""
    policy = planning_policy(practice.pk)
    now = timezone.now()
    bloom = Client.objects.get(practice=practice, name="Bloom Florist")
    summit = Client.objects.get(practice=practice, name="Summit Coaching")
    last, _ = _weeks(bloom, policy.check_in_weekday, policy.check_in_time, now)
    _, coming = _weeks(summit, policy.check_in_weekday, policy.check_in_time, now)
    check_in_job.prepare_batch(practice.pk, {bloom.pk: last, summit.pk: coming}, now=now)
    ada = User.objects.get(email="ada@demo.example.com")
    waiting = CheckIn.objects.get(client=bloom)
    note_check_in(waiting, actor=ada, note=NOTE)
    check_in_job.send_practice(practice.pk, now=waiting.due_at + timedelta(minutes=1))


Week = tuple[date, datetime]


def _weeks(client: Client, weekday: int, at: time, now: datetime) -> tuple[Week, Week]:
    """(week, instant) of the client's latest check-in time before now, and of the next."""
    monday = week_start(now.astimezone(ZoneInfo(client.time_zone)).date())
    weeks = [monday + timedelta(weeks=n) for n in (-1, 0, 1)]
    times = [(week, check_in_instant(week, weekday, at, client.time_zone)) for week in weeks]
    past = [found for found in times if found[1] <= now]
    ahead = [found for found in times if found[1] > now]
    return past[-1], ahead[0]
