"""Agreements made the way people make them, through the services: issued, sent, signed with
the code read from the mail Tandem stored, countersigned, and the sealed PDF made by the job."""

from __future__ import annotations

import re
from datetime import date

from tandem.accounts.models import User
from tandem.agreements import services
from tandem.agreements.models import Agreement, Kind, SigningCode
from tandem.agreements.tasks import make_sealed_pdf
from tandem.clients.models import Client
from tandem.core.mail import readable_bodies
from tandem.core.models import OutboundEmail

TERMS = services.Terms(
    hourly_rate="USD 45",
    payment_terms="within 14 days",
    notice_period="30 days'",
    start_date=date(2025, 1, 6),
)
HERE = services.SignedBy(ip_address="127.0.0.1", user_agent="pytest")
CODE = re.compile(r"\b(\d{6})\b")


def issue(client: Client, owner: User, kind: str = Kind.SERVICE) -> Agreement:
    return services.issue_agreement(client, actor=owner, kind=kind, terms=TERMS)


def issue_and_send(client: Client, owner: User, kind: str = Kind.SERVICE) -> Agreement:
    return services.send_agreement(issue(client, owner, kind), actor=owner)


def code_mailed(agreement: Agreement, user: User) -> str:
    """The code in the latest code mail to ``user`` (read as it will be sent)."""
    row = SigningCode.objects.filter(agreement=agreement, user=user).latest("id")
    text, _ = readable_bodies(OutboundEmail.objects.get(key=f"agreement-code:{row.pk}"))
    found = CODE.search(text)
    assert found is not None, text
    return found.group(1)


def new_code(agreement: Agreement, user: User) -> str:
    services.send_code(agreement, actor=user)
    return code_mailed(agreement, user)


def sign(agreement: Agreement, user: User, *, name: str | None = None) -> Agreement:
    code = new_code(agreement, user)
    services.sign_agreement(
        agreement,
        actor=user,
        consent=True,
        typed_name=name if name is not None else user.name,
        code=code,
        signed_by=HERE,
    )
    agreement.refresh_from_db()
    return agreement


def signed_by_both(
    client: Client, owner: User, contact: User, kind: str = Kind.SERVICE
) -> Agreement:
    agreement = issue_and_send(client, owner, kind)
    sign(agreement, contact)
    return sign(agreement, owner)


def make_pdf(agreement: Agreement) -> Agreement:
    """Run the render job's own function (the worker would run the same)."""
    make_sealed_pdf.func(agreement.pk)
    agreement.refresh_from_db()
    return agreement
