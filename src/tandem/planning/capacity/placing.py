"""Placing committed work into free time, and asking where new work would fit. See the
package's docstring for the decisions."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from operator import itemgetter
from typing import NamedTuple

from tandem.planning.capacity.availability import (
    ANY_FREE_TIME,
    PLANNABLE_ONLY,
    Availability,
    Interval,
    Span,
    local_day,
    minute_ceil,
    minute_floor,
    to_instant,
    wall_minute,
)

DEFAULT_HORIZON = timedelta(days=366)
# Free time is worked out a fortnight at a time, as far as the placing reaches.
_CHUNK = timedelta(days=14)
_NEVER = 2**62


@dataclass(frozen=True)
class Commitment:
    """Work someone has taken on (a request) or may take on (a heads-up).

    ``key`` names it back to the caller ("task:12"); ``client`` groups it in the weekly
    summary. ``earliest_start_at``: it cannot begin before then (the materials arrive).
    ``is_default_size``: it has no estimate and counts as the practice's default size (the
    pages say so). ``is_short_notice``: taken on at short notice, it may use the share of the
    day kept free for unplanned work.
    """

    key: Hashable
    minutes: int
    assignee: Hashable | None
    deadline_at: datetime | None = None
    is_confirmed: bool = True
    earliest_start_at: datetime | None = None
    client: Hashable | None = None
    is_default_size: bool = False
    is_short_notice: bool = False
    # The deadline and earliest start in whole minutes (see the package's docstring),
    # worked out once: placing, the order and the weekly summary all read them.
    deadline_minute: int = field(init=False, repr=False, compare=False)
    release_minute: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.minutes < 0:
            raise ValueError("A commitment's size cannot be negative.")
        deadline = _NEVER if self.deadline_at is None else minute_floor(self.deadline_at)
        start = self.earliest_start_at
        release = -_NEVER if start is None else minute_ceil(start)
        object.__setattr__(self, "deadline_minute", deadline)
        object.__setattr__(self, "release_minute", release)


@dataclass(frozen=True)
class Miss:
    """Why a commitment will not be done by its deadline (or not at all, when not placed)."""

    needed_minutes: int
    # Minutes it found free before its deadline (in the whole horizon when it has none).
    free_minutes: int
    reason: str


@dataclass(frozen=True)
class Placement:
    commitment: Commitment
    # In order, never overlapping another slice of the same assignee.
    slices: tuple[Span, ...]
    # When the last minute is done; None when it is not placed in full.
    completes_at: datetime | None
    miss: Miss | None
    # The slices in minutes since the epoch, for the weekly summary's arithmetic.
    intervals: tuple[Interval, ...] = field(default=(), repr=False, compare=False)

    @property
    def placed_minutes(self) -> int:
        return sum(b - a for a, b in self.intervals)

    @property
    def is_placed(self) -> bool:
        return self.completes_at is not None

    @property
    def will_miss(self) -> bool:
        return self.miss is not None


class Fit(NamedTuple):
    assignee: Hashable
    completes_at: datetime


class _Ledger:
    """One person's free time from the plan's start to its horizon: for each part (plannable,
    kept free) a list of (start, end) in order. Worked out a fortnight at a time as far as
    anyone looks, and taken out of as work is placed."""

    def __init__(self, availability: Availability, start: int, until: int) -> None:
        self.availability = availability
        self.start, self.until = start, until
        self.free: dict[int, list[Interval]] = {part: [] for part in ANY_FREE_TIME}
        self.next_day = local_day(start, availability.zone)
        self.known_until = start  # every period before this minute is in ``free``
        # For each set of parts, the minute from which none of them has free time left up to
        # the horizon (a take from there could not be filled). Nothing is ever given back,
        # so later takes from there on find nothing: an over-booked person's thousandth
        # request is answered at once instead of searching the emptied horizon again.
        self.empty_from: dict[frozenset[int], int] = {}

    def fork(self) -> _Ledger:
        """A copy to take from without changing this one."""
        copy = _Ledger(self.availability, self.start, self.until)
        copy.free = {part: list(periods) for part, periods in self.free.items()}
        copy.next_day, copy.known_until = self.next_day, self.known_until
        copy.empty_from = dict(self.empty_from)
        return copy

    def _is_empty_from(self, release: int, parts: frozenset[int]) -> bool:
        found = self.empty_from.get(parts)
        return found is not None and release >= found

    def _emptied_from(self, release: int, parts: frozenset[int]) -> None:
        """No free time of ``parts`` is left from ``release`` on; with every part gone,
        neither is any of a smaller set's."""
        for each in (parts, *(frozenset({p}) for p in parts), PLANNABLE_ONLY & parts):
            if each:
                self.empty_from[each] = min(release, self.empty_from.get(each, release))

    def _extend(self) -> bool:
        if self.known_until >= self.until:
            return False
        last = self.next_day + _CHUNK
        day = self.next_day
        while day < last:
            for a, b, part in self.availability.periods_on(day):
                a, b = max(a, self.start), min(b, self.until)
                if b > a:
                    self.free[part].append((a, b))
            day += timedelta(days=1)
        self.next_day = last
        self.known_until = min(self.until, wall_minute(last, 0, self.availability.zone))
        return True

    def _next(self, cursor: int, parts: frozenset[int]) -> tuple[int, int, int] | None:
        """(part, index, begin) of the earliest free minute at or after ``cursor`` in
        ``parts``; None when there is none before the horizon."""
        while True:
            while self.known_until <= cursor and self._extend():
                pass
            best: tuple[int, int, int] | None = None
            for part in parts:
                periods = self.free[part]
                index = bisect_right(periods, cursor, key=itemgetter(1))
                if index < len(periods):
                    begin = max(periods[index][0], cursor)
                    if best is None or begin < best[2]:
                        best = (part, index, begin)
            # Periods not worked out yet begin after every one that is.
            if best is not None or not self._extend():
                return best

    def take(self, minutes: int, release: int, parts: frozenset[int]) -> list[Interval]:
        """Takes up to ``minutes`` of the earliest free time from ``release`` on."""
        taken: list[Interval] = []
        if minutes > 0 and self._is_empty_from(release, parts):
            return taken
        cursor = release
        while minutes > 0 and (found := self._next(cursor, parts)) is not None:
            part, index, begin = found
            periods = self.free[part]
            a, b = periods[index]
            end = min(b, begin + minutes)
            periods[index : index + 1] = [(x, y) for x, y in ((a, begin), (end, b)) if y > x]
            minutes -= end - begin
            cursor = end
            if taken and taken[-1][1] == begin:
                taken[-1] = (taken[-1][0], end)
            else:
                taken.append((begin, end))
        if minutes > 0:
            self._emptied_from(release, parts)
        return taken

    def finish(self, minutes: int, release: int, parts: frozenset[int]) -> int | None:
        """The minute ``minutes`` of free time from ``release`` on would be done; None
        when the horizon comes first. Takes nothing."""
        if self._is_empty_from(release, parts):
            return None
        cursor = release
        while (found := self._next(cursor, parts)) is not None:
            part, index, begin = found
            end = self.free[part][index][1]
            if end - begin >= minutes:
                return begin + minutes
            minutes -= end - begin
            cursor = end
        return None


class Plan:
    """The outcome of ``plan``: where each commitment goes, and the free time left."""

    def __init__(
        self,
        *,
        start: int,
        until: int,
        placements: dict[Hashable, Placement],
        availabilities: dict[Hashable, Availability],
        confirmed_left: dict[Hashable, _Ledger],
        all_left: dict[Hashable, _Ledger],
    ) -> None:
        self._start, self._until = start, until
        self._placements = placements
        self._availabilities = availabilities
        # The free time confirmed work leaves, and what tentative work leaves of that.
        self._confirmed_left, self._all_left = confirmed_left, all_left

    @property
    def start(self) -> datetime:
        return to_instant(self._start)

    @property
    def until(self) -> datetime:
        """The horizon: nothing is placed after it."""
        return to_instant(self._until)

    @property
    def placements(self) -> Mapping[Hashable, Placement]:
        """Each commitment's placement by its key, in the order the commitments were given."""
        return self._placements

    @property
    def availabilities(self) -> Mapping[Hashable, Availability]:
        return self._availabilities

    @property
    def misses(self) -> list[Placement]:
        return [placement for placement in self._placements.values() if placement.will_miss]

    def _ledger(self, assignee: Hashable, *, count_tentative: bool) -> _Ledger | None:
        return (self._all_left if count_tentative else self._confirmed_left).get(assignee)


def plan(
    commitments: Iterable[Commitment],
    availabilities: Iterable[Availability],
    *,
    start: datetime,
    horizon: timedelta = DEFAULT_HORIZON,
) -> Plan:
    """Places every commitment into its assignee's free time from ``start`` on (see the
    package's docstring for the order). Raises ValueError for two commitments with one key
    or two availabilities of one person."""
    first = minute_ceil(start)
    until = first + horizon // timedelta(minutes=1)
    people: dict[Hashable, Availability] = {}
    for availability in availabilities:
        if availability.person in people:
            raise ValueError(f"Two availabilities of {availability.person!r}.")
        people[availability.person] = availability
    given = list(commitments)
    if len({c.key for c in given}) != len(given):
        raise ValueError("Two commitments share a key.")
    order = sorted(range(len(given)), key=lambda i: _placing_order(given[i], i))
    confirmed = [given[i] for i in order if given[i].is_confirmed]
    tentative = [given[i] for i in order if not given[i].is_confirmed]
    confirmed_left = {person: _Ledger(each, first, until) for person, each in people.items()}
    placed = {c.key: _place(c, confirmed_left, first, until) for c in confirmed}
    all_left = {person: ledger.fork() for person, ledger in confirmed_left.items()}
    placed |= {c.key: _place(c, all_left, first, until) for c in tentative}
    return Plan(
        start=first,
        until=until,
        placements={c.key: placed[c.key] for c in given},
        availabilities=people,
        confirmed_left=confirmed_left,
        all_left=all_left,
    )


def _placing_order(commitment: Commitment, index: int) -> tuple[bool, bool, int, int, int]:
    return (
        not commitment.is_confirmed,
        commitment.is_short_notice,
        commitment.deadline_minute,
        commitment.release_minute,
        index,
    )


def _place(
    commitment: Commitment, ledgers: dict[Hashable, _Ledger], start: int, until: int
) -> Placement:
    release = max(start, commitment.release_minute)
    deadline = None if commitment.deadline_at is None else commitment.deadline_minute
    ledger = ledgers.get(commitment.assignee)
    if ledger is None:
        who = (
            "Nobody is assigned to it yet"
            if commitment.assignee is None
            else "Its assignee has no working time in the plan"
        )
        reason = f"{who}; it needs {describe_minutes(commitment.minutes)}."
        return Placement(commitment, (), None, Miss(commitment.minutes, 0, reason))
    parts = ANY_FREE_TIME if commitment.is_short_notice else PLANNABLE_ONLY
    taken = ledger.take(commitment.minutes, release, parts)
    done = sum(b - a for a, b in taken) == commitment.minutes
    completes = (taken[-1][1] if taken else release) if done else None
    miss = _miss(
        commitment, taken, completes, release=release, deadline=deadline, start=start, until=until
    )
    slices = tuple(Span(to_instant(a), to_instant(b)) for a, b in taken)
    done_at = None if completes is None else to_instant(completes)
    return Placement(commitment, slices, done_at, miss, intervals=tuple(taken))


def _miss(
    commitment: Commitment,
    taken: list[Interval],
    completes: int | None,
    *,
    release: int,
    deadline: int | None,
    start: int,
    until: int,
) -> Miss | None:
    needs = describe_minutes(commitment.minutes)
    if deadline is None:
        if completes is not None:
            return None
        free = sum(b - a for a, b in taken)
        days = (until - start) // (24 * 60)
        return Miss(
            commitment.minutes,
            free,
            f"Needs {needs}, {describe_minutes(free)} free in the next {days} days.",
        )
    if completes is not None and completes <= deadline:
        return None
    free = sum(max(0, min(b, deadline) - a) for a, b in taken)
    if deadline <= start:
        return Miss(commitment.minutes, 0, f"Its deadline has passed; it needs {needs}.")
    if release >= deadline:
        return Miss(
            commitment.minutes, 0, f"It cannot start before its deadline; it needs {needs}."
        )
    return Miss(
        commitment.minutes,
        free,
        f"Needs {needs}, {describe_minutes(free)} free before the deadline.",
    )


# New work ----------------------------------------------------------------------------------


def earliest_fit(
    minutes: int,
    *,
    assignee: Hashable,
    after: datetime,
    plan: Plan,
    use_kept_free: bool = False,
    count_tentative: bool = False,
) -> datetime | None:
    """The earliest instant by which ``minutes`` of new work, begun no earlier than ``after``
    (nor the plan's start), would be done in ``assignee``'s free time the plan leaves: the
    plannable share, and the share kept free too when ``use_kept_free`` (unplanned work).

    Tentative work reserves nothing, so the time it was placed in counts as free unless
    ``count_tentative``. None when it does not fit before the plan's horizon, or the plan
    does not know the assignee. Moves no placed work, and takes nothing from the plan."""
    if minutes <= 0:
        raise ValueError("Ask about at least one minute of work.")
    ledger = plan._ledger(assignee, count_tentative=count_tentative)
    if ledger is None:
        return None
    release = max(minute_ceil(after), minute_ceil(plan.start))
    end = ledger.finish(minutes, release, ANY_FREE_TIME if use_kept_free else PLANNABLE_ONLY)
    return None if end is None else to_instant(end)


def earliest_fit_among(
    minutes: int,
    *,
    assignees: Iterable[Hashable],
    after: datetime,
    plan: Plan,
    use_kept_free: bool = False,
    count_tentative: bool = False,
) -> Fit | None:
    """Whoever of ``assignees`` (a client's assistants, say) would be done first, and when;
    at a tie, the first of them. None when it fits nobody's time."""
    best: Fit | None = None
    for assignee in assignees:
        done = earliest_fit(
            minutes,
            assignee=assignee,
            after=after,
            plan=plan,
            use_kept_free=use_kept_free,
            count_tentative=count_tentative,
        )
        if done is not None and (best is None or done < best.completes_at):
            best = Fit(assignee, done)
    return best


def fits(
    minutes: int,
    deadline_at: datetime,
    *,
    assignees: Iterable[Hashable],
    after: datetime,
    plan: Plan,
    use_kept_free: bool = False,
    count_tentative: bool = False,
) -> bool:
    """Whether one of ``assignees`` would have ``minutes`` of new work done by ``deadline_at``
    (the same computation as ``earliest_fit``, so the two never disagree)."""
    found = earliest_fit_among(
        minutes,
        assignees=assignees,
        after=after,
        plan=plan,
        use_kept_free=use_kept_free,
        count_tentative=count_tentative,
    )
    return found is not None and minute_ceil(found.completes_at) <= minute_floor(deadline_at)


# Sizes in words and minutes ----------------------------------------------------------------


def commitment_minutes(
    estimate_hours: Decimal | None, *, default_hours: Decimal
) -> tuple[int, bool]:
    """A request's size in whole minutes (rounded up), and whether it is the practice's
    default size because it has no estimate."""
    hours = default_hours if estimate_hours is None else estimate_hours
    minutes = (hours * 60).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(minutes)), estimate_hours is None


def describe_minutes(minutes: int) -> str:
    """The minutes as people say them: "6 h", "1 h 30 min", "45 min", or "no time"."""
    hours, rest = divmod(minutes, 60)
    if not minutes:
        return "no time"
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
