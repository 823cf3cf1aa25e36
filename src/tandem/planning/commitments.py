"""Every commitment of a practice, gathered in one place.

The capacity page, a request's expected completion, the dashboard's "Will miss" and the
short-notice check all read the practice's work through ``practice_commitments``, so they
plan the same work and can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from tandem.core.models import Practice
from tandem.planning import capacity
from tandem.planning.models_policy import PlanningPolicy
from tandem.planning.selectors import task_commitments
from tandem.planning.selectors_headsups import heads_up_commitments

# How far ahead every plan looks: the capacity page's twelve weeks and the current one.
PLAN_HORIZON = timedelta(weeks=13)


def default_hours(policy: PlanningPolicy) -> Decimal:
    """The size a request with no estimate counts as, in hours."""
    return Decimal(policy.default_request_minutes) / 60


def practice_commitments(
    practice: Practice, policy: PlanningPolicy, *, assignees: Sequence[int] | None = None
) -> list[capacity.Commitment]:
    """The practice's commitments: accepted, unfinished requests (a request with no
    estimate counting as ``policy``'s default size; short-notice work marked so), and the
    confirmed and tentative heads-ups. Only those of ``assignees`` (user ids) when given.

    Not scoped to a viewer: planning needs everyone's load to answer anyone; pages show only
    what their viewer may see. One query per kind of work."""
    commitments = task_commitments(
        practice, default_hours=default_hours(policy), assignees=assignees
    )
    heads_ups = heads_up_commitments(practice.pk)
    if assignees is not None:
        wanted = set(assignees)
        heads_ups = [found for found in heads_ups if found.assignee in wanted]
    return commitments + heads_ups
