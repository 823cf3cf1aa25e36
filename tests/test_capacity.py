"""The capacity computation (``tandem.planning.capacity``) on examples a VA would recognise.
Its properties for any input are in test_capacity_properties.py."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tandem.core.calendar import PracticeCalendar
from tandem.planning import capacity
from tandem.planning.capacity import Availability, Commitment, Hours, Span

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# England's bank holidays; 09:00 to 17:00, Monday to Friday.
PRACTICE = PracticeCalendar(time_zone="Europe/London", country="GB", subdivision="ENG")


def at(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return at(LONDON, year, month, day, hour, minute, second)


def spans(*pairs: tuple[datetime, datetime]) -> list[Span]:
    return [Span(a.astimezone(UTC), b.astimezone(UTC)) for a, b in pairs]


def hours(count: float) -> int:
    return int(count * 60)


# Working time ----------------------------------------------------------------------------


def test_by_default_a_person_works_the_practice_calendars_days_and_hours() -> None:
    ada = Availability("ada", PRACTICE)
    # Friday 13 June 2025 to Monday 16 June: the weekend is not working time.
    free = ada.free_time(london(2025, 6, 13, 0), london(2025, 6, 17, 0))
    assert free == spans(
        (london(2025, 6, 13, 9), london(2025, 6, 13, 17)),
        (london(2025, 6, 16, 9), london(2025, 6, 16, 17)),
    )


def test_bank_holidays_and_time_off_are_not_working_time() -> None:
    off = Span(london(2025, 12, 23, 13), london(2025, 12, 24, 0))
    ada = Availability("ada", PRACTICE, time_off=(off,))
    # Christmas week: Tuesday afternoon off, Christmas Day and Boxing Day bank holidays.
    free = ada.free_time(london(2025, 12, 22, 0), london(2025, 12, 27, 0))
    assert free == spans(
        (london(2025, 12, 22, 9), london(2025, 12, 22, 17)),
        (london(2025, 12, 23, 9), london(2025, 12, 23, 13)),
        (london(2025, 12, 24, 9), london(2025, 12, 24, 17)),
    )


def test_own_weekly_hours_replace_the_practices_and_are_read_on_the_persons_clock() -> None:
    mornings = {0: (Hours.between(time(7), time(12)),), 2: (Hours.between(time(20), time(0)),)}
    ben = Availability("ben", PRACTICE, time_zone="America/New_York", weekly=mornings)
    free = ben.free_time(london(2025, 6, 16, 0), london(2025, 6, 20, 0))
    assert free == spans(
        (at(NEW_YORK, 2025, 6, 16, 7), at(NEW_YORK, 2025, 6, 16, 12)),
        # "20:00 to 00:00" runs to midnight at the end of Wednesday, New York time.
        (at(NEW_YORK, 2025, 6, 18, 20), at(NEW_YORK, 2025, 6, 19, 0)),
    )


def test_the_share_kept_free_is_the_end_of_each_working_day() -> None:
    ada = Availability("ada", PRACTICE, kept_free_percent=25)
    monday = (london(2025, 6, 16, 0), london(2025, 6, 17, 0))
    assert ada.free_time(*monday, include_kept_free=False) == spans(
        (london(2025, 6, 16, 9), london(2025, 6, 16, 15))
    )
    assert ada.free_minutes(*monday) == hours(8)


def test_the_night_the_clocks_go_back_is_an_hour_longer() -> None:
    nights = {6: (Hours.between(time(0), time(4)),)}  # Sundays, 00:00 to 04:00
    owl = Availability("owl", PRACTICE, weekly=nights)
    # Sunday 26 October 2025: 02:00 summer time becomes 01:00 winter time.
    assert owl.free_minutes(london(2025, 10, 26, 0), london(2025, 10, 27, 0)) == hours(5)


def test_a_time_the_clocks_skip_is_read_as_the_moment_of_the_change() -> None:
    nights = {6: (Hours.between(time(0), time(1, 30)),)}
    owl = Availability("owl", PRACTICE, weekly=nights)
    # Sunday 30 March 2025: at 01:00 the clocks go to 02:00, so "until 01:30" ends then.
    free = owl.free_time(london(2025, 3, 30, 0), london(2025, 3, 31, 0))
    assert free == [
        Span(datetime(2025, 3, 30, 0, tzinfo=UTC), datetime(2025, 3, 30, 1, tzinfo=UTC))
    ]
    assert (
        capacity.instant_at(free[0].starts_at.date(), time(1, 30), "Europe/London")
        == free[0].ends_at
    )


def test_weekly_hours_are_whole_stretches_of_one_day() -> None:
    with pytest.raises(ValueError, match="start before they end"):
        Hours.between(time(17), time(9))
    assert Hours.between(time(18), time(0)).end_minute == 24 * 60
    with pytest.raises(ValueError, match="between 0 and 90"):
        Availability("ada", PRACTICE, kept_free_percent=95)


# Placing work ----------------------------------------------------------------------------

MONDAY = london(2025, 6, 16, 9)  # a plain week: no bank holiday, no clock change


def plan(*commitments: Commitment, kept_free_percent: int = 0) -> capacity.Plan:
    ada = Availability("ada", PRACTICE, kept_free_percent=kept_free_percent)
    return capacity.plan(commitments, [ada], start=MONDAY)


def ada_done(minutes: int, booked: capacity.Plan, **options: bool) -> datetime | None:
    return capacity.earliest_fit(minutes, assignee="ada", after=MONDAY, plan=booked, **options)


def test_work_due_sooner_is_done_first() -> None:
    later = Commitment("brochure", hours(4), "ada", deadline_at=london(2025, 6, 18, 17))
    sooner = Commitment("invoices", hours(2), "ada", deadline_at=london(2025, 6, 16, 12))
    placed = plan(later, sooner).placements
    assert placed["invoices"].slices == tuple(
        spans((london(2025, 6, 16, 9), london(2025, 6, 16, 11)))
    )
    assert placed["brochure"].completes_at == london(2025, 6, 16, 15)
    assert not placed["brochure"].will_miss


def test_confirmed_work_goes_before_tentative_work_due_sooner() -> None:
    heads_up = Commitment(
        "launch", hours(8), "ada", deadline_at=london(2025, 6, 16, 17), is_confirmed=False
    )
    request = Commitment("newsletter", hours(4), "ada", deadline_at=london(2025, 6, 17, 17))
    placed = plan(heads_up, request).placements
    assert placed["newsletter"].completes_at == london(2025, 6, 16, 13)
    assert placed["launch"].miss is not None
    assert placed["launch"].miss.reason == "Needs 8 h, 4 h free before the deadline."


def test_work_that_cannot_make_its_deadline_says_why_and_when_it_will_be_done() -> None:
    big = Commitment("report", hours(6), "ada", deadline_at=london(2025, 6, 16, 11))
    placement = plan(big).placements["report"]
    assert placement.miss is not None
    assert placement.miss.reason == "Needs 6 h, 2 h free before the deadline."
    assert placement.completes_at == london(2025, 6, 16, 15)


def test_work_waits_for_its_materials() -> None:
    copy = Commitment("copy", hours(3), "ada", earliest_start_at=london(2025, 6, 17, 14, 0, 30))
    placement = plan(copy).placements["copy"]
    # The materials arrive half a minute after 14:00: work starts at 14:01.
    assert placement.slices == tuple(
        spans(
            (london(2025, 6, 17, 14, 1), london(2025, 6, 17, 17)),
            (london(2025, 6, 18, 9), london(2025, 6, 18, 9, 1)),
        )
    )


def test_work_nobody_is_assigned_to_is_not_placed_and_says_so() -> None:
    orphan = Commitment("orphan", 90, None, deadline_at=london(2025, 6, 20, 17))
    placement = plan(orphan).placements["orphan"]
    assert not placement.is_placed
    assert placement.miss is not None
    assert placement.miss.reason == "Nobody is assigned to it yet; it needs 1 h 30 min."


def test_work_whose_deadline_has_passed_says_so() -> None:
    late = Commitment("late", 30, "ada", deadline_at=london(2025, 6, 13, 17))
    placement = plan(late).placements["late"]
    assert placement.is_placed
    assert placement.miss is not None
    assert placement.miss.reason == "Its deadline has passed; it needs 30 min."


# New work --------------------------------------------------------------------------------


def test_new_work_fits_in_the_time_the_plan_leaves() -> None:
    booked = plan(Commitment("booked", hours(7), "ada", deadline_at=london(2025, 6, 16, 17)))
    done = capacity.earliest_fit(hours(2), assignee="ada", after=MONDAY, plan=booked)
    assert done == london(2025, 6, 17, 10)
    for deadline, fits in [(london(2025, 6, 17, 10), True), (london(2025, 6, 17, 9, 59), False)]:
        assert (
            capacity.fits(hours(2), deadline, assignees=["ada"], after=MONDAY, plan=booked) == fits
        )


def test_short_notice_work_may_use_the_share_kept_free() -> None:
    booked = plan(
        Commitment("booked", hours(6), "ada", deadline_at=london(2025, 6, 16, 17)),
        kept_free_percent=25,
    )
    # Planned work has used Monday's plannable six hours; 15:00 to 17:00 is kept free.
    assert ada_done(hours(1), booked) == london(2025, 6, 17, 10)
    assert ada_done(hours(1), booked, use_kept_free=True) == london(2025, 6, 16, 16)


def test_short_notice_work_taken_on_goes_into_the_time_kept_free_and_delays_no_planned_work() -> (
    None
):
    rush = Commitment(
        "rush", hours(1), "ada", deadline_at=london(2025, 6, 16, 17), is_short_notice=True
    )
    planned = Commitment("planned", hours(6), "ada", deadline_at=london(2025, 6, 17, 17))
    placed = plan(rush, planned, kept_free_percent=25).placements
    assert placed["planned"].completes_at == london(2025, 6, 16, 15)
    assert placed["rush"].slices == tuple(spans((london(2025, 6, 16, 15), london(2025, 6, 16, 16))))


def test_tentative_work_reserves_nothing_for_new_work_unless_counted() -> None:
    tentative = Commitment(
        "maybe", hours(8), "ada", deadline_at=london(2025, 6, 16, 17), is_confirmed=False
    )
    booked = plan(tentative)
    assert ada_done(hours(1), booked) == london(2025, 6, 16, 10)
    assert ada_done(hours(1), booked, count_tentative=True) == london(2025, 6, 17, 10)


def test_whoever_of_a_clients_assistants_is_free_first_is_offered() -> None:
    ada = Availability("ada", PRACTICE)
    ben = Availability("ben", PRACTICE, time_zone="America/New_York")
    busy = Commitment("busy", hours(8), "ada", deadline_at=london(2025, 6, 16, 17))
    booked = capacity.plan([busy], [ada, ben], start=MONDAY)
    fit = capacity.earliest_fit_among(hours(2), assignees=["ada", "ben"], after=MONDAY, plan=booked)
    # Ben starts at 09:00 New York time, 14:00 in London.
    assert fit == capacity.Fit("ben", london(2025, 6, 16, 16))


def test_an_assistant_in_new_york_works_on_new_york_time_across_the_weeks_the_clocks_differ() -> (
    None
):
    ben = Availability("ben", PRACTICE, time_zone="America/New_York")
    booked = capacity.plan([], [ben], start=london(2025, 3, 3, 9))
    # New York moved its clocks on 9 March 2025, London only on the 30th: in between, Ben's
    # 09:00 is 13:00 in London instead of 14:00.
    before = capacity.earliest_fit(
        hours(1), assignee="ben", after=london(2025, 3, 3, 9), plan=booked
    )
    between = capacity.earliest_fit(
        hours(1), assignee="ben", after=london(2025, 3, 10, 9), plan=booked
    )
    after = capacity.earliest_fit(
        hours(1), assignee="ben", after=london(2025, 3, 31, 9), plan=booked
    )
    assert before == london(2025, 3, 3, 15)
    assert between == london(2025, 3, 10, 14)
    assert after == london(2025, 3, 31, 15)


# Sizes -----------------------------------------------------------------------------------


def test_work_with_no_estimate_counts_as_the_practices_default_size() -> None:
    assert capacity.commitment_minutes(None, default_hours=Decimal(2)) == (120, True)
    assert capacity.commitment_minutes(Decimal("1.25"), default_hours=Decimal(2)) == (75, False)
    assert capacity.commitment_minutes(Decimal("0.01"), default_hours=Decimal(2)) == (1, False)


def test_minutes_are_said_as_people_say_them() -> None:
    assert [capacity.describe_minutes(m) for m in (0, 45, 60, 90, 360)] == [
        "no time",
        "45 min",
        "1 h",
        "1 h 30 min",
        "6 h",
    ]


# Weeks -----------------------------------------------------------------------------------


def test_a_week_asked_for_more_than_it_has_is_over_booked() -> None:
    # 48 hours of confirmed work due on Friday: the week has 40.
    work = [
        Commitment(f"job{n}", hours(12), "ada", deadline_at=london(2025, 6, 20, 17), client="bloom")
        for n in range(4)
    ]
    maybe = Commitment(
        "maybe",
        hours(5),
        "ada",
        deadline_at=london(2025, 6, 27, 17),
        client="oak",
        is_confirmed=False,
    )
    summary = capacity.weekly_summary(
        capacity.plan(
            [*work, maybe], [Availability("ada", PRACTICE)], start=london(2025, 6, 16, 0)
        ),
        time_zone="Europe/London",
        weeks=2,
    )
    first, second = summary.by_assignee["ada"]
    assert (first.available_minutes, first.committed_minutes) == (hours(40), hours(48))
    assert first.is_over_booked
    assert first.missing == ("job3",)
    # The late eight hours are done the next week, but count where they were due.
    assert (second.committed_minutes, second.tentative_minutes) == (0, hours(5))
    assert not second.is_over_booked
    assert not second.is_over_booked_with_tentative
    assert summary.by_client["bloom"][0].committed_minutes == hours(48)
    assert summary.by_client["bloom"][0].is_over_booked
    assert summary.by_client["oak"][1].tentative_minutes == hours(5)


def test_weeks_start_on_monday_at_midnight_in_the_practices_zone() -> None:
    ada = Availability("ada", PRACTICE)
    summary = capacity.weekly_summary(
        capacity.plan([], [ada], start=london(2025, 6, 18, 12)), time_zone="Asia/Kolkata", weeks=2
    )
    first = summary.by_assignee["ada"][0]
    assert first.starts_at == datetime(2025, 6, 15, 18, 30, tzinfo=UTC)  # Monday 00:00 in India
    assert summary.weeks[0].isoformat() == "2025-06-16"
    # What is left of this week from Wednesday noon: 5 hours, then Thursday and Friday.
    assert first.available_minutes == hours(5 + 8 + 8)
