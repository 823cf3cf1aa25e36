"""Planning's rows. Each belongs to one practice and is read through a ``visible_to`` scope.

Working time (issue 12): each member's own week (``WorkingWeek``, with a ``WorkingHours``
row per weekday worked) and their time off (``TimeOff``). ``selectors.availability_of``
turns them into the pure ``capacity.Availability`` that planning computes with.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability
from tandem.planning.capacity import KEPT_FREE_MAX_PERCENT

# Calendar feeds and what the client owes live in their own modules (issue 12).
from tandem.planning.models_checkins import CheckIn, CheckInAnswer
from tandem.planning.models_feeds import CalendarFeed
from tandem.planning.models_headsups import HeadsUp, HeadsUpEvent
from tandem.planning.models_owed import Owed, ReminderPolicy
from tandem.planning.models_policy import PlanningPolicy

if TYPE_CHECKING:
    from tandem.accounts.models import User

Rows = TypeVar("Rows", bound=models.QuerySet)

# Weekday numbers, Monday = 0, as in date.weekday(); the keys name each day's form fields.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def scoped_by_person(queryset: Rows, user: User, *, person: str = "person") -> Rows:
    """A person sees their own working time; whoever plans the team's (the owner) sees
    everyone's of the practice; the client's side sees none."""
    membership = access.member(user)
    if membership is None:
        return queryset.none()
    of_practice = queryset.filter(practice_id=membership.practice_id)
    if access.allows(user, Capability.PLAN_TEAM_TIME):
        return of_practice
    if access.allows(user, Capability.PLAN_OWN_TIME):
        return of_practice.filter(**{f"{person}_id": user.pk})
    return queryset.none()


class WorkingWeekQuerySet(models.QuerySet["WorkingWeek"]):
    def visible_to(self, user: User) -> WorkingWeekQuerySet:
        return scoped_by_person(self, user)


class WorkingWeek(models.Model):
    """A member's own week: their hours per weekday (a ``WorkingHours`` row for each day they
    work; a day without one is not worked) and the share of each working day kept free for
    unplanned work. Without a row, the practice's days and hours apply, nothing kept free."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_week"
    )
    kept_free_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(KEPT_FREE_MAX_PERCENT)]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = WorkingWeekQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kept_free_percent__lte=KEPT_FREE_MAX_PERCENT),
                name="working_week_kept_free_at_most_90",
            )
        ]

    def __str__(self) -> str:
        return f"Working week of {self.person_id}"


class WorkingHoursQuerySet(models.QuerySet["WorkingHours"]):
    def visible_to(self, user: User) -> WorkingHoursQuerySet:
        return scoped_by_person(self, user, person="week__person")


class WorkingHours(models.Model):
    """One weekday's working hours, on the person's wall clock."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    week = models.ForeignKey(WorkingWeek, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField()
    starts_at = models.TimeField()
    # 00:00 as the end is midnight at the end of the day (a time field has no 24:00).
    ends_at = models.TimeField()

    objects = WorkingHoursQuerySet.as_manager()

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["week", "weekday"], name="working_hours_one_per_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="working_hours_weekday"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")) | Q(ends_at=time(0)),
                name="working_hours_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class TimeOffQuerySet(models.QuerySet["TimeOff"]):
    def visible_to(self, user: User) -> TimeOffQuerySet:
        return scoped_by_person(self, user)


class TimeOff(models.Model):
    """Time a member does not work: a day, several, or part of one. Instants (UTC), shown on
    the person's own clock. A person's time off never overlaps itself
    (``services.add_time_off`` refuses it under a lock on the person)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # No index of its own: (person, ends_at) leads with it.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off", db_index=False
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TimeOffQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="time_off_ends_after_it_starts"
            )
        ]
        indexes = [
            # A person's time off still to come (the page), overlapping a new one (the
            # service), or inside a plan's window (availability_of): all end after an instant.
            models.Index(fields=["person", "ends_at"], name="time_off_person_ends"),
        ]

    def __str__(self) -> str:
        return f"Time off of {self.person_id} from {self.starts_at:%Y-%m-%d %H:%M}"


__all__ = [
    "CalendarFeed",
    "CheckIn",
    "CheckInAnswer",
    "HeadsUp",
    "HeadsUpEvent",
    "Owed",
    "PlanningPolicy",
    "ReminderPolicy",
    "TimeOff",
    "WorkingHours",
    "WorkingWeek",
]
