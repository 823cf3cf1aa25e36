"""Agreements' jobs. Each re-reads what it needs, so running twice is harmless."""

from __future__ import annotations

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tandem.agreements import pdf
from tandem.agreements.models import Agreement, PdfState, State
from tandem.core import jobs


def pdf_name(agreement: Agreement) -> str:
    return f"agreements/{agreement.practice_id}/{secrets.token_urlsafe(18)}.pdf"


def _could_not_make(agreement_id: int) -> None:
    """Every attempt failed: the page says so instead of "being made" for ever."""
    Agreement.objects.filter(pk=agreement_id).exclude(pdf_state=PdfState.READY).update(
        pdf_state=PdfState.FAILED
    )


@jobs.job(on_give_up=_could_not_make)
def make_sealed_pdf(agreement_id: int) -> None:
    """Render and seal a signed agreement's PDF and keep it. A retry, or a second worker,
    finds it ready and does nothing; a file made by the loser of a race is deleted."""
    agreement = (
        Agreement.objects.filter(pk=agreement_id, state__in=[State.SIGNED, State.SUPERSEDED])
        .select_related("practice", "client", "amends")
        .first()
    )
    if agreement is None or agreement.pdf_state == PdfState.READY:
        return
    sealed = pdf.sealed_pdf(agreement)
    name = default_storage.save(pdf_name(agreement), ContentFile(sealed))
    kept = (
        Agreement.objects.filter(pk=agreement.pk)
        .exclude(pdf_state=PdfState.READY)
        .update(
            pdf_state=PdfState.READY,
            pdf_name=name,
            pdf_sha256=hashlib.sha256(sealed).hexdigest(),
        )
    )
    if not kept:
        default_storage.delete(name)
