"""The log of every message received by e-mail, which is also what stops a message
delivered twice from becoming two tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability
from tandem.work.models import Comment, Task, scoped_by_client

if TYPE_CHECKING:
    from tandem.accounts.models import User


class Outcome(models.TextChoices):
    TASK_CREATED = "task_created", "Became a request"
    COMMENT_ADDED = "comment_added", "Became a comment"
    UNKNOWN_SENDER = "ignored_unknown_sender", "Ignored: the sender is not a contact"
    UNKNOWN_ADDRESS = "ignored_unknown_address", "Ignored: not one of our addresses"
    NO_ACCESS = "ignored_no_access", "Ignored: the sender can no longer see the task"
    AUTOMATIC = "ignored_automatic", "Ignored: a bounce or an automatic reply"
    REFUSED = "refused", "Refused"
    # A reply to a weekly check-in's mail (issue 12, planning): its answer.
    CHECK_IN_ANSWERED = "check_in_answered", "Became a check-in's answer"


class InboundMessageQuerySet(models.QuerySet["InboundMessage"]):
    def visible_to(self, user: User) -> InboundMessageQuerySet:
        """The practice side's log: owners read every row of their practice, assistants the
        rows of the clients they see (``scoped_by_client``, the tasks' own rule). Contacts
        read none: the log names strangers who wrote to their address.

        Mail to no known address (or an altered one) belongs to no practice and is read by
        the operator in the server log, not by any practice."""
        if not access.allows(user, Capability.VIEW_CLIENTS):
            return self.none()
        return scoped_by_client(self, user)


class InboundMessage(models.Model):
    """One received message and what became of it. Only ever inserted."""

    # Null when the address was not one of ours (or was tampered with): no practice to own it.
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # sha256 of the Message-ID (or of the raw bytes when there is none) and the address it
    # came to: unique, so a second delivery of the same message, even a concurrent one,
    # fails to insert and creates nothing.
    dedupe_key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=254, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    note = models.TextField(blank=True)
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.get_outcome_display()}"
