"""Reads of the catalogue and of a client's phase, scoped to what the person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tandem.clients.models import Client
from tandem.delegation import phases
from tandem.delegation.models import PhaseChange, StandingGoAhead, WorkKind
from tandem.delegation.phases import JobDescription

if TYPE_CHECKING:
    from tandem.accounts.models import User

HISTORY_SHOWN = 50


@dataclass(frozen=True)
class PhaseRow:
    """One phase as the phase page shows it: its description and the catalogue's kinds."""

    description: JobDescription
    kinds: list[WorkKind]
    is_current: bool
    is_next: bool


def catalogue(practice_id: int) -> list[WorkKind]:
    return list(WorkKind.objects.of_practice(practice_id).in_use().order_by("phase", "name"))


def phase_rows(client: Client, kinds: list[WorkKind]) -> list[PhaseRow]:
    return [
        PhaseRow(
            description=description,
            kinds=[kind for kind in kinds if kind.phase == number],
            is_current=number == client.phase,
            is_next=number == client.phase + 1,
        )
        for number, description in sorted(phases.DESCRIPTIONS.items())
    ]


def phase_history(client: Client, user: User) -> list[PhaseChange]:
    """The client's phase changes, newest first, with who made them (one query)."""
    return list(
        PhaseChange.objects.visible_to(user)
        .filter(client=client)
        .select_related("changed_by", "reversed_by")
        .order_by("-changed_at", "-pk")[:HISTORY_SHOWN]
    )


def standing_go_aheads(client: Client, user: User) -> list[StandingGoAhead]:
    return list(
        StandingGoAhead.objects.visible_to(user)
        .in_force()
        .filter(client=client)
        .select_related("kind", "given_by")
        .order_by("kind__phase", "kind__name")
    )
