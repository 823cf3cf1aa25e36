"""Working time in words, on the person's own clock. Pure: the page and the services' refusals
say time off the same way."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DASH = "\N{EN DASH}"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _clock(moment: datetime) -> str:
    return "24:00" if moment.time() == time(0) else f"{moment:%H:%M}"


def describe_time_off(starts_at: datetime, ends_at: datetime, time_zone: str) -> str:
    """Time off as people say it, on the clock of ``time_zone``: "Mon 3 Mar", "Mon 3 Mar to
    Wed 5 Mar" (with a dash), "Tue 4 Mar, 13:00 to 17:00", "Mon 3 Mar 13:00 to Wed 5 Mar
    12:00"."""
    zone = ZoneInfo(time_zone)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    whole_days = start.time() == time(0) and end.time() == time(0)
    if whole_days:
        last = end.date() - timedelta(days=1)
        return (
            _day(start.date())
            if last <= start.date()
            else f"{_day(start.date())} {DASH} {_day(last)}"
        )
    same_day = start.date() == end.date() or (
        end.time() == time(0) and end.date() - start.date() == timedelta(days=1)
    )
    if same_day:
        return f"{_day(start.date())}, {_clock(start)}{DASH}{_clock(end)}"
    return f"{_day(start.date())} {start:%H:%M} {DASH} {_day(end.date())} {end:%H:%M}"


def describe_hours(minutes: int) -> str:
    """Hours of a week as people write them: "37.5 h", "40 h"."""
    return f"{round(minutes / 60, 1):g} h"
