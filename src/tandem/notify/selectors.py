"""Page-shaped reads: the notifications page, the bell's count, who can be mentioned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

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
    notification: Notification
    headline: str
    sentence: str


@dataclass(frozen=True)
class NotificationPage:
    items: list[Item]
    older_than_id: int | None  # where the next page starts, or None on the last page


def notification_page(*, viewer: User, before_id: int | None = None) -> NotificationPage:
    """The viewer's notifications about tasks they can see, newest first: one query.

    Pages by id rather than by offset, so an old page costs what the first does.
    """
    rows = (
        Notification.objects.visible_to(viewer)
        .select_related("task__client", "actor", "event", "comment")
        .order_by("-id")
    )
    if before_id:
        rows = rows.filter(id__lt=before_id)
    found = list(rows[: PAGE_SIZE + 1])
    older = found[PAGE_SIZE - 1].pk if len(found) > PAGE_SIZE else None
    zone = ZoneInfo(viewer.time_zone)
    items = [
        Item(row, wording.headline(row), wording.sentence(row, zone)) for row in found[:PAGE_SIZE]
    ]
    return NotificationPage(items=items, older_than_id=older)


def unread_count(viewer: User) -> int:
    return Notification.objects.visible_to(viewer).unread().count()


@dataclass(frozen=True)
class Mentionable:
    person: User
    handle: str


def mentionable(task: Task) -> list[Mentionable]:
    """Everyone who can see the task, with the handle that mentions them: one query."""
    people = audience(task).order_by("name", "email")
    return [Mentionable(person, short_handle(person)) for person in people]
