"""When accepted work is expected done, and what will miss its deadline: read from the same
plan as the capacity page (``selectors_capacity.practice_plan``), for the practice side.

A contact never reaches these: the client sees only "fits" or the earliest date (the
short-notice check), never the assistant's load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tandem.accounts.models import User
from tandem.core import access
from tandem.planning import capacity
from tandem.planning.models_policy import planning_policy
from tandem.planning.selectors import COMMITTED_STATUSES
from tandem.planning.selectors_capacity import whole_practice_plan
from tandem.work.models import Task

# The dashboard's "Will miss": the soonest few; each request's page says the rest.
WILL_MISS_SHOWN = 8


@dataclass(frozen=True)
class TaskPlan:
    time_zone: str
    completes_at: datetime | None = None
    miss_reason: str = ""
    is_default_size: bool = False
    default_minutes: int = 0
    # Said when there is no date: not accepted yet, nobody on it, past the horizon.
    note: str = ""


def task_plan(task: Task, *, now: datetime) -> TaskPlan:
    """``task``'s expected completion (or why it will miss its deadline) at the current
    plan of its assignee's work. Five queries when it is accepted work with an assignee
    (the policy, the assignee's week, hours and time off, their commitments), none
    otherwise. ``task`` comes through ``visible_to`` with its client and assignee."""
    zone = task.client.time_zone
    if task.status not in COMMITTED_STATUSES:
        return TaskPlan(zone, note="Planned once it is accepted.")
    if task.assignee is None:
        return TaskPlan(zone, note="Planned once someone takes it on.")
    policy = planning_policy(task.practice_id)
    plan = whole_practice_plan(task.client.practice, now=now, policy=policy)
    placement = plan.placements.get(f"task:{task.pk}")
    if placement is None:
        return TaskPlan(zone, note="Not in the plan.")
    return _described(placement, plan, zone, policy.default_request_minutes)


def _described(
    placement: capacity.Placement, plan: capacity.Plan, zone: str, default_minutes: int
) -> TaskPlan:
    commitment = placement.commitment
    deadline = commitment.deadline_at
    beyond = placement.completes_at is None and (deadline is None or deadline > plan.until)
    if beyond:
        return TaskPlan(zone, note="Not placed in the next 13 weeks: earlier work fills them.")
    return TaskPlan(
        zone,
        completes_at=placement.completes_at,
        miss_reason="" if placement.miss is None else placement.miss.reason,
        is_default_size=commitment.is_default_size,
        default_minutes=default_minutes,
    )


@dataclass(frozen=True)
class Missing:
    task_id: int
    title: str
    client_name: str
    deadline_at: datetime
    reason: str


@dataclass(frozen=True)
class WillMiss:
    items: tuple[Missing, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def will_miss(*, viewer: User, now: datetime) -> WillMiss:
    """Accepted requests that will miss their deadline at the current plan, soonest first:
    the whole practice's for an owner, an assistant's own otherwise; only requests the
    viewer may open. Seven queries (the plan's six and the requests' titles)."""
    membership = viewer.membership
    practice = membership.practice
    everyone = access.sees_whole_practice(membership)
    plan = whole_practice_plan(practice, now=now)
    late = [
        p
        for p in plan.misses
        if (everyone or p.commitment.assignee == viewer.pk)
        and p.commitment.is_confirmed
        and p.commitment.deadline_at is not None
        and p.commitment.deadline_at <= plan.until
        and str(p.commitment.key).startswith("task:")
    ]
    late.sort(key=lambda p: (p.commitment.deadline_at, str(p.commitment.key)))
    ids = [int(str(p.commitment.key).split(":", 1)[1]) for p in late]
    rows = {
        row["pk"]: row
        for row in Task.objects.visible_to(viewer)
        .filter(pk__in=ids[: WILL_MISS_SHOWN * 4])
        .values("pk", "title", "client__name")
    }
    items = []
    for placement, pk in zip(late, ids, strict=True):
        row = rows.get(pk)
        if row is None or placement.miss is None or placement.commitment.deadline_at is None:
            continue
        items.append(
            Missing(
                pk,
                row["title"],
                row["client__name"],
                placement.commitment.deadline_at,
                placement.miss.reason,
            )
        )
        if len(items) == WILL_MISS_SHOWN:
            break
    return WillMiss(tuple(items), total=len(late))
