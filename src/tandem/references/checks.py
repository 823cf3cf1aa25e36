"""References the practice checked about a client (issue 14): whom it asked, when, how the
client paid elsewhere, and notes. The practice's side only: the client's side never reads
them (``Check.objects.visible_to`` gives it none, and their pages are missing for it)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access, audit
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.references.models import CHECK_NOTES_MAX, SOURCE_MAX, Check, Payment

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tandem.accounts.models import User

C = Capability

SOURCE_MISSING = "Say whom you asked, such as “previous VA” or “their bookkeeper”."
SOURCE_TOO_LONG = f"Keep this under {SOURCE_MAX} characters."
DATE_MISSING = "Give the date you checked it, such as 3 December 2026."
DATE_AHEAD = "That date is still ahead: give the day you checked it."
PAYMENT_UNKNOWN = "Pick how they paid: on time, late, or not known."
NOTES_TOO_LONG = f"Keep the notes under {CHECK_NOTES_MAX:,} characters."


def record_check(
    client: Client,
    *,
    actor: User,
    source: str,
    checked_on: date | None,
    payment: str,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Check:
    """Record a reference checked about ``client`` (the practice's side of it)."""
    access.standing(actor, client).require(C.CHECK_REFERENCES, unseen=access.NOT_YOURS)
    source, notes = source.strip(), notes.strip()
    if not source:
        raise DomainError(SOURCE_MISSING, field="source")
    if len(source) > SOURCE_MAX:
        raise DomainError(SOURCE_TOO_LONG, field="source")
    if checked_on is None:
        raise DomainError(DATE_MISSING, field="checked_on")
    if checked_on > timezone.localdate():
        raise DomainError(DATE_AHEAD, field="checked_on")
    if payment not in Payment.values:
        raise DomainError(PAYMENT_UNKNOWN, field="payment")
    if len(notes) > CHECK_NOTES_MAX:
        raise DomainError(NOTES_TOO_LONG, field="notes")
    with transaction.atomic():
        check = Check.objects.create(
            practice_id=client.practice_id,
            client=client,
            source=source,
            checked_on=checked_on,
            payment=payment,
            notes=notes,
            recorded_by=actor,
        )
        # The notes stay on the row: the audit log says what kind of entry it was, not its words.
        audit.record(
            Action.REFERENCE_CHECK_RECORDED,
            practice=client.practice,
            actor=actor,
            target=check,
            target_label=f"{client.name}: {source}"[:254],
            client_id=client.pk,
            request=request,
            data={"payment": payment, "checked_on": checked_on.isoformat()},
        )
    return check
