"""The weekly check-in: one per client per week, prepared ahead, sent, answered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability
from tandem.work.models import scoped_by_client

if TYPE_CHECKING:
    from tandem.accounts.models import User

NOTE_MAX = 2000
ANSWER_MAX = 5000


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, user: User) -> CheckInQuerySet:
        """The practice side sees the check-ins of the clients it reaches, prepared ones too
        (``SEE_CHECK_INS``); a client's contacts see their own client's once sent."""
        rows = scoped_by_client(self, user)
        if access.allows(user, Capability.SEE_CHECK_INS):
            return rows
        if access.allows(user, Capability.ANSWER_CHECK_IN):
            return rows.exclude(state=CheckIn.State.PREPARED)
        return rows.none()


class CheckIn(models.Model):
    """A client's weekly check-in: what was done last week, what is in progress, what waits
    on the client and what is coming up, with "Anything coming up?".

    Prepared a day before it is due (``check_ins.prepare_due``), so the assistant can add a
    note; sent at ``due_at`` (the practice's check-in day and time on the client's clock) by
    mail to the client's contacts and shown in their portal; answered there or by replying
    to the mail. One per client and week (``week_of``, the Monday of the week on the
    client's clock), so a scan run twice prepares it once; each state change is one
    conditional UPDATE of the state it leaves, so it is sent once and answered once.
    """

    class State(models.TextChoices):
        PREPARED = "prepared", "Prepared"
        SENT = "sent", "Waiting for an answer"
        ANSWERED = "answered", "Answered"

    class Via(models.TextChoices):
        PORTAL = "portal", "in the portal"
        EMAIL = "email", "by e-mail"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # Indexed by the unique (client, week_of) alone.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", db_index=False)
    week_of = models.DateField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PREPARED)
    # What the check-in says (``check_in_content.Content`` as JSON): written when prepared,
    # written again when it goes, so the client reads what is true then.
    content: models.JSONField[Any, Any] = models.JSONField(default=dict)
    content_at = models.DateTimeField(default=timezone.now)
    prepared_at = models.DateTimeField(default=timezone.now)
    note = models.TextField("note to the client", max_length=NOTE_MAX, blank=True)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    noted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_via = models.CharField(max_length=8, choices=Via.choices, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        constraints = [
            # One a week per client: a second scan, or two at once, prepares nothing new.
            models.UniqueConstraint(fields=["client", "week_of"], name="check_in_once_a_week"),
            models.CheckConstraint(
                condition=Q(state="prepared") | Q(sent_at__isnull=False),
                name="check_in_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(state="answered") | Q(answered_at__isnull=False),
                name="check_in_answered_has_answered_at",
            ),
        ]
        indexes = [
            # The send scan: a practice's prepared check-ins by when they are due.
            models.Index(
                fields=["practice", "due_at", "id"],
                condition=Q(state="prepared"),
                name="check_in_to_send",
            ),
            # The practice's page (an owner's): its check-ins, latest first.
            models.Index(fields=["practice", "due_at"], name="check_in_by_practice"),
        ]

    def __str__(self) -> str:
        return f"Check-in of client {self.client_id}, week of {self.week_of:%Y-%m-%d}"

    @property
    def is_prepared(self) -> bool:
        return self.state == self.State.PREPARED

    @property
    def is_answered(self) -> bool:
        return self.state == self.State.ANSWERED


class CheckInAnswerQuerySet(models.QuerySet["CheckInAnswer"]):
    def visible_to(self, user: User) -> CheckInAnswerQuerySet:
        return scoped_by_client(self, user)


class CheckInAnswer(models.Model):
    """A client's answer to a check-in, as an event: inserted once when the answer is
    written (``check_ins.answer_check_in``), on the event path as ``check_in.answered``, so
    the client's assistants hear of it after the change committed. Only ever inserted; the
    answer's words stay on the check-in."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    check_in = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInAnswerQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Answer to check-in {self.check_in_id}"
