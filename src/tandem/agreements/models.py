"""Agreements (issue 14): templates, agreements issued to a client, their signatures, the
hash-chained record of signatures, one-time signing codes, and the practice's certificate
that seals the signed PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

TITLE_MAX = 160
BODY_MAX = 50_000


class Kind(models.TextChoices):
    SERVICE = "service", "Service agreement"
    CONFIDENTIALITY = "confidentiality", "Confidentiality agreement"


class AgreementTemplate(models.Model):
    """One version of a practice's template for a kind of agreement. Editing makes a new
    row; the newest is the one used. No row yet: Tandem's default text (version 0)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "kind", "version"], name="agreement_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class State(models.TextChoices):
    # Filled from the template, being reviewed (and edited for this client) by the owner.
    DRAFT = "draft", "Draft: not sent yet"
    AWAITING_CLIENT = "awaiting_client", "Waiting for the client's signature"
    AWAITING_PRACTICE = "awaiting_practice", "Waiting for the practice's countersignature"
    # Signed by both sides: in force until an amendment signed by both replaces it.
    SIGNED = "signed", "Signed by both sides"
    SUPERSEDED = "superseded", "Signed, replaced by an amendment"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The states in which an agreement is the client's current one of its kind.
OPEN_STATES = (State.DRAFT, State.AWAITING_CLIENT, State.AWAITING_PRACTICE)


class PdfState(models.TextChoices):
    NONE = "none", "Not made"
    RENDERING = "rendering", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be made"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, user: User) -> AgreementQuerySet:
        """The agreements of the clients ``user`` reaches, when their role reads agreements;
        a client's contacts never see a draft (it is not theirs until it is sent)."""
        if not access.allows(user, Capability.SEE_AGREEMENTS):
            return self.none()
        rows = scoped_by_client(self, user)
        return rows.with_drafts_for(access.is_practice_side(access.member(user)))

    def with_drafts_for(self, practice_side: bool) -> AgreementQuerySet:
        """Drafts only for the practice side: ``visible_to``'s rule, also for queries
        compiled once per member (``agreements.selectors``)."""
        return self if practice_side else self.exclude(state=State.DRAFT)


class Agreement(models.Model):
    """An agreement issued to one client: its exact text, frozen once it is sent."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_MAX)
    # Markdown, placeholders filled. What is signed is exactly this text: its SHA-256 is
    # ``text_sha256`` from the moment it is sent.
    body = models.TextField(max_length=BODY_MAX)
    text_sha256 = models.CharField(max_length=64, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    # 1 for a first agreement; an amendment is the next number and names what it amends.
    version = models.PositiveIntegerField(default=1)
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    # What changed against the signed version, paragraph by paragraph (amendments only):
    # [{"change": "added"|"removed"|"changed", "before": str, "after": str}, …].
    changes = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The sealed PDF: rendered in a job once both sides signed.
    pdf_state = models.CharField(max_length=12, choices=PdfState.choices, default=PdfState.NONE)
    pdf_name = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "kind", "-id"], name="agreement_client_kind")]
        constraints = [
            # One agreement of a kind on its way at a time per client (draft or waiting).
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=Q(state__in=["draft", "awaiting_client", "awaiting_practice"]),
                name="agreement_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_signed(self) -> bool:
        return self.state in (State.SIGNED, State.SUPERSEDED)

    @property
    def number(self) -> str:
        """How people name it: "Service agreement, version 2"."""
        return f"{self.get_kind_display()}, version {self.version}"


class Side(models.TextChoices):
    CLIENT = "client", "For the client"
    PRACTICE = "practice", "For the practice"


class Signature(models.Model):
    """One side's signature on one agreement: what was signed (its hash), who, when, from
    where. Inserted once, never changed; its record in the chain is ``record``."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    side = models.CharField(max_length=10, choices=Side.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=120)
    signer_email = models.EmailField()
    # The drawn signature as a PNG (base64, no data: prefix); empty when none was drawn.
    drawn_png = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=400, blank=True)
    record = models.OneToOneField("ChainRecord", on_delete=models.PROTECT, related_name="signature")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "side"], name="signature_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} on {self.agreement_id}"


class SigningCode(models.Model):
    """A one-time code mailed to a signer: kept only as an HMAC, for 15 minutes, used once."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hmac = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Wrong codes typed against it: past the limit it is spent.
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["agreement", "user", "-id"], name="signing_code_latest")]

    def __str__(self) -> str:
        return f"Signing code {self.pk}"


class ChainRecord(models.Model):
    """One entry of a practice's append-only record of signatures. ``record_hash`` covers
    the previous record's hash and this record's content, so an edited, removed or
    reordered record breaks the chain (``chain.verify``). Only ever inserted."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField()
    content = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Two signatures at once cannot both take the same place in the chain.
            models.UniqueConstraint(fields=["practice", "sequence"], name="chain_sequence_once")
        ]

    def __str__(self) -> str:
        return f"Record {self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The record is append-only: a second save of an existing row would rewrite history.
        if not self._state.adding:
            raise ValueError("A chain record is never changed once written.")
        super().save(*args, **kwargs)


class PracticeCertificate(models.Model):
    """The practice's self-signed certificate that seals its signed agreements' PDFs. The
    private key is sealed (``core.crypto``) under the context that names this practice and
    this certificate's fingerprint."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    certificate_pem = models.TextField()
    # SHA-256 of the certificate's DER bytes, hex.
    fingerprint = models.CharField(max_length=64, unique=True)
    sealed_key = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_certificate_per_practice")
        ]

    def __str__(self) -> str:
        return f"Certificate {self.fingerprint[:12]}"


class AgreementPolicy(models.Model):
    """The practice's "agreements before work" setting (no row: not required). The clients'
    ``requires_agreements`` follow it (``services.set_agreements_required``)."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    require_before_work = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Agreements before work: {self.require_before_work}"
