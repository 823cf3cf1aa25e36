"""The feed's sources from ``work``: requests' deadlines, and what is awaited from the client.

Whose requests: a client contact's feed has their client's requests (what they see in the
portal, through ``Task.objects.visible_to``); a practice member's has the requests assigned
to them, owners included. An owner's feed does not hold the whole practice: a practice with
thousands of open requests would make a calendar nobody can read, and the board is the
place to see everyone's work.

Each source is one query (the task rows with their client), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from tandem.core.links import link
from tandem.core.site import absolute
from tandem.planning.feeds import FeedEvent, Viewer, Window, source
from tandem.work.models import Task, TaskQuerySet, TaskStatus

# Cancelled and declined requests leave the feed, so calendar apps remove their events.
LEFT_OUT = (TaskStatus.CANCELLED, TaskStatus.DECLINED)
# What done looks like, cut short in the event's notes.
EXPECTATIONS_SHOWN = 300
COLUMNS = (
    "id",
    "title",
    "status",
    "expectations",
    "deadline_at",
    "waiting_for",
    "waiting_until",
    "updated_at",
    "client__name",
    "client__time_zone",
)


def _tasks_of(viewer: Viewer) -> TaskQuerySet:
    tasks = Task.objects.visible_to(viewer.person)
    if not viewer.is_client_side:
        tasks = tasks.filter(assignee_id=viewer.person.pk)
    return tasks.select_related("client").only(*COLUMNS)


@source("work.deadlines")
def deadlines(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """Each request's deadline, "Due: <title> (<client>)"; done ones read "Done: …"."""
    tasks = (
        _tasks_of(viewer)
        .filter(deadline_at__gte=window.starts_at, deadline_at__lt=window.ends_at)
        .exclude(status__in=LEFT_OUT)
        .order_by("deadline_at", "id")[:limit]
    )
    return [_deadline(task, viewer) for task in tasks]


@source("work.waiting-on-client")
def waiting_on_client(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """What a waiting request needs from the client, by when: "Waiting on you: …" in the
    contact's feed, "Waiting on <client>: …" in the practice's."""
    tasks = (
        _tasks_of(viewer)
        .filter(
            status=TaskStatus.WAITING_ON_CLIENT,
            waiting_until__gte=window.starts_at,
            waiting_until__lt=window.ends_at,
        )
        .order_by("waiting_until", "id")[:limit]
    )
    return [_waiting(task, viewer) for task in tasks]


def _deadline(task: Task, viewer: Viewer) -> FeedEvent:
    assert task.deadline_at is not None  # filtered on
    done = task.status == TaskStatus.DONE
    return FeedEvent(
        uid=f"task-{task.pk}-due@tandem",
        summary=f"{'Done' if done else 'Due'}: {task.title} ({task.client.name})",
        starts_at=task.deadline_at,
        time_zone=task.client.time_zone,
        changed_at=task.updated_at,
        url=_task_url(task, viewer),
        description=_notes(task, viewer),
    )


def _waiting(task: Task, viewer: Viewer) -> FeedEvent:
    assert task.waiting_until is not None  # filtered on
    who = "you" if viewer.is_client_side else task.client.name
    what = task.waiting_for or task.title
    return FeedEvent(
        uid=f"task-{task.pk}-waiting@tandem",
        summary=f"Waiting on {who}: {what} ({task.title})",
        starts_at=task.waiting_until,
        time_zone=task.client.time_zone,
        changed_at=task.updated_at,
        url=_task_url(task, viewer),
        description=_notes(task, viewer),
    )


def _task_url(task: Task, viewer: Viewer) -> str:
    return absolute(viewer.practice, link("work:task-detail", task.pk))


def _notes(task: Task, viewer: Viewer) -> str:
    expectations = task.expectations
    if len(expectations) > EXPECTATIONS_SHOWN:
        expectations = expectations[: EXPECTATIONS_SHOWN - 1].rstrip() + "…"
    lines = [f"Status: {TaskStatus(task.status).label}.", f"Done when: {expectations}"]
    return "\n".join([*lines, _task_url(task, viewer)])
