"""How a practice plans: the sizes it counts work in, the notice it asks for new work, what
it tells a client who asks at short notice, and when the weekly check-in goes out.

One row per practice, written from the planning settings page; no row means the defaults
below, so a new practice plans sensibly before anyone opens the page.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User

# A request with no estimate counts as this much work, and the capacity page says so.
DEFAULT_REQUEST_MINUTES = 120
# What "small", "medium" and "large" mean when a client gives a heads-up without hours.
SMALL_MINUTES = 60
MEDIUM_MINUTES = 240
LARGE_MINUTES = 600
# Longer than a month of full days is not a size, it is a project: refuse it.
SIZE_MAX_MINUTES = 200 * 60
NOTICE_DEFAULT_WORKING_DAYS = 2
NOTICE_MAX_WORKING_DAYS = 20
CHECK_IN_DEFAULT_WEEKDAY = 0  # Monday, as in datetime.weekday()
CHECK_IN_DEFAULT_TIME = time(9, 0)


class PlanningPolicyQuerySet(models.QuerySet["PlanningPolicy"]):
    def visible_to(self, user: User) -> PlanningPolicyQuerySet:
        """The practice's own row, for those who run the practice."""
        if not access.allows(user, Capability.MANAGE_PRACTICE):
            return self.none()
        return self.filter(practice_id=user.membership.practice_id)


class PlanningPolicy(models.Model):
    """The practice's planning settings (see the module's docstring)."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    default_request_minutes = models.PositiveIntegerField(
        "A request with no estimate counts as (minutes)",
        default=DEFAULT_REQUEST_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(SIZE_MAX_MINUTES)],
    )
    small_minutes = models.PositiveIntegerField(
        "Small (minutes)",
        default=SMALL_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(SIZE_MAX_MINUTES)],
    )
    medium_minutes = models.PositiveIntegerField(
        "Medium (minutes)",
        default=MEDIUM_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(SIZE_MAX_MINUTES)],
    )
    large_minutes = models.PositiveIntegerField(
        "Large (minutes)",
        default=LARGE_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(SIZE_MAX_MINUTES)],
    )
    # Working days of notice asked for new work, unless a client agreed otherwise
    # (Client.notice_working_days); less than this is short notice.
    notice_working_days = models.PositiveSmallIntegerField(
        "Notice asked for new work (working days)",
        default=NOTICE_DEFAULT_WORKING_DAYS,
        validators=[MaxValueValidator(NOTICE_MAX_WORKING_DAYS)],
    )
    # Shown to a client who keeps a short-notice deadline: what a rush costs or means.
    rush_policy = models.TextField("What you tell a client who asks at short notice", blank=True)
    check_ins_on = models.BooleanField("Send a weekly check-in to each client", default=True)
    check_in_weekday = models.PositiveSmallIntegerField(
        "Check-in day",
        default=CHECK_IN_DEFAULT_WEEKDAY,
        validators=[MaxValueValidator(6)],
    )
    # In each client's own time zone: 09:00 means nine in the morning where the client is.
    check_in_time = models.TimeField("Check-in time", default=CHECK_IN_DEFAULT_TIME)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PlanningPolicyQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Planning of practice {self.practice_id}"

    def size_minutes(self, size: str) -> int:
        """Minutes for "S", "M" or "L" as this practice counts them."""
        return {"S": self.small_minutes, "M": self.medium_minutes, "L": self.large_minutes}[size]


def planning_policy(practice_id: int) -> PlanningPolicy:
    """The practice's planning settings; an unsaved row of defaults when it has none.

    One query. Callers that only read values may use the unsaved row like a saved one.
    """
    found = PlanningPolicy.objects.filter(practice_id=practice_id).first()
    return found if found is not None else PlanningPolicy(practice_id=practice_id)
