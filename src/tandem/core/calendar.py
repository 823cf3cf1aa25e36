"""The practice's calendar: the days it works, the hours of its working day, its time zone and
the bank holidays of its country.

Pure: no models, no database, no Django settings, so ``tandem deadline`` uses it without
Django. A practice builds its own with ``Practice.calendar()``; the deadline resolver reads
"in 3 working days" and "EOD" with it, and capacity planning will count working hours with it.

Decisions worth knowing:

* A working day is one of the practice's weekdays that is not a bank holiday of its country
  (and region, when it has one). Without a country, no day is a bank holiday.
* Bank holidays come from the ``holidays`` library, a year at a time, cached per country,
  region and year as read-only mappings, so many requests share them safely.
* Opening and closing times are wall-clock times in the calendar's zone. On the night the
  clocks go forward, a time that does not exist is read as the same time after the change
  (02:30 becomes 03:30); in the hour that repeats, the first one counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from holidays.registry import COUNTRIES

MONDAY_TO_FRIDAY = frozenset(range(5))
# Bounds every search for a working day: a year of holidays cannot hide all of them.
_SEARCH_DAYS = 400
# The registry names countries in CamelCase; these two do not split into English.
_COUNTRY_NAMES = {
    "CD": "Democratic Republic of the Congo",
    "HM": "Heard Island and McDonald Islands",
}
_SMALL_WORDS = {"And": "and", "Of": "of", "The": "the", "Da": "da"}
# An unknown region's error lists the country's regions when there are this few.
_REGIONS_LISTED = 12


class UnknownRegion(ValueError):  # noqa: N818 - a name that says what was wrong
    """A country or region without a bank holiday calendar; ``field`` is the one to fix."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@cache
def country_choices() -> list[tuple[str, str]]:
    """(ISO 3166 code, English name) of every country with bank holidays, sorted by name.

    A callable, so the model's migration refers to it rather than storing 250 choices.
    """
    names = {code: _english_name(code, class_name) for class_name, code, *_ in COUNTRIES.values()}
    return sorted(names.items(), key=lambda item: item[1])


@cache
def _country_names() -> Mapping[str, str]:
    return MappingProxyType(dict(country_choices()))


def country_name(code: str) -> str:
    return _country_names().get(code, code)


def region_name(country: str, subdivision: str) -> str:
    """The region's name ("England" for GB-ENG), or its code when the library has none."""
    return _regions(country).names.get(subdivision, subdivision) if country else subdivision


def normalize_region(country: str, subdivision: str = "") -> tuple[str, str]:
    """The country's code and the region's code as the calendar knows them.

    ``subdivision`` may be a code ("ENG", "ny") or a name ("England"). Raises UnknownRegion,
    whose message says what to write instead.
    """
    country, subdivision = country.strip().upper(), subdivision.strip()
    if not country:
        if subdivision:
            raise UnknownRegion(
                "Pick the country first: a region only narrows a country's bank holidays.",
                field="subdivision",
            )
        return "", ""
    if country not in _country_names():
        raise UnknownRegion(
            f"No bank holiday calendar for “{country}”: pick a country from the list, or none.",
            field="country",
        )
    if not subdivision:
        return country, ""
    lookup = _regions(country).lookup
    code = lookup.get(subdivision.upper()) or lookup.get(subdivision.casefold())
    if code is None:
        raise UnknownRegion(_unknown_region(country, subdivision), field="subdivision")
    return country, code


@dataclass(frozen=True)
class PracticeCalendar:
    """When a practice works. Instants given to it must be aware; dates are in its zone."""

    time_zone: str = "UTC"
    # Weekday numbers, Monday = 0, as in date.weekday().
    working_days: frozenset[int] = MONDAY_TO_FRIDAY
    work_starts_at: time = time(9)
    work_ends_at: time = time(17)
    # ISO 3166 code; blank: no bank holidays.
    country: str = ""
    subdivision: str = ""

    def __post_init__(self) -> None:
        ZoneInfo(self.time_zone)  # an unknown zone fails here, not at the first question
        if not self.working_days or not self.working_days <= set(range(7)):
            raise ValueError("A practice works on at least one weekday, numbered 0 to 6.")
        if self.work_ends_at <= self.work_starts_at:
            raise ValueError("The working day must end after it starts.")
        if (self.country, self.subdivision) != normalize_region(self.country, self.subdivision):
            raise ValueError(f"Write the region as its code: {self.subdivision!r}.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)  # ZoneInfo keeps one instance per key

    def in_time_zone(self, time_zone: str) -> PracticeCalendar:
        """The same days and hours, read on another zone's clock (a client's, say)."""
        return replace(self, time_zone=time_zone)

    def bank_holiday(self, day: date) -> str | None:
        """The bank holiday's name on ``day``, or None."""
        if not self.country:
            return None
        return _bank_holidays(self.country, self.subdivision, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and self.bank_holiday(day) is None

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self._step(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day before ``day``."""
        return self._step(day, -1)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        if count < 0:
            raise ValueError("Count working days forward: count must not be negative.")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def opens_on(self, day: date) -> datetime:
        """The start of the working day on ``day``, aware, in the calendar's zone."""
        return self._at(day, self.work_starts_at)

    def closes_on(self, day: date) -> datetime:
        """Close of business on ``day``, aware, in the calendar's zone."""
        return self._at(day, self.work_ends_at)

    def working_intervals(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """(opens, closes) of each working day from ``first`` to ``last``, both included.

        Aware, in the calendar's zone: convert to UTC before subtracting (Python subtracts
        two times of one zone on the wall clock, blind to a clock change between them).
        """
        intervals = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                intervals.append((self.opens_on(day), self.closes_on(day)))
            day += timedelta(days=1)
        return intervals

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of ``start`` to ``end`` falls in working hours (nothing when end <= start)."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("start and end must be aware datetimes.")
        if end <= start:
            return timedelta()
        first, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        # In UTC: Python subtracts two times of one zone as wall-clock times, so a day the
        # clocks go forward would count the hour that never happened.
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta()
        for opens, closes in self.working_intervals(first, last):
            overlap = min(closes.astimezone(UTC), end) - max(opens.astimezone(UTC), start)
            total += max(overlap, timedelta())
        return total

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of working time after ``start`` (4 working hours from
        Friday 15:00 is Monday 11:00). Time outside working hours does not count, so a
        start outside them counts from the next opening. Aware, in the calendar's zone."""
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime.")
        if duration < timedelta():
            raise ValueError("Count working time forward: duration must not be negative.")
        at = self._next_working_moment(start)
        remaining = duration
        while True:
            # In UTC, as in working_time_between: a clock change inside the day counts.
            closes = self.closes_on(at.date()).astimezone(UTC)
            left = closes - at.astimezone(UTC)
            if remaining <= left:
                return (at.astimezone(UTC) + remaining).astimezone(self.zone)
            remaining -= left
            at = self.opens_on(self.next_working_day(at.date()))

    def close_of_working_days(self, start: datetime, count: int) -> datetime:
        """Close of business on the ``count``-th whole working day after ``start``.

        A working day counts only when it opens after ``start``: a request that arrives at
        10:00 on Wednesday has "one working day" until Thursday's close, one that arrives
        at 08:00 until Wednesday's close, and one that arrives on Saturday until Monday's.
        """
        if count < 1:
            raise ValueError("Count at least one working day.")
        local = start.astimezone(self.zone)
        day = local.date()
        if not (self.is_working_day(day) and local <= self.opens_on(day)):
            day = self.next_working_day(day)
        return self.closes_on(self.add_working_days(day, count - 1))

    def _next_working_moment(self, instant: datetime) -> datetime:
        """``instant`` itself when the practice is working then, otherwise its next opening."""
        local = instant.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day):
            if local < self.opens_on(day):
                return self.opens_on(day)
            if local < self.closes_on(day):
                return local
        return self.opens_on(self.next_working_day(day))

    def _step(self, day: date, direction: int) -> date:
        for offset in range(1, _SEARCH_DAYS):
            candidate = day + timedelta(days=offset * direction)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("The practice has no working days in the coming year.")

    def _at(self, day: date, clock: time) -> datetime:
        # fold=0 and a round trip through UTC: the first of a repeated hour, and a time
        # skipped by the clocks moved past the change.
        wall = datetime.combine(day, clock).replace(tzinfo=self.zone, fold=0)
        return wall.astimezone(UTC).astimezone(self.zone)


@lru_cache(maxsize=256)
def _bank_holidays(country: str, subdivision: str, year: int) -> Mapping[date, str]:
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return MappingProxyType(dict(found))


class _Regions(NamedTuple):
    codes: tuple[str, ...]
    names: Mapping[str, str]  # code -> the region's name, when the library gives one
    lookup: Mapping[str, str]  # code, or casefolded name -> code


@lru_cache(maxsize=64)
def _regions(country: str) -> _Regions:
    codes = tuple(holidays.list_supported_countries()[country])
    aliases = getattr(type(holidays.country_holidays(country)), "subdivisions_aliases", {})
    names: dict[str, str] = {}
    for name, code in aliases.items():
        names.setdefault(code, name)
    lookup = {code: code for code in codes}
    lookup.update({name.casefold(): code for name, code in aliases.items() if code in lookup})
    return _Regions(codes, MappingProxyType(names), MappingProxyType(lookup))


def _unknown_region(country: str, subdivision: str) -> str:
    name = country_name(country)
    regions = _regions(country)
    if not regions.codes:
        return f"{name} has no regions with bank holidays of their own; leave the region empty."
    listed = [
        f"{regions.names[code]} ({code})" if code in regions.names else code
        for code in sorted(regions.codes)
    ]
    if len(listed) > _REGIONS_LISTED:
        return (
            f"“{subdivision}” is not a region of {name} with bank holidays of its own. Write "
            f"its name or code, such as {listed[0]} or {listed[1]}, or leave the region empty."
        )
    return (
        f"“{subdivision}” is not a region of {name} with bank holidays of its own. "
        f"Write one of {', '.join(listed)}, or leave the region empty."
    )


def _english_name(code: str, class_name: str) -> str:
    if code in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[code]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name).split()
    return " ".join([words[0], *(_SMALL_WORDS.get(word, word) for word in words[1:])])
