"""Notifications: what happened to a task, for one person, and how they want to hear of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core.models import OutboundEmail, Practice
from tandem.work.models import Comment, Task, TaskEvent, scoped_by_client

if TYPE_CHECKING:
    from tandem.accounts.models import User


class Kind(models.TextChoices):
    NEW_REQUEST = "new_request", "New request"
    DECIDED = "decided", "Request accepted or declined"
    STATUS_CHANGED = "status_changed", "Status or assignee changed"
    COMMENT = "comment", "New comment"
    MENTION = "mention", "You are mentioned"
    DELIVERED = "delivered", "Work delivered for review"
    DUE_TOMORROW = "due_tomorrow", "Due within a day"
    OVERDUE = "overdue", "Overdue"
    EDITED = "edited", "Request changed after it was sent"


class Channel(models.TextChoices):
    EMAIL = "email", "In the app and by e-mail"
    APP = "app", "In the app only"
    OFF = "off", "Off"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User) -> NotificationQuerySet:
        """The user's own notifications about tasks they can still see: losing a client
        (unassigned, archived) hides what was said about its work."""
        return scoped_by_client(self, user, client_field="task__client").filter(
            recipient_id=user.pk
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person is told about one task. Written in the change's transaction."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    event = models.ForeignKey(TaskEvent, on_delete=models.CASCADE, null=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, related_name="+")
    # The deadline a due/overdue reminder is about: a moved deadline is a new reminder.
    deadline_at = models.DateTimeField(null=True)
    # One per (what happened, recipient): a signal sent twice or a reminder scan run twice by
    # two workers inserts nothing new.
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting to go into an e-mail (single, batched or digest). Cleared when it is put into
    # one (``outbound_email`` then says which) or when the recipient may no longer see it.
    mail_pending = models.BooleanField(default=False)
    outbound_email = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            # The notifications page and the bell: a person's newest first, by id.
            models.Index(fields=["recipient", "-id"], name="notify_recipient_recent"),
            models.Index(fields=["recipient", "read_at"], name="notify_recipient_unread"),
            # The mail jobs: what is still to be mailed to one person about one task.
            models.Index(
                fields=["recipient", "task"],
                condition=models.Q(mail_pending=True),
                name="notify_mail_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id} on {self.task_id}"


def _channel_field(label: str) -> models.CharField[str, str]:
    return models.CharField(label, max_length=8, choices=Channel.choices, default=Channel.EMAIL)


class PreferenceQuerySet(models.QuerySet["Preference"]):
    def visible_to(self, user: User) -> PreferenceQuerySet:
        return self.filter(user_id=user.pk)


class Preference(models.Model):
    """How one person wants to hear of each kind; no row means the defaults (all by e-mail,
    one mail per task per few minutes). Field names are the kinds' values."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    new_request = _channel_field(Kind.NEW_REQUEST.label)
    decided = _channel_field(Kind.DECIDED.label)
    status_changed = _channel_field(Kind.STATUS_CHANGED.label)
    comment = _channel_field(Kind.COMMENT.label)
    mention = _channel_field(Kind.MENTION.label)
    delivered = _channel_field(Kind.DELIVERED.label)
    due_tomorrow = _channel_field(Kind.DUE_TOMORROW.label)
    overdue = _channel_field(Kind.OVERDUE.label)
    edited = _channel_field(Kind.EDITED.label)
    # One mail a day at DIGEST_HOUR local time instead of a mail per task.
    wants_digest = models.BooleanField("Daily digest instead of single e-mails", default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PreferenceQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"

    def channel(self, kind: str) -> str:
        return str(getattr(self, kind))
