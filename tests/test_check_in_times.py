"""When a weekly check-in falls (issue 12): a weekday and a wall time on the client's clock,
across daylight-saving changes in New York, Berlin and Sydney. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tandem.planning.check_in_times import (
    check_in_instant,
    nonexistent_check_in_dates,
    wall_time_exists,
    week_start,
)

SUNDAY = 6


def on_clock(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M %Z")


@pytest.mark.parametrize(
    ("zone", "week", "wall", "expected"),
    [
        # An ordinary Monday, before and after each zone's change.
        ("America/New_York", date(2026, 3, 2), time(9), "Mon 02 Mar 09:00 EST"),
        ("America/New_York", date(2026, 3, 9), time(9), "Mon 09 Mar 09:00 EDT"),
        ("Europe/Berlin", date(2026, 3, 23), time(9), "Mon 23 Mar 09:00 CET"),
        ("Europe/Berlin", date(2026, 3, 30), time(9), "Mon 30 Mar 09:00 CEST"),
        ("Australia/Sydney", date(2026, 9, 28), time(9), "Mon 28 Sep 09:00 AEST"),
        ("Australia/Sydney", date(2026, 10, 5), time(9), "Mon 05 Oct 09:00 AEDT"),
    ],
)
def test_the_check_in_is_that_wall_time_on_the_clients_clock_whatever_the_season(
    zone: str, week: date, wall: time, expected: str
) -> None:
    assert on_clock(check_in_instant(week, 0, wall, zone), zone) == expected


@pytest.mark.parametrize(
    ("zone", "week", "wall", "expected_utc", "expected_local"),
    [
        # Clocks go from 02:00 to 03:00: 02:30 does not exist; 03:00 is the first instant after.
        ("America/New_York", date(2026, 3, 2), time(2, 30), "07:00", "Sun 08 Mar 03:00 EDT"),
        ("Europe/Berlin", date(2026, 3, 23), time(2, 30), "01:00", "Sun 29 Mar 03:00 CEST"),
        ("Australia/Sydney", date(2026, 9, 28), time(2, 30), "16:00", "Sun 04 Oct 03:00 AEDT"),
        # Half an hour forward on Lord Howe Island: 02:15 becomes 02:30.
        ("Australia/Lord_Howe", date(2026, 9, 28), time(2, 15), "15:30", "Sun 04 Oct 02:30 +11"),
    ],
)
def test_a_wall_time_the_clocks_skip_becomes_the_first_instant_after_the_gap(
    zone: str, week: date, wall: time, expected_utc: str, expected_local: str
) -> None:
    instant = check_in_instant(week, SUNDAY, wall, zone)
    assert instant.tzinfo == UTC
    assert instant.strftime("%H:%M") == expected_utc
    assert on_clock(instant, zone) == expected_local


@pytest.mark.parametrize(
    ("zone", "week", "expected"),
    [
        # Clocks go back: 01:30 (02:30 in Europe and Sydney) happens twice; the first counts.
        ("America/New_York", date(2026, 10, 26), "Sun 01 Nov 01:30 EDT"),
        ("Europe/Berlin", date(2026, 10, 19), "Sun 25 Oct 02:30 CEST"),
        ("Australia/Sydney", date(2026, 3, 30), "Sun 05 Apr 02:30 AEDT"),
    ],
)
def test_a_wall_time_that_happens_twice_is_its_first(zone: str, week: date, expected: str) -> None:
    wall = time(1, 30) if zone == "America/New_York" else time(2, 30)
    assert on_clock(check_in_instant(week, SUNDAY, wall, zone), zone) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", [date(2026, 3, 8)]),
        ("Europe/Berlin", [date(2026, 3, 29)]),
        ("Australia/Sydney", [date(2026, 10, 4)]),
        ("UTC", []),
    ],
)
def test_the_sundays_on_which_2_30_does_not_exist_in_the_coming_year(
    zone: str, expected: list[date]
) -> None:
    found = nonexistent_check_in_dates(SUNDAY, time(2, 30), zone, from_date=date(2026, 1, 1))
    assert found == expected


def test_a_check_in_on_another_day_or_hour_is_never_skipped() -> None:
    for zone in ("America/New_York", "Europe/Berlin", "Australia/Sydney"):
        assert nonexistent_check_in_dates(0, time(2, 30), zone, from_date=date(2026, 1, 1)) == []
        assert nonexistent_check_in_dates(SUNDAY, time(9), zone, from_date=date(2026, 1, 1)) == []


def test_the_dates_stay_within_the_days_asked_for() -> None:
    before = nonexistent_check_in_dates(
        SUNDAY, time(2, 30), "America/New_York", within_days=60, from_date=date(2026, 1, 1)
    )
    assert before == []
    assert nonexistent_check_in_dates(
        SUNDAY, time(2, 30), "America/New_York", within_days=67, from_date=date(2026, 1, 1)
    ) == [date(2026, 3, 8)]


def test_helpers() -> None:
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)
    assert not wall_time_exists(date(2026, 3, 8), time(2, 30), "America/New_York")
    assert wall_time_exists(date(2026, 11, 1), time(1, 30), "America/New_York")
    with pytest.raises(ValueError, match="weekday"):
        check_in_instant(date(2026, 3, 2), 7, time(9), "UTC")
