"""The demo's agreements (issue 14): Bloom Florist signed both its service and its
confidentiality agreement (the sealed PDFs are made by the worker, through the job queue);
Summit Coaching's service agreement waits for Marcus's signature in the portal."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tandem.accounts.models import User
from tandem.agreements import codes, services
from tandem.agreements.models import Agreement, Kind
from tandem.clients.models import Client

TERMS = services.Terms(
    hourly_rate="GBP 38",
    payment_terms="within 14 days of the invoice date",
    notice_period="30 days'",
    start_date=date(2024, 9, 2),
)
DEMO_DEVICE = services.SignedBy(ip_address="127.0.0.1", user_agent="Tandem demo")


def _sign(agreement: Agreement, signer: User) -> None:
    """Sign as ``signer`` does in the page, with a code made for them (no mail in the demo)."""
    code = codes.new_code(agreement, user_id=signer.pk, now=timezone.now())
    services.sign_agreement(
        agreement, actor=signer, consent=True, typed_name=signer.name, code=code,
        signed_by=DEMO_DEVICE,
    )  # fmt: skip


def seed_agreements(clients: dict[str, Client], owner: User) -> None:
    bloom = clients["Bloom Florist"]
    chloe = User.objects.get(email="chloe@bloom.example.com")
    for kind in (Kind.SERVICE, Kind.CONFIDENTIALITY):
        draft = services.issue_agreement(bloom, actor=owner, kind=kind, terms=TERMS)
        sent = services.send_agreement(draft, actor=owner)
        _sign(sent, chloe)
        _sign(sent, owner)
    summit = clients["Summit Coaching"]
    draft = services.issue_agreement(summit, actor=owner, kind=Kind.SERVICE, terms=TERMS)
    services.send_agreement(draft, actor=owner)
