"""Reads of what clients owe: the request page's panel, the portal's rows and the dashboard's
"Still waiting on the client". Every read starts from ``Owed.objects.visible_to(viewer)`` and
is one query, LIMITed, from an index range of the open items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from tandem.clients.models import compiled_rows_for, scoped_by_reach
from tandem.core import access
from tandem.core.roles import Capability
from tandem.planning.models_owed import Owed, OwedQuerySet
from tandem.planning.owed import remind_again_after_days
from tandem.work.models import OPEN_STATUSES, Task

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.access import Reach

# The dashboard's section and the portal's rows show this many; a request's panel too.
SECTION_LIMIT = 10
PANEL_LIMIT = 20


def _about_open_work(rows: OwedQuerySet) -> OwedQuerySet:
    """Open items of requests still open (closing one drops its items, a moment later)."""
    return rows.open().filter(Q(task__isnull=True) | Q(task__status__in=OPEN_STATUSES))


@dataclass(frozen=True)
class StillWaiting:
    """Items past due that the client has not answered, the longest late first."""

    items: list[Owed]
    # More than shown: each request's page has the rest.
    has_more: bool


def still_waiting(*, viewer: User, now: datetime) -> StillWaiting:
    """The dashboard's "Still waiting on the client": one query, a range of the open items'
    index (by practice for an owner, by each visible client for an assistant), compiled
    once per member (``core.compiled``)."""
    found = compiled_rows_for(viewer, _still_waiting, moments=[now])
    return StillWaiting(items=found[:SECTION_LIMIT], has_more=len(found) > SECTION_LIMIT)


def _still_waiting(
    practice_id: int, reach: Reach, user_id: int, now: datetime
) -> QuerySet[Owed, Owed]:
    # The practice's own filter, redundant for scoping, keeps SQLite on the partial index of
    # open items, as the dashboard's "No answer yet" does.
    rows = (
        _about_open_work(scoped_by_reach(Owed.objects.all(), practice_id, reach, user_id))
        .filter(practice_id=practice_id, due_at__lte=now)
        # An owner still sees archived clients; what they owed is no longer chased.
        .filter(client__archived_at__isnull=True)
        .select_related("client", "task")
        .order_by("due_at", "id")
    )
    return rows[: SECTION_LIMIT + 1]


def portal_owed(*, viewer: User, client_id: int) -> list[Owed]:
    """What the practice asked the client for on its requests, soonest due first: one query,
    compiled once per member and client (``core.compiled``).

    Items of a request waiting on the client are that request's own row in "Waiting on you"
    already (with what it waits for), so they are not listed twice."""
    return compiled_rows_for(viewer, _portal_owed, client_id)


def _portal_owed(
    practice_id: int, reach: Reach, user_id: int, client_id: int
) -> QuerySet[Owed, Owed]:
    rows = (
        _about_open_work(scoped_by_reach(Owed.objects.all(), practice_id, reach, user_id))
        .filter(client_id=client_id, source=Owed.Source.ASKED)
        .select_related("task", "created_by")
        # What a row shows: a task and a user are wide rows, the more columns to compile.
        .only(
            *PORTAL_ROW, "task__client_id", "task__title", "created_by__name", "created_by__email"
        )
        .order_by("due_at", "id")
    )
    return rows[:SECTION_LIMIT]


# The fields of an item the portal's rows read (planning/portal_owed.html).
PORTAL_ROW = ("client_id", "task_id", "created_by_id", "what", "due_at", "first_reminded_at")


@dataclass(frozen=True)
class OwedPanel:
    """A request's "Needed from the client": its items (open first) and what the viewer may
    do with them."""

    task: Task
    items: list[Owed]
    # The practice side asks, marks received and drops; the client's side answers.
    can_ask: bool
    can_answer: bool
    remind_again_after_days: int

    @property
    def open_items(self) -> list[Owed]:
        return [item for item in self.items if item.is_open]


def owed_panel(task: Task, *, viewer: User) -> OwedPanel:
    """The panel of ``task`` (fetched through ``visible_to(viewer)``): its items (one query)
    and the practice's reminder setting (one)."""
    standing = access.standing_of_visible(viewer, task.client)
    open_first = Case(
        When(state=Owed.State.OPEN, then=Value(0)), default=1, output_field=IntegerField()
    )
    items = (
        Owed.objects.visible_to(viewer)
        .filter(task=task)
        .select_related("created_by", "settled_by")
        .order_by(open_first, "due_at", "id")
    )
    return OwedPanel(
        task=task,
        items=list(items[:PANEL_LIMIT]),
        can_ask=task.is_open and standing.allows(Capability.ASK_CLIENT_FOR_INPUT),
        can_answer=standing.allows(Capability.ANSWER_WHAT_IS_OWED),
        remind_again_after_days=remind_again_after_days(task.practice_id),
    )
