"""Page-shaped reads: the notifications page, the bell's count, who can be mentioned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef

from tandem.notify import wording
from tandem.notify.models import Notification
from tandem.notify.services import audience
from tandem.work.mentions import short_handle

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.work.models import Task

PAGE_SIZE = 30


@dataclass(frozen=True)
class Item:
    """One request's entry: its latest notification, and how many of the reader's
    notifications about it are unread (the latest included)."""

    notification: Notification
    headline: str
    sentence: str
    unread: int = 0

    @property
    def more_updates(self) -> int:
        """Unread updates besides the one shown: the entry's "and 3 more updates"."""
        return max(self.unread - (0 if self.notification.read_at else 1), 0)


@dataclass(frozen=True)
class NotificationPage:
    items: list[Item]
    older_than_id: int | None  # where the next page starts, or None on the last page


def notification_page(*, viewer: User, before_id: int | None = None) -> NotificationPage:
    """The viewer's news, one entry per request they can see, the request with the latest
    news first: two queries whatever the number of notifications.

    An entry is the request's latest notification (no newer one of the reader about the
    same task exists); then the unread counts of the page's requests, in one GROUP BY.
    Pages by the latest notification's id rather than by offset, so an old page costs what
    the first does.
    """
    newer = Notification.objects.filter(
        recipient_id=viewer.pk, task_id=OuterRef("task_id"), pk__gt=OuterRef("pk")
    )
    rows = (
        Notification.objects.visible_to(viewer)
        .filter(~Exists(newer))
        .select_related("task__client", "actor", "event", "comment")
        .order_by("-id")
    )
    if before_id:
        rows = rows.filter(id__lt=before_id)
    found = list(rows[: PAGE_SIZE + 1])
    older = found[PAGE_SIZE - 1].pk if len(found) > PAGE_SIZE else None
    shown = found[:PAGE_SIZE]
    unread = _unread_by_task(viewer, [row.task_id for row in shown])
    zone = ZoneInfo(viewer.time_zone)
    items = [
        Item(row, wording.headline(row), wording.sentence(row, zone), unread.get(row.task_id, 0))
        for row in shown
    ]
    return NotificationPage(items=items, older_than_id=older)


def _unread_by_task(viewer: User, task_ids: list[int]) -> dict[int, int]:
    if not task_ids:
        return {}
    counts = (
        Notification.objects.filter(recipient_id=viewer.pk, task_id__in=task_ids)
        .unread()
        .values("task_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("task_id", "n")
    )
    return dict(counts)


def unread_count(viewer: User) -> int:
    """How many requests have news the viewer has not read: the bell's number.

    Requests, not notifications: the list shows one entry per request, and opening a
    request reads all of its news, so the badge goes down by one for each request looked
    at, however busy it was, and matches the bold entries the reader sees.
    """
    unread = Notification.objects.visible_to(viewer).unread()
    return unread.values("task_id").distinct().count()


@dataclass(frozen=True)
class Mentionable:
    person: User
    handle: str


def mentionable(task: Task) -> list[Mentionable]:
    """Everyone who can see the task, with the handle that mentions them: one query."""
    people = audience(task).order_by("name", "email")
    return [Mentionable(person, short_handle(person)) for person in people]
