"""What a notification says, in words: one place for the bell's page and the e-mails."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tandem.core import site
from tandem.core.markdown import markdown_text
from tandem.core.models import Practice
from tandem.core.templatetags.when import zone_name
from tandem.notify.models import Kind, Notification
from tandem.work.changes import describe
from tandem.work.models import TaskEvent, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User

EXCERPT = 160


def _status(value: str) -> str:
    return str(dict(TaskStatus.choices).get(value, value))


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def _when(instant: datetime, zone: ZoneInfo, *, meant_in: str | None = None) -> str:
    """``instant`` on the reader's clock (``zone``), unmarked: it is their own time. When it
    was meant in another zone whose clock shows another time (a client's deadline), that
    time too: "tomorrow at 22:00 (17:00 New York time)"."""
    local = instant.astimezone(zone)
    today = timezone.now().astimezone(zone).date()
    day = {
        today: "today",
        today + timedelta(days=1): "tomorrow",
        today - timedelta(days=1): "yesterday",
    }.get(local.date(), date_format(local, "l j F"))
    said = f"{day} at {local:%H:%M}"
    if meant_in is not None:
        meant = instant.astimezone(ZoneInfo(meant_in))
        if meant.replace(tzinfo=None) != local.replace(tzinfo=None):
            day = "" if meant.date() == local.date() else f"{date_format(meant, 'l')} "
            said += f" ({day}{meant:%H:%M} {zone_name(meant_in)})"
    return said


def took_it_on(event: TaskEvent, actor: User | None = None) -> bool:
    """Whether the line is someone assigning the task to themself ("took it on"). Lines
    written since the assignee's id was kept compare ids; older ones the name shown.
    ``actor`` is the line's actor when the caller has it loaded already (a notification's)."""
    if event.kind != TaskEvent.Kind.ASSIGNED or event.actor_id is None:
        return False
    assignee = (event.changes or {}).get("assignee") or {}
    if "to_id" in assignee:
        return bool(assignee["to_id"] == event.actor_id)
    who = actor if actor is not None else event.actor
    return who is not None and bool(event.note) and event.note == who.display_name


def headline(notification: Notification) -> str:
    """A few words for a subject line: "Accepted", "New comment", "Overdue"."""
    event = notification.event
    if notification.kind == Kind.DECIDED and event is not None:
        return "Declined" if event.to_status == TaskStatus.DECLINED else "Accepted"
    if notification.kind == Kind.STATUS_CHANGED and event is not None:
        if event.kind == TaskEvent.Kind.ASSIGNED:
            return "Taken on" if took_it_on(event, notification.actor) else "New assignee"
        return _status(event.to_status)
    return {
        Kind.NEW_REQUEST: "New request",
        Kind.COMMENT: "New comment",
        Kind.MENTION: "You were mentioned",
        Kind.DELIVERED: "Delivered for review",
        Kind.DUE_TOMORROW: "Due soon",
        Kind.OVERDUE: "Overdue",
        Kind.EDITED: "Request changed",
    }.get(Kind(notification.kind), "Update")


def sentence(notification: Notification, zone: ZoneInfo) -> str:
    """What happened, as a sentence: "Owner A declined the request: “Not this month.”"."""
    who = notification.actor.display_name if notification.actor else "Someone"
    kind, event, comment = notification.kind, notification.event, notification.comment
    if kind in (Kind.DUE_TOMORROW, Kind.OVERDUE) and notification.deadline_at is not None:
        when = _when(notification.deadline_at, zone, meant_in=notification.task.client.time_zone)
        return f"Due {when}." if kind == Kind.DUE_TOMORROW else f"Overdue: it was due {when}."
    if comment is not None:
        verb = "mentioned you" if kind == Kind.MENTION else "commented"
        # As the reader sees the comment: "**prices**" reads "prices".
        return f"{who} {verb}: “{_excerpt(markdown_text(comment.body_markdown))}”"
    if event is None:
        return f"{who} changed this task."
    if kind == Kind.DECIDED and took_it_on(event, notification.actor):
        # Accept-and-take-on, told once (see services.notify_event).
        return f"{who} accepted the request and took it on."
    if event.changes and not took_it_on(event, notification.actor):
        # An edit or a reassignment: what changed, deadlines in the reader's time zone.
        return f"{who} {describe(event.changes, zone)}."
    return f"{who} {_event_words(event, notification.actor)}"


def _event_words(event: TaskEvent, actor: User | None) -> str:
    note = f": “{_excerpt(event.note)}”" if event.note else "."
    if event.kind == TaskEvent.Kind.CREATED:
        return "sent this new request."
    if took_it_on(event, actor):
        return "took it on."
    if event.kind == TaskEvent.Kind.ASSIGNED:
        return f"assigned it to {event.note}." if event.note else "unassigned it."
    if event.to_status == TaskStatus.ACCEPTED:
        return "accepted the request."
    if event.to_status == TaskStatus.DECLINED:
        return f"declined the request{note}"
    if event.to_status == TaskStatus.DELIVERED:
        # The note of a delivery is its message (Markdown): quoted as the reader sees it.
        message = _excerpt(markdown_text(event.note)) if event.note else ""
        said = f": “{message}”" if message else "."
        return f"delivered the work for your review{said}"
    if event.to_status == TaskStatus.DONE:
        return f"accepted the work{note}"
    return f"moved it from “{_status(event.from_status)}” to “{_status(event.to_status)}”{note}"


def task_url(task_id: int, practice: Practice | None) -> str:
    """The task's page as an absolute address in ``practice``'s mail (core/site.py)."""
    return site.absolute(practice, reverse("work:task-detail", args=[task_id]))
