"""The practice's append-only record of signatures, chained by hashes.

Each record's hash is the SHA-256 of the previous record's hash and the record's own
content (canonical JSON with its sequence number), so changing a record, taking one out or
swapping two breaks every hash after it; and each agreement's state says how many signatures
(each one a record) it has, so taking the last records out shows too. ``verify`` walks the
chain and says where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count

from tandem.agreements.models import Agreement, ChainRecord, Signature, State
from tandem.core.models import Practice

# The first record's "previous hash".
GENESIS = "0" * 64


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(previous_hash: str, sequence: int, content: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(previous_hash.encode())
    digest.update(str(sequence).encode())
    digest.update(canonical(content))
    return digest.hexdigest()


def append(practice: Practice, content: dict[str, Any]) -> ChainRecord:
    """Add a record at the end of ``practice``'s chain. Call inside the signature's
    transaction: the practice row is locked first, so two signatures at once take turns
    (and the unique sequence refuses a second writer that got past the lock anyway)."""
    assert transaction.get_connection().in_atomic_block, "append inside a transaction"
    Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk").first()
    last = (
        ChainRecord.objects.filter(practice=practice)
        .order_by("-sequence")
        .values_list("sequence", "record_hash")
        .first()
    )
    sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    return ChainRecord.objects.create(
        practice=practice,
        sequence=sequence,
        content=content,
        previous_hash=previous,
        record_hash=record_hash(previous, sequence, content),
    )


@dataclass(frozen=True)
class ChainReport:
    records: int
    # None when the chain is whole; otherwise where it breaks, as a sentence.
    problem: str | None
    last_hash: str

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def verify(practice_id: int) -> ChainReport:
    """Walk ``practice_id``'s chain from the start, then count each agreement's signatures
    against its state (two queries)."""
    rows = list(
        ChainRecord.objects.filter(practice_id=practice_id)
        .order_by("id")
        .values_list("id", "sequence", "content", "previous_hash", "record_hash")
    )
    previous = GENESIS
    for expected, (_pk, sequence, content, previous_hash, stored_hash) in enumerate(rows, 1):
        if sequence != expected:
            problem = f"Record {expected} is missing or out of order."
            return ChainReport(len(rows), problem, previous)
        if previous_hash != previous:
            return ChainReport(
                len(rows), f"Record {sequence} does not follow the one before it.", previous
            )
        if record_hash(previous_hash, sequence, content) != stored_hash:
            problem = f"Record {sequence} was changed after it was written."
            return ChainReport(len(rows), problem, previous)
        previous = stored_hash
    # Taking the last records out leaves a whole but shorter chain: the agreements' states
    # say how many signatures each must have, and each signature is a record.
    short = _agreement_missing_signatures(practice_id)
    if short is not None:
        return ChainReport(
            len(rows), f"A signature of agreement {short} was taken out of the record.", previous
        )
    return ChainReport(len(rows), None, previous)


# How many signatures an agreement in each state has.
SIGNATURES_BY_STATE = {
    State.AWAITING_PRACTICE: 1,
    State.SIGNED: 2,
    State.SUPERSEDED: 2,
}


def _agreement_missing_signatures(practice_id: int) -> int | None:
    """The first agreement whose signatures are fewer than its state says (one query)."""
    counted = (
        Agreement.objects.filter(practice_id=practice_id, state__in=list(SIGNATURES_BY_STATE))
        .annotate(signed=Count("signatures"))
        .values_list("pk", "state", "signed")
    )
    for pk, state, signed in counted:
        if signed < SIGNATURES_BY_STATE[State(state)]:
            return int(pk)
    return None


def chain_for(agreement_id: int, practice_id: int) -> list[ChainRecord]:
    """The records of one agreement's signatures, in chain order (for its certificate)."""
    ids = Signature.objects.filter(agreement_id=agreement_id, practice_id=practice_id).values(
        "record_id"
    )
    return list(ChainRecord.objects.filter(pk__in=ids).order_by("sequence"))
