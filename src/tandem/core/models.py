"""Tenancy (practices and their members), the audit log and outgoing e-mail."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core import access
from tandem.core.calendar import PracticeCalendar, country_choices
from tandem.core.roles import Capability, Role

if TYPE_CHECKING:
    from tandem.accounts.models import User


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The IANA zones people pick from. A callable, so migrations store a reference to it
    rather than the whole list (and a tzdata update does not ask for a new migration)."""
    names = sorted(zoneinfo.available_timezones())
    excluded = ("Etc/", "SystemV/", "posix/", "right/")
    return [
        (name, name.replace("_", " "))
        for name in names
        if "/" in name and not name.startswith(excluded)
    ] + [("UTC", "UTC")]


CURRENCY_CHOICES = [
    ("USD", "US dollar"),
    ("EUR", "Euro"),
    ("GBP", "Pound sterling"),
    ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"),
    ("NZD", "New Zealand dollar"),
    ("CHF", "Swiss franc"),
    ("ZAR", "South African rand"),
    ("INR", "Indian rupee"),
    ("PHP", "Philippine peso"),
]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]


class ResponseTime(models.TextChoices):
    """How soon the practice promises to answer a new request (the client's acknowledgement
    says it, and the dashboard flags a request nobody answered by then). Counted on the
    practice's calendar: working hours, or whole working days ending at close of business."""

    FOUR_HOURS = "4h", "Within 4 working hours"
    ONE_DAY = "1d", "Within one working day"
    TWO_DAYS = "2d", "Within two working days"


# Each choice as working time (hours) or as whole working days ending at close of business.
_RESPONSE_WORKING_HOURS = {ResponseTime.FOUR_HOURS: 4}
_RESPONSE_WORKING_DAYS = {ResponseTime.ONE_DAY: 1, ResponseTime.TWO_DAYS: 2}


class Practice(models.Model):
    """A VA business: the tenant every other row belongs to."""

    name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, choices=time_zone_choices, default="UTC")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    # Weekday numbers, Monday = 0, as in datetime.weekday().
    working_days = models.JSONField(default=default_working_days)
    work_starts_at = models.TimeField(default=time(9, 0))
    work_ends_at = models.TimeField(default=time(17, 0))
    # Whose bank holidays are days off: an ISO 3166 code, blank for none, and optionally a
    # region with holidays of its own ("ENG" in "GB"). Checked by calendar.normalize_region.
    country = models.CharField(max_length=2, blank=True, default="", choices=country_choices)
    subdivision = models.CharField(max_length=20, blank=True, default="")
    requires_two_factor = models.BooleanField(default=False)
    response_time = models.CharField(
        "How soon we respond to a new request",
        max_length=4,
        choices=ResponseTime.choices,
        default=ResponseTime.ONE_DAY,
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def working_days_label(self) -> str:
        return ", ".join(WEEKDAYS[day] for day in sorted(self.working_days))

    def calendar(self) -> PracticeCalendar:
        """The practice's working days and hours in its zone, with its bank holidays."""
        return PracticeCalendar(
            time_zone=self.time_zone,
            working_days=frozenset(self.working_days),
            work_starts_at=self.work_starts_at,
            work_ends_at=self.work_ends_at,
            country=self.country,
            subdivision=self.subdivision,
        )

    @property
    def response_promise(self) -> str:
        """The promise as a sentence's words: "within one working day"."""
        return ResponseTime(self.response_time).label.lower().replace("within 4", "within four")

    def respond_by(self, arrived: datetime) -> datetime:
        """When a request arriving at ``arrived`` is promised an answer, on the practice's
        calendar (working hours and days, bank holidays), in the practice's zone."""
        calendar = self.calendar()
        choice = ResponseTime(self.response_time)
        if choice in _RESPONSE_WORKING_HOURS:
            hours = timedelta(hours=_RESPONSE_WORKING_HOURS[choice])
            return calendar.add_working_time(arrived, hours)
        return calendar.close_of_working_days(arrived, _RESPONSE_WORKING_DAYS[choice])


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: User) -> MembershipQuerySet:
        """Owners and assistants see their practice's members; contacts see no one."""
        if not access.allows(user, Capability.VIEW_PEOPLE):
            return self.none()
        return self.filter(practice_id=user.membership.practice_id)

    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(models.Model):
    """A person's place in one practice. Every account belongs to exactly one practice."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} of {self.practice})"

    @property
    def is_owner(self) -> bool:
        """Whether the member sees the whole practice (the pages' "every client" wording)."""
        return access.sees_whole_practice(self)

    @property
    def is_contact(self) -> bool:
        """Whether the member is on the client side (the portal)."""
        return access.side_of_member(self) == access.Side.CLIENT


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def visible_to(self, user: User) -> AuditEntryQuerySet:
        """Only a practice's owners read its audit log."""
        if not access.allows(user, Capability.READ_AUDIT_LOG):
            return self.none()
        return self.filter(practice_id=user.membership.practice_id)


class AuditEntry(models.Model):
    """One security-relevant event. Rows are only ever inserted: no view edits or deletes."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="audit_entries", null=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept as text so the entry still reads right after the actor's account changes.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=48)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True)
    target_label = models.CharField(max_length=254, blank=True)
    # Lets a client read the entries about their own data later, without a join.
    client_id = models.BigIntegerField(null=True)
    ip_address = models.GenericIPAddressField(null=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        # Newest first by id: ids rise with time, and the log pages by "older than this id".
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["practice", "-id"], name="audit_practice_recent"),
            models.Index(fields=["practice", "action", "-id"], name="audit_practice_action"),
            models.Index(fields=["practice", "actor", "-id"], name="audit_practice_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        """The action in words ("Invitation sent"); the field has no choices of its own."""
        from tandem.core.audit import Action

        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action.replace("_", " ").capitalize()


class OutboundEmail(models.Model):
    """A message waiting to be sent, or sent. The unique key makes sending exactly-once:
    a job claims the row before it talks to the mail server, so a retry never sends twice.
    """

    key = models.CharField(max_length=200, unique=True)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, null=True, related_name="+")
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True)
    sent_at = models.DateTimeField(null=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class ScheduledRun(models.Model):
    """One planned run of a periodic job; the unique pair stops two workers queueing it twice."""

    name = models.CharField(max_length=200)
    slot_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot_at"], name="scheduled_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.slot_at:%Y-%m-%d %H:%M:%S}"


class ReactionRun(models.Model):
    """One reaction to one event has run (``core.events``): the unique triple makes a
    retried or duplicated reaction job change nothing the second time."""

    reaction = models.CharField(max_length=100)
    # The event's row: its model's label and id.
    source = models.CharField(max_length=100)
    source_id = models.BigIntegerField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reaction", "source", "source_id"], name="reaction_runs_once"
            )
        ]
        indexes = [models.Index(fields=["ran_at"])]

    def __str__(self) -> str:
        return f"{self.reaction} on {self.source} {self.source_id}"
