"""The demo's heads-ups (issue 12): work clients have said is coming, in both states, so a new
user sees what tentative and confirmed mean on the heads-ups page, the portal and the plan."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.planning.headsups import confirm_heads_up, give_heads_up, size_of

# (client, given by, what, details, hours or None, size letter, materials in days or None,
#  due in days, confirmed by or None)
HEADS_UPS = [
    ("Bloom Florist", "chloe@bloom.example.com", "Valentine's Day campaign",
     "Newsletter, two social posts and the order form for bouquets.", None, "L", 20, 45,
     "ada@demo.example.com"),
    ("Bloom Florist", "chloe@bloom.example.com", "Supplier price list update", "", "2", "", 5,
     12, None),
    ("Summit Coaching", "marcus@summit.example.com", "Spring workshop bookings",
     "Set up the booking page and the reminder e-mails.", None, "M", 10, 30, None),
    ("Harbour Legal", "ben@demo.example.com", "Year-end file archiving", "", "6", "", None, 25,
     "ben@demo.example.com"),
]  # fmt: skip


def add_heads_ups(clients: dict[str, Client]) -> None:
    """Give each heads-up through the services, as its giver would; confirm some."""
    now = timezone.now()
    for business, giver, what, details, hours, letter, materials, due, confirmer in HEADS_UPS:
        client = clients[business]
        size = size_of(
            practice_id=client.practice_id,
            hours=Decimal(hours) if hours else None,
            letter=letter,
        )
        heads_up = give_heads_up(
            client,
            actor=User.objects.get(email=giver),
            what=what,
            details=details,
            size=size,
            due_at=now + timedelta(days=due),
            materials_expected_at=now + timedelta(days=materials) if materials else None,
        )
        if confirmer:
            confirm_heads_up(heads_up, actor=User.objects.get(email=confirmer))
