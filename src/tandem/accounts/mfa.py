"""Two-factor secrets sealed at rest: allauth's MFA adapter with Tandem's envelope encryption.

allauth passes every TOTP secret and recovery-code seed (and codes migrated from elsewhere)
through ``encrypt`` before it stores them in ``Authenticator.data`` and through ``decrypt``
when it checks a code, so a copy of the database holds none of them in the clear.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.db import transaction

from tandem.core import crypto, rotation

# The hooks receive only the text, and allauth calls ``encrypt`` before the row exists
# (``Authenticator(data={"secret": encrypt(secret)})``), so no row identity is available:
# every two-factor value shares this one context. Copying a sealed secret from one account's
# row to another's would need write access to the database, which could as well delete the
# authenticator; the context still keeps these values from opening as anything else.
CONTEXT = "allauth.mfa.Authenticator.data"
SEALED_KEYS = ("secret", "seed")
SEALED_LISTS = ("migrated_codes",)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.seal(text, context=CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        # A value not in the sealed format was written by a process still running older
        # code during a deploy (the accounts migration sealed everything before it);
        # rotate_keys seals it. A sealed value that does not open raises UnsealError.
        if not crypto.is_sealed(encrypted_text):
            return encrypted_text
        return crypto.unseal_text(encrypted_text, context=CONTEXT)


def reseal_data(data: dict[str, object]) -> tuple[dict[str, object], list[rotation.Outcome]]:
    """``Authenticator.data`` with every sealed value under the newest key."""
    fresh = dict(data)
    outcomes: list[rotation.Outcome] = []
    for name in SEALED_KEYS:
        value = data.get(name)
        if isinstance(value, str):
            fresh[name], outcome = rotation.reseal_value(value, context=CONTEXT)
            outcomes.append(outcome)
    for name in SEALED_LISTS:
        values = data.get(name)
        if isinstance(values, list):
            pairs = [rotation.reseal_value(str(value), context=CONTEXT) for value in values]
            fresh[name] = [value for value, _ in pairs]
            outcomes.extend(outcome for _, outcome in pairs)
    return fresh, outcomes


def reseal_authenticators(batch_size: int) -> rotation.Tally:
    """Re-seal every TOTP secret and recovery-code seed under the newest master key."""
    tally = rotation.Tally("Two-factor secrets and recovery-code seeds")
    rows = Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).order_by("pk")
    last_pk = 0
    while batch := list(rows.filter(pk__gt=last_pk).values_list("pk", flat=True)[:batch_size]):
        for pk in batch:
            try:
                tally.add(reseal_authenticator(pk))
            except crypto.UnsealError as error:
                tally.add_unreadable(f"Authenticator {pk}", error)
        last_pk = batch[-1]
    return tally


def reseal_authenticator(pk: int) -> rotation.Outcome:
    """One row, under its row lock: allauth marks a recovery code used by rewriting the whole
    ``data`` under the same lock, so neither write can undo the other. (A condition on the
    JSON column's old value is not a reliable comparison across SQLite and PostgreSQL.)"""
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            return rotation.Outcome.CHANGED_MEANWHILE
        fresh, outcomes = reseal_data(row.data)
        if fresh != row.data:
            Authenticator.objects.filter(pk=pk).update(data=fresh)
    return rotation.row_outcome(outcomes)
