"""The demo's references, both ways (issue 14): Bloom Florist agreed to be a reference (Chloe,
with a line of what she would say); the practice has a link for prospects, through which
Jordan Avery asked how quickly Northwind answers, and Olivia passed it on to Bloom Florist,
whose contacts got the question by mail. Harbour Legal's previous VA was asked how it paid
before Ben took it on: a reference check only the practice sees."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.references import checks, consents, links, prospects


def references(clients: dict[str, Client], owner: User) -> None:
    bloom = clients["Bloom Florist"]
    chloe = User.objects.get(email="chloe@bloom.example.com")
    consents.give_consent(
        bloom,
        actor=chloe,
        agreed=True,
        note="Ada runs our newsletter and supplier orders: always on time, and she asks before "
        "she guesses.",
    )
    link, _ = links.make_link(actor=owner)
    asked = prospects.ask_for_references(
        link,
        name="Jordan Avery",
        email="jordan@avery-studio.example.com",
        question="How quickly do they answer a request, and do they keep to their deadlines?",
    )
    prospects.pass_on(asked, actor=owner, clients=[bloom])
    ben = User.objects.get(email="ben@demo.example.com")
    checks.record_check(
        clients["Harbour Legal"],
        actor=ben,
        source="Their previous VA (Sydney)",
        checked_on=timezone.localdate() - timedelta(days=45),
        payment="on_time",
        notes="Paid every invoice within 14 days for two years; asks for a monthly summary.",
    )
