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

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core.mail import deliver, render_email, store_email
from tandem.core.models import OutboundEmail
from tandem.inbound.addresses import reply_address
from tandem.notify import wording
from tandem.notify.models import Notification, Preference
from tandem.work.models import Task

if TYPE_CHECKING:
    from django.db.models import QuerySet

# The digest goes out at this hour of the recipient's own day (their profile's time zone).
DIGEST_HOUR = 8


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
        subject, text, html = render_email(
            "notify/email/task",
            {
                "user": user,
                "task": task,
                "lines": _lines(rows, zone),
                "url": wording.task_url(task.pk),
                "preferences_url": settings.SITE_URL + reverse("notify:preferences"),
            },
        )
        email, _ = store_email(
            key=task_mail_key(user, rows[0]),
            to=user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=user.membership.practice,
        )
        _put_in(email, rows)


# The daily digest --------------------------------------------------------------------------


def digest_key(user_id: int, on: date) -> str:
    return f"notify:digest:{user_id}:{on.isoformat()}"


def due_digests(now: datetime) -> list[tuple[int, date]]:
    """(user id, their local date) for every digest reader with mail waiting whose day has
    reached DIGEST_HOUR and who has not had today's digest yet."""
    readers = (
        Preference.objects.filter(wants_digest=True, user__notifications__mail_pending=True)
        .select_related("user")
        .distinct()
    )
    due: dict[str, tuple[int, date]] = {}
    for pref in readers:
        local = now.astimezone(ZoneInfo(pref.user.time_zone))
        if local.hour >= DIGEST_HOUR:
            due[digest_key(pref.user_id, local.date())] = (pref.user_id, local.date())
    sent = set(OutboundEmail.objects.filter(key__in=due).values_list("key", flat=True))
    return [pair for key, pair in sorted(due.items()) if key not in sent]


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
        rows.sort(key=lambda row: (row.task_id, row.pk))
        sections = [
            TaskSection(task_rows[0].task, wording.task_url(task_id), _lines(task_rows, zone))
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
                "preferences_url": settings.SITE_URL + reverse("notify:preferences"),
            },
        )
        email, _ = store_email(
            key=key,
            to=user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=user.membership.practice,
        )
        _put_in(email, rows)
