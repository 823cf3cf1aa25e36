"""Reads of heads-ups: the lists (practice and portal), the portal home's few rows, and the
capacity plan's commitments. Pages read through ``HeadsUp.objects.visible_to(viewer)``; the
plan reads the whole practice, as ``selectors.task_commitments`` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from tandem.clients.models import Assignment, Client, compiled_rows_for, scoped_by_reach
from tandem.core import access
from tandem.core.roles import Capability
from tandem.planning import capacity
from tandem.planning.models_headsups import HeadsUp, HeadsUpQuerySet

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.access import Reach

# The list shows at most this many still coming, and this many of the recently ended.
OPEN_LIMIT = 100
ENDED_LIMIT = 20
# The portal home's compact section.
PORTAL_LIMIT = 5


def _with_people(rows: HeadsUpQuerySet) -> HeadsUpQuerySet:
    return rows.select_related("client", "created_by", "confirmed_by", "settled_by", "task")


def _tentative_first() -> Case:
    return Case(
        When(state=HeadsUp.State.TENTATIVE, then=Value(0)), default=1, output_field=IntegerField()
    )


@dataclass(frozen=True)
class HeadsUpsPage:
    """What is coming (tentative first, then by due date) and what ended lately."""

    open: list[HeadsUp]
    ended: list[HeadsUp]
    # What the viewer may do: give heads-ups; confirm, decline and make requests.
    can_give: bool
    can_confirm: bool
    # The practice side sees each row's client.
    is_practice_side: bool


def heads_ups_page(*, viewer: User) -> HeadsUpsPage:
    """Every heads-up the viewer sees: two queries (the open ones, the recently ended),
    each joined to its client and people. Scoped by ``visible_to``: a contact sees their
    own client's, an assistant their assigned clients', an owner the practice's."""
    visible = HeadsUp.objects.visible_to(viewer)
    still_open = (
        _with_people(visible.open())
        .filter(client__archived_at__isnull=True)
        .order_by(_tentative_first(), "due_at", "id")
    )
    ended = _with_people(visible.exclude(state__in=HeadsUp.OPEN_STATES)).order_by(
        "-updated_at", "-id"
    )
    membership = access.member(viewer)
    return HeadsUpsPage(
        open=list(still_open[:OPEN_LIMIT]),
        ended=list(ended[:ENDED_LIMIT]),
        can_give=access.allows(viewer, Capability.GIVE_HEADS_UP),
        can_confirm=access.allows(viewer, Capability.CONFIRM_HEADS_UP),
        is_practice_side=access.is_practice_side(membership),
    )


def to_confirm(*, viewer: User, limit: int = 5) -> list[HeadsUp]:
    """The dashboard's "Heads-ups to confirm": tentative heads-ups of the active clients the
    viewer serves, soonest due first, a few (one query; none for those who do not confirm)."""
    if not access.allows(viewer, Capability.CONFIRM_HEADS_UP):
        return []
    rows = (
        HeadsUp.objects.visible_to(viewer)
        .filter(state=HeadsUp.State.TENTATIVE, client__archived_at__isnull=True)
        .select_related("client")
        .order_by("due_at", "id")
    )
    return list(rows[:limit])


def portal_heads_ups(*, viewer: User, client_id: int) -> list[HeadsUp]:
    """The portal home's "Coming up": the client's heads-ups still coming, soonest due
    first, a few. One query, compiled once per member and client (``core.compiled``)."""
    return compiled_rows_for(viewer, _portal_heads_ups, client_id)


def _portal_heads_ups(
    practice_id: int, reach: Reach, user_id: int, client_id: int
) -> QuerySet[HeadsUp, HeadsUp]:
    rows = (
        scoped_by_reach(HeadsUp.objects.all(), practice_id, reach, user_id)
        .open()
        .filter(client_id=client_id)
        .select_related("client")
        # What the portal's rows read (planning/portal_heads_ups.html).
        .only("client_id", "what", "state", "due_at", "client__time_zone")
        .order_by("due_at", "id")
    )
    return rows[:PORTAL_LIMIT]


def heads_up_commitments(practice_id: int) -> list[capacity.Commitment]:
    """The practice's tentative and confirmed heads-ups as commitments for the capacity plan:
    key ``"heads-up:<id>"``, their minutes, assignee the client's first assigned member of
    the practice's side (None without one), deadline when due, confirmed by state, earliest
    start when the materials arrive, client by id; not those of archived clients. One query
    (the assignee is a subquery), on the practice's open heads-ups index.

    Not scoped to a viewer, like ``selectors.task_commitments``: planning needs everyone's
    load to answer anyone "fits"; pages show only what their viewer may see."""
    first_assignee = Assignment.objects.filter(
        client_id=OuterRef("client_id"),
        user__membership__role__in=access.roles_on_side(access.Side.PRACTICE),
    ).order_by("created_at", "id")
    rows = (
        HeadsUp.objects.filter(practice_id=practice_id)
        .open()
        # An archived client's heads-ups are no longer coming: they reserve nothing.
        .filter(client__archived_at__isnull=True)
        .annotate(assignee_id=Subquery(first_assignee.values("user_id")[:1]))
        .order_by("due_at", "id")
        .values_list(
            "id", "minutes", "assignee_id", "due_at", "state", "materials_expected_at", "client_id"
        )
    )
    return [
        capacity.Commitment(
            key=f"heads-up:{pk}",
            minutes=minutes,
            assignee=assignee,
            deadline_at=due_at,
            is_confirmed=state == HeadsUp.State.CONFIRMED,
            earliest_start_at=materials_at,
            client=client,
        )
        for pk, minutes, assignee, due_at, state, materials_at, client in rows
    ]


def clients_to_give_for(viewer: User) -> list[Client]:
    """The active clients the viewer may give a heads-up for, by name (one query)."""
    return list(Client.objects.visible_to(viewer).active().order_by("name", "id"))
