"""Calendar feed addresses: making one, turning it off, and finding the feed an address opens.

The secret in ``/calendar/<secret>.ics`` is ``HMAC-SHA256(SECRET_KEY, seed)`` written in 32
base32 characters (160 bits): far beyond guessing, whatever the request rate. The row keeps
the seed and ``sha256(secret)`` only (``models_feeds``), so:

- the person's calendar page shows the address again by deriving it from the seed;
- a request is matched by the hash of the secret it presents (one unique-index lookup),
  and the hashes are compared again in constant time; a B-tree walk on a SHA-256 digest
  tells a timing observer nothing about the secret itself;
- a copy of the database opens no feed, and needs no re-sealing when keys rotate.

When ``SECRET_KEY`` is rotated, an address made under an old key keeps working (its hash is
what is matched) and is shown while that key is listed in ``SECRET_KEY_FALLBACKS``; after
that the page says it can no longer be shown and offers a new one.
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

from tandem.core import access, audit
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.planning.models_feeds import CalendarFeed

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.models import Membership

SECRET_LENGTH = 32
SECRET_FORMAT = re.compile(rf"[a-z2-7]{{{SECRET_LENGTH}}}")
_SALT = "tandem.planning.calendar_feed"

NOT_YOURS = "You can make or turn off only your own calendar address."
NO_FEED_FOR_ROLE = "Your role in this practice has no calendar to show."
ALREADY_OFF = "Your calendar address is already off; there is nothing to turn off."
CHANGED_MEANWHILE = (
    "Your calendar address was changed a moment ago, perhaps in another window. "
    "Here is the address as it is now."
)


def _derive(seed: str, key: str) -> str:
    digest = salted_hmac(_SALT, seed, secret=key, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SECRET_LENGTH]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def secret_of(feed: CalendarFeed) -> str | None:
    """The secret in ``feed``'s address, derived again; None when the key it was made under
    is no longer configured (the address still works, but cannot be shown)."""
    for key in _keys():
        candidate = _derive(feed.seed, key)
        if hmac.compare_digest(_hash(candidate), feed.secret_hash):
            return candidate
    return None


def live_feed_at(secret: str) -> CalendarFeed | None:
    """The live feed whose address holds ``secret``, with its person, their membership and
    practice (one query); None for a malformed, unknown or revoked secret alike."""
    if not SECRET_FORMAT.fullmatch(secret):
        return None
    digest = _hash(secret)
    feed = (
        CalendarFeed.objects.live()
        .select_related("person__membership__practice")
        .filter(secret_hash=digest)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.secret_hash, digest):
        return None
    return feed if _may_keep(feed.person) and _same_practice(feed) else None


def _may_keep(person: User) -> bool:
    # Someone removed from the practice (or whose account is off) loses the feed with it.
    return person.is_active and access.allows(person, Capability.KEEP_CALENDAR_FEED)


def _same_practice(feed: CalendarFeed) -> bool:
    membership = access.member(feed.person)
    return membership is not None and membership.practice_id == feed.practice_id


def live_feed_of(person: User) -> CalendarFeed | None:
    """``person``'s live feed (one query on the live-feed index), or None."""
    return CalendarFeed.objects.visible_to(person).live().first()


def make_calendar_feed(person: User, *, actor: User) -> tuple[CalendarFeed, str]:
    """Give ``person`` a new calendar address, revoking the one they had (if any), and
    return the feed with its secret. Only for oneself; refused with a sentence when the
    person's role keeps no feed, or when another window changed the address meanwhile."""
    membership = _require_own_feed(person, actor=actor)
    seed = secrets.token_hex(16)
    secret = _derive(seed, settings.SECRET_KEY)
    now = timezone.now()
    try:
        with transaction.atomic():
            CalendarFeed.objects.visible_to(person).live().update(revoked_at=now)
            feed = CalendarFeed.objects.create(
                practice_id=membership.practice_id,
                person=person,
                seed=seed,
                secret_hash=_hash(secret),
                created_at=now,
            )
            _audit(audit.Action.CALENDAR_FEED_MADE, feed, membership=membership, actor=actor)
    except IntegrityError as error:
        # Two clicks at once: the other one's address stands (one live address per person).
        raise DomainError(CHANGED_MEANWHILE) from error
    return feed, secret


def turn_off_calendar_feed(person: User, *, actor: User) -> CalendarFeed:
    """Revoke ``person``'s live calendar address, leaving none; calendar apps get 404 from
    then on. Refused with a sentence when there is none to turn off."""
    membership = _require_own_feed(person, actor=actor)
    with transaction.atomic():
        feed = live_feed_of(person)
        # Conditional on still being live: a "Turn off" sent from another window meanwhile
        # has revoked it already, and this one is told so instead of recording it twice.
        revoked = feed is not None and CalendarFeed.objects.filter(pk=feed.pk).live().update(
            revoked_at=timezone.now()
        )
        if feed is None or not revoked:
            raise DomainError(ALREADY_OFF)
        _audit(audit.Action.CALENDAR_FEED_TURNED_OFF, feed, membership=membership, actor=actor)
    return feed


def _require_own_feed(person: User, *, actor: User) -> Membership:
    if actor.pk != person.pk:
        raise DomainError(NOT_YOURS)
    membership = access.member(person)
    if membership is None or not _may_keep(person):
        raise DomainError(NO_FEED_FOR_ROLE)
    return membership


def _audit(
    action: audit.Action, feed: CalendarFeed, *, membership: Membership, actor: User
) -> None:
    # The label from the actor (who is the person) rather than ``str(feed)``, which would
    # load the person again; it names no secret.
    label = f"Calendar address of {actor}"
    audit.record(action, practice=membership.practice, actor=actor, target=feed, target_label=label)
