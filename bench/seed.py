"""Fills a freshly migrated database with two busy practices, fast.

Everything goes in with ``bulk_create``, not through the services: the point is the data's
shape, not the paths that write it. One password is hashed once and shared by every user.
Call ``seed()`` after ``django.setup()``. ``scale`` shrinks every count (not below what the
measured pages need), to try the benchmark itself in a minute.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

PASSWORD = "bench-password-42"
CLIENTS_PER_PRACTICE = 500
CONTACTS_PER_PRACTICE = 2_000
ASSISTANTS_PER_PRACTICE = 20
AUDIT_ENTRIES_PRACTICE_1 = 200_000
AUDIT_ENTRIES_PRACTICE_2 = 2_000
ARCHIVED_SHARE = 0.05
PENDING_INVITATIONS = 30
BATCH = 5_000

# fmt: off
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
         "Max", "Nia", "Oli", "Pia", "Rui", "Sol", "Tia", "Uma"]
LAST = ["Abe", "Brook", "Chen", "Diaz", "Evans", "Fox", "Gray", "Hill", "Iqbal", "Jones", "Khan",
        "Lund", "Moss", "Ng", "Ortiz", "Park"]
WORDS = ["Acme", "Blue", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris",
         "Juniper", "Kite", "Lumen", "Maple"]
KINDS = ["Bakery", "Studio", "Consulting", "Dental", "Law", "Realty", "Design", "Fitness",
         "Florist", "Coaching"]
# fmt: on
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Manila", "Australia/Sydney"]


@dataclass
class Seeded:
    """Who the benchmark signs in as, and what was made."""

    password: str
    owner_email: str
    probe_owner_email: str  # practice 2's owner: same people, no open invitations
    assistant_email: str  # the practice-1 assistant with the most clients
    assistant_clients: int
    probe_assistant_email: str  # the one with the fewest, to check the query count
    probe_assistant_clients: int
    contact_email: str
    probe_contact_email: str
    page_task_id: int = 0  # the request whose page is measured (a long conversation)
    # Another request of the same client with a short conversation: its page must run the
    # same number of queries (issue 11's "task page with 50 comments and events").
    probe_task_id: int = 0
    busiest_client_id: int = 0  # the contact's client: the most requests
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def scaled(count: int, scale: float, *, least: int = 1) -> int:
    """``count`` times ``scale``, and at least ``least``."""
    return max(least, round(count * scale))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def seed(rng: random.Random | None = None, *, scale: float = 1.0) -> Seeded:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.clients.models import Assignment, Client, ClientContact, Invitation
    from tandem.core.audit import Action
    from tandem.core.models import AuditEntry, Membership, Practice
    from tandem.core.roles import Role

    rng = rng or random.Random(20240601)
    clients_per_practice = scaled(CLIENTS_PER_PRACTICE, scale, least=60)
    contacts_per_practice = scaled(CONTACTS_PER_PRACTICE, scale, least=2 * clients_per_practice)
    assistants_per_practice = scaled(ASSISTANTS_PER_PRACTICE, scale, least=4)
    password_hash = make_password(PASSWORD)
    now = timezone.now()
    seeded: dict[str, Any] = {}

    with transaction.atomic():
        for number in (1, 2):
            practice = Practice.objects.create(name=f"Bench Practice {number}")
            emails = (
                [(f"owner{number}@bench.test", Role.OWNER)]
                + [
                    (f"assistant{number}-{i:02}@bench.test", Role.ASSISTANT)
                    for i in range(assistants_per_practice)
                ]
                + [
                    (f"contact{number}-{i:04}@bench.test", Role.CONTACT)
                    for i in range(contacts_per_practice)
                ]
            )
            User.objects.bulk_create(
                [
                    User(email=email, name=_name(rng), password=password_hash, date_joined=now)
                    for email, _ in emails
                ],
                batch_size=BATCH,
            )
            users = User.objects.in_bulk([email for email, _ in emails], field_name="email")
            Membership.objects.bulk_create(
                [
                    Membership(practice=practice, user=users[email], role=role)
                    for email, role in emails
                ],
                batch_size=BATCH,
            )
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user=users[email], email=email, verified=True, primary=True)
                    for email, _ in emails
                ],
                batch_size=BATCH,
            )
            Client.objects.bulk_create(
                [
                    Client(
                        practice=practice,
                        name=f"{rng.choice(WORDS)} {rng.choice(KINDS)} {i:03}",
                        time_zone=rng.choice(ZONES),
                        notes="Prefers e-mail. Invoices monthly." if i % 3 == 0 else "",
                        archived_at=now if rng.random() < ARCHIVED_SHARE else None,
                    )
                    for i in range(clients_per_practice)
                ],
                batch_size=BATCH,
            )
            clients = list(Client.objects.filter(practice=practice).order_by("id"))
            active = [c for c in clients if c.archived_at is None]

            contact_emails = [email for email, role in emails if role == Role.CONTACT]
            ClientContact.objects.bulk_create(
                [
                    ClientContact(
                        practice=practice, client=clients[i % len(clients)], user=users[email]
                    )
                    for i, email in enumerate(contact_emails)
                ],
                batch_size=BATCH,
            )

            assistant_emails = [email for email, role in emails if role == Role.ASSISTANT]
            per_assistant = {
                email: rng.sample(active, min(len(active), rng.randint(25, 50)))
                for email in assistant_emails
            }
            Assignment.objects.bulk_create(
                [
                    Assignment(practice=practice, client=client, user=users[email])
                    for email, assigned in per_assistant.items()
                    for client in assigned
                ],
                batch_size=BATCH,
            )

            if number == 1:
                # Open invitations show on the people page; practice 2 has none, so its
                # owner's people page checks the query count does not depend on them.
                owner = users[emails[0][0]]
                Invitation.objects.bulk_create(
                    [
                        Invitation(
                            practice=practice,
                            email=f"invitee{i:02}@bench.test",
                            name=_name(rng),
                            role=Role.ASSISTANT if i % 2 else Role.CONTACT,
                            client=None if i % 2 else rng.choice(active),
                            nonce=f"{rng.getrandbits(128):032x}",
                            invited_by=owner,
                            expires_at=now + timedelta(days=7),
                        )
                        for i in range(PENDING_INVITATIONS)
                    ]
                )

            total = scaled(
                AUDIT_ENTRIES_PRACTICE_1 if number == 1 else AUDIT_ENTRIES_PRACTICE_2,
                scale,
                least=100,
            )
            _audit(
                AuditEntry,
                Action,
                rng,
                practice=practice,
                actors=[users[email] for email, _ in emails[: 1 + assistants_per_practice]]
                + [
                    users[email]
                    for email in rng.sample(contact_emails, min(200, len(contact_emails)))
                ],
                clients=clients,
                total=total,
                now=now,
            )

            if number == 1:
                ranked = sorted(per_assistant.items(), key=lambda item: len(item[1]))
                busiest, quietest = ranked[-1], ranked[0]
                # A contact whose client is active and has assistants: a full portal page.
                assigned_ids = {c.pk for c in busiest[1]}
                contact_of = {
                    email: clients[i % len(clients)] for i, email in enumerate(contact_emails)
                }
                portal_contacts = [e for e in contact_emails if contact_of[e].pk in assigned_ids]
                seeded.update(
                    owner_email=emails[0][0],
                    probe_owner_email="owner2@bench.test",
                    assistant_email=busiest[0],
                    assistant_clients=len(busiest[1]),
                    probe_assistant_email=quietest[0],
                    probe_assistant_clients=len(quietest[1]),
                    contact_email=portal_contacts[0],
                    probe_contact_email=portal_contacts[-1],
                )

    import seed_work  # bench/seed_work.py, beside this file

    practice_1 = Practice.objects.get(name="Bench Practice 1")
    work = seed_work.seed_work(practice_1.pk, seeded["contact_email"], rng, scale=scale)
    seeded.update(
        page_task_id=work["page_task_id"],
        probe_task_id=work["probe_task_id"],
        busiest_client_id=work["busiest_client_id"],
    )

    return Seeded(password=PASSWORD, counts=counts(), **seeded)


def counts() -> dict[str, int]:
    """How many rows of each kind the database holds."""
    from allauth.account.models import EmailAddress

    from tandem.accounts.models import User
    from tandem.clients.models import Assignment, Client, ClientContact, Invitation
    from tandem.core.models import AuditEntry, Membership, Practice
    from tandem.work.models import Attachment, Comment, Task, TaskEvent

    models = {
        "practices": Practice, "users": User, "memberships": Membership,
        "email_addresses": EmailAddress, "clients": Client, "client_contacts": ClientContact,
        "assignments": Assignment, "invitations": Invitation, "audit_entries": AuditEntry,
        "tasks": Task, "task_events": TaskEvent, "comments": Comment, "attachments": Attachment,
    }  # fmt: skip
    return {name: model.objects.count() for name, model in models.items()}


ACTION_WEIGHTS = {
    "signed_in": 40,
    "signed_out": 15,
    "sign_in_failed": 5,
    "client_updated": 10,
    "assistant_assigned": 6,
    "assistant_unassigned": 3,
    "client_created": 3,
    "invitation_sent": 4,
    "invitation_accepted": 3,
    "password_changed": 2,
    "role_changed": 1,
}
CLIENT_ACTIONS = {"client_updated", "client_created", "assistant_assigned", "assistant_unassigned"}


def _audit(
    model: Any,
    action_enum: Any,
    rng: random.Random,
    *,
    practice: Any,
    actors: list[Any],
    clients: list[Any],
    total: int,
    now: Any,
) -> None:
    """``total`` entries over the past year, oldest first so ids rise with time."""
    valid = {choice for choice, _ in action_enum.choices}
    actions = [a for a in ACTION_WEIGHTS if a in valid]
    weights = [ACTION_WEIGHTS[a] for a in actions]
    start = now - timedelta(days=365)
    step = timedelta(days=365) / total
    for offset in range(0, total, BATCH):
        rows = []
        for i in range(offset, min(offset + BATCH, total)):
            action = rng.choices(actions, weights)[0]
            actor = rng.choice(actors)
            if action in CLIENT_ACTIONS:
                client = rng.choice(clients)
                target = ("client", client.pk, client.name, client.pk)
            else:
                target = ("user", actor.pk, actor.email, None)
            rows.append(
                model(
                    practice=practice,
                    actor=actor,
                    actor_label=actor.email,
                    action=action,
                    target_type=target[0],
                    target_id=target[1],
                    target_label=target[2],
                    client_id=target[3],
                    ip_address=f"10.{i % 250}.{(i // 250) % 250}.{rng.randint(1, 250)}",
                    data={},
                    created_at=start + step * i,
                )
            )
        model.objects.bulk_create(rows, batch_size=BATCH)
