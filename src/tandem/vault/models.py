"""The credential vault's rows (issue 14).

A ``Credential`` is a client's login to one service: its name, address and username in the
clear (the list shows them), its password, TOTP seed and notes sealed with
``core.crypto`` under a context naming the row and field, so a value copied to another row
or altered refuses to open. Who on the practice side may reveal it is a ``Grant`` per person
(the client names them; revoked or ended, never deleted, so the client's page can say what
happened); from which phase is ``minimum_phase``. Every reveal is a ``Reveal`` row, only
ever inserted: the client reads them. A ``ShareLink`` carries one secret to the practice
once, like Bitwarden Send. An ``AccessEnded`` row tells the client that someone who could
reveal its secrets no longer works on it, and which ones they had seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client, Phase, scoped_by_client
from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User

NAME_MAX = 120
URL_MAX = 500
USERNAME_MAX = 200
REASON_MAX = 300
USER_AGENT_MAX = 300
LABEL_MAX = 120


class CredentialQuerySet(models.QuerySet["Credential"]):
    def visible_to(self, user: User) -> CredentialQuerySet:
        """The credentials of the clients ``user`` reaches (both sides); what each may do
        with one is the access policy's (``access.reveal_refusal``)."""
        return scoped_by_client(self, user)

    def kept(self) -> CredentialQuerySet:
        return self.filter(deleted_at__isnull=True)


class Credential(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # The client's credentials are one range of the (client, name) index below.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    name = models.CharField("service", max_length=NAME_MAX)
    url = models.URLField("web address", max_length=URL_MAX, blank=True)
    username = models.CharField(max_length=USERNAME_MAX, blank=True)
    # Sealed (``vault.sealing``): empty when there is none.
    password_sealed = models.TextField(blank=True)
    totp_sealed = models.TextField(blank=True)
    notes_sealed = models.TextField(blank=True)
    # The lowest phase of the relationship in which a named assistant may reveal it.
    minimum_phase = models.PositiveSmallIntegerField(choices=Phase.choices, default=Phase.CLERICAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the password or TOTP seed last changed: a secret seen before then is safe again.
    secret_changed_at = models.DateTimeField(default=timezone.now)
    # Deleted by the client: the sealed values are wiped, the row stays for the reveal log.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "name"], name="credential_by_client")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_sealed)

    @property
    def has_notes(self) -> bool:
        return bool(self.notes_sealed)


class GrantEnd(models.TextChoices):
    REVOKED = "revoked", "Revoked by the client"
    LEFT = "left", "Stopped working on the client"


class Grant(models.Model):
    """The client named ``user`` on ``credential``; open until ``ended_at``."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="grants", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end = models.CharField(max_length=16, choices=GrantEnd.choices, blank=True)

    class Meta:
        indexes = [
            # A credential's grants (its page, the list's prefetch).
            models.Index(fields=["credential", "granted_at"], name="grant_by_credential"),
            # One person's grants on one client (a departure ends them all).
            models.Index(fields=["client", "user"], name="grant_by_client_user"),
        ]
        constraints = [
            # One open grant per person and credential: naming twice is refused by the row.
            models.UniqueConstraint(
                fields=["credential", "user"],
                condition=Q(ended_at__isnull=True),
                name="grant_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.credential}"


class RevealQuerySet(models.QuerySet["Reveal"]):
    def visible_to(self, user: User) -> RevealQuerySet:
        """The reveals of the clients ``user`` reaches: all of them for those who read the
        log (the client's side, the owner), otherwise only their own."""
        rows = scoped_by_client(self, user)
        if access.allows(user, Capability.READ_REVEAL_LOG):
            return rows
        return rows.filter(user_id=user.pk)


class Reveal(models.Model):
    """One reveal of a credential's secrets: who, when, why, from where. Only inserted."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="reveals", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revealed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=REASON_MAX)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX, blank=True)
    # Outside the practice's working hours (its calendar): the client is told by mail.
    outside_hours = models.BooleanField(default=False)

    objects = RevealQuerySet.as_manager()

    class Meta:
        indexes = [
            # The client's log, newest first, paged by id (``selectors.reveal_log``).
            models.Index(fields=["client", "id"], name="reveal_by_client"),
            # One credential's log.
            models.Index(fields=["credential", "id"], name="reveal_by_credential"),
            # What one person revealed for a client (a departure's "change these").
            models.Index(fields=["client", "user", "credential"], name="reveal_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} revealed {self.credential} at {self.revealed_at:%Y-%m-%d %H:%M}"


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def visible_to(self, user: User) -> ShareLinkQuerySet:
        return scoped_by_client(self, user)


class ShareLink(models.Model):
    """One secret sent to the practice once. The link's token is never stored, only its
    SHA-256 (``token_digest``); the sealed secret is wiped when it is opened."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    label = models.CharField("what it is", max_length=LABEL_MAX)
    secret_sealed = models.TextField(blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"], name="share_link_by_client")]

    def __str__(self) -> str:
        return self.label

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class AccessEndedQuerySet(models.QuerySet["AccessEnded"]):
    def visible_to(self, user: User) -> AccessEndedQuerySet:
        return scoped_by_client(self, user)


class AccessEnded(models.Model):
    """Someone who could reveal the client's secrets stopped working on it (unassigned, or
    removed from the practice): their grants ended, and the client is shown what they saw."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(default=timezone.now)
    why = models.CharField(max_length=120)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = AccessEndedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "dismissed_at"], name="access_ended_by_client")]

    def __str__(self) -> str:
        return f"{self.user}: {self.why}"
