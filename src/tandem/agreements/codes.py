"""One-time signing codes: six digits mailed to the signer, kept only as an HMAC under
``SECRET_KEY`` (six digits are a million guesses: a plain hash would open in a second), good
for 15 minutes, used once, and spent after a few wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F

from tandem.agreements.models import Agreement, SigningCode
from tandem.core.errors import DomainError

LIFETIME = timedelta(minutes=15)
MAX_FAILED = 5

WRONG = "That code is not the one we sent. Check the latest e-mail, or send a new code."
EXPIRED = "That code has expired (codes last 15 minutes). Send a new code and use it."
USED = "That code was already used. Send a new code to sign."
NONE_SENT = "Send yourself a code first: it goes to your e-mail address."
TOO_MANY = "Too many wrong codes. Send a new code and use the one in the latest e-mail."
NOT_A_CODE = "Type the six digits from the e-mail."


def digest(code: str, *, agreement_id: int, user_id: int) -> str:
    message = f"agreement-signing:{agreement_id}:{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def new_code(agreement: Agreement, *, user_id: int, now: datetime) -> str:
    """Make a fresh code for ``user_id`` on ``agreement`` and return it (to be mailed; only
    its HMAC is stored). Earlier codes stop working: only the latest counts."""
    code = f"{secrets.randbelow(10**6):06d}"
    SigningCode.objects.create(
        practice_id=agreement.practice_id,
        agreement=agreement,
        user_id=user_id,
        code_hmac=digest(code, agreement_id=agreement.pk, user_id=user_id),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    return code


def use_code(agreement: Agreement, *, user_id: int, code: str, now: datetime) -> None:
    """Spend the signer's latest code, or raise a ``DomainError`` (field ``code``) saying why
    not. Call inside the signature's transaction: the spending is one conditional UPDATE,
    so a code cannot be used twice even by two requests at once."""
    typed = "".join(code.split())
    if len(typed) != 6 or not typed.isascii() or not typed.isdigit():
        raise DomainError(NOT_A_CODE, field="code")
    latest = (
        SigningCode.objects.filter(agreement=agreement, user_id=user_id).order_by("-id").first()
    )
    if latest is None:
        raise DomainError(NONE_SENT, field="code")
    if latest.used_at is not None:
        raise DomainError(USED, field="code")
    if latest.failed_attempts >= MAX_FAILED:
        raise DomainError(TOO_MANY, field="code")
    expected = digest(typed, agreement_id=agreement.pk, user_id=user_id)
    if not hmac.compare_digest(expected, latest.code_hmac):
        SigningCode.objects.filter(pk=latest.pk).update(failed_attempts=F("failed_attempts") + 1)
        raise DomainError(WRONG, field="code")
    if latest.expires_at <= now:
        raise DomainError(EXPIRED, field="code")
    spent = SigningCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now)
    if not spent:
        raise DomainError(USED, field="code")
