"""Writes for planning: a member's weekly hours, the share kept free, and their time off.

Each service checks that the actor may plan the person's time (their own with
``PLAN_OWN_TIME``, anyone's of the practice side with ``PLAN_TEAM_TIME``) and raises
``DomainError`` with a sentence saying what to fix, naming the form field to blame.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.models import Membership
from tandem.planning import selectors
from tandem.planning.capacity import DAY_MINUTES, KEPT_FREE_MAX_PERCENT
from tandem.planning.models import WEEKDAY_KEYS, WEEKDAY_NAMES, TimeOff, WorkingHours, WorkingWeek
from tandem.planning.wording import describe_time_off

NOT_YOURS_TO_PLAN = "You can only plan your own working time; ask the practice's owner."
# Longer than this is no longer time off but leaving; and it keeps a typo ("2062") out.
LONGEST_TIME_OFF_DAYS = 366


def _member_to_plan(person: User, *, actor: User, lock: bool = False) -> Membership:
    """``person``'s membership when ``actor`` may plan their time (locked for the rest of
    the transaction when ``lock``); otherwise DomainError."""
    members = selectors.plannable_members(actor).filter(user_id=person.pk)
    membership = (members.select_for_update() if lock else members).first()
    if membership is None:
        raise DomainError(NOT_YOURS_TO_PLAN)
    return membership


def set_working_week(
    person: User,
    *,
    actor: User,
    hours: Mapping[int, tuple[time, time] | None],
    kept_free_percent: int,
) -> WorkingWeek:
    """Saves ``person``'s own week: for each weekday (Monday = 0) its start and end on their
    clock, or None when they do not work it (a weekday left out is not worked either); an
    end of 00:00 is midnight at the end of the day. Replaces the practice's days and hours
    for them from now on."""
    membership = _member_to_plan(person, actor=actor)
    _check_share(kept_free_percent)
    for weekday, stretch in hours.items():
        if stretch is not None:
            _check_day(weekday, *stretch)
    with transaction.atomic():
        week, _ = WorkingWeek.objects.update_or_create(
            person=person,
            defaults={
                "practice_id": membership.practice_id,
                "kept_free_percent": kept_free_percent,
                "updated_at": timezone.now(),
            },
        )
        week.hours.all().delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(
                practice_id=membership.practice_id,
                week=week,
                weekday=weekday,
                starts_at=stretch[0],
                ends_at=stretch[1],
            )
            for weekday, stretch in sorted(hours.items())
            if stretch is not None
        )
    return week


def share_refusal(percent: int) -> str | None:
    """Why ``percent`` cannot be the share kept free; None when it can."""
    if percent < 0:
        return "The share kept free cannot be below 0 %: write 0 to plan all of your time."
    if percent > KEPT_FREE_MAX_PERCENT:
        return (
            f"Keep at most {KEPT_FREE_MAX_PERCENT} % of the day free, so some time is left to "
            f"plan; {percent} % leaves almost none."
        )
    return None


def day_refusal(weekday: int, starts_at: time, ends_at: time) -> str | None:
    """Why a weekday cannot run from ``starts_at`` to ``ends_at``; None when it can."""
    end = ends_at.hour * 60 + ends_at.minute or DAY_MINUTES
    if end <= starts_at.hour * 60 + starts_at.minute:
        return (
            f"{WEEKDAY_NAMES[weekday]} ends before it starts: make the end later than "
            f"{starts_at:%H:%M} (00:00 for midnight)."
        )
    return None


def _check_share(percent: int) -> None:
    refusal = share_refusal(percent)
    if refusal is not None:
        raise DomainError(refusal, field="kept_free_percent")


def _check_day(weekday: int, starts_at: time, ends_at: time) -> None:
    if not 0 <= weekday <= 6:
        raise DomainError("Weekdays are Monday to Sunday.")
    refusal = day_refusal(weekday, starts_at, ends_at)
    if refusal is not None:
        raise DomainError(refusal, field=f"{WEEKDAY_KEYS[weekday]}_ends_at")


def add_time_off(
    person: User, *, actor: User, starts_at: datetime, ends_at: datetime, note: str = ""
) -> TimeOff:
    """Books time off for ``person`` from ``starts_at`` to ``ends_at`` (instants). Refuses
    one that ends before it starts, lasts over a year, or overlaps time off already booked:
    the check and the insert happen under a lock on the person's membership, so two at once
    cannot both pass it."""
    if ends_at <= starts_at:
        raise DomainError(
            "The time off ends before it starts: make it end later.", field="until_time"
        )
    if (ends_at - starts_at).days > LONGEST_TIME_OFF_DAYS:
        raise DomainError(
            "Time off can be at most a year at a time: book the rest separately.",
            field="last_day",
        )
    with transaction.atomic():
        membership = _member_to_plan(person, actor=actor, lock=True)
        clash = TimeOff.objects.filter(
            person=person, ends_at__gt=starts_at, starts_at__lt=ends_at
        ).first()
        if clash is not None:
            when = describe_time_off(clash.starts_at, clash.ends_at, person.time_zone)
            raise DomainError(
                f"This overlaps time off already booked ({when}): change the dates, "
                "or remove that one first."
            )
        return TimeOff.objects.create(
            practice_id=membership.practice_id,
            person=person,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note.strip(),
            created_by=actor,
        )


def remove_time_off(time_off: TimeOff, *, actor: User) -> None:
    """Removes time off the actor may plan (fetched through ``TimeOff.objects.visible_to``)."""
    _member_to_plan(time_off.person, actor=actor)
    TimeOff.objects.filter(pk=time_off.pk).delete()
