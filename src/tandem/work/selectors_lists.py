"""Reads for the request list and the client portal's home.

Everything starts from ``Task.objects.visible_to(viewer)``: a filter or a search only ever
narrows what the viewer's role lets them see. Each page costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OrderBy,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.utils import timezone

from tandem.clients.models import Client, compiled_rows_for, scoped_by_reach
from tandem.core.access import Reach
from tandem.core.pagination import IdsFirstPaginator
from tandem.search.query import SearchQuery, newest_matches_first, search_tasks
from tandem.work import selectors_go_aheads as go_aheads
from tandem.work.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Comment,
    Priority,
    Project,
    Task,
    TaskEvent,
    TaskQuerySet,
    TaskStatus,
)
from tandem.work.selectors_day import first_ids_of_each, week_ends_on
from tandem.work.selectors_progress import with_checklist_progress

if TYPE_CHECKING:
    from tandem.accounts.models import User

REQUESTS_PER_PAGE = 25
PORTAL_SECTION_SIZE = 5
PORTAL_ACTIVITY_SIZE = 8

# Status groups the list (and the dashboard's links) can ask for by name.
STATUS_GROUPS: dict[str, frozenset[str]] = {
    "open": frozenset(OPEN_STATUSES),
    "closed": frozenset(CLOSED_STATUSES),
    "all": frozenset(TaskStatus),
    # The portal's sections, so their "see all" links land on exactly what they showed.
    "waiting": frozenset({TaskStatus.WAITING_ON_CLIENT, TaskStatus.NEEDS_DEADLINE}),
    "active": frozenset({TaskStatus.REQUESTED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}),
}


@dataclass(frozen=True)
class RequestFilters:
    """What the viewer asked the list for; every field already checked (see forms_lists)."""

    statuses: frozenset[str] = STATUS_GROUPS["open"]
    client_id: int | None = None
    project_id: int | None = None
    due: str = ""
    deadline_from: date | None = None
    deadline_to: date | None = None
    search: SearchQuery | None = None
    sort: str = ""


class ClientChoice(NamedTuple):
    pk: int
    name: str
    is_archived: bool


class ProjectChoice(NamedTuple):
    pk: int
    client_id: int
    client_name: str
    title: str


@dataclass(frozen=True)
class FilterChoices:
    """The clients and projects the viewer may filter by: one query each.

    Plain tuples rather than model instances: an owner's list offers every client of the
    practice, and building 500 Client objects per page cost more than the query.
    """

    clients: list[ClientChoice]
    projects: list[ProjectChoice]


def filter_choices(*, viewer: User) -> FilterChoices:
    """Both compiled once per member (``core.compiled``): every visit of the list asks."""
    return FilterChoices(
        [
            ClientChoice(pk, name, archived_at is not None)
            for pk, name, archived_at in compiled_rows_for(viewer, _client_choices)
        ],
        [ProjectChoice(*row) for row in compiled_rows_for(viewer, _project_choices)],
    )


def _client_choices(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Client, Any]:
    clients = Client.objects.seen_by(practice_id, reach, user_id).order_by("name", "pk")
    return clients.values_list("pk", "name", "archived_at")


def _project_choices(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Project, Any]:
    projects = scoped_by_reach(Project.objects.all(), practice_id, reach, user_id)
    return projects.order_by("client__name", "title", "pk").values_list(
        "pk", "client_id", "client__name", "title"
    )


def _day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the viewer's time zone (the active one)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _due_range(due: str, now: datetime) -> Q:
    """The dashboard's sections, so its "see all" links show what it counted: overdue is
    past its deadline; today is from now to midnight; the week is from tomorrow to the end
    of Sunday (weeks start on Monday; at the weekend, the coming week's Sunday), all in the
    viewer's time zone."""
    today = timezone.localdate(now)
    tomorrow = _day_start(today + timedelta(days=1))
    if due == "overdue":
        return Q(deadline_at__lt=now)
    if due == "today":
        return Q(deadline_at__gte=now, deadline_at__lt=tomorrow)
    return Q(deadline_at__gte=tomorrow, deadline_at__lt=_day_start(week_ends_on(today)))


def filtered_requests(*, viewer: User, filters: RequestFilters, now: datetime) -> TaskQuerySet:
    """The viewer's requests narrowed by ``filters`` and ordered by ``filters.sort``."""
    # Sorted: the same filter is the same SQL, and matches Task's partial index of open work.
    tasks = Task.objects.visible_to(viewer).filter(status__in_constants=sorted(filters.statuses))
    if filters.client_id is not None:
        tasks = tasks.filter(client_id=filters.client_id)
    if filters.project_id is not None:
        tasks = tasks.filter(project_id=filters.project_id)
    if filters.due:
        tasks = tasks.filter(_due_range(filters.due, now))
    if filters.deadline_from is not None:
        tasks = tasks.filter(deadline_at__gte=_day_start(filters.deadline_from))
    if filters.deadline_to is not None:
        tasks = tasks.filter(deadline_at__lt=_day_start(filters.deadline_to + timedelta(1)))
    if filters.search is not None:
        tasks = search_tasks(tasks, filters.search)
    return _ordered(tasks, filters)


def _load_rows(ids: Sequence[int]) -> TaskQuerySet:
    """A page's tasks with what the list shows of them (ids the list already scoped),
    their checklist progress included."""
    rows = Task.objects.filter(pk__in=ids).select_related("client", "project", "assignee")
    return with_checklist_progress(rows)


PRIORITY_ORDER = Case(
    When(priority=Priority.HIGH, then=Value(0)),
    When(priority=Priority.NORMAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _ordered(tasks: TaskQuerySet, filters: RequestFilters) -> TaskQuerySet:
    soonest = F("deadline_at").asc(nulls_first=True)
    match filters.sort:
        case "relevance" if filters.search is not None:
            return tasks.order_by(F("search_rank").desc(), "-pk")
        case "newest":
            # Ids follow arrival, and every index holds them: no row is read to sort.
            return tasks.order_by("-pk")
        case "updated":
            return tasks.order_by("-updated_at", "-pk")
        case "priority":
            return tasks.alias(priority_order=PRIORITY_ORDER).order_by(
                "priority_order", soonest, "pk"
            )
    # The deadline first: a request without one yet needs one before anything else.
    return tasks.order_by(soonest, "pk")


# Past this many matches (a word found in most requests) a search neither counts them all
# nor ranks or sorts them: the newest come first, and the page says "2,000+".
SEARCH_COUNT_CAP = 2_000


@dataclass(frozen=True)
class RequestPage:
    page: Page[Task]
    # Searched, sorted by relevance and few enough matches to rank.
    ranked: bool
    # A search matched more than SEARCH_COUNT_CAP: newest first whatever the sort.
    too_many: bool


def request_page(
    *, viewer: User, filters: RequestFilters, page_number: str | None, now: datetime
) -> RequestPage:
    """One page of requests: a count, the page's ids and the page's rows (three queries)."""
    tasks = filtered_requests(viewer=viewer, filters=filters, now=now)
    if filters.search is None:
        paginator = IdsFirstPaginator(tasks, REQUESTS_PER_PAGE, load=_load_rows)
        return RequestPage(paginator.get_page(page_number), ranked=False, too_many=False)
    paginator = IdsFirstPaginator(
        tasks, REQUESTS_PER_PAGE, load=_load_rows, count_cap=SEARCH_COUNT_CAP
    )
    if paginator.is_capped:
        # The count is kept (a cached property); only the order of the rows changes.
        paginator.rows = newest_matches_first(tasks)
        return RequestPage(paginator.get_page(page_number), ranked=False, too_many=True)
    by_rank = filters.sort == "relevance"
    return RequestPage(paginator.get_page(page_number), ranked=by_rank, too_many=False)


def has_any_request(*, viewer: User) -> bool:
    """Whether the viewer can see any request at all (for the empty state only)."""
    return Task.objects.visible_to(viewer).exists()


# The portal home's sections.


@dataclass(frozen=True)
class PortalSection:
    key: str
    tasks: list[Task]
    total: int


PORTAL_GROUPS: dict[str, frozenset[str]] = {
    "waiting_on_you": STATUS_GROUPS["waiting"],
    "delivered": frozenset({TaskStatus.DELIVERED}),
    "in_progress": STATUS_GROUPS["active"],
}


@dataclass(frozen=True)
class PortalWork:
    """The client's work on the portal home: its sections and what waits for its go-ahead."""

    sections: dict[str, PortalSection]
    # Requests above the client's phase waiting for its go-ahead (issue 13), the first few.
    go_aheads: list[Task]


def portal_work(*, viewer: User, client: Client) -> PortalWork:
    """The first few tasks of each portal section with each section's total, each shown
    task's checklist progress, and the first requests waiting for the client's go-ahead:
    two queries.

    The totals come from counting the client's open tasks by status, which the (client,
    status, deadline) index answers alone. The rows: each status of the sections, and the
    go-aheads, picks its first ids in its own order (soonest due first, those that need a
    deadline before all), the picks are joined with UNION ALL, and only those rows are
    loaded. A busy client has thousands of open tasks; neither query sorts or reads them
    whole. Both are the same on every visit
    but for the ids in them, so their SQL is compiled once per contact (``core.compiled``).
    """
    by_status = dict(compiled_rows_for(viewer, _portal_counts, client.pk, client.phase))
    sections = {
        key: PortalSection(key, [], sum(by_status.get(status, 0) for status in statuses))
        for key, statuses in PORTAL_GROUPS.items()
    }
    rows = compiled_rows_for(viewer, _portal_rows, client.pk, client.phase)
    # An id picked by a section and by the go-aheads comes once: ``pk__in`` reads it once.
    tasks = sorted(rows, key=_portal_order)
    for section_key, statuses in PORTAL_GROUPS.items():
        # A section's first few tasks in this order are among its statuses' picks; any
        # other of its rows picked (a status's picks past them, or the go-aheads') sorts
        # after them, so the first few of the section's rows here are its own.
        mine = [task for task in tasks if task.status in statuses]
        sections[section_key].tasks.extend(mine[:PORTAL_SECTION_SIZE])
    waiting = [task for task in tasks if go_aheads.is_waiting(task, client.phase)]
    return PortalWork(sections, go_aheads.soonest_first(waiting))


def _portal_order(task: Task) -> tuple[bool, datetime | None, int]:
    """Soonest due first (a waiting task is due when the client's part is), tasks without
    a deadline before all: the order each section's ids were picked in."""
    due = task.waiting_until if task.status == TaskStatus.WAITING_ON_CLIENT else task.deadline_at
    return (due is not None, due, task.pk)


def _portal_tasks(practice_id: int, reach: Reach, user_id: int, client_id: int) -> TaskQuerySet:
    return scoped_by_reach(Task.objects.all(), practice_id, reach, user_id).filter(
        client_id=client_id
    )


def _portal_counts(
    practice_id: int, reach: Reach, user_id: int, client_id: int, phase: int
) -> QuerySet[Task, Any]:
    """How many of the client's tasks the member sees in each status of the sections."""
    del phase  # the key is the picks' own, so the two are compiled for the same visits
    return (
        _portal_tasks(practice_id, reach, user_id, client_id)
        .filter(status__in=sorted(set().union(*PORTAL_GROUPS.values())))
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )


def _portal_rows(
    practice_id: int, reach: Reach, user_id: int, client_id: int, phase: int
) -> QuerySet[Task, Task]:
    """The picked tasks with what a portal row shows (see ``recent_activity`` on wide task
    rows) and their checklist progress."""
    picked = _portal_picks(practice_id, reach, user_id, client_id, phase)
    rows = (
        Task.objects.filter(pk__in=picked)
        .select_related("assignee", "kind")
        .only(
            "client_id",
            "title",
            "status",
            "deadline_at",
            "waiting_for",
            "waiting_until",
            "go_ahead_at",
            "assignee__name",
            "assignee__email",
            "kind__name",
            "kind__phase",
        )
    )
    return with_checklist_progress(rows)


def _portal_picks(
    practice_id: int, reach: Reach, user_id: int, client_id: int, phase: int
) -> QuerySet[Task, Any]:
    """The ids of the first few tasks of each status of the portal's sections that the
    member sees, and of the first requests waiting for the go-ahead of a client in ``phase``.

    Each status is picked on its own, soonest due first (a waiting task is due when the
    client's part is, by ``waiting_until``), those that need a deadline before all: each is
    then the first entries of one range of the client's (status, deadline) index, where a
    section of several statuses ordered as one made the database sort the client's every
    open task. A section's first few are among its statuses' first few, so ``portal_work``
    finds them by sorting the picks."""
    tasks = _portal_tasks(practice_id, reach, user_id, client_id)
    groups: list[tuple[QuerySet[Task, Any], list[str | OrderBy], int]] = []
    for status in sorted(set().union(*PORTAL_GROUPS.values())):
        due = "waiting_until" if status == TaskStatus.WAITING_ON_CLIENT else "deadline_at"
        soonest_due: list[str | OrderBy] = [F(due).asc(nulls_first=True), "pk"]
        groups.append((tasks.filter(status=status), soonest_due, PORTAL_SECTION_SIZE))
    groups.append((go_aheads.waiting(tasks, phase), go_aheads.ORDER, go_aheads.SHOWN))
    return first_ids_of_each(groups)


# An activity line's kind when it is a comment; a change's is its event's kind.
COMMENTED = "commented"


@dataclass(frozen=True)
class Activity:
    """One recent change or comment on a client's task: who, what, which request, when."""

    at: datetime
    # The actor's or author's name (their e-mail without one); "" for nobody (a machine).
    who: str
    task_id: int
    task_title: str
    # A ``TaskEvent.Kind``, or ``COMMENTED``.
    kind: str
    # The status a change moved the task to; the Markdown a comment said.
    to_status: str = ""
    comment: str = ""


def recent_activity(*, viewer: User, client: Client) -> list[Activity]:
    """The latest new requests, status changes, edits and comments on the client's tasks,
    newest first: one query, the latest few of each joined with UNION ALL, compiled once
    per member and client (``core.compiled``).

    Only what a line says is read: who, what, which request (a task row is wide: its text,
    its deadline's fields)."""
    rows = compiled_rows_for(viewer, _recent_activity, client.pk)
    return [
        Activity(at, name or email or "", task_id, title, kind, to_status or "", body)
        for at, _, task_id, title, name, email, kind, to_status, body in rows
    ]


def _recent_activity(
    practice_id: int, reach: Reach, user_id: int, client_id: int
) -> QuerySet[TaskEvent, tuple[Any, ...]]:
    kinds = [TaskEvent.Kind.CREATED, TaskEvent.Kind.STATUS_CHANGED, TaskEvent.Kind.EDITED]
    latest = ("-created_at", "-pk")
    # Each side picks its latest ids from its own index range; SQLite refuses a LIMIT in a
    # member of a compound query, so each LIMIT sits inside a ``pk__in``.
    event_ids = scoped_by_reach(TaskEvent.objects.all(), practice_id, reach, user_id).filter(
        client_id=client_id, kind__in=kinds
    )
    comment_ids = scoped_by_reach(Comment.objects.all(), practice_id, reach, user_id).filter(
        client_id=client_id
    )
    events = TaskEvent.objects.filter(
        pk__in=event_ids.order_by(*latest).values("pk")[:PORTAL_ACTIVITY_SIZE]
    ).values_list(
        "created_at",
        "pk",
        "task_id",
        "task__title",
        "actor__name",
        "actor__email",
        "kind",
        "to_status",
        Value("", output_field=TextField()),
    )
    comments = Comment.objects.filter(
        pk__in=comment_ids.order_by(*latest).values("pk")[:PORTAL_ACTIVITY_SIZE]
    ).values_list(
        "created_at",
        "pk",
        "task_id",
        "task__title",
        "author__name",
        "author__email",
        Value(COMMENTED, output_field=CharField()),
        Value("", output_field=CharField()),
        "body_markdown",
    )
    return events.union(comments, all=True).order_by("-created_at")[:PORTAL_ACTIVITY_SIZE]
