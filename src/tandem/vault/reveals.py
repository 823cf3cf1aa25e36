"""Revealing a credential's secrets (issue 14): a reason, a fresh password check, the access
policy's answer, and a ``Reveal`` row the client reads, in one transaction.

The policy (``access.reveal_refusal``) reads ``Facts``: the credential's minimum phase,
whether it was deleted, and the member's latest grant on it (named, revoked, ended by
leaving, never named). The credential's row is locked while it decides, so a revocation
and a reveal never pass each other: whichever comes second sees the first.

Wrong passwords are counted per person in the shared cache (the database cache, so every
server process counts together): after ``FAILED_LIMIT`` in ``FAILED_WINDOW`` seconds,
reveals wait until the window has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from tandem.core import access, audit, crypto, events
from tandem.core.audit import Action
from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.vault import sealing, totp
from tandem.vault.models import REASON_MAX, USER_AGENT_MAX, Credential, Grant, GrantEnd, Reveal

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tandem.accounts.models import User

# How long a revealed secret stays on the page (the page hides it after this).
SHOWN_FOR = timedelta(seconds=60)
FAILED_LIMIT = 5
FAILED_WINDOW = 300
REVEALED_EVENT = "vault.revealed"

REASON_MISSING = (
    "Say why you need it, such as “Posting this week's newsletter”: the client reads it."
)
REASON_TOO_LONG = f"Keep the reason under {REASON_MAX} characters."
CHECK_MISSING = "Type your own Tandem password: revealing a secret asks for it each time."
CHECK_WRONG = "That is not your password. Type the password you sign in to Tandem with."
UNREADABLE = (
    "This credential's secret does not open: it was damaged. Ask the client to store it again."
)
TOO_MANY_TRIES = (
    "Too many wrong passwords: revealing is held off for a few minutes. Try again later."
)


@dataclass(frozen=True)
class Facts:
    """What the access policy reads of one credential for one member (``access.Revealable``)."""

    minimum_phase: int
    is_deleted: bool
    grant: access.Grant


def grant_state(latest: Grant | None) -> access.Grant:
    """A member's standing on a credential from their latest grant on it."""
    if latest is None:
        return access.Grant.NONE
    if latest.ended_at is None:
        return access.Grant.NAMED
    return access.Grant.ENDED if latest.end == GrantEnd.LEFT else access.Grant.REVOKED


def facts_of(credential: Credential, user: User) -> Facts:
    """The credential's facts for ``user``: one query (their latest grant on it)."""
    latest = (
        Grant.objects.filter(credential_id=credential.pk, user_id=user.pk)
        .order_by("-granted_at", "-pk")
        .first()
    )
    return Facts(credential.minimum_phase, credential.is_deleted, grant_state(latest))


def refusal_for(credential: Credential, user: User) -> str | None:
    """Why ``user`` may not reveal ``credential`` now, or None (``access.reveal_refusal``)."""
    standing = access.standing(user, credential.client)
    return access.reveal_refusal(standing, facts_of(credential, user))


def is_outside_hours(calendar: PracticeCalendar, instant: datetime) -> bool:
    """Whether ``instant`` falls outside the practice's working hours (its days, its hours
    on its clock, less bank holidays)."""
    day = instant.astimezone(calendar.zone).date()
    return not any(start <= instant < end for start, end in calendar.working_intervals(day, day))


@dataclass(frozen=True)
class Revealed:
    """What a reveal shows, for ``SHOWN_FOR``: never stored, never logged."""

    credential: Credential
    password: str
    notes: str
    code: totp.Code | None
    reveal: Reveal

    @property
    def hide_at(self) -> datetime:
        return self.reveal.revealed_at + SHOWN_FOR


def _failed_key(user: User) -> str:
    return f"vault:reveal-failed:{user.pk}"


def check_password(user: User, password: str) -> None:
    """The fresh check before a reveal: the person's own password, with wrong ones counted."""
    if cache.get(_failed_key(user), 0) >= FAILED_LIMIT:
        raise DomainError(TOO_MANY_TRIES, field="password")
    if not password:
        raise DomainError(CHECK_MISSING, field="password")
    if not user.check_password(password):
        # add() starts the window once; incr() counts within it.
        if not cache.add(_failed_key(user), 1, FAILED_WINDOW):
            cache.incr(_failed_key(user))
        raise DomainError(CHECK_WRONG, field="password")
    cache.delete(_failed_key(user))


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(REASON_MISSING, field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(REASON_TOO_LONG, field="reason")
    return reason


def reveal_secret(
    credential: Credential,
    *,
    actor: User,
    reason: str,
    password: str,
    request: HttpRequest | None = None,
) -> Revealed:
    """Reveal ``credential``'s secrets to ``actor``: refused with a sentence without a
    reason, without their password, or when the access policy says no (not named, revoked,
    left, below the phase, deleted). Each reveal is a ``Reveal`` row on the event path
    (``vault.revealed``: one outside working hours mails the client) and an audit entry."""
    reason = _reason(reason)
    check_password(actor, password)
    with transaction.atomic():
        found = (
            Credential.objects.select_for_update()
            .select_related("client__practice")
            .get(pk=credential.pk)
        )
        refused = access.reveal_refusal(
            access.standing(actor, found.client), facts_of(found, actor)
        )
        if refused is not None:
            raise DomainError(refused)
        now = timezone.now()
        practice = found.client.practice
        reveal = events.record(
            Reveal(
                practice_id=found.practice_id,
                client_id=found.client_id,
                credential=found,
                user=actor,
                revealed_at=now,
                reason=reason,
                ip_address=audit.client_ip(request),
                user_agent=_user_agent(request),
                outside_hours=is_outside_hours(practice.calendar(), now),
            ),
            kind=REVEALED_EVENT,
        )
        audit.record(
            Action.CREDENTIAL_REVEALED,
            practice=practice,
            actor=actor,
            target=found,
            target_label=found.name,
            client_id=found.client_id,
            request=request,
            data={"reason": reason},
        )
        # Opened inside the transaction: a value that does not open logs no reveal.
        return _opened(found, reveal)


def _opened(credential: Credential, reveal: Reveal) -> Revealed:
    try:
        seed = sealing.open_field(credential, "totp")
        password = sealing.open_field(credential, "password")
        notes = sealing.open_field(credential, "notes")
    except crypto.UnsealError:
        raise DomainError(UNREADABLE) from None
    code = totp.current_code(seed) if seed else None
    return Revealed(credential, password, notes, code, reveal)


def _user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]
