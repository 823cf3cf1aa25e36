"""Changing how the practice plans (the settings in ``models_policy``).

The rules live here so that the settings page and any later caller (the API, a command)
refuse the same values with the same sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from tandem.clients.models import Client
from tandem.core import access, audit
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.core.zones import zone_name
from tandem.planning.check_in_times import check_in_instant, nonexistent_check_in_dates
from tandem.planning.models_checkins import CheckIn
from tandem.planning.models_policy import (
    NOTICE_MAX_WORKING_DAYS,
    SIZE_MAX_MINUTES,
    PlanningPolicy,
    planning_policy,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.models import Practice

RUSH_POLICY_MAX_CHARS = 1000
_SIZE_FIELDS = (
    ("default_request_minutes", "A request with no estimate"),
    ("small_minutes", "Small"),
    ("medium_minutes", "Medium"),
    ("large_minutes", "Large"),
)


@dataclass(frozen=True)
class PlanningChoices:
    """What the settings page asks for, in the practice's own words (sizes in minutes)."""

    default_request_minutes: int
    small_minutes: int
    medium_minutes: int
    large_minutes: int
    notice_working_days: int
    rush_policy: str
    check_ins_on: bool
    check_in_weekday: int
    check_in_time: time


def size_refusal(label: str, minutes: int) -> str | None:
    """Why a size cannot be used, or None. Sizes are whole minutes, more than none and at
    most a month of full days."""
    if minutes <= 0:
        return f"{label}: give a size of more than nothing, for example 1.5 hours."
    if minutes > SIZE_MAX_MINUTES:
        return (
            f"{label}: {minutes / 60:g} hours is more than a size; "
            f"give at most {SIZE_MAX_MINUTES // 60} hours and split bigger work."
        )
    return None


def notice_refusal(days: int) -> str | None:
    if not 0 <= days <= NOTICE_MAX_WORKING_DAYS:
        return (
            f"Give the notice as 0 to {NOTICE_MAX_WORKING_DAYS} working days "
            "(0 means any deadline is fine if there is time for it)."
        )
    return None


def check_in_time_refusal(practice: Practice, weekday: int, wall_time: time) -> str | None:
    """Why the check-in cannot go at ``wall_time`` on ``weekday``: that time does not exist,
    on a day within the coming year, on the clock of one of the practice's clients (or its
    own), because the clocks go forward then. None when it always exists."""
    zones = set(
        Client.objects.filter(practice=practice, archived_at__isnull=True)
        .values_list("time_zone", flat=True)
        .distinct()
    )
    zones.add(practice.time_zone)
    for zone in sorted(zones):
        skipped = nonexistent_check_in_dates(weekday, wall_time, zone)
        if skipped:
            day = date_format(skipped[0], "l j F Y")
            return (
                f"There is no {wall_time:%H:%M} on {day} in {zone_name(zone)}: the clocks go "
                "forward that night. Choose another time or another day."
            )
    return None


def _follow_check_in_changes(
    practice: Practice, before: PlanningPolicy, after: PlanningPolicy
) -> None:
    """Check-ins prepared but not sent follow the new setting: turned off, they are not sent
    (nor listed as going out); at another day or time, each goes then, on its client's
    clock, in the same week."""
    prepared = CheckIn.objects.filter(practice=practice, state=CheckIn.State.PREPARED)
    if not after.check_ins_on:
        prepared.delete()
        return
    if (before.check_in_weekday, before.check_in_time) == (
        after.check_in_weekday,
        after.check_in_time,
    ):
        return
    for check_in in prepared.select_related("client"):
        check_in.due_at = check_in_instant(
            check_in.week_of, after.check_in_weekday, after.check_in_time, check_in.client.time_zone
        )
        check_in.save(update_fields=["due_at"])


def set_planning_policy(
    practice: Practice, *, actor: User, choices: PlanningChoices
) -> PlanningPolicy:
    """Save how the practice plans. Only those who run the practice."""
    if not access.allows(actor, Capability.MANAGE_PRACTICE):
        raise DomainError("Only the practice's owner changes how the practice plans.")
    for field, label in _SIZE_FIELDS:
        refusal = size_refusal(label, getattr(choices, field))
        if refusal:
            raise DomainError(refusal, field=field)
    if not choices.small_minutes <= choices.medium_minutes <= choices.large_minutes:
        raise DomainError(
            "Sizes go from small to large: make small no bigger than medium, and medium no "
            "bigger than large.",
            field="medium_minutes",
        )
    refusal = notice_refusal(choices.notice_working_days)
    if refusal:
        raise DomainError(refusal, field="notice_working_days")
    if len(choices.rush_policy) > RUSH_POLICY_MAX_CHARS:
        raise DomainError(
            f"Keep the rush policy to {RUSH_POLICY_MAX_CHARS} characters; "
            f"it has {len(choices.rush_policy)}.",
            field="rush_policy",
        )
    if not 0 <= choices.check_in_weekday <= 6:
        raise DomainError("Choose a day of the week for the check-in.", field="check_in_weekday")
    refusal = check_in_time_refusal(practice, choices.check_in_weekday, choices.check_in_time)
    if refusal:
        raise DomainError(refusal, field="check_in_time")
    with transaction.atomic():
        before = planning_policy(practice.pk)
        policy, _ = PlanningPolicy.objects.update_or_create(
            practice=practice,
            defaults={
                "default_request_minutes": choices.default_request_minutes,
                "small_minutes": choices.small_minutes,
                "medium_minutes": choices.medium_minutes,
                "large_minutes": choices.large_minutes,
                "notice_working_days": choices.notice_working_days,
                "rush_policy": choices.rush_policy.strip(),
                "check_ins_on": choices.check_ins_on,
                "check_in_weekday": choices.check_in_weekday,
                "check_in_time": choices.check_in_time,
                "updated_at": timezone.now(),
            },
        )
        _follow_check_in_changes(practice, before, policy)
        audit.record(
            audit.Action.PRACTICE_UPDATED,
            practice=practice,
            actor=actor,
            target=practice,
            target_label=practice.name,
            data={"settings": "planning"},
        )
    return policy
