"""The demo practice's planning ground (issue 12): its notice and rush policy, Ada's own
week with a share kept free, time off of each kind (part of a day, a day, a range) and a
request asked for at short notice, so
the capacity page, the short-notice check and the calendar feeds have something true to
show on a fresh `make run`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core.models import Practice
from tandem.planning.models_policy import planning_policy
from tandem.planning.policy import PlanningChoices, set_planning_policy
from tandem.planning.services import add_time_off, set_working_week
from tandem.work.services import create_task

RUSH_POLICY = (
    "Work asked for at less than two working days' notice is billed at half as much again, "
    "and may move other work of yours."
)


def plan(practice: Practice, *, owner: User) -> None:
    policy = planning_policy(practice.pk)
    set_planning_policy(
        practice,
        actor=owner,
        choices=PlanningChoices(
            default_request_minutes=policy.default_request_minutes,
            small_minutes=policy.small_minutes,
            medium_minutes=policy.medium_minutes,
            large_minutes=policy.large_minutes,
            notice_working_days=2,
            rush_policy=RUSH_POLICY,
            check_ins_on=True,
            check_in_weekday=0,
            check_in_time=time(9, 0),
        ),
    )
    ada = User.objects.get(email="ada@demo.example.com")
    ben = User.objects.get(email="ben@demo.example.com")
    # Ada works short Fridays and keeps a fifth of each day free for what comes up.
    long_day = (time(9, 0), time(17, 30))
    set_working_week(
        ada,
        actor=owner,
        hours={0: long_day, 1: long_day, 2: long_day, 3: long_day, 4: (time(9, 0), time(13, 0))},
        kept_free_percent=20,
    )
    zone = ZoneInfo(practice.time_zone)
    monday = _next_monday(timezone.localdate(timezone.now(), zone))

    def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
        day = monday + timedelta(days=day_offset)
        return datetime.combine(day, time(hour, minute), tzinfo=zone)

    # Part of a day, a whole day and a range of days.
    add_time_off(ada, actor=ada, starts_at=at(2, 13), ends_at=at(3, 0), note="Dentist")
    add_time_off(ada, actor=ada, starts_at=at(11, 0), ends_at=at(12, 0), note="Moving house")
    add_time_off(ben, actor=owner, starts_at=at(14, 0), ends_at=at(19, 0), note="Holiday")
    _short_notice_request(zone)


def _short_notice_request(zone: ZoneInfo) -> None:
    """Chloe asks on a working day for something due the next one at noon: inside the two
    working days of notice, so it is marked short notice and she was shown the rush policy."""
    chloe = User.objects.get(email="chloe@bloom.example.com")
    client = Client.objects.get(name="Bloom Florist")
    day = timezone.localdate(timezone.now(), zone) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    create_task(
        client,
        actor=chloe,
        title="Window poster for the Christmas market",
        request_markdown="A4 poster for the shop window: opening hours and the market stall.",
        expectations="A print-ready PDF in the shop's colours.",
        deadline_at=datetime.combine(day, time(12, 0), tzinfo=zone),
    )


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())
