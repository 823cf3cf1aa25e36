"""Time-based one-time codes (RFC 6238) from a TOTP seed the client stored, as an
authenticator app shows them: six digits, 30-second steps, HMAC-SHA1 (what every service
that shows a QR code expects). The seed is the base32 text services print beside the code."""

from __future__ import annotations

import base64
import binascii
import re
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

DIGITS = 6
STEP_SECONDS = 30
SEED_NOT_BASE32 = (
    "This is not a TOTP seed: paste the letters A to Z and digits 2 to 7 the service shows under "
    "“can't scan the code?” (spaces are fine)."
)
SEED_TOO_SHORT = "This TOTP seed is too short: a service's seed is at least 16 characters."


class BadSeedError(ValueError):
    """The text is not a usable TOTP seed; the message says what to paste instead."""


def normalise_seed(text: str) -> str:
    """The seed as stored: upper case, no spaces, dashes or padding; raises ``BadSeedError``."""
    seed = re.sub(r"[\s\-=]", "", text).upper()
    if not seed:
        return ""
    if not re.fullmatch(r"[A-Z2-7]+", seed):
        raise BadSeedError(SEED_NOT_BASE32)
    if len(seed) < 16:
        raise BadSeedError(SEED_TOO_SHORT)
    _key(seed)
    return seed


def _key(seed: str) -> bytes:
    try:
        return base64.b32decode(seed + "=" * (-len(seed) % 8))
    except (binascii.Error, ValueError):
        raise BadSeedError(SEED_NOT_BASE32) from None


@dataclass(frozen=True)
class Code:
    code: str
    # Seconds until the next code.
    valid_for: int


def current_code(seed: str, *, at: float | None = None) -> Code:
    """The code for ``seed`` now (or at the Unix time ``at``)."""
    moment = time.time() if at is None else at
    # SHA-1 is what RFC 6238 and every authenticator app use here (HMAC, not a plain hash).
    totp = TOTP(_key(seed), DIGITS, SHA1(), STEP_SECONDS, enforce_key_length=False)  # noqa: S303
    code = totp.generate(int(moment)).decode()
    return Code(code, STEP_SECONDS - int(moment) % STEP_SECONDS)
