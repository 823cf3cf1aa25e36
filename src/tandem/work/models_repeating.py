"""Repeating requests, request templates and checklists.

A ``RepeatingRequest`` (a series) is the request a client needs again and again, with its
rule (``recurrence.Rule``); the periodic job (``repeating.make_due_copies``) makes each copy,
a normal ``Task`` linked back by ``Task.series`` and ``Task.occurrence_on``, ``lead_days``
before its deadline. A ``RequestTemplate`` is the practice's own starting point for a new
request. Both may carry a checklist (one step a line), copied onto the task as
``ChecklistItem`` rows that the practice ticks and the client sees as progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability
from tandem.work.recurrence import Frequency, Rule, rule_words

if TYPE_CHECKING:
    from tandem.accounts.models import User


FREQUENCY_CHOICES = [
    (Frequency.WEEKLY.value, "Every week"),
    (Frequency.MONTHLY.value, "Every month"),
    (Frequency.QUARTERLY.value, "Every three months (quarterly)"),
]


def _scoped(rows: models.QuerySet, user: User) -> models.QuerySet:
    # Imported here: models.py imports this module at its end.
    from tandem.work.models import scoped_by_client

    return scoped_by_client(rows, user)


class RepeatingRequestQuerySet(models.QuerySet["RepeatingRequest"]):
    def visible_to(self, user: User) -> RepeatingRequestQuerySet:
        return _scoped(self, user)  # type: ignore[return-value]


class RepeatingRequest(models.Model):
    """A request made again on a rule: its words, who does it, when each copy is due."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # Indexed by (client, status) below.
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="repeating_requests", db_index=False
    )
    title = models.CharField(max_length=200)
    request_markdown = models.TextField("request", blank=True)
    expectations = models.TextField("what done looks like")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    priority = models.CharField(max_length=8, default="normal")
    # One step a line, copied onto each copy.
    checklist = models.TextField(blank=True)
    frequency = models.CharField(max_length=12, choices=FREQUENCY_CHOICES)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    # 1 to 31, or -1 for the month's last day.
    day_of_month = models.SmallIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    # Blank: the practice's close of business. Read on the client's clock.
    due_time = models.TimeField(null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(default=7)
    # The next copy: its date under the rule, its deadline, and when it is made.
    next_occurrence_on = models.DateField()
    next_due_at = models.DateTimeField()
    next_create_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The request it was made from ("Make this repeat"), whose timeline tells of the series'
    # changes; a request starts at most one series.
    source_task = models.OneToOneField(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who last edited, paused, resumed or ended it, and when: an edit is saved only over the
    # version its editor saw (``repeating.edit_series``). The job's moving on to the next copy
    # is not such a change and leaves them alone.
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RepeatingRequestQuerySet.as_manager()

    class Meta:
        indexes = [
            # A client's repeating work page.
            models.Index(fields=["client", "status"]),
            # The job: active series whose next copy is due to be made, in id order.
            models.Index(
                fields=["next_create_at", "id"],
                condition=models.Q(status="active"),
                name="repeating_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lead_days__lte=90), name="repeating_lead_at_most_90_days"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rule(self) -> Rule:
        return Rule(
            Frequency(self.frequency),
            self.starts_on,
            weekday=self.weekday,
            day_of_month=self.day_of_month,
        )

    @property
    def checklist_steps(self) -> list[str]:
        return steps_of(self.checklist)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def short_label(self) -> str:
        """ "Repeats monthly on the 1st", the badge on each copy's page."""
        words = rule_words(
            self.frequency, weekday=self.weekday, day_of_month=self.day_of_month, short=True
        )
        return f"Repeats {words}"


class RequestTemplateQuerySet(models.QuerySet["RequestTemplate"]):
    def visible_to(self, user: User) -> RequestTemplateQuerySet:
        """The practice's templates for every client, and those of the clients the user
        sees; none for anyone whose role does not keep templates (the client's side)."""
        membership = access.member(user)
        if membership is None or not access.allows(user, Capability.KEEP_TEMPLATES):
            return self.none()
        in_practice = self.filter(practice_id=membership.practice_id)
        if access.sees_whole_practice(membership):
            return in_practice
        visible_clients = Client.objects.visible_to(user).values("pk")
        return in_practice.filter(
            models.Q(client__isnull=True) | models.Q(client__in=visible_clients)
        )


class RequestTemplate(models.Model):
    """The practice's starting point for a request it writes often."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # Blank: for every client.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    request_markdown = models.TextField("request", blank=True)
    expectations = models.TextField("what done looks like")
    checklist = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RequestTemplateQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "title"])]

    def __str__(self) -> str:
        return self.title

    @property
    def checklist_steps(self) -> list[str]:
        return steps_of(self.checklist)


class ChecklistItemQuerySet(models.QuerySet["ChecklistItem"]):
    def visible_to(self, user: User) -> ChecklistItemQuerySet:
        return _scoped(self, user)  # type: ignore[return-value]


class ChecklistItem(models.Model):
    """One step of a task's checklist; ticked (``done_at``) by the practice."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Indexed by (task, position) below.
    task = models.ForeignKey(
        "work.Task", on_delete=models.CASCADE, related_name="checklist_items", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["task", "position"])]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


def steps_of(text: str) -> list[str]:
    """A checklist written one step a line, blank lines and list marks dropped."""
    steps = []
    for line in text.splitlines():
        step = line.strip().lstrip("-*•").strip()
        if step.startswith("[ ]") or step.startswith("[x]"):
            step = step[3:].strip()
        if step:
            steps.append(step)
    return steps
