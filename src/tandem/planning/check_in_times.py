"""When a weekly check-in falls: a weekday and a wall time on the client's own clock.

Pure (no database, no settings): the check-in job, the calendar feed and the settings form
all ask the same two questions here.

- ``check_in_instant``: the instant of a week's check-in. A wall time the clocks skip that day
  (02:30 when they go forward from 02:00 to 03:00) becomes the first instant after the gap
  (03:00 new time): the check-in still goes that day, as early as it can. A wall time that
  happens twice (when clocks go back) is its first occurrence.
- ``nonexistent_check_in_dates``: the days in the coming year on which the chosen wall time does
  not exist in a zone, so the settings form can say so before anyone is surprised.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

ONE_SECOND = timedelta(seconds=1)


def as_zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def wall_time_exists(day: date, wall_time: time, zone: str | tzinfo) -> bool:
    """Whether ``wall_time`` on ``day`` is a time the clocks of ``zone`` show."""
    local = datetime.combine(day, wall_time, tzinfo=as_zone(zone))
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def check_in_instant(
    week_start_date: date, weekday: int, wall_time: time, zone: str | tzinfo
) -> datetime:
    """The check-in of the week starting on ``week_start_date`` (a Monday): ``weekday``
    (Monday = 0) at ``wall_time`` on ``zone``'s clock, as an aware instant in UTC."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday is 0 (Monday) to 6 (Sunday)")
    the_zone = as_zone(zone)
    day = week_start_date + timedelta(days=weekday)
    local = datetime.combine(day, wall_time.replace(tzinfo=None), tzinfo=the_zone)
    if wall_time_exists(day, wall_time, the_zone):
        # fold=0: of a wall time that happens twice, the first.
        return local.astimezone(UTC)
    return _end_of_gap(local)


def _end_of_gap(local: datetime) -> datetime:
    """The first instant after the gap ``local`` falls in.

    Read with the offset after the change (fold=1), a skipped wall time is an instant before
    the change; with the offset before it (fold=0), one after. The change lies between: the
    earliest instant that already has the later offset, found by halving (the search spans
    at most a few hours, so about fifteen steps to the second).
    """
    before = local.replace(fold=1).astimezone(UTC)
    after = local.replace(fold=0).astimezone(UTC)
    zone = local.tzinfo
    assert zone is not None
    new_offset = after.astimezone(zone).utcoffset()
    low, high = min(before, after), max(before, after)
    while high - low > ONE_SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == new_offset:
            high = middle
        else:
            low = middle
    return high


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def nonexistent_check_in_dates(
    weekday: int,
    wall_time: time,
    zone: str | tzinfo,
    within_days: int = 366,
    *,
    from_date: date | None = None,
) -> list[date]:
    """The days (that weekday) within ``within_days`` of ``from_date`` (default: today on
    ``zone``'s clock) on which ``wall_time`` does not exist in ``zone`` (the clocks skip it)."""
    the_zone = as_zone(zone)
    start = from_date or datetime.now(the_zone).date()
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    days = (first + timedelta(weeks=n) for n in range(within_days // 7 + 1))
    return [
        day
        for day in days
        if day < start + timedelta(days=within_days)
        and not wall_time_exists(day, wall_time, the_zone)
    ]
