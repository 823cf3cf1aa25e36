"""One-time share links (issue 14, like Bitwarden Send): the client puts one secret in a link
that expires (1 hour to 7 days) and opens once, for the practice, without e-mailing it.

The link's token is shown to the client once, when it is made; the row keeps only its
SHA-256, so a copy of the database opens no link. Opening it is for a member of the
practice who works on the client; it claims the link with one conditional UPDATE (not yet
opened, not expired, the sealed value unchanged) that also wipes the sealed value, so two
people opening it at once see it once between them, and afterwards nothing is left.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from tandem.clients.models import Client
from tandem.core import access, audit, crypto
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.vault.models import LABEL_MAX, ShareLink
from tandem.vault.sealing import share_link_context

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tandem.accounts.models import User

C = Capability
SECRET_MAX = 5_000
LIFETIMES = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
}
LIFETIME_LABELS = {"1h": "1 hour", "1d": "1 day", "3d": "3 days", "7d": "7 days"}

LABEL_MISSING = "Say what it is, such as “Office Wi-Fi password”: the practice sees this first."
NOTHING_TO_SEND = "Type or paste the secret to send."
LIFETIME_UNKNOWN = "Pick how long the link works: 1 hour, 1 day, 3 days or 7 days."
ONLY_THE_CLIENT = "Only {client}'s own people make share links of its secrets."


class LinkGoneError(DomainError):
    """The link was opened already, or it expired: the page says which, kindly (410)."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    link: ShareLink
    # Shown once, to the client who made it; never stored.
    token: str


def make_share_link(client: Client, *, actor: User, label: str, secret: str, lifetime: str) -> Made:
    """A one-time link holding ``secret`` for ``client``'s practice (the client's side)."""
    access.standing(actor, client).require(
        C.CONTROL_CREDENTIALS,
        unseen=access.NOT_YOURS,
        wrong_role=ONLY_THE_CLIENT.format(client=client.name),
    )
    label = label.strip()
    if not label:
        raise DomainError(LABEL_MISSING, field="label")
    if len(label) > LABEL_MAX:
        raise DomainError(f"Keep it under {LABEL_MAX} characters.", field="label")
    if not secret.strip():
        raise DomainError(NOTHING_TO_SEND, field="secret")
    if len(secret) > SECRET_MAX:
        raise DomainError(f"Keep the secret under {SECRET_MAX:,} characters.", field="secret")
    if lifetime not in LIFETIMES:
        raise DomainError(LIFETIME_UNKNOWN, field="lifetime")
    token = secrets.token_urlsafe(32)
    key = digest(token)
    now = timezone.now()
    link = ShareLink.objects.create(
        practice_id=client.practice_id,
        client=client,
        label=label,
        secret_sealed=crypto.seal(secret, context=share_link_context(key)),
        token_digest=key,
        made_by=actor,
        created_at=now,
        expires_at=now + LIFETIMES[lifetime],
    )
    return Made(link, token)


def find_link(token: str) -> ShareLink | None:
    """The link a token opens, with its client and people; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    rows = ShareLink.objects.select_related("client__practice", "made_by", "opened_by")
    return rows.filter(token_digest=digest(token)).first()


def gone_sentence(link: ShareLink) -> str | None:
    """Why the link shows nothing any more (opened or expired), or None while it works."""
    client = link.client.name
    if link.opened_at is not None:
        who = link.opened_by.display_name if link.opened_by else "someone"
        when = date_format(timezone.localtime(link.opened_at), "j F Y, H:i")
        return (
            f"This link was opened already, by {who} on {when}. A share link shows its secret "
            f"once; ask {client} to send a new one if you need it again."
        )
    if link.is_expired():
        when = date_format(timezone.localtime(link.expires_at), "j F Y, H:i")
        return (
            f"This link expired on {when} without being opened, and its secret is gone. "
            f"Ask {client} to send a new one."
        )
    return None


def open_share_link(link: ShareLink, *, actor: User, request: HttpRequest | None = None) -> str:
    """The link's secret, once (the practice's side of the client); afterwards the link
    says who opened it and when (``LinkGone``)."""
    access.standing(actor, link.client).require(C.OPEN_SHARE_LINK, unseen=access.NOT_YOURS)
    gone = gone_sentence(link)
    if gone is not None:
        raise LinkGoneError(gone)
    stored = link.secret_sealed
    with transaction.atomic():
        claimed = ShareLink.objects.filter(
            pk=link.pk,
            opened_at__isnull=True,
            expires_at__gt=timezone.now(),
            secret_sealed=stored,
        ).update(opened_at=timezone.now(), opened_by=actor, secret_sealed="")
        if not claimed:
            link.refresh_from_db()
            raise LinkGoneError(gone_sentence(link) or "This link was opened already.")
        try:
            secret = crypto.unseal_text(stored, context=share_link_context(link.token_digest))
        except crypto.UnsealError:
            raise DomainError(
                "This link's secret does not open: it was damaged. Ask "
                f"{link.client.name} to send a new one."
            ) from None
        audit.record(
            Action.SHARE_LINK_OPENED,
            practice=link.client.practice,
            actor=actor,
            target=link,
            target_label=link.label,
            client_id=link.client_id,
            request=request,
        )
    return secret
