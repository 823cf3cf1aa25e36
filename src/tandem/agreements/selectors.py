"""Reads about agreements, always scoped to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tandem.agreements import in_force
from tandem.agreements.models import Agreement, Kind, Signature, State
from tandem.agreements.services import signing_side
from tandem.clients.models import Client, compiled_rows_for, scoped_by_reach
from tandem.core import access
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.access import Reach


@dataclass(frozen=True)
class AgreementsStatus:
    """What a client page and the portal say about a client's agreements (one query)."""

    client: Client
    # Whether the practice asks for both agreements before taking on requests.
    required: bool
    # The kinds not in force, as words ("the service agreement").
    missing: list[str]
    # The sentence the access policy says while something is missing; "" when nothing is.
    refusal: str
    # Agreements waiting for someone's signature (the viewer's side or the other's).
    waiting: list[Agreement] = field(default_factory=list)
    # Agreements in force, one per kind at most.
    signed: list[Agreement] = field(default_factory=list)
    may_issue: bool = False


LISTED = [State.DRAFT, State.AWAITING_CLIENT, State.AWAITING_PRACTICE, State.SIGNED]


def agreements_status(*, viewer: User, client: Client) -> AgreementsStatus:
    """``client``'s agreements as the viewer sees them (contacts never see drafts): those
    waiting for a signature and those in force, plus what the policy says is missing. The
    client's fields say what is in force, so only the list is a query, compiled once per
    member and client (``core.compiled``)."""
    rows = (
        compiled_rows_for(
            viewer, _listed, client.pk, access.is_practice_side(access.member(viewer))
        )
        if access.allows(viewer, Capability.SEE_AGREEMENTS)
        else []
    )
    missing = [in_force.NAMES[kind] for kind in in_force.missing_kinds(client)]
    refusal = in_force.missing_sentence(client) if in_force.is_missing_any(client) else ""
    return AgreementsStatus(
        client=client,
        required=client.requires_agreements,
        missing=missing,
        refusal=refusal,
        waiting=[row for row in rows if row.state != State.SIGNED],
        signed=[row for row in rows if row.state == State.SIGNED],
        may_issue=access.standing_of_visible(viewer, client).allows(Capability.ISSUE_AGREEMENT),
    )


def _listed(
    practice_id: int, reach: Reach, user_id: int, client_id: int, with_drafts: bool
) -> QuerySet[Agreement, Agreement]:
    """What ``Agreement.objects.visible_to`` gives a member who may see agreements."""
    rows = scoped_by_reach(Agreement.objects.all(), practice_id, reach, user_id)
    return (
        rows.with_drafts_for(with_drafts)
        .filter(client_id=client_id, state__in=LISTED)
        .only("id", "client_id", "kind", "title", "version", "state", "signed_at", "sent_at")
        .order_by("kind", "-id")
    )


def client_agreements(*, viewer: User, client: Client) -> list[Agreement]:
    """Every agreement of ``client`` the viewer sees, newest first by kind (one query)."""
    return list(
        Agreement.objects.visible_to(viewer)
        .filter(client=client)
        .order_by("kind", "-version", "-id")
    )


@dataclass(frozen=True)
class AgreementPage:
    agreement: Agreement
    signatures: list[Signature]
    # The side the viewer signs for now; None when there is nothing for them to sign.
    signing_side: str | None
    may_issue: bool
    # The newer version, when this one was amended (or is being amended).
    amendment: Agreement | None


def agreement_page(*, viewer: User, agreement: Agreement) -> AgreementPage:
    """One agreement with its signatures (one query) and its amendment, if any (one)."""
    standing = access.standing_of_visible(viewer, agreement.client)
    signatures = list(
        Signature.objects.filter(agreement=agreement)
        .select_related("record")
        .order_by("signed_at", "pk")
    )
    amendment = (
        Agreement.objects.visible_to(viewer)
        .filter(amends=agreement)
        .exclude(state=State.WITHDRAWN)
        .order_by("-id")
        .first()
    )
    return AgreementPage(
        agreement=agreement,
        signatures=signatures,
        signing_side=signing_side(agreement, standing),
        may_issue=standing.allows(Capability.ISSUE_AGREEMENT),
        amendment=amendment,
    )


KINDS = [(kind.value, kind.label) for kind in Kind]
