"""The rows of references, both ways (issue 14).

- ``Consent``: a client agreed to be a reference for the practice: who said so (one of its
  contacts), when, the exact words they agreed to, what they would say and how they like to
  be asked. Withdrawn, never deleted (who and when are kept); one open per client.
- ``Ask``: the owner asked a client to be a reference (mailed to its contacts); one per
  client per ``ASK_AGAIN_AFTER``.
- ``Link``: the practice's shareable link for prospects. Its token is ``HMAC(SECRET_KEY,
  seed)``; the row keeps the seed and the token's SHA-256, so the owner's page shows it again
  while a copy of the database opens nothing. Turned off, never deleted; one live per practice.
- ``Request``: what a prospect asked through a link; ``PassOn``: it went to one agreeing
  client's contacts (one per request and client).
- ``Check``: a reference the practice checked about a client: who it asked, when, how the
  client paid elsewhere, notes. The practice's side only.
- ``Settings``: whether a prospect's request goes to every agreeing client by itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client, scoped_by_client
from tandem.core import access
from tandem.core.models import Practice
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User

NOTE_MAX = 500
WORDING_MAX = 2_000
NAME_MAX = 120
EMAIL_MAX = 254
QUESTION_MAX = 1_000
SOURCE_MAX = 200
CHECK_NOTES_MAX = 2_000
ASK_AGAIN_AFTER = timedelta(days=90)

C = Capability


class AskBy(models.TextChoices):
    # Mail only for now: the request is passed on to the client's contacts by e-mail.
    MAIL = "mail", "By e-mail"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def visible_to(self, user: User) -> ConsentQuerySet:
        """The consents of the clients ``user`` reaches (both sides of the client)."""
        return scoped_by_client(self, user)

    def open(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def of_active_clients(self, practice_id: int) -> ConsentQuerySet:
        """The practice's open consents whose clients are still its active clients."""
        return self.open().filter(practice_id=practice_id, client__archived_at__isnull=True)


class Consent(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    # The exact words the contact agreed to, as the page showed them then.
    wording = models.TextField(max_length=WORDING_MAX)
    note = models.CharField("what you would say", max_length=NOTE_MAX, blank=True)
    ask_by = models.CharField(max_length=16, choices=AskBy.choices, default=AskBy.MAIL)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        indexes = [
            # A client's consents, newest last (its portal page, the history).
            models.Index(fields=["client", "given_at"], name="ref_consent_by_client"),
            # The practice's open consents (the References page, the public page's count).
            models.Index(
                fields=["practice", "client"],
                condition=Q(withdrawn_at__isnull=True),
                name="ref_consent_open",
            ),
        ]
        constraints = [
            # One open consent per client: agreeing twice at once is refused by the row.
            models.UniqueConstraint(
                fields=["client"], condition=Q(withdrawn_at__isnull=True), name="ref_consent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} agreed on {self.given_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None


class Ask(models.Model):
    """The owner asked ``client`` to be a reference (its contacts were mailed)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "asked_at"], name="ref_ask_by_client")]

    def __str__(self) -> str:
        return f"{self.client} asked on {self.asked_at:%Y-%m-%d}"


class Link(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    turned_off_at = models.DateTimeField(null=True, blank=True)
    turned_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice"], condition=Q(turned_off_at__isnull=True), name="ref_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"References link of {self.practice_id}"

    @property
    def is_live(self) -> bool:
        return self.turned_off_at is None


class RequestState(models.TextChoices):
    WAITING = "waiting", "Waiting for you to pass it on"
    PASSED_ON = "passed_on", "Passed on"
    SET_ASIDE = "set_aside", "Set aside"


class RequestQuerySet(models.QuerySet["Request"]):
    def visible_to(self, user: User) -> RequestQuerySet:
        """A prospect's requests are the practice's, read by whoever keeps its references."""
        membership = access.member(user)
        if membership is None or not access.allows(user, C.KEEP_REFERENCES):
            return self.none()
        return self.filter(practice_id=membership.practice_id)


class Request(models.Model):
    """A prospect asked for references through the practice's link."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=NAME_MAX)
    email = models.EmailField(max_length=EMAIL_MAX)
    question = models.TextField(max_length=QUESTION_MAX)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=16, choices=RequestState.choices)
    decided_at = models.DateTimeField(null=True, blank=True)
    # None when the practice's setting passed it on by itself.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "state", "received_at"], name="ref_request_by_state")
        ]

    def __str__(self) -> str:
        return f"{self.name} asked on {self.received_at:%Y-%m-%d}"


class PassOn(models.Model):
    """``request`` went to ``client``'s contacts, who agreed (``consent``) to be asked."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="pass_ons")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    passed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "client"], name="ref_pass_on_once")
        ]

    def __str__(self) -> str:
        return f"{self.request} to {self.client}"


class Payment(models.TextChoices):
    ON_TIME = "on_time", "Paid on time"
    LATE = "late", "Paid late"
    UNKNOWN = "unknown", "Not known"


class CheckQuerySet(models.QuerySet["Check"]):
    def visible_to(self, user: User) -> CheckQuerySet:
        """The practice's side only, for the clients it reaches; the client's side none."""
        if not access.allows(user, C.CHECK_REFERENCES):
            return self.none()
        return scoped_by_client(self, user)


class Check(models.Model):
    """A reference the practice checked about ``client`` (never shown to the client)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    source = models.CharField(max_length=SOURCE_MAX)
    checked_on = models.DateField()
    payment = models.CharField(max_length=16, choices=Payment.choices, default=Payment.UNKNOWN)
    notes = models.TextField(max_length=CHECK_NOTES_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CheckQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "checked_on"], name="ref_check_by_client")]

    def __str__(self) -> str:
        return f"{self.source} on {self.checked_on}"


class Settings(models.Model):
    """The practice's choices about references; no row means the defaults."""

    practice = models.OneToOneField(Practice, on_delete=models.PROTECT, related_name="+")
    # Pass a prospect's request on to every agreeing client without the owner choosing.
    pass_on_automatically = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"References settings of {self.practice_id}"
