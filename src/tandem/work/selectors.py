"""Page-shaped reads for tasks. Callers fetch the task through ``Task.objects.visible_to``
first; what hangs off a visible task is visible with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

from tandem.clients.models import Assignment, Client
from tandem.core import access
from tandem.core.compiled import compiled_rows
from tandem.core.roles import Capability
from tandem.work.models import Task

if TYPE_CHECKING:
    from tandem.accounts.models import User


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
    return [assignment.user for assignment in compiled_rows(_assistants, ids=[task.client_id])]


def _assistants(client_id: int) -> QuerySet[Assignment, Assignment]:
    assignments = Assignment.objects.filter(client_id=client_id).select_related("user")
    return assignments.order_by("user__name", "user__email")
