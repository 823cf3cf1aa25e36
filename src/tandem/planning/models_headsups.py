"""Heads-ups: work a client says is coming, before it is a request (issue 12, article 002).

A client contact (or the practice for them) says what is coming, roughly how big (hours, or
small/medium/large as the practice counts them), when the materials will arrive and when it
must be done. It is tentative until the practice confirms it, which reserves the hours in
the capacity plan; when the materials arrive it becomes a request in one click. The client
may withdraw it; the practice may decline it with a reason.

Every change of state is one conditional UPDATE (``headsups``) and one ``HeadsUpEvent`` on
the event path, so two clicks at once change a heads-up once and the loser hears why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core.models import Practice
from tandem.planning.capacity import describe_minutes
from tandem.work.models import Task, scoped_by_client

if TYPE_CHECKING:
    from tandem.accounts.models import User


class HeadsUpQuerySet(models.QuerySet["HeadsUp"]):
    def visible_to(self, user: User) -> HeadsUpQuerySet:
        """The client scoping of tasks: the practice for an owner, the assigned clients for
        an assistant, their own client for a contact."""
        return scoped_by_client(self, user)

    def open(self) -> HeadsUpQuerySet:
        """Still coming: tentative or confirmed (these are what the plan counts)."""
        return self.filter(state__in=HeadsUp.OPEN_STATES)


class HeadsUp(models.Model):
    """Work a client has said is coming (see the module's docstring)."""

    class State(models.TextChoices):
        TENTATIVE = "tentative", "Tentative"
        # Confirmed by the practice: its hours are reserved.
        CONFIRMED = "confirmed", "Confirmed"
        BECAME_REQUEST = "became_request", "Became a request"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DECLINED = "declined", "Declined"

    class Size(models.TextChoices):
        SMALL = "S", "Small"
        MEDIUM = "M", "Medium"
        LARGE = "L", "Large"

    class Repeats(models.TextChoices):
        NO = "no", "Just once"
        WEEKLY = "weekly", "Every week"
        MONTHLY = "monthly", "Every month"

    OPEN_STATES = (State.TENTATIVE, State.CONFIRMED)

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # Indexed by the composite index below alone.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    what = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    # The size as given: a letter when the client chose small, medium or large (empty when
    # hours were given), and the minutes it meant at the time (the practice may change what
    # "medium" means later; a heads-up keeps what was meant when it was given).
    size = models.CharField(max_length=1, choices=Size.choices, blank=True)
    minutes = models.PositiveIntegerField()
    # Instants (UTC); pages show them on the client's clock.
    materials_expected_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()
    repeats = models.CharField(max_length=8, choices=Repeats.choices, default=Repeats.NO)
    state = models.CharField(max_length=16, choices=State.choices, default=State.TENTATIVE)
    decline_reason = models.TextField(blank=True)
    # The request it became.
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The weekly check-in whose answer it came from (a plain id: check-ins are another
    # module's rows, and a heads-up outlives them).
    from_check_in_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Who ended it (withdrew, declined or made it a request), and when.
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = HeadsUpQuerySet.as_manager()

    class Meta:
        indexes = [
            # The lists and the portal: a client's heads-ups by state and due date.
            models.Index(fields=["client", "state", "due_at"], name="heads_up_client_state"),
            # The capacity plan's read: a practice's open heads-ups.
            models.Index(
                fields=["practice", "due_at", "id"],
                condition=Q(state__in=["tentative", "confirmed"]),
                name="heads_up_open_by_practice",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="heads_up_has_a_size"),
            models.CheckConstraint(
                condition=Q(materials_expected_at__isnull=True)
                | Q(materials_expected_at__lte=models.F("due_at")),
                name="heads_up_materials_before_due",
            ),
            models.CheckConstraint(
                condition=~Q(state="became_request") | Q(task__isnull=False),
                name="heads_up_request_has_task",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_confirmed(self) -> bool:
        return self.state == self.State.CONFIRMED

    @property
    def size_words(self) -> str:
        """ "About 4 h (medium)", as the lists say it."""
        words = f"About {describe_minutes(self.minutes)}"
        return f"{words} ({self.get_size_display().lower()})" if self.size else words


class HeadsUpEventQuerySet(models.QuerySet["HeadsUpEvent"]):
    def visible_to(self, user: User) -> HeadsUpEventQuerySet:
        return scoped_by_client(self, user)


class HeadsUpEvent(models.Model):
    """One change of a heads-up (given, confirmed, declined, withdrawn, made a request), on
    the event path as ``heads_up.<kind>``. Only ever inserted."""

    class Kind(models.TextChoices):
        GIVEN = "given", "Given"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        BECAME_REQUEST = "became_request", "Became a request"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    heads_up = models.ForeignKey(HeadsUp, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = HeadsUpEventQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: heads-up {self.heads_up_id}"
