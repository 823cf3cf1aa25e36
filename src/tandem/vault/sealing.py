"""The vault's secrets sealed at rest, each bound to its row and field.

A credential's password, TOTP seed and notes are sealed under ``vault.Credential.<field>:<pk>``
(the row exists first: ``credentials.store_credential`` inserts it, then seals, in one
transaction); a share link's secret under ``vault.ShareLink.secret:<token digest>``, a key
that exists before the insert. ``rotate_keys`` re-seals both through the resealers below,
registered in ``VaultConfig.ready``.
"""

from __future__ import annotations

from tandem.core import crypto, rotation
from tandem.vault.models import Credential, ShareLink

SEALED_FIELDS = {"password": "password_sealed", "totp": "totp_sealed", "notes": "notes_sealed"}


def credential_context(pk: int, field: str) -> str:
    return f"vault.Credential.{field}:{pk}"


def share_link_context(token_digest: str) -> str:
    return f"vault.ShareLink.secret:{token_digest}"


def seal_field(pk: int, field: str, value: str) -> str:
    """``value`` sealed for the credential's ``field``; empty stays empty (none given)."""
    return crypto.seal(value, context=credential_context(pk, field)) if value else ""


def open_field(credential: Credential, field: str) -> str:
    """The credential's ``field`` in the clear; raises ``crypto.UnsealError`` if it was
    altered or moved from another row."""
    token = getattr(credential, SEALED_FIELDS[field])
    return (
        crypto.unseal_text(token, context=credential_context(credential.pk, field)) if token else ""
    )


def reseal_credentials(batch_size: int) -> rotation.Tally:
    """Re-seal every credential's secrets under the newest master key (``rotate_keys``).

    Each row is written only if it still holds exactly what was read, so a secret the client
    changed meanwhile is never overwritten with the old one."""
    tally = rotation.Tally("Vault credentials")
    columns = list(SEALED_FIELDS.values())
    last_pk = 0
    rows = Credential.objects.order_by("pk")
    while batch := list(rows.filter(pk__gt=last_pk).values_list("pk", *columns)[:batch_size]):
        for pk, *stored in batch:
            try:
                tally.add(_reseal_credential(pk, dict(zip(columns, stored, strict=True))))
            except crypto.UnsealError as error:
                tally.add_unreadable(f"Credential {pk}", error)
        last_pk = batch[-1][0]
    return tally


def _reseal_credential(pk: int, stored: dict[str, str]) -> rotation.Outcome:
    fresh: dict[str, str] = {}
    outcomes: list[rotation.Outcome] = []
    for field, column in SEALED_FIELDS.items():
        value = stored[column]
        if not value:
            fresh[column] = value
            continue
        fresh[column], outcome = rotation.reseal_value(value, context=credential_context(pk, field))
        outcomes.append(outcome)
    if fresh == stored:
        return rotation.Outcome.CURRENT
    written = Credential.objects.filter(pk=pk, **stored).update(**fresh)
    return rotation.row_outcome(outcomes) if written else rotation.Outcome.CHANGED_MEANWHILE


def reseal_share_links(batch_size: int) -> rotation.Tally:
    """Re-seal the secrets of share links not yet opened (an opened one holds nothing)."""
    tally = rotation.Tally("Vault share links")
    last_pk = 0
    rows = ShareLink.objects.exclude(secret_sealed="").order_by("pk")
    while batch := list(
        rows.filter(pk__gt=last_pk).values_list("pk", "token_digest", "secret_sealed")[:batch_size]
    ):
        for pk, digest, stored in batch:
            try:
                fresh, outcome = rotation.reseal_value(stored, context=share_link_context(digest))
            except crypto.UnsealError as error:
                tally.add_unreadable(f"ShareLink {pk}", error)
                continue
            if fresh != stored:
                written = ShareLink.objects.filter(pk=pk, secret_sealed=stored).update(
                    secret_sealed=fresh
                )
                outcome = outcome if written else rotation.Outcome.CHANGED_MEANWHILE
            tally.add(outcome)
        last_pk = batch[-1][0]
    return tally
