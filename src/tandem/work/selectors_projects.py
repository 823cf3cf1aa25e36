"""Page-shaped reads for projects. Each is one query whatever the number of rows.

Callers pass a client or project already fetched through ``visible_to``; a project's tasks
and changes are visible exactly when the project is (all scoping goes through the client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from tandem.clients.models import compiled_rows_for, scoped_by_reach
from tandem.work.models import OPEN_STATUSES, Project, ProjectEvent, Task, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.clients.models import Client
    from tandem.core.access import Reach

Status = Project.Status

# The client's page lists projects in this order: what is moving, then what is paused,
# then what is finished, then proposals the practice turned down.
STATUS_ORDER = Case(
    When(status=Status.ACTIVE, then=Value(0)),
    When(status=Status.ON_HOLD, then=Value(1)),
    When(status=Status.DONE, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def client_projects(*, viewer: User, client: Client) -> list[Project]:
    """The client's projects the viewer may see, each with ``open_count`` and
    ``done_count`` of its tasks: one query, compiled once per member and client
    (``core.compiled``). Proposals are among the active ones."""
    return compiled_rows_for(viewer, _client_projects, client.pk)


def _client_projects(
    practice_id: int, reach: Reach, user_id: int, client_id: int
) -> QuerySet[Project, Project]:
    return (
        scoped_by_reach(Project.objects.all(), practice_id, reach, user_id)
        .filter(client_id=client_id)
        # What the list shows (work/project_list.html); fewer columns to group by too.
        .only("client_id", "title", "goal", "target_on", "status", "is_proposal")
        .annotate(
            open_count=Count("tasks", filter=Q(tasks__status__in=OPEN_STATUSES)),
            done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        )
        .order_by(STATUS_ORDER, F("target_on").asc(nulls_last=True), "title", "id")
    )


def active_projects(client: Client) -> list[Project]:
    """The projects a new request of ``client`` may join: active, not a mere proposal."""
    return list(
        Project.objects.filter(client=client, status=Status.ACTIVE, is_proposal=False).order_by(
            "title", "id"
        )
    )


def project_tasks(project: Project) -> list[Task]:
    """The project's tasks, open ones first, each group by deadline: one query."""
    is_closed = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        project.tasks.select_related("assignee").order_by(
            is_closed, F("deadline_at").asc(nulls_first=True), "id"
        )
    )


def project_events(project: Project) -> list[ProjectEvent]:
    """What happened to the project, oldest first, with who did it: one query."""
    return list(project.events.select_related("actor").order_by("created_at", "id"))
