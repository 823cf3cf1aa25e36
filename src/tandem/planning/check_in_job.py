"""The weekly check-in job: prepare each client's check-in a day ahead, send it when due.

The scan (``run_check_ins``, periodic) goes practice by practice, skipping those with
check-ins turned off, and within one:

1. **Prepares** the check-ins due within ``PREPARE_AHEAD`` (the practice's day and time on
   each client's clock, ``check_in_times``) for the active clients someone speaks for, in
   batches of clients. A batch reads which exist already (one query), reads each new one's
   content (three queries a client) and inserts them in one INSERT that ignores a row
   another scan inserted meanwhile: the unique (client, week) makes one per week whatever
   runs twice or at once.
2. **Sends** the prepared ones now due, in batches of ``BATCH_SIZE`` by id, each its own
   transaction with the same queries whatever its size: the rows (locked, skipping those
   another worker holds), one conditional UPDATE prepared → sent, one INSERT of a mail job
   per check-in. A worker that dies mid-batch loses nothing (the batch rolls back; the next
   scan claims it) and nothing is claimed twice.

The mail job (``send_check_in``) refreshes the content as of the sending, stores one message
per contact under the key ``check-in:<id>:<contact>`` and delivers what is unsent with that
contact's reply address, so a retry, a re-queued job or a dead worker sends each mail once.
A check-in more than ``LATE_LIMIT`` late (the workers were down) is neither prepared nor
sent: next week's comes soon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client, ClientContact
from tandem.core import jobs, mail, site
from tandem.core.models import OutboundEmail, Practice
from tandem.planning.check_in_content import Content, content_for
from tandem.planning.check_in_replies import reply_address
from tandem.planning.check_in_times import check_in_instant, week_start
from tandem.planning.models_checkins import CheckIn
from tandem.planning.models_policy import PlanningPolicy, planning_policy
from tandem.planning.owed_reminders import contacts_of

# Prepared this long before it is due, so the assistant can add a note.
PREPARE_AHEAD = timedelta(days=1)
# Later than this (the workers were down), a check-in is left: next week's comes soon.
LATE_LIMIT = timedelta(days=1)
BATCH_SIZE = 200


@dataclass(frozen=True)
class Scan:
    """What one scan did: check-ins prepared, and check-ins claimed for sending."""

    prepared: int = 0
    sent: list[int] = field(default_factory=list)


def run_check_ins(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> Scan:
    """Every practice's check-ins: prepare those coming, send those due (see the module)."""
    now = now or timezone.now()
    prepared, sent = 0, []
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        policy = planning_policy(practice_id)
        if not policy.check_ins_on:
            continue
        prepared += prepare_practice(practice_id, policy, now=now, batch_size=batch_size)
        sent += send_practice(practice_id, now=now, batch_size=batch_size)
    return Scan(prepared=prepared, sent=sent)


# Preparing -----------------------------------------------------------------------------------


def due_week(zone: str, policy: PlanningPolicy, *, now: datetime) -> tuple[date, datetime] | None:
    """The week (its Monday on the client's clock) whose check-in is to be prepared now, and
    its instant: due within PREPARE_AHEAD, or at most LATE_LIMIT ago. None between."""
    monday = week_start(now.astimezone(ZoneInfo(zone)).date())
    for week in (monday - timedelta(weeks=1), monday, monday + timedelta(weeks=1)):
        due = check_in_instant(week, policy.check_in_weekday, policy.check_in_time, zone)
        if now - LATE_LIMIT < due <= now + PREPARE_AHEAD:
            return week, due
    return None


def clients_checked_in(practice_id: int) -> QuerySet[Client, tuple[int, str]]:
    """The practice's active clients someone speaks for, as (id, time zone) by id."""
    spoken_for = ClientContact.objects.filter(client_id=OuterRef("pk"))
    return (
        Client.objects.filter(practice_id=practice_id, archived_at__isnull=True)
        .filter(Exists(spoken_for))
        .order_by("pk")
        .values_list("pk", "time_zone")
    )


def prepare_practice(
    practice_id: int, policy: PlanningPolicy, *, now: datetime, batch_size: int = BATCH_SIZE
) -> int:
    """Prepare the practice's coming check-ins, a batch of clients at a time; returns how
    many this scan inserted."""
    clients = clients_checked_in(practice_id)
    inserted, after = 0, 0
    while batch := list(clients.filter(pk__gt=after)[:batch_size]):
        after = batch[-1][0]
        due = {
            client_id: found
            for client_id, zone in batch
            if (found := due_week(zone, policy, now=now)) is not None
        }
        inserted += prepare_batch(practice_id, due, now=now)
    return inserted


def prepare_batch(practice_id: int, due: dict[int, tuple[date, datetime]], *, now: datetime) -> int:
    """Prepare the check-ins of ``due`` (client id → its week and instant) that do not exist
    yet, what they say read as of ``now``; returns how many were inserted."""
    if not due:
        return 0
    weeks = {week for week, _ in due.values()}
    existing = set(
        CheckIn.objects.filter(client_id__in=due, week_of__in=weeks).values_list(
            "client_id", "week_of"
        )
    )
    rows = [
        CheckIn(
            practice_id=practice_id,
            client_id=client_id,
            week_of=week,
            due_at=due_at,
            content=content_for(client_id, until=now).to_json(),
            content_at=now,
            prepared_at=now,
        )
        for client_id, (week, due_at) in due.items()
        if (client_id, week) not in existing
    ]
    # Another scan may insert the same (client, week) meanwhile: its row stands.
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# Sending -------------------------------------------------------------------------------------


def send_due(practice_id: int, now: datetime) -> QuerySet[CheckIn]:
    """The practice's prepared check-ins due now, not too late, of active clients
    (``check_in_to_send``)."""
    return CheckIn.objects.filter(
        practice_id=practice_id,
        state=CheckIn.State.PREPARED,
        due_at__lte=now,
        due_at__gt=now - LATE_LIMIT,
        client__archived_at__isnull=True,
    )


def send_practice(practice_id: int, *, now: datetime, batch_size: int = BATCH_SIZE) -> list[int]:
    """Claim the practice's due check-ins, batch by batch; returns the ids this scan claimed."""
    claimed: list[int] = []
    due = send_due(practice_id, now)
    after: int | None = 0
    while after is not None:
        ids, after = _claim_batch(due, now=now, after=after, size=batch_size)
        claimed += ids
    return claimed


@transaction.atomic
def _claim_batch(
    due: QuerySet[CheckIn], *, now: datetime, after: int, size: int
) -> tuple[list[int], int | None]:
    """Claim the next ``size`` due check-ins after id ``after`` and queue their mail jobs;
    the UPDATE repeats the scan's conditions, so what another worker claimed stays out."""
    locked = (
        due.filter(pk__gt=after).order_by("pk").select_for_update(skip_locked=True, of=("self",))
    )
    ids = list(locked.values_list("pk", flat=True)[:size])
    if not ids:
        return [], None
    due.filter(pk__in=ids).update(state=CheckIn.State.SENT, sent_at=now)
    from tandem.planning.tasks import send_check_in_mail

    jobs.enqueue_many(send_check_in_mail, [(check_in_id,) for check_in_id in ids])
    return ids, ids[-1] if len(ids) == size else None


# The mail ------------------------------------------------------------------------------------


def mail_key(check_in_id: int, recipient_id: int) -> str:
    return f"check-in:{check_in_id}:{recipient_id}"


def send_check_in(check_in_id: int) -> int:
    """Mail a sent check-in to each of its client's contacts, once each; returns how many
    messages went out now. Nothing for a check-in not (yet) sent, or gone."""
    check_in = _sent(check_in_id)
    if check_in is None:
        return 0
    contacts = {contact.pk: contact for contact in contacts_of(check_in.client)}
    with transaction.atomic():
        _refresh(check_in)
        for contact in contacts.values():
            _store(check_in, contact)
    unsent = OutboundEmail.objects.filter(
        key__in=[mail_key(check_in.pk, pk) for pk in contacts], sent_at__isnull=True
    )
    went = 0
    for pk, key in unsent.values_list("pk", "key"):
        recipient_id = int(key.rsplit(":", 1)[1])
        went += mail.deliver(pk, reply_to=[reply_address(check_in.pk, recipient_id)])
    return went


def _sent(check_in_id: int) -> CheckIn | None:
    return (
        CheckIn.objects.filter(pk=check_in_id, client__archived_at__isnull=True)
        .exclude(state=CheckIn.State.PREPARED)
        .select_related("client__practice", "noted_by")
        .first()
    )


def _refresh(check_in: CheckIn) -> None:
    """Read the content again as of the sending, once (a retry finds it fresh)."""
    assert check_in.sent_at is not None
    if check_in.content_at >= check_in.sent_at:
        return
    content = content_for(check_in.client_id, until=check_in.sent_at).to_json()
    CheckIn.objects.filter(pk=check_in.pk, content_at__lt=check_in.sent_at).update(
        content=content, content_at=check_in.sent_at
    )
    check_in.content, check_in.content_at = content, check_in.sent_at


def _store(check_in: CheckIn, contact: User) -> None:
    practice = check_in.client.practice
    subject, text, html = mail.render_email(
        "planning/email/check_in", mail_context(check_in, contact), practice=practice
    )
    mail.store_email(
        key=mail_key(check_in.pk, contact.pk),
        to=contact.email,
        subject=subject,
        text_body=text,
        html_body=html,
        practice=practice,
    )


def mail_context(check_in: CheckIn, contact: User) -> dict[str, object]:
    practice = check_in.client.practice
    return {
        "check_in": check_in,
        "sections": Content.from_json(check_in.content).sections(client_side=True),
        "client": check_in.client,
        "contact": contact,
        "practice": practice,
        "url": site.absolute(practice, reverse("planning:check-in", args=[check_in.pk])),
    }
