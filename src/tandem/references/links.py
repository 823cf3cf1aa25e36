"""The practice's shareable link for prospects who ask for references (issue 14).

The token in ``/r/<token>/`` is ``HMAC-SHA256(SECRET_KEY, seed)`` in 32 base32 characters
(160 bits), as the calendar feeds' addresses are. The row keeps the seed and the token's
SHA-256 only: the References page shows the link again by deriving it, a request is matched
by the hash (one unique-index lookup, compared again in constant time), and a copy of the
database opens nothing. One live link per practice; a new one, or "Turn off", ends the old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.references.models import Link

if TYPE_CHECKING:
    from tandem.accounts.models import User

TOKEN_LENGTH = 32
TOKEN_FORMAT = re.compile(rf"[a-z2-7]{{{TOKEN_LENGTH}}}")
_SALT = "tandem.references.link"

ALREADY_OFF = "Your link for references is already off; there is nothing to turn off."
CHANGED_MEANWHILE = (
    "Your link for references was changed a moment ago, perhaps in another window. Here is "
    "the link as it is now."
)
ONLY_THE_OWNER = "Only the practice's owners keep its link for references."


def _derive(seed: str, key: str) -> str:
    digest = salted_hmac(_SALT, seed, secret=key, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:TOKEN_LENGTH]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_of(link: Link) -> str | None:
    """The token of ``link``'s address, derived again; None when the key it was made under
    is no longer configured (it still works, but cannot be shown)."""
    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        candidate = _derive(link.seed, key)
        if hmac.compare_digest(_hash(candidate), link.token_hash):
            return candidate
    return None


def live_link_at(token: str) -> Link | None:
    """The live link ``token`` opens, with its practice (one query); None for a malformed,
    unknown or turned-off token alike."""
    if not TOKEN_FORMAT.fullmatch(token):
        return None
    digest = _hash(token)
    link = (
        Link.objects.filter(token_hash=digest, turned_off_at__isnull=True)
        .select_related("practice")
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link


def live_link_of(practice_id: int) -> Link | None:
    return Link.objects.filter(practice_id=practice_id, turned_off_at__isnull=True).first()


def _practice_of(actor: User) -> int:
    membership = access.member(actor)
    if membership is None or not access.allows(actor, Capability.KEEP_REFERENCES):
        raise DomainError(ONLY_THE_OWNER)
    return membership.practice_id


def make_link(*, actor: User) -> tuple[Link, str]:
    """A new link for the actor's practice (the old one, if any, stops working), with its
    token."""
    practice_id = _practice_of(actor)
    seed = secrets.token_hex(16)
    token = _derive(seed, settings.SECRET_KEY)
    now = timezone.now()
    try:
        with transaction.atomic():
            Link.objects.filter(practice_id=practice_id, turned_off_at__isnull=True).update(
                turned_off_at=now, turned_off_by=actor
            )
            link = Link.objects.create(
                practice_id=practice_id,
                seed=seed,
                token_hash=_hash(token),
                made_by=actor,
                made_at=now,
            )
    except IntegrityError as error:
        # Two clicks at once: the other one's link stands (one live link per practice).
        raise DomainError(CHANGED_MEANWHILE) from error
    return link, token


def turn_off_link(*, actor: User) -> Link:
    """Turn the practice's link off; its address answers "not in use" from then on."""
    practice_id = _practice_of(actor)
    with transaction.atomic():
        link = live_link_of(practice_id)
        off = link is not None and Link.objects.filter(
            pk=link.pk, turned_off_at__isnull=True
        ).update(turned_off_at=timezone.now(), turned_off_by=actor)
        if link is None or not off:
            raise DomainError(ALREADY_OFF)
    return link
