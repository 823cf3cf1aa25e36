"""A practice's clients, who works on them, and who speaks for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core.models import Practice, time_zone_choices
from tandem.core.roles import Role
from tandem.core.tenancy import active_membership

if TYPE_CHECKING:
    from tandem.accounts.models import User


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: User) -> ClientQuerySet:
        """Owner: every client of the practice, archived ones too. Assistant: the active
        clients assigned to them. Contact: their own client while it is active."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        in_practice = self.filter(practice_id=membership.practice_id)
        if membership.role == Role.OWNER:
            return in_practice
        if membership.role == Role.ASSISTANT:
            return in_practice.filter(archived_at__isnull=True, assignments__user_id=user.pk)
        return in_practice.filter(archived_at__isnull=True, contacts__user_id=user.pk)

    def active(self) -> ClientQuerySet:
        return self.filter(archived_at__isnull=True)


class Client(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    name = models.CharField("business name", max_length=160)
    time_zone = models.CharField(max_length=64, choices=time_zone_choices, default="UTC")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "archived_at", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Assignment(models.Model):
    """An assistant (or owner) who works on a client."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "user"], name="assignment_once")]
        indexes = [models.Index(fields=["user", "client"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.client}"


class ClientContact(models.Model):
    """A person who speaks for a client and uses the client portal."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_contact"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} for {self.client}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: User) -> InvitationQuerySet:
        """Only owners manage invitations, for their own practice."""
        membership = active_membership(user)
        if membership is None or membership.role != Role.OWNER:
            return self.none()
        return self.filter(practice_id=membership.practice_id)

    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An invitation into a practice, as an assistant or as a contact of one client.

    The link carries a signed (id, nonce) pair; resending draws a new nonce, so an older
    link stops working. Accepting sets ``accepted_at``: each link works once.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    nonce = models.CharField(max_length=32)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "accepted_at", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.CONTACT, client__isnull=False)
                    | (~models.Q(role=Role.CONTACT) & models.Q(client__isnull=True))
                ),
                name="invitation_contact_has_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"
