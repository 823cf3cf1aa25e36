"""The plan, week by week: per person and per client, available against committed and
tentative hours. See the package's docstring for how minutes are counted in a week."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tandem.planning.capacity.availability import (
    PLANNABLE,
    local_day,
    minute_ceil,
    to_instant,
    wall_minute,
)
from tandem.planning.capacity.placing import Placement, Plan


@dataclass(frozen=True)
class Week:
    """One week of one person (or one client): minutes, and the commitments behind them."""

    # The Monday it starts on, in the summary's zone, and its bounds as instants (UTC).
    starts_on: date
    starts_at: datetime
    ends_at: datetime
    committed_minutes: int
    tentative_minutes: int
    # The person's plannable and kept-free minutes (from the plan's start on); None for a
    # client, whose work is shared by its assistants.
    available_minutes: int | None
    kept_free_minutes: int | None
    # Every commitment counted in the week, in the plan's order (for a week's drill-down).
    keys: tuple[Hashable, ...]
    # Confirmed (tentative) commitments due in the week that will miss their deadline.
    missing: tuple[Hashable, ...]
    tentative_missing: tuple[Hashable, ...]

    @property
    def is_over_booked(self) -> bool:
        """More is committed than the week has, or confirmed work due in it will be late."""
        over = (
            self.available_minutes is not None and self.committed_minutes > self.available_minutes
        )
        return over or bool(self.missing)

    @property
    def is_over_booked_with_tentative(self) -> bool:
        """Whether it would be over-booked if every tentative commitment were confirmed."""
        total = self.committed_minutes + self.tentative_minutes
        over = self.available_minutes is not None and total > self.available_minutes
        return over or bool(self.missing) or bool(self.tentative_missing)


@dataclass(frozen=True)
class Summary:
    # The Mondays the weeks start on.
    weeks: tuple[date, ...]
    by_assignee: Mapping[Hashable, tuple[Week, ...]]
    by_client: Mapping[Hashable, tuple[Week, ...]]


@dataclass
class _Tally:
    """Running totals of one person or client, a list entry per week."""

    weeks: int
    committed: list[int] = field(init=False)
    tentative: list[int] = field(init=False)
    available: list[int] = field(init=False)
    kept_free: list[int] = field(init=False)
    keys: list[dict[Hashable, None]] = field(init=False)
    missing: list[list[Hashable]] = field(init=False)
    tentative_missing: list[list[Hashable]] = field(init=False)

    def __post_init__(self) -> None:
        self.committed, self.tentative = [0] * self.weeks, [0] * self.weeks
        self.available, self.kept_free = [0] * self.weeks, [0] * self.weeks
        self.keys = [{} for _ in range(self.weeks)]
        self.missing = [[] for _ in range(self.weeks)]
        self.tentative_missing = [[] for _ in range(self.weeks)]

    def count(self, week: int, minutes: int, placement: Placement) -> None:
        commitment = placement.commitment
        totals = self.committed if commitment.is_confirmed else self.tentative
        totals[week] += minutes
        self.keys[week][commitment.key] = None


def weekly_summary(plan: Plan, *, time_zone: str, weeks: int = 12) -> Summary:
    """The ``weeks`` weeks from the one the plan starts in, Monday to Monday in
    ``time_zone``: per person of the plan and per client of its commitments."""
    if weeks < 1:
        raise ValueError("Summarise at least one week.")
    zone = ZoneInfo(time_zone)
    start = minute_ceil(plan.start)
    first = local_day(start, zone)
    mondays = [
        first - timedelta(days=first.weekday()) + timedelta(weeks=k) for k in range(weeks + 1)
    ]
    bounds = [wall_minute(monday, 0, zone) for monday in mondays]
    people = {person: _Tally(weeks) for person in plan.availabilities}
    clients: dict[Hashable, _Tally] = {}
    for placement in plan.placements.values():
        commitment = placement.commitment
        tallies = [people[commitment.assignee]] if commitment.assignee in people else []
        if commitment.client is not None:
            # Not setdefault: it would build a tally per placement only to throw it away.
            if commitment.client not in clients:
                clients[commitment.client] = _Tally(weeks)
            tallies.append(clients[commitment.client])
        for tally in tallies:
            _count_placement(placement, tally, bounds)
    for person, availability in plan.availabilities.items():
        tally = people[person]
        for a, b, part in availability.periods(max(start, bounds[0]), bounds[-1]):
            for week, minutes in _by_week(a, b, bounds):
                (tally.available if part == PLANNABLE else tally.kept_free)[week] += minutes
    return Summary(
        weeks=tuple(mondays[:-1]),
        by_assignee={
            person: _weeks(tally, mondays, bounds, True) for person, tally in people.items()
        },
        by_client={
            client: _weeks(tally, mondays, bounds, False) for client, tally in clients.items()
        },
    )


def _count_placement(placement: Placement, tally: _Tally, bounds: list[int]) -> None:
    commitment = placement.commitment
    deadline = None if commitment.deadline_at is None else commitment.deadline_minute
    on_time = 0
    for a, b in placement.intervals:
        b = b if deadline is None else min(b, deadline)
        if b > a:
            on_time += b - a
            for week, minutes in _by_week(a, b, bounds):
                tally.count(week, minutes, placement)
    if deadline is None or not placement.will_miss:
        return
    # What it lacks at its deadline counts in the deadline's week (the first week when the
    # deadline has passed; nowhere when it is after the last week).
    week = max(0, bisect_right(bounds, deadline - 1) - 1)
    if deadline > bounds[-1]:
        return
    tally.count(week, commitment.minutes - on_time, placement)
    missing = tally.missing if commitment.is_confirmed else tally.tentative_missing
    missing[week].append(commitment.key)


def _by_week(a: int, b: int, bounds: list[int]) -> list[tuple[int, int]]:
    """(week, minutes) of the minutes ``a`` to ``b`` that fall inside the weeks."""
    week = max(0, bisect_right(bounds, a) - 1)
    if week + 1 < len(bounds) and bounds[week] <= a and b <= bounds[week + 1]:
        return [(week, b - a)]  # most slices are inside one week
    found = []
    while week < len(bounds) - 1 and bounds[week] < b:
        minutes = min(b, bounds[week + 1]) - max(a, bounds[week])
        if minutes > 0:
            found.append((week, minutes))
        week += 1
    return found


def _weeks(
    tally: _Tally, mondays: list[date], bounds: list[int], has_hours: bool
) -> tuple[Week, ...]:
    return tuple(
        Week(
            starts_on=mondays[k],
            starts_at=to_instant(bounds[k]),
            ends_at=to_instant(bounds[k + 1]),
            committed_minutes=tally.committed[k],
            tentative_minutes=tally.tentative[k],
            available_minutes=tally.available[k] if has_hours else None,
            kept_free_minutes=tally.kept_free[k] if has_hours else None,
            keys=tuple(tally.keys[k]),
            missing=tuple(tally.missing[k]),
            tentative_missing=tuple(tally.tentative_missing[k]),
        )
        for k in range(tally.weeks)
    )
