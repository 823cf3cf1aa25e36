"""Page-shaped reads for tasks. Callers fetch the task through ``Task.objects.visible_to``
first; what hangs off a visible task is visible with it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.roles import Capability
from tandem.work.models import Attachment, Comment, Task, TaskEvent

if TYPE_CHECKING:
    from tandem.accounts.models import User


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a task's timeline: a change (``event``) or a ``comment``."""

    at: datetime
    actor: User | None
    event: TaskEvent | None = None
    comment: Comment | None = None
    # The comment's files.
    files: tuple[Attachment, ...] = ()


def task_files(task: Task) -> list[Attachment]:
    """Every file on the task, its own and its comments', oldest first: one query."""
    return list(task.attachments.select_related("uploaded_by").order_by("created_at", "id"))


def task_timeline(task: Task, *, files: Sequence[Attachment] = ()) -> list[TimelineEntry]:
    """The task's changes and comments, oldest first, in two queries; each comment carries
    its own ``files`` (from ``task_files``, so no query per comment).

    At the same instant a change comes before a comment, and ids break the remaining ties,
    so the order never depends on which query ran first.
    """
    events = task.events.select_related("actor").order_by("created_at", "id")
    comments = task.comments.select_related("author").order_by("created_at", "id")
    keyed = [
        ((e.created_at, 0, e.pk), TimelineEntry(e.created_at, e.actor, event=e)) for e in events
    ]
    by_comment: dict[int, list[Attachment]] = defaultdict(list)
    for file in files:
        if file.comment_id is not None:
            by_comment[file.comment_id].append(file)
    keyed += [
        (
            (c.created_at, 1, c.pk),
            TimelineEntry(c.created_at, c.author, comment=c, files=tuple(by_comment[c.pk])),
        )
        for c in comments
    ]
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def open_requests(*, viewer: User, client: Client) -> list[Task]:
    """The client's open tasks the viewer may see, soonest deadline first: one query."""
    return list(
        Task.objects.visible_to(viewer)
        .filter(client=client)
        .open()
        .order_by(F("deadline_at").asc(nulls_first=True), "id")
    )


def task_audience(task: Task) -> QuerySet[User]:
    """Everyone who can see ``task``, in one query: its client's audience, the set form of
    ``core.access.standing`` (owners always; while the client is active, also its assigned
    assistants and its contacts; inactive members see nothing). Mentions, watchers and
    notifications all draw from this, so none of them can reach someone the task page would
    404 for.
    """
    from tandem.accounts.models import User

    return User.objects.filter(task.client.audience()).distinct()


@dataclass(frozen=True)
class WatcherPanel:
    """Who hears about a task, whether the viewer does, and whom they could add."""

    watchers: list[User]
    viewer_watches: bool
    addable: list[User]


def watcher_panel(task: Task, *, viewer: User) -> WatcherPanel:
    """Two queries: the watchers, and the people who can see the task."""
    watchers = [
        w.user for w in task.watchers.select_related("user").order_by("user__name", "user__email")
    ]
    watching = {user.pk for user in watchers}
    audience = task_audience(task).order_by("name", "email")
    return WatcherPanel(
        watchers=watchers,
        viewer_watches=viewer.pk in watching,
        addable=[user for user in audience if user.pk not in watching],
    )


# The task page's reassign form (issue 11) -----------------------------------------------------


def reassign_choices(task: Task, standing: access.Standing) -> list[User] | None:
    """Whom the task may be given to (its client's assistants), for the task page's
    reassign form; None when the person may not choose who works on it. One query, and
    none for the client's contacts."""
    if not task.is_open or not standing.allows(Capability.WORK_ON_REQUEST):
        return None
    assignments = task.client.assignments.select_related("user").order_by(
        "user__name", "user__email"
    )
    return [assignment.user for assignment in assignments]
