"""The practice's current plan, worked out once and reused while nothing it reads changed.

Placing a practice's accepted work is the costly part of planning (about half a second for a
practice with a thousand accepted requests per person), and every reader asks for the same
plan: the capacity page and its weeks, a request's expected date, "Will miss", and the
short-notice check of each new request. So the plan of the whole practice is kept in this
process and reused while

* nothing it reads has changed: one query reads a version of its inputs (the accepted
  requests, from their covering index; heads-ups, people, assignments, working weeks, time
  off and the practice's planning settings), and
* it is younger than ``FRESH``: the plan starts at the moment it was made, so a plan a few
  minutes old still counts the minutes since as free. That much is the accepted staleness.

A new request that is not accepted yet changes nothing the plan reads, so checking a
client's request for short notice right after another's reuses the plan.

Each person's work is placed in their own free time only, so the whole practice's plan
answers questions about any of its people (``earliest_fit_among`` for a request's
assistants) exactly as a plan of those people alone would.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from django.db import connection

from tandem.clients.models import Assignment
from tandem.core.models import Membership, Practice
from tandem.planning import capacity
from tandem.planning.models import TimeOff, WorkingWeek
from tandem.planning.models_headsups import HeadsUpEvent
from tandem.planning.models_policy import PlanningPolicy
from tandem.work.models import Task

T = TypeVar("T")

FRESH = timedelta(minutes=5)
# Plans kept: a process serves a few practices at a time; each plan can be tens of MB.
KEPT = 4

_lock = threading.Lock()
_plans: OrderedDict[Hashable, tuple[Hashable, datetime, capacity.Plan]] = OrderedDict()


def _version_sql() -> str:
    """One statement of scalar sub-selects. The accepted requests are counted and their
    latest change read on the practice's committed-work index; the small tables whole.
    Only table names are put in the text, from the models; every value is a parameter."""
    task = Task._meta.db_table
    return f"""
        SELECT
          (SELECT COUNT(*) FROM {task} WHERE practice_id = %s AND status IN (%s, %s, %s)),
          (SELECT MAX(updated_at) FROM {task} WHERE practice_id = %s AND status IN (%s, %s, %s)),
          (SELECT MAX(id) FROM {HeadsUpEvent._meta.db_table}),
          (SELECT MAX(id) FROM {Assignment._meta.db_table}),
          (SELECT COUNT(*) FROM {Assignment._meta.db_table}),
          (SELECT MAX(id) FROM {Membership._meta.db_table}),
          (SELECT COUNT(*) FROM {Membership._meta.db_table} WHERE is_active),
          (SELECT MAX(updated_at) FROM {WorkingWeek._meta.db_table}),
          (SELECT MAX(id) FROM {TimeOff._meta.db_table}),
          (SELECT COUNT(*) FROM {TimeOff._meta.db_table}),
          (SELECT MAX(updated_at) FROM {PlanningPolicy._meta.db_table} WHERE practice_id = %s)
    """  # noqa: S608


def inputs_version(practice: Practice) -> Hashable:
    """What the practice's plan reads, summed up so that any change to it changes this.
    One query. The practice's own calendar (days, hours, holidays' region) is part of it."""
    # Imported here: planning's COMMITTED_STATUSES live with the selectors, which import
    # this module's callers.
    from tandem.planning.selectors import COMMITTED_STATUSES

    statuses = [str(status) for status in COMMITTED_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            _version_sql(), [practice.pk, *statuses, practice.pk, *statuses, practice.pk]
        )
        row = cursor.fetchone()
    calendar = (
        practice.time_zone,
        tuple(practice.working_days),
        practice.work_starts_at,
        practice.work_ends_at,
        practice.country,
        practice.subdivision,
    )
    return (tuple(row), calendar)


def current_plan(
    practice: Practice, *, now: datetime, compute: Callable[[datetime], capacity.Plan]
) -> capacity.Plan:
    """The practice's plan: the one kept, if nothing it reads changed and it is fresh;
    otherwise ``compute(now)``'s, kept for the next reader."""
    version = inputs_version(practice)
    key = (practice.pk, practice.created_at)
    with _lock:
        kept = _plans.get(key)
        if kept is not None and kept[0] == version and now - FRESH < kept[1] <= now:
            _plans.move_to_end(key)
            return kept[2]
    plan = compute(now)
    with _lock:
        _plans[key] = (version, now, plan)
        _plans.move_to_end(key)
        while len(_plans) > KEPT:
            _plans.popitem(last=False)
    return plan


# What readers work out from a kept plan (the capacity page's weekly summary), kept with it:
# (id of the plan, what) -> (the plan, the value). The plan is held to check it is the same
# object, not a new one that took a dropped plan's id.
_derived: dict[tuple[int, Hashable], tuple[capacity.Plan, Any]] = {}


def derived(plan: capacity.Plan, what: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per kept ``plan`` and ``what``: a second reader of the same plan
    gets the same value without working it out again."""
    key = (id(plan), what)
    with _lock:
        found = _derived.get(key)
        if found is not None and found[0] is plan:
            return cast(T, found[1])
    value = compute()
    with _lock:
        kept = {id(entry[2]) for entry in _plans.values()}
        for stale in [k for k in _derived if k[0] not in kept]:
            del _derived[stale]
        if id(plan) in kept:
            _derived[key] = (plan, value)
    return value


def forget_plans() -> None:
    """Drop every kept plan (tests that change the clock or the data behind its back)."""
    with _lock:
        _plans.clear()
        _derived.clear()
