"""Reminders of what a client owes: once when it is late, once more some working days later.

The scan (``remind_owed``, a periodic job) goes practice by practice and, within one, through
the items due for a reminder in batches of ``BATCH_SIZE`` by id. Each batch is its own
transaction and runs the same queries whatever its size: the items (locked, skipping those
another worker holds), one conditional UPDATE that claims their reminder (its column is
still empty, the item still open), and one INSERT of a mail job per item. A worker that dies
mid-batch loses nothing (the transaction rolls back; the next scan claims again) and a second
worker claims nothing twice. The job (``send_reminder``) re-reads the item and stops when it
was answered meanwhile; its mail has one key per (item, reminder, recipient), so a retried
job stores nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core import access, jobs, mail, site
from tandem.core.models import Practice
from tandem.planning.models_owed import Owed, OwedQuerySet
from tandem.planning.owed import remind_again_after_days
from tandem.work.models import OPEN_STATUSES

# Each batch is a handful of statements whatever its size; its mail jobs are one INSERT.
BATCH_SIZE = 200
FIRST, SECOND = 1, 2


@dataclass(frozen=True)
class Claimed:
    """One reminder claimed by a scan: its item and which reminder it is."""

    owed_id: int
    number: int


def remind_owed(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> list[Claimed]:
    """Every practice's reminders due at ``now``, one practice and one batch at a time;
    returns what this scan claimed (nothing another scan claimed first)."""
    now = now or timezone.now()
    claimed: list[Claimed] = []
    for practice in Practice.objects.order_by("pk"):
        claimed += remind_practice(practice, now=now, batch_size=batch_size)
    return claimed


def remind_practice(
    practice: Practice, *, now: datetime, batch_size: int = BATCH_SIZE
) -> list[Claimed]:
    """One practice's first reminders, then its second ones, batch by batch."""
    claimed: list[Claimed] = []
    first = {"first_reminded_at": now, "remind_again_at": remind_again_at(practice, now)}
    for number, due, claim in (
        (FIRST, first_due(practice.pk, now), first),
        (SECOND, second_due(practice.pk, now), {"second_reminded_at": now}),
    ):
        after: int | None = 0
        while after is not None:
            ids, after = _claim_batch(due, claim, after=after, size=batch_size)
            claimed += [Claimed(owed_id, number) for owed_id in ids]
    return claimed


def remind_again_at(practice: Practice, now: datetime) -> datetime:
    """When the second reminder of one sent at ``now`` is due: the practice's number of
    working days later, counted as working time on its calendar (Wednesday 10:00 plus two
    working days is Friday 10:00; sent after hours, it counts from the next opening)."""
    calendar = practice.calendar()
    day = datetime.combine(now.date(), calendar.work_ends_at) - datetime.combine(
        now.date(), calendar.work_starts_at
    )
    days = remind_again_after_days(practice.pk)
    return calendar.add_working_time(now, day * days)


def _reminded(rows: OwedQuerySet) -> OwedQuerySet:
    """Only what is still open, of a request still open (closing drops it, but a reaction
    runs later), for a client that is active (an archived client's contacts are gone)."""
    return rows.open().filter(
        Q(task__isnull=True) | Q(task__status__in=OPEN_STATUSES),
        client__archived_at__isnull=True,
    )


def first_due(practice_id: int, now: datetime) -> OwedQuerySet:
    """The practice's open items past due and never reminded (``owed_open_by_practice``)."""
    rows = Owed.objects.filter(practice_id=practice_id, due_at__lte=now)
    return _reminded(rows.filter(first_reminded_at__isnull=True))


def second_due(practice_id: int, now: datetime) -> OwedQuerySet:
    """Its open items reminded once whose second reminder has come
    (``owed_second_reminder_due``). An answer in between closed the item, so it is not here."""
    rows = Owed.objects.filter(practice_id=practice_id, remind_again_at__lte=now)
    return _reminded(rows.filter(second_reminded_at__isnull=True))


@transaction.atomic
def _claim_batch(
    due: OwedQuerySet, claim: dict[str, datetime], *, after: int, size: int
) -> tuple[list[int], int | None]:
    """Claim the next ``size`` items due after id ``after`` and queue their mail jobs;
    returns the ids claimed and the id the next batch starts after (None: this was the last).

    ``skip_locked``: on PostgreSQL another worker's batch in flight is left to it; on SQLite
    the write transaction (``BEGIN IMMEDIATE``) already keeps two batches apart. The UPDATE
    repeats the scan's conditions, so what someone answered or claimed meanwhile stays out.
    """
    locked = (
        due.filter(pk__gt=after).order_by("pk").select_for_update(skip_locked=True, of=("self",))
    )
    ids = list(locked.values_list("pk", flat=True)[:size])
    if not ids:
        return [], None
    due.filter(pk__in=ids).update(**claim)
    from tandem.planning.tasks import send_owed_reminder

    number = FIRST if "first_reminded_at" in claim else SECOND
    jobs.enqueue_many(send_owed_reminder, [(owed_id, number) for owed_id in ids])
    return ids, ids[-1] if len(ids) == size else None


# The mail -----------------------------------------------------------------------------------


def reminder_key(owed_id: int, number: int, recipient_id: int) -> str:
    return f"owed:{owed_id}:reminder:{number}:{recipient_id}"


def send_reminder(owed_id: int, number: int) -> list[str]:
    """Queue reminder ``number`` of one item to each of its client's contacts, once each;
    returns the keys of the mail written. Nothing when the item was answered, received or
    dropped since it was claimed, or was never claimed (a stray job)."""
    owed = (
        _reminded(Owed.objects.filter(pk=owed_id))
        .select_related("client__practice", "task", "created_by")
        .first()
    )
    if owed is None or _claimed_at(owed, number) is None:
        return []
    keys = []
    with transaction.atomic():
        for contact in contacts_of(owed.client):
            key = reminder_key(owed.pk, number, contact.pk)
            subject, text, html = mail.render_email(
                "planning/email/owed_reminder",
                reminder_context(owed, number, contact),
                practice=owed.client.practice,
            )
            mail.queue_email(
                key=key,
                to=contact.email,
                subject=subject,
                text_body=text,
                html_body=html,
                practice=owed.client.practice,
            )
            keys.append(key)
    return keys


def _claimed_at(owed: Owed, number: int) -> datetime | None:
    return owed.first_reminded_at if number == FIRST else owed.second_reminded_at


def contacts_of(client: Client) -> list[User]:
    """The client's contacts who can still sign in to see it (one query): its audience on
    the client's side, the set form of the access policy."""
    client_roles = access.roles_on_side(access.Side.CLIENT)
    people = User.objects.filter(client.audience(), membership__role__in=client_roles)
    return list(people.distinct().order_by("pk"))


def reminder_context(owed: Owed, number: int, contact: User) -> dict[str, object]:
    practice = owed.client.practice
    path = (
        f"{reverse('work:task-detail', args=[owed.task_id])}#owed"
        if owed.task_id is not None
        else reverse("home:portal-home")
    )
    return {
        "owed": owed,
        "contact": contact,
        "practice": practice,
        "asker": owed.created_by.display_name if owed.created_by else practice.name,
        "is_second": number == SECOND,
        "url": site.absolute(practice, path),
    }
