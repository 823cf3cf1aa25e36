"""A person's working time: weekly hours on their wall clock, less bank holidays and time
off, split into the plannable share and the share kept free. See the package's docstring for
the decisions."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tandem.core.calendar import PracticeCalendar

DAY_MINUTES = 24 * 60
KEPT_FREE_MAX_PERCENT = 90
# The two parts of a day's free time.
PLANNABLE, KEPT_FREE = 0, 1
PLANNABLE_ONLY = frozenset({PLANNABLE})
ANY_FREE_TIME = frozenset({PLANNABLE, KEPT_FREE})

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)

# (start, end) in minutes since the epoch; (start, end, part) for free time.
Interval = tuple[int, int]
Period = tuple[int, int, int]


# Minutes since the epoch ------------------------------------------------------------------


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("Instants must be aware datetimes.")


def minute_floor(instant: datetime) -> int:
    """The whole minute ``instant`` falls in (a deadline: the work must be done by then)."""
    _require_aware(instant)
    return (instant - _EPOCH) // _MINUTE


def minute_ceil(instant: datetime) -> int:
    """The first whole minute at or after ``instant`` (work cannot begin before it)."""
    _require_aware(instant)
    return -((_EPOCH - instant) // _MINUTE)


def to_instant(minute: int) -> datetime:
    return _EPOCH + timedelta(minutes=minute)


def wall_minute(day: date, minute_of_day: int, zone: ZoneInfo) -> int:
    """The instant the wall clock in ``zone`` shows ``minute_of_day`` on ``day`` (1440 is the
    next day's midnight). In a repeated hour, the first; a time the clocks skip is the moment
    of the change, the first instant the clock shows a later time."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute_of_day)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return minute_floor(first)
    # Skipped: fold=1 reads it with the offset after the change (an instant before it),
    # fold=0 with the offset before (an instant after it). The change lies between, on a
    # whole minute; the clock is below ``naive`` before it and above after it.
    low = minute_floor(naive.replace(tzinfo=zone, fold=1).astimezone(UTC))
    high = minute_floor(first)
    while high - low > 1:
        middle = (low + high) // 2
        if to_instant(middle).astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high


def local_day(minute: int, zone: ZoneInfo) -> date:
    return to_instant(minute).astimezone(zone).date()


def instant_at(day: date, clock: time, time_zone: str) -> datetime:
    """The instant (UTC) the wall clock in ``time_zone`` shows ``clock`` on ``day``, read as
    working hours are: the first of a repeated hour, the moment of the change for a time the
    clocks skip. A whole day ends at the next day's ``time(0)``."""
    minute = wall_minute(day, clock.hour * 60 + clock.minute, ZoneInfo(time_zone))
    return to_instant(minute)


# Weekly hours ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Hours:
    """One stretch of a working day on the wall clock, in minutes after midnight: 540 to
    1020 is 09:00 to 17:00, and 1440 is 24:00 (midnight at the end of the day)."""

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= DAY_MINUTES:
            raise ValueError("Working hours start before they end, between 00:00 and 24:00.")

    @classmethod
    def between(cls, starts: time, ends: time) -> Hours:
        """From ``starts`` to ``ends`` in whole minutes; 00:00 as the end means 24:00."""
        return cls(starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute or DAY_MINUTES)

    @property
    def starts_at(self) -> time:
        return time(*divmod(self.start_minute, 60))

    @property
    def ends_at(self) -> time:
        """The end as a time of day; ``time(0)`` when it is midnight at the day's end."""
        return time(*divmod(self.end_minute % DAY_MINUTES, 60))

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute


WeeklyHours = Mapping[int, Sequence[Hours]]


def weekly_hours_of(calendar: PracticeCalendar) -> dict[int, tuple[Hours, ...]]:
    """The practice's working days and hours, as weekly hours (weekday, Monday = 0)."""
    stretch = Hours.between(calendar.work_starts_at, calendar.work_ends_at)
    return dict.fromkeys(sorted(calendar.working_days), (stretch,))


class Span(NamedTuple):
    """A stretch of time between two instants: time off, or a slice of placed work."""

    starts_at: datetime
    ends_at: datetime

    @property
    def minutes(self) -> int:
        return (self.ends_at - self.starts_at) // _MINUTE


# Availability ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Availability:
    """When ``person`` works: ``weekly`` hours (weekday → stretches, on the wall clock of
    ``time_zone``), less the bank holidays of ``calendar`` and ``time_off``, with
    ``kept_free_percent`` of each working day kept free for unplanned work.

    ``time_zone`` blank: the calendar's. ``weekly`` None: the calendar's working days and
    hours (read on the person's clock). ``known_until``: nothing is known after it (the rows
    were read up to there), so no time after it is free.
    """

    person: Hashable
    calendar: PracticeCalendar
    time_zone: str = ""
    weekly: WeeklyHours | None = None
    time_off: Sequence[Span] = ()
    kept_free_percent: int = 0
    known_until: datetime | None = None
    # Worked out once from the fields above.
    _days: tuple[tuple[Interval, ...], ...] = field(init=False, repr=False)
    _off: tuple[Interval, ...] = field(init=False, repr=False)
    _zone: ZoneInfo = field(init=False, repr=False)
    _until: int | None = field(init=False, repr=False)
    # Each day's periods, worked out once: the plan and the weekly summary both read them.
    _by_day: dict[date, list[Period]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        zone = ZoneInfo(self.time_zone or self.calendar.time_zone)
        if not 0 <= self.kept_free_percent <= KEPT_FREE_MAX_PERCENT:
            raise ValueError(f"Keep between 0 and {KEPT_FREE_MAX_PERCENT} % of the time free.")
        weekly = weekly_hours_of(self.calendar) if self.weekly is None else self.weekly
        if not set(weekly) <= set(range(7)):
            raise ValueError("Weekdays are numbered 0 (Monday) to 6 (Sunday).")
        days = tuple(
            _merged([(h.start_minute, h.end_minute) for h in weekly.get(d, ())]) for d in range(7)
        )
        for span in self.time_off:
            if span.ends_at <= span.starts_at:
                raise ValueError("Time off must end after it starts.")
        off = _merged([(minute_floor(s.starts_at), minute_ceil(s.ends_at)) for s in self.time_off])
        until = None if self.known_until is None else minute_floor(self.known_until)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "_off", tuple(off))
        object.__setattr__(self, "_until", until)
        object.__setattr__(self, "_by_day", {})

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def free_time(
        self, start: datetime, end: datetime, *, include_kept_free: bool = True
    ) -> list[Span]:
        """The free working time between ``start`` and ``end``, in order, as UTC spans
        (touching spans joined); only the plannable share unless ``include_kept_free``."""
        parts = ANY_FREE_TIME if include_kept_free else PLANNABLE_ONLY
        found: list[Interval] = []
        for a, b, part in self.periods(minute_ceil(start), minute_floor(end)):
            if part not in parts:
                continue
            if found and found[-1][1] == a:
                found[-1] = (found[-1][0], b)
            else:
                found.append((a, b))
        return [Span(to_instant(a), to_instant(b)) for a, b in found]

    def free_minutes(
        self, start: datetime, end: datetime, *, include_kept_free: bool = True
    ) -> int:
        spans = self.free_time(start, end, include_kept_free=include_kept_free)
        return sum(span.minutes for span in spans)

    def periods(self, start: int, end: int) -> list[Period]:
        """The free periods (start, end, part) between two minutes since the epoch, clipped
        to them: the package's own arithmetic (``free_time`` is the same in instants)."""
        found = []
        day, last = local_day(start, self._zone), local_day(max(start, end - 1), self._zone)
        while day <= last:
            for a, b, part in self.periods_on(day):
                a, b = max(a, start), min(b, end)
                if b > a:
                    found.append((a, b, part))
            day += timedelta(days=1)
        return found

    def periods_on(self, day: date) -> list[Period]:
        """The day's free periods in order: plannable first, then the part kept free."""
        found = self._by_day.get(day)
        if found is None:
            found = self._by_day[day] = self._work_out(day)
        return found

    def _work_out(self, day: date) -> list[Period]:
        if self.calendar.bank_holiday(day) is not None:
            return []
        working = [
            (wall_minute(day, a, self._zone), wall_minute(day, b, self._zone))
            for a, b in self._days[day.weekday()]
        ]
        free = _without(working, self._off)
        if self._until is not None:
            free = [(a, min(b, self._until)) for a, b in free if a < self._until]
        total = sum(b - a for a, b in free)
        plannable = total * (100 - self.kept_free_percent) // 100
        return _split(free, plannable)


def _merged(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _without(intervals: list[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """``intervals`` less ``holes`` (both sorted; holes disjoint)."""
    left: list[Interval] = []
    for a, b in intervals:
        index = bisect_right(holes, a, key=itemgetter(1))  # the first hole ending after a
        while a < b and index < len(holes) and holes[index][0] < b:
            hole_start, hole_end = holes[index]
            if hole_start > a:
                left.append((a, hole_start))
            a = max(a, hole_end)
            index += 1
        if a < b:
            left.append((a, b))
    return left


def _split(free: list[Interval], plannable: int) -> list[Period]:
    """The first ``plannable`` minutes of ``free`` as plannable, the rest kept free."""
    periods: list[Period] = []
    for a, b in free:
        if b <= a:
            continue
        cut = min(b, a + plannable)
        if cut > a:
            periods.append((a, cut, PLANNABLE))
        if b > cut:
            periods.append((cut, b, KEPT_FREE))
        plannable -= cut - a
    return periods
