"""The demo practice that `make run` starts with: built through the same services users use."""

from __future__ import annotations

from datetime import time

from allauth.account.models import EmailAddress
from django.db import transaction

from tandem.accounts.models import User
from tandem.clients import invitations, services
from tandem.clients.models import Client, ClientContact
from tandem.core import services as core_services
from tandem.core.models import Membership
from tandem.core.roles import Role

PASSWORD = "tandem-demo-2026"  # noqa: S105 (printed for the demo on purpose)
OWNER = ("Olivia Hart", "owner@demo.example.com")
ASSISTANTS = [("Ada Brooks", "ada@demo.example.com"), ("Ben Okafor", "ben@demo.example.com")]
CLIENTS = [
    # (business, time zone, notes, contact name, contact e-mail, assistant e-mails)
    ("Bloom Florist", "Europe/London", "Weekly newsletter, supplier orders.", "Chloe Bloom",
     "chloe@bloom.example.com", ["ada@demo.example.com"]),
    ("Summit Coaching", "America/New_York", "Calendar and client onboarding.", "Marcus Reed",
     "marcus@summit.example.com", ["ada@demo.example.com", "ben@demo.example.com"]),
    ("Harbour Legal", "Australia/Sydney", "Confidential: handle with care.", "Priya Shah",
     "priya@harbour.example.com", ["ben@demo.example.com"]),
]  # fmt: skip
PENDING = [("Dana Lopez", "dana@demo.example.com", Role.ASSISTANT, None),
           ("Sam Ito", "sam@summit.example.com", Role.CONTACT, "Summit Coaching")]  # fmt: skip


def _person(name: str, email: str) -> User:
    user = User.objects.create_user(email, PASSWORD, name=name, time_zone="Europe/London")
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def load() -> bool:
    """Create the demo practice once. Returns False when it was already there."""
    if User.objects.filter(email=OWNER[1]).exists():
        return False
    with transaction.atomic():
        owner = _person(*OWNER)
        practice = core_services.create_practice(
            owner=owner, name="Northwind Virtual Assistance", time_zone="Europe/London",
            currency="GBP", working_days=[0, 1, 2, 3, 4], work_starts_at=time(9),
            work_ends_at=time(17, 30),
        )  # fmt: skip
        owner.membership = Membership.objects.get(user=owner)
        for name, email in ASSISTANTS:
            Membership.objects.create(
                practice=practice, user=_person(name, email), role=Role.ASSISTANT
            )
        by_name: dict[str, Client] = {}
        for business, tz, notes, contact, contact_email, helpers in CLIENTS:
            client = services.create_client(actor=owner, name=business, time_zone=tz, notes=notes)
            by_name[business] = client
            user = _person(contact, contact_email)
            Membership.objects.create(practice=practice, user=user, role=Role.CONTACT)
            ClientContact.objects.create(practice=practice, client=client, user=user)
            for helper in helpers:
                services.assign_assistant(
                    client, assistant=User.objects.get(email=helper), actor=owner
                )
        for name, email, role, client_name in PENDING:
            invitations.invite(
                actor=owner, email=email, name=name, role=role,
                client=by_name[client_name] if client_name else None,
            )  # fmt: skip
    return True


def logins() -> list[tuple[str, str, str]]:
    rows = [("Owner", OWNER[1], PASSWORD)]
    rows += [("Assistant", email, PASSWORD) for _, email in ASSISTANTS]
    rows += [(f"Client contact ({c[0]})", c[4], PASSWORD) for c in CLIENTS]
    return rows
