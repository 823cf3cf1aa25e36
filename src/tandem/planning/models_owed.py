"""What a client owes the practice by a date, and how the practice reminds them of it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability
from tandem.work.models import Comment, Task, TaskEvent, scoped_by_client

if TYPE_CHECKING:
    from tandem.accounts.models import User


# What the client owes ----------------------------------------------------------------------


class OwedQuerySet(models.QuerySet["Owed"]):
    def visible_to(self, user: User) -> OwedQuerySet:
        """Exactly the client scoping of tasks: the practice for an owner, the assigned
        clients for an assistant, their own client for a contact."""
        return scoped_by_client(self, user)

    def open(self) -> OwedQuerySet:
        return self.filter(state=Owed.State.OPEN)


class Owed(models.Model):
    """Something a client owes the practice by a date ("the final copy by Wednesday").

    Made two ways: the practice asks for it on a request's page (``Source.ASKED``), or a
    request is moved to "Waiting on client" and the move's "waiting for" and "needed by"
    become one (``Source.WAITING``, by a reaction to the move, keyed by that move's line).
    It stays open until the client's side answers (a comment, a file on a comment, "Here it
    is", or "I have sent what you needed"), the practice marks it received or drops it, or
    the request closes. While open and past due, the client is reminded twice at most; each
    reminder is claimed by a conditional UPDATE of its own column, so it goes out once.
    """

    class State(models.TextChoices):
        OPEN = "open", "Waiting for it"
        ANSWERED = "answered", "Answered"
        RECEIVED = "received", "Received"
        DROPPED = "dropped", "No longer needed"

    class Source(models.TextChoices):
        ASKED = "asked", "Asked for on the request"
        WAITING = "waiting", "The request waits on it"

    class Answer(models.TextChoices):
        """How the client's side answered."""

        HERE_IT_IS = "here_it_is", "Here it is"
        COMMENT = "comment", "A comment"
        FILE = "file", "A file"
        # The client's "I have sent what you needed" on a waiting request.
        RESUMED = "resumed", "Sent what was needed"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # Indexed by the composite indexes below alone.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    # What it is about. A request today; a heads-up (issue 12) will add its own nullable key
    # beside this one, so the column may be empty for items about something else.
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    what = models.CharField("what is needed", max_length=300)
    # An instant; pages show it on the client's clock.
    due_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ASKED)
    # The move to "Waiting on client" this item came from: one item per move, so a reaction
    # run twice cannot make two.
    from_event = models.OneToOneField(
        TaskEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    # When and by whom it stopped being open (answered, received or dropped).
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True)
    # The comment that answered it (also "Here it is", which is posted as a comment).
    answer_comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The reminders: each column is set once, by the scan that claims it (``reminders``).
    first_reminded_at = models.DateTimeField(null=True, blank=True)
    # When the second reminder is due: set with the first, a number of working days on.
    remind_again_at = models.DateTimeField(null=True, blank=True)
    second_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = OwedQuerySet.as_manager()

    class Meta:
        indexes = [
            # The owner's "Still waiting on the client" and the first reminder's scan: open
            # items of a practice by when they were due (id breaks ties, so pages read in
            # order instead of sorting).
            models.Index(
                fields=["practice", "due_at", "id"],
                condition=Q(state="open"),
                name="owed_open_by_practice",
            ),
            # The same per client: an assistant's dashboard and the portal.
            models.Index(
                fields=["client", "due_at", "id"],
                condition=Q(state="open"),
                name="owed_open_by_client",
            ),
            # The second reminder's scan: only items reminded once and still open.
            models.Index(
                fields=["practice", "remind_again_at", "id"],
                condition=Q(
                    state="open", remind_again_at__isnull=False, second_reminded_at__isnull=True
                ),
                name="owed_second_reminder_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", settled_at__isnull=True)
                | (~Q(state="open") & Q(settled_at__isnull=False)),
                name="owed_settled_unless_open",
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(state="answered"), name="owed_answer_only_if_answered"
            ),
            models.CheckConstraint(
                condition=Q(second_reminded_at__isnull=True) | Q(first_reminded_at__isnull=False),
                name="owed_second_reminder_after_first",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_late(self, now: datetime | None = None) -> bool:
        return self.is_open and self.due_at <= (now or timezone.now())


# How the practice reminds ------------------------------------------------------------------

# Working days between the first reminder and the second, unless the practice chose others.
REMIND_AGAIN_AFTER_DAYS = 2
REMIND_AGAIN_MAX_DAYS = 10


class ReminderPolicyQuerySet(models.QuerySet["ReminderPolicy"]):
    def visible_to(self, user: User) -> ReminderPolicyQuerySet:
        """The practice's own row, for those who run the practice."""
        if not access.allows(user, Capability.MANAGE_PRACTICE):
            return self.none()
        return self.filter(practice_id=user.membership.practice_id)


class ReminderPolicy(models.Model):
    """How a practice reminds its clients of what they owe; no row means the defaults."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    remind_again_after_days = models.PositiveSmallIntegerField(
        "Remind again after (working days)",
        default=REMIND_AGAIN_AFTER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(REMIND_AGAIN_MAX_DAYS)],
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ReminderPolicyQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Reminders of practice {self.practice_id}"
