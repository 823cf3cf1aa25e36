"""Suggesting the next phase, and the client's answer (issue 13).

A suggestion is made when a client's track record meets the practice's thresholds: by the
daily scan (``tasks.suggest_phases``) or when someone opens the track record. Making one
also mails the client's contacts, once (the mail's key is the suggestion's). The client
moves up (through ``delegation.services.change_phase``, so it is logged and reversible like
any change) or says "not yet"; a phase changed meanwhile overtakes the suggestion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Client, ClientContact, compiled_rows_for, scoped_by_reach
from tandem.core import access, mail, site
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.delegation import services as delegation
from tandem.trust.models_track import Answer, PhaseSuggestion
from tandem.trust.track_record import Suggestion, suggestion_for

if TYPE_CHECKING:
    from datetime import datetime

    from tandem.accounts.models import User
    from tandem.core.access import Reach

C = Capability

ANSWERED_ALREADY = "This suggestion has been answered already."
ONLY_THE_CLIENT = "Only the client decides to move up a phase."


def open_suggestion(client: Client, *, viewer: User) -> PhaseSuggestion | None:
    """The client's suggestion waiting for an answer, if any (one query, compiled once per
    member, client and phase: ``core.compiled``)."""
    found = compiled_rows_for(viewer, _open_suggestion, client.pk, client.phase)
    return found[0] if found else None


def _open_suggestion(
    practice_id: int, reach: Reach, user_id: int, client_id: int, phase: int
) -> QuerySet[PhaseSuggestion, PhaseSuggestion]:
    rows = scoped_by_reach(PhaseSuggestion.objects.all(), practice_id, reach, user_id)
    return rows.open().filter(client_id=client_id, from_phase=phase).order_by("pk")[:1]


def suggest_if_met(
    client: Client, *, now: datetime, viewer: User | None = None
) -> PhaseSuggestion | None:
    """Make the suggestion when the record meets the thresholds and none is open; mail the
    client's contacts in the same transaction. None when nothing was suggested."""
    if client.is_archived:
        return None
    _, suggestion = suggestion_for(client, viewer=viewer, now=now)
    if suggestion is None or not suggestion.is_suggested:
        return None
    try:
        with transaction.atomic():
            made = PhaseSuggestion.objects.create(
                practice_id=client.practice_id,
                client=client,
                from_phase=client.phase,
                to_phase=suggestion.to_phase,
                evidence=[{"label": c.label, "met": c.met} for c in suggestion.checks],
                suggested_at=now,
            )
            _mail_contacts(client, made, suggestion)
    except IntegrityError:
        return None  # one is open already
    return made


def _mail_contacts(client: Client, made: PhaseSuggestion, suggestion: Suggestion) -> None:
    practice = client.practice
    url = site.absolute(practice, reverse("trust:track-record", args=[client.pk]))
    contacts = ClientContact.objects.filter(client=client, user__is_active=True).select_related(
        "user"
    )
    for contact in contacts:
        subject, text, html = mail.render_email(
            "trust/email/phase_suggested",
            {
                "client": client,
                "contact": contact.user,
                "suggestion": made,
                "description": suggestion.description,
                "url": url,
                "practice": practice,
            },
            practice=practice,
        )
        mail.queue_email(
            key=f"phase-suggestion:{made.pk}:{contact.user_id}",
            to=contact.user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=practice,
        )


def answer(suggestion: PhaseSuggestion, *, actor: User, move_up: bool) -> PhaseSuggestion:
    """The client's answer: move up to the suggested phase, or "not yet"."""
    client = Client.objects.select_related("practice").get(pk=suggestion.client_id)
    standing = access.standing(actor, client)
    if not standing.sees:
        raise DomainError(access.NOT_YOURS)
    standing.require(C.CHANGE_PHASE, wrong_role=ONLY_THE_CLIENT)
    if suggestion.answer != Answer.OPEN:
        raise DomainError(ANSWERED_ALREADY)
    now = timezone.now()
    with transaction.atomic():
        if client.phase != suggestion.from_phase:
            _close(suggestion, Answer.OVERTAKEN, actor=None, now=now)
            raise DomainError(
                f"{client.name} has changed phase since this was suggested; see the phase page."
            )
        if move_up:
            delegation.change_phase(
                client,
                actor=actor,
                to_phase=suggestion.to_phase,
                note="Moved up on the track record's suggestion",
            )
        _close(suggestion, Answer.PROMOTED if move_up else Answer.NOT_YET, actor=actor, now=now)
    return suggestion


def _close(suggestion: PhaseSuggestion, result: str, *, actor: User | None, now: datetime) -> None:
    closed = PhaseSuggestion.objects.filter(pk=suggestion.pk, answer=Answer.OPEN).update(
        answer=result, answered_by=actor, answered_at=now
    )
    if not closed:
        raise DomainError(ANSWERED_ALREADY)
    suggestion.answer, suggestion.answered_by, suggestion.answered_at = result, actor, now


def overtake_stale_suggestions(*, now: datetime) -> int:
    """Open suggestions whose client changed phase some other way no longer stand."""
    stale = PhaseSuggestion.objects.open().exclude(from_phase=F("client__phase")).values("pk")
    return PhaseSuggestion.objects.filter(pk__in=stale).update(
        answer=Answer.OVERTAKEN, answered_at=now
    )


def scan(*, now: datetime, batch: int = 200) -> int:
    """Suggest the next phase wherever the record now meets the thresholds: active clients
    below Phase III with no suggestion open. Returns how many were made."""
    overtake_stale_suggestions(now=now)
    made = 0
    clients = (
        Client.objects.active()
        .filter(phase__lt=3)
        .exclude(pk__in=PhaseSuggestion.objects.open().values("client_id"))
        .select_related("practice")
        .order_by("pk")
    )
    for client in clients.iterator(chunk_size=batch):
        if suggest_if_met(client, now=now) is not None:
            made += 1
    return made


def answer_now(client: Client, *, actor: User, move_up: bool, now: datetime) -> PhaseSuggestion:
    """The client's answer from the track record page: to the open suggestion, or to the
    one the record makes now (the daily scan may not have run since it met the thresholds).
    Refused when the record does not suggest a phase."""
    standing = access.standing(actor, client)
    if not standing.sees:
        raise DomainError(access.NOT_YOURS)
    standing.require(C.CHANGE_PHASE, wrong_role=ONLY_THE_CLIENT)
    found = open_suggestion(client, viewer=actor)
    if found is None:
        _, suggestion = suggestion_for(client, viewer=actor, now=now)
        if suggestion is None or not suggestion.is_met:
            raise DomainError(
                "Your track record does not suggest a new phase yet; you can still change "
                "your phase on the phase page."
            )
        try:
            with transaction.atomic():
                found = PhaseSuggestion.objects.create(
                    practice_id=client.practice_id,
                    client=client,
                    from_phase=client.phase,
                    to_phase=suggestion.to_phase,
                    evidence=[{"label": c.label, "met": c.met} for c in suggestion.checks],
                    suggested_at=now,
                )
        except IntegrityError:
            raise DomainError(ANSWERED_ALREADY) from None
    return answer(found, actor=actor, move_up=move_up)
