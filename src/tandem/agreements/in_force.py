"""Agreements in force, as the access policy reads them: a row of ``REQUIREMENTS`` on taking
on a request, reading only the client's own fields (no query), which ``keep_in_force``
writes whenever an agreement is signed by both sides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tandem.agreements.models import Agreement, Kind, State
from tandem.clients.models import Client
from tandem.core.access import Requirement

KIND_FIELDS = {
    Kind.SERVICE: "service_agreement_at",
    Kind.CONFIDENTIALITY: "confidentiality_agreement_at",
}
NAMES = {
    Kind.SERVICE: "the service agreement",
    Kind.CONFIDENTIALITY: "the confidentiality agreement",
}


def missing_kinds(client: Any) -> list[Kind]:
    """The kinds of agreement not in force for ``client`` (any object with its fields)."""
    return [kind for kind, field in KIND_FIELDS.items() if getattr(client, field, None) is None]


def is_missing_any(client: Any) -> bool:
    return bool(getattr(client, "requires_agreements", False)) and bool(missing_kinds(client))


def missing_sentence(client: Any) -> str:
    """What is missing, as one sentence ("… has not signed the service agreement yet …")."""
    names = [NAMES[kind] for kind in missing_kinds(client)]
    which = " and ".join(names) or "the agreements"
    noun = "them" if len(names) != 1 else "it"
    return f"{client.name} has not signed {which} yet, so new requests wait for {noun}."


AGREEMENTS_IN_FORCE = Requirement(
    name="agreements in force",
    holds=lambda standing: not is_missing_any(standing.relationship),
    refusal="{client} has not signed the agreements yet, so new requests wait for them.",
    explain=lambda standing: missing_sentence(standing.relationship),
)


def keep_in_force(client_id: int) -> None:
    """Write on the client's row since when each kind has an agreement signed by both sides
    (the latest signed, amendments included), and since when both are (one query each)."""
    latest: dict[str, datetime | None] = {}
    for kind, field in KIND_FIELDS.items():
        latest[field] = (
            Agreement.objects.filter(client_id=client_id, kind=kind, state=State.SIGNED)
            .order_by("-signed_at")
            .values_list("signed_at", flat=True)
            .first()
        )
    both = (
        max(value for value in latest.values() if value is not None)
        if all(latest.values())
        else None
    )
    Client.objects.filter(pk=client_id).update(**latest, agreements_in_force_at=both)
