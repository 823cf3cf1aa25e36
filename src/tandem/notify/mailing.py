"""Notification e-mails: one mail per person per task per batch window, or a daily digest.

Both follow the same two steps, each safe to repeat after a crash or by a second worker:

1. In one transaction, lock the person's rows still waiting for mail, store one message
   under a key derived from them (``core.mail.store_email``) and point the rows at it. A
   row is therefore in exactly one message, or still waiting: never lost, never in two.
2. Deliver every stored message of that kind that is not sent yet (``core.mail.deliver``
   claims it first, so it goes out once). A retry after step 1 finds nothing waiting and
   still sends what step 1 stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core import site
from tandem.core.mail import deliver, render_email, store_email
from tandem.core.models import OutboundEmail, Practice
from tandem.inbound.addresses import reply_address
from tandem.notify import wording
from tandem.notify.models import Notification, Preference
from tandem.work.models import Task

if TYPE_CHECKING:
    from django.db.models import QuerySet

# The digest goes out at this hour of the recipient's own day (their profile's time zone).
DIGEST_HOUR = 8
# Readers looked at per query by the scan that plans the digests.
DIGEST_BATCH_SIZE = 200


@dataclass(frozen=True)
class Line:
    """One notification as a mail shows it."""

    headline: str
    sentence: str
    at: str  # when, in the recipient's time zone (a job has no viewer's zone to use)


@dataclass(frozen=True)
class TaskSection:
    task: Task
    url: str
    lines: list[Line]


def _lines(rows: list[Notification], zone: ZoneInfo) -> list[Line]:
    return [
        Line(
            wording.headline(row),
            wording.sentence(row, zone),
            f"{row.created_at.astimezone(zone):%d %b, %H:%M}",
        )
        for row in rows
    ]


def _recipient(user_id: int) -> User | None:
    return User.objects.select_related("membership__practice").filter(pk=user_id).first()


def _wants_digest(user: User) -> bool:
    return Preference.objects.filter(user_id=user.pk, wants_digest=True).exists()


def _lock_waiting(rows: QuerySet[Notification]) -> list[Notification]:
    """Lock the rows waiting for mail (PostgreSQL; SQLite writes one at a time anyway),
    then read them with what their sentences need."""
    ids = list(
        rows.filter(mail_pending=True)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    related = Notification.objects.select_related("actor", "event", "comment", "task__client")
    return list(related.filter(pk__in=ids).order_by("pk"))


def _put_in(email: OutboundEmail, rows: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        mail_pending=False, outbound_email=email
    )


def _forget_hidden(user: User, task_id: int | None = None) -> None:
    """Rows about tasks the user can no longer see are never mailed."""
    waiting = Notification.objects.filter(recipient=user, mail_pending=True)
    if task_id is not None:
        waiting = waiting.filter(task_id=task_id)
    visible = Task.objects.visible_to(user).values("pk")
    waiting.exclude(task_id__in=visible).update(mail_pending=False)


# One task ----------------------------------------------------------------------------------


def task_mail_key(user: User, first_row: Notification) -> str:
    return f"notify:task:{user.pk}:{first_row.pk}"


def send_task_mail(recipient_id: int, task_id: int) -> int:
    """Mail ``recipient_id`` what is waiting about ``task_id``, in one message; returns how
    many messages went out. Readers of the digest get theirs with it instead."""
    user = _recipient(recipient_id)
    if user is None:
        return 0
    task = Task.objects.visible_to(user).select_related("client").filter(pk=task_id).first()
    if task is None:
        _forget_hidden(user, task_id)
        return 0
    if not _wants_digest(user):
        _store_task_mail(user, task)
    unsent = OutboundEmail.objects.filter(
        key__startswith=f"notify:task:{user.pk}:",
        sent_at__isnull=True,
        pk__in=Notification.objects.filter(recipient=user, task=task).values("outbound_email_id"),
    )
    reply_to = [reply_address(task, user)]
    return sum(deliver(pk, reply_to=reply_to) for pk in unsent.values_list("pk", flat=True))


def _store_task_mail(user: User, task: Task) -> None:
    with transaction.atomic():
        rows = _lock_waiting(Notification.objects.filter(recipient=user, task=task))
        if not rows:
            return
        zone = ZoneInfo(user.time_zone)
        practice = user.membership.practice
        subject, text, html = render_email(
            "notify/email/task",
            {
                "user": user,
                "task": task,
                "lines": _lines(rows, zone),
                "url": wording.task_url(task.pk, practice),
                "preferences_url": site.absolute(practice, reverse("notify:preferences")),
            },
            practice=practice,
        )
        email, _ = store_email(
            key=task_mail_key(user, rows[0]),
            to=user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=practice,
        )
        _put_in(email, rows)


# The daily digest --------------------------------------------------------------------------


def digest_key(user_id: int, on: date) -> str:
    return f"notify:digest:{user_id}:{on.isoformat()}"


def due_digest_batches(
    now: datetime, *, size: int = DIGEST_BATCH_SIZE
) -> Iterator[list[tuple[int, date]]]:
    """The digests due, practice by practice, in batches of at most ``size`` readers."""
    for practice_id in Practice.objects.order_by("pk").values_list("pk", flat=True):
        after: int | None = 0
        while after is not None:
            due, after = due_digests(now, practice_id=practice_id, after=after, size=size)
            if due:
                yield due


def due_digests(
    now: datetime, *, practice_id: int, after: int = 0, size: int = DIGEST_BATCH_SIZE
) -> tuple[list[tuple[int, date]], int | None]:
    """(user id, their local date) for the practice's next ``size`` digest readers by id
    after ``after`` who have mail waiting, whose day has reached DIGEST_HOUR and who have
    not had that day's digest yet; and the id the next batch starts after (None when this
    batch was the last). Two queries, whatever the batch's size."""
    waiting = Notification.objects.filter(recipient_id=OuterRef("user_id"), mail_pending=True)
    readers = list(
        Preference.objects.filter(practice_id=practice_id, wants_digest=True, user_id__gt=after)
        .filter(Exists(waiting))
        .order_by("user_id")
        .values_list("user_id", "user__time_zone")[:size]
    )
    if not readers:
        return [], None
    due: dict[str, tuple[int, date]] = {}
    for user_id, time_zone in readers:
        local = now.astimezone(ZoneInfo(time_zone))
        if local.hour >= DIGEST_HOUR:
            due[digest_key(user_id, local.date())] = (user_id, local.date())
    sent = set(OutboundEmail.objects.filter(key__in=due).values_list("key", flat=True))
    next_after = readers[-1][0] if len(readers) == size else None
    return [pair for key, pair in due.items() if key not in sent], next_after


def send_digest(user_id: int, on: date) -> int:
    """The day's digest for ``user_id``: everything waiting, grouped by task, once a day.

    What arrives after the day's digest was made waits for the next day's.
    """
    user = _recipient(user_id)
    if user is None:
        return 0
    _forget_hidden(user)
    _store_digest(user, on)
    unsent = OutboundEmail.objects.filter(key=digest_key(user.pk, on), sent_at__isnull=True)
    return sum(deliver(pk) for pk in unsent.values_list("pk", flat=True))


def _store_digest(user: User, on: date) -> None:
    key = digest_key(user.pk, on)
    with transaction.atomic():
        rows = _lock_waiting(Notification.objects.filter(recipient=user))
        if not rows or OutboundEmail.objects.filter(key=key).exists():
            return
        zone = ZoneInfo(user.time_zone)
        practice = user.membership.practice
        rows.sort(key=lambda row: (row.task_id, row.pk))
        sections = [
            TaskSection(
                task_rows[0].task, wording.task_url(task_id, practice), _lines(task_rows, zone)
            )
            for task_id, group in groupby(rows, key=lambda row: row.task_id)
            if (task_rows := list(group))
        ]
        subject, text, html = render_email(
            "notify/email/digest",
            {
                "user": user,
                "on": on,
                "sections": sections,
                "count": len(rows),
                "preferences_url": site.absolute(practice, reverse("notify:preferences")),
            },
            practice=practice,
        )
        email, _ = store_email(
            key=key,
            to=user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=practice,
        )
        _put_in(email, rows)
