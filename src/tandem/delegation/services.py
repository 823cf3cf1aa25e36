"""Writes of the delegation catalogue and of a client's phase.

Who may do each is ``core.access``'s answer: the owner keeps the catalogue
(``KEEP_CATALOGUE``); the client decides its phase (``CHANGE_PHASE``), and the practice may
only step a client back (``STEP_BACK_PHASE``), since lowering trust is always safe.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.clients.models import Client, Phase
from tandem.core import access, audit
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import Membership, Practice
from tandem.core.roles import Capability
from tandem.delegation import phases
from tandem.delegation.catalogue import DEFAULT_KINDS
from tandem.delegation.models import (
    KEYWORDS_MAX,
    KIND_NAME_MAX,
    RISK_NOTE_MAX,
    Mode,
    PhaseChange,
    WorkKind,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

C = Capability


# The catalogue --------------------------------------------------------------------------


def seed_catalogue(practice: Practice | int) -> int:
    """Give a practice the default catalogue, once: nothing when it has any kind already."""
    practice_id = practice if isinstance(practice, int) else practice.pk
    if WorkKind.objects.filter(practice_id=practice_id).exists():
        return 0
    WorkKind.objects.bulk_create(
        WorkKind(
            practice_id=practice_id,
            name=kind.name,
            phase=kind.phase,
            mode=kind.mode,
            risk_note=kind.risk_note,
            keywords=kind.keywords,
        )
        for kind in DEFAULT_KINDS
    )
    return len(DEFAULT_KINDS)


NAME_MISSING = "Name the kind of work, e.g. “Booking travel”."
PHASE_MISSING = "Choose the phase this kind of work belongs to (I, II or III)."
NAME_TAKEN = "The catalogue already has a kind called “{name}”; choose another name."


def _checked_kind(
    *, name: str, phase: int | None, mode: str, risk_note: str, keywords: str
) -> dict[str, object]:
    name = " ".join(name.split())
    if not name:
        raise DomainError(NAME_MISSING, field="name")
    if len(name) > KIND_NAME_MAX:
        raise DomainError(f"Keep the name within {KIND_NAME_MAX} characters.", field="name")
    if phase not in phases.DESCRIPTIONS:
        raise DomainError(PHASE_MISSING, field="phase")
    if mode not in Mode.values:
        raise DomainError("Say whether the work is reactive or proactive.", field="mode")
    risk_note = risk_note.strip()
    if len(risk_note) > RISK_NOTE_MAX:
        raise DomainError(
            f"Keep the risk note within {RISK_NOTE_MAX} characters.", field="risk_note"
        )
    words = ", ".join(word.strip() for word in keywords.split(",") if word.strip())
    if len(words) > KEYWORDS_MAX:
        raise DomainError(f"Keep the keywords within {KEYWORDS_MAX} characters.", field="keywords")
    return {"name": name, "phase": phase, "mode": mode, "risk_note": risk_note, "keywords": words}


def _require_catalogue_keeper(actor: User) -> Membership:
    membership = access.member(actor)
    if membership is None or not access.allows(actor, C.KEEP_CATALOGUE):
        raise DomainError("Only the practice's owner keeps the catalogue of work.")
    return membership


def add_kind(
    *, actor: User, name: str, phase: int | None, mode: str, risk_note: str = "", keywords: str = ""
) -> WorkKind:
    membership = _require_catalogue_keeper(actor)
    fields = _checked_kind(
        name=name, phase=phase, mode=mode, risk_note=risk_note, keywords=keywords
    )
    try:
        with transaction.atomic():
            return WorkKind.objects.create(practice_id=membership.practice_id, **fields)
    except IntegrityError:
        raise DomainError(NAME_TAKEN.format(name=fields["name"]), field="name") from None


def update_kind(
    kind: WorkKind,
    *,
    actor: User,
    name: str,
    phase: int | None,
    mode: str,
    risk_note: str = "",
    keywords: str = "",
) -> WorkKind:
    membership = _require_catalogue_keeper(actor)
    if kind.practice_id != membership.practice_id or kind.retired_at is not None:
        raise DomainError("This kind of work is no longer in the catalogue.")
    fields = _checked_kind(
        name=name, phase=phase, mode=mode, risk_note=risk_note, keywords=keywords
    )
    try:
        with transaction.atomic():
            WorkKind.objects.filter(pk=kind.pk).update(**fields)
    except IntegrityError:
        raise DomainError(NAME_TAKEN.format(name=fields["name"]), field="name") from None
    for field, value in fields.items():
        setattr(kind, field, value)
    return kind


def retire_kind(kind: WorkKind, *, actor: User) -> None:
    """Take a kind out of the catalogue; requests that named it keep it."""
    membership = _require_catalogue_keeper(actor)
    if kind.practice_id != membership.practice_id:
        raise DomainError("This kind of work is no longer in the catalogue.")
    WorkKind.objects.filter(pk=kind.pk, retired_at__isnull=True).update(retired_at=timezone.now())


# Suggesting a kind ------------------------------------------------------------------------

_WORDS = re.compile(r"[\w'-]+")


def suggest_kind(kinds: list[WorkKind], *text: str) -> WorkKind | None:
    """The kind whose keywords best match the request's words: the most matches, longer
    keywords first ("follow up" says more than "post"); None when nothing matches."""
    words = " " + " ".join(_WORDS.findall(" ".join(text).lower())) + " "
    best: tuple[int, int] = (0, 0)
    found: WorkKind | None = None
    for kind in kinds:
        matched = [k for k in kind.keyword_list if f" {k} " in words]
        score = (len(matched), sum(len(k) for k in matched))
        if score > best:
            best, found = score, kind
    return found


# A client's phase -------------------------------------------------------------------------

PAST_LAST = "Phase III is the last phase; there is nothing above it."
BELOW_FIRST = "Phase I is the first phase; there is nothing below it."
SAME_PHASE = "{client} is already in {phase}."
ONLY_CLIENT_PROMOTES = "Only the client decides to move up a phase; the practice can suggest it."


def change_phase(
    client: Client,
    *,
    actor: User,
    to_phase: int | None,
    note: str = "",
    reverses: PhaseChange | None = None,
) -> PhaseChange:
    """Move ``client`` to ``to_phase``: the client decides (any phase, skipping is allowed);
    the practice may only step it back. Logged for both sides and in the audit log."""
    standing = access.standing(actor, client)
    if not standing.sees:
        raise DomainError(access.NOT_YOURS)
    if to_phase is None or to_phase not in phases.DESCRIPTIONS:
        if isinstance(to_phase, int) and to_phase > phases.HIGHEST:
            raise DomainError(PAST_LAST, field="to_phase")
        if isinstance(to_phase, int) and to_phase < phases.LOWEST:
            raise DomainError(BELOW_FIRST, field="to_phase")
        raise DomainError("Choose Phase I, II or III.", field="to_phase")
    current = client.phase
    if to_phase == current:
        raise DomainError(
            SAME_PHASE.format(client=client.name, phase=phases.short_name(current)),
            field="to_phase",
        )
    if to_phase > current:
        standing.require(C.CHANGE_PHASE, wrong_role=ONLY_CLIENT_PROMOTES, field="to_phase")
    elif not (standing.allows(C.CHANGE_PHASE) or standing.allows(C.STEP_BACK_PHASE)):
        raise DomainError(access.ONLY_OTHER_SIDE, field="to_phase")
    note = note.strip()[:500]
    with transaction.atomic():
        moved = Client.objects.filter(pk=client.pk, phase=current).update(phase=to_phase)
        if not moved:
            raise DomainError("Someone changed the phase meanwhile; look again and retry.")
        change = PhaseChange.objects.create(
            practice_id=client.practice_id,
            client=client,
            from_phase=current,
            to_phase=to_phase,
            changed_by=actor,
            note=note,
            reverses=reverses,
        )
        audit.record(
            Action.PHASE_CHANGED,
            practice=client.practice,
            actor=actor,
            target=client,
            client_id=client.pk,
            data={"from": current, "to": to_phase, "change": change.pk},
        )
    client.phase = to_phase
    return change


def reverse_change(change: PhaseChange, *, actor: User) -> PhaseChange:
    """Undo a change: the client back where it was before it, as a change of its own."""
    client = Client.objects.get(pk=change.client_id)
    if client.phase != change.to_phase or PhaseChange.objects.filter(reverses=change).exists():
        raise DomainError("This change has been superseded; change the phase directly instead.")
    return change_phase(
        client, actor=actor, to_phase=change.from_phase, note="Reversed", reverses=change
    )


def starting_phase(client: Client, *, actor: User, phase: int) -> None:
    """The phase a new client starts in (any phase may be skipped, when the client agrees),
    recorded as the relationship's first change."""
    if phase == Phase.CLERICAL or phase == client.phase:
        return
    if phase not in phases.DESCRIPTIONS:
        raise DomainError("Choose Phase I, II or III.", field="phase")
    with transaction.atomic():
        Client.objects.filter(pk=client.pk).update(phase=phase)
        PhaseChange.objects.create(
            practice_id=client.practice_id,
            client=client,
            from_phase=client.phase,
            to_phase=phase,
            changed_by=actor,
            note="Agreed when the client joined",
        )
    client.phase = phase
