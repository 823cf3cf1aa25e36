"""Short notice, said before a request is sent: the notice period and the free hours.

A new request is short notice when its deadline falls inside the notice period (the
client's agreement, ``Client.notice_working_days``, or else the practice's planning
settings; counted in the practice's working days) or when its work (its estimate, or the
practice's default size) does not fit in the free hours its assistants' plan leaves before
the deadline. The earliest deadline offered instead gives the notice and fits. The plan is
the capacity page's (``commitments.practice_commitments`` placed by ``capacity.plan``), so
the two never disagree; a client hears only "short notice" and that date, never whose
hours or how many.

Registered as ``work.short_notice``'s answer (``PlanningConfig.ready``), so the request form,
its live preview and the e-mail path (through ``create_task``) all ask the same question.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.roles import Capability
from tandem.planning import capacity
from tandem.planning.models_policy import PlanningPolicy, planning_policy
from tandem.planning.selectors import assigned_practice_members
from tandem.planning.selectors_capacity import whole_practice_plan
from tandem.work.short_notice import Notice


def notice_working_days(client: Client, policy: PlanningPolicy) -> int:
    """The notice agreed with the client, or else the practice's."""
    days = client.notice_working_days
    return policy.notice_working_days if days is None else days


def notice_ends_at(client: Client, *, days: int, now: datetime) -> datetime:
    """The first deadline that gives ``days`` working days of notice: close of business on
    the ``days``-th working day that opens after ``now``, on the practice's calendar."""
    if days < 1:
        return now
    return client.practice.calendar().close_of_working_days(now, days)


def who_would_do_it(client: Client, assignee_id: int | None) -> list[User]:
    """The person chosen, or else the client's assigned people, or else the practice's
    owners (who hear of unassigned requests): active members of the practice side. One
    query (two when nobody is assigned)."""
    members = User.objects.filter(
        membership__practice_id=client.practice_id,
        membership__is_active=True,
        membership__role__in=access.roles_on_side(access.Side.PRACTICE),
    )
    if assignee_id is not None:
        chosen = list(members.filter(pk=assignee_id))
        if chosen:
            return chosen
    assigned = assigned_practice_members(client.pk)
    if assigned:
        return assigned
    owners = access.roles_with(Capability.HEAR_OF_UNASSIGNED_REQUESTS)
    return list(members.filter(membership__role__in=owners).order_by("pk"))


def check_notice(
    client: Client,
    *,
    deadline_at: datetime,
    estimate_hours: Decimal | None,
    assignee_id: int | None,
    now: datetime,
) -> Notice:
    """Whether a request of ``client`` due ``deadline_at`` is short notice, and the earliest
    deadline that is not. ``client.practice`` should be loaded. About six queries."""
    policy = planning_policy(client.practice_id)
    days = notice_working_days(client, policy)
    notice_end = notice_ends_at(client, days=days, now=now)
    people = who_would_do_it(client, assignee_id)
    minutes = (
        policy.default_request_minutes
        if estimate_hours is None
        else capacity.commitment_minutes(estimate_hours, default_hours=Decimal(0))[0]
    )
    found = None
    if people and minutes > 0:
        plan = whole_practice_plan(client.practice, now=now, policy=policy)
        found = capacity.earliest_fit_among(
            minutes, assignees=[person.pk for person in people], after=now, plan=plan
        )
    fits = minutes == 0 or (found is not None and found.completes_at <= deadline_at)
    earliest = None if found is None else max(notice_end, found.completes_at)
    if minutes == 0:
        earliest = notice_end
    return Notice(
        deadline_at=deadline_at,
        inside_notice=deadline_at < notice_end,
        fits=fits,
        earliest_at=earliest,
        notice_working_days=days,
        rush_policy=policy.rush_policy.strip(),
    )
