"""The practice's calendar: working days, bank holidays, opening hours and working time.

Dates are in 2026. England's bank holidays that year include Good Friday (3 April), Easter
Monday (6 April), the spring bank holiday (Monday 25 May), Christmas (Friday 25 December)
and Boxing Day, observed on Monday 28 December.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tandem.clients.services import update_client
from tandem.core.calendar import (
    PracticeCalendar,
    UnknownRegion,
    country_choices,
    country_name,
    normalize_region,
)
from tandem.core.models import Practice
from tandem.core.services import update_practice
from tandem.work.deadline_phrases import resolve_for
from tandem.work.deadlines import VagueDeadline
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

LONDON = "Europe/London"
ENGLAND = PracticeCalendar(time_zone=LONDON, country="GB", subdivision="ENG")
NO_HOLIDAYS = PracticeCalendar(time_zone=LONDON)
FRIDAY_BEFORE_SPRING_BANK_HOLIDAY = date(2026, 5, 22)


def at(text: str, zone: str = LONDON) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


# Working days ---------------------------------------------------------------------------------


def test_weekends_are_not_working_days_and_without_a_country_no_holiday_is_either() -> None:
    assert NO_HOLIDAYS.is_working_day(date(2026, 12, 25))  # a Friday
    assert not NO_HOLIDAYS.is_working_day(date(2026, 12, 26))  # a Saturday
    assert NO_HOLIDAYS.bank_holiday(date(2026, 12, 25)) is None


def test_a_bank_holiday_of_the_practices_country_is_not_a_working_day() -> None:
    assert not ENGLAND.is_working_day(date(2026, 12, 25))
    assert ENGLAND.bank_holiday(date(2026, 12, 25)) == "Christmas Day"
    assert ENGLAND.bank_holiday(date(2026, 12, 24)) is None


def test_the_region_adds_its_own_holidays_to_the_countrys() -> None:
    easter_monday = date(2026, 4, 6)
    assert PracticeCalendar(country="GB").is_working_day(easter_monday)
    assert not PracticeCalendar(country="GB", subdivision="ENG").is_working_day(easter_monday)


def test_next_working_day_on_the_friday_before_a_bank_holiday_monday_is_tuesday() -> None:
    assert ENGLAND.next_working_day(FRIDAY_BEFORE_SPRING_BANK_HOLIDAY) == date(2026, 5, 26)
    assert NO_HOLIDAYS.next_working_day(FRIDAY_BEFORE_SPRING_BANK_HOLIDAY) == date(2026, 5, 25)


def test_previous_working_day_skips_back_over_the_weekend_and_the_holiday() -> None:
    assert ENGLAND.previous_working_day(date(2026, 5, 26)) == FRIDAY_BEFORE_SPRING_BANK_HOLIDAY


def test_working_days_are_counted_after_the_day_given() -> None:
    wednesday_before_christmas = date(2026, 12, 23)
    assert ENGLAND.add_working_days(wednesday_before_christmas, 0) == wednesday_before_christmas
    assert ENGLAND.add_working_days(wednesday_before_christmas, 1) == date(2026, 12, 24)
    assert ENGLAND.add_working_days(wednesday_before_christmas, 3) == date(2026, 12, 30)
    with pytest.raises(ValueError, match="must not be negative"):
        ENGLAND.add_working_days(wednesday_before_christmas, -1)


def test_a_practice_with_its_own_week_works_its_own_days() -> None:
    tuesday_to_saturday = PracticeCalendar(working_days=frozenset({1, 2, 3, 4, 5}))
    saturday = date(2026, 11, 28)
    assert tuesday_to_saturday.is_working_day(saturday)
    assert tuesday_to_saturday.next_working_day(saturday) == date(2026, 12, 1)


# Hours ----------------------------------------------------------------------------------------


def test_opening_and_closing_are_wall_clock_times_in_the_calendars_zone() -> None:
    summer = date(2026, 7, 1)
    assert ENGLAND.opens_on(summer).isoformat() == "2026-07-01T09:00:00+01:00"
    assert ENGLAND.closes_on(summer).isoformat() == "2026-07-01T17:00:00+01:00"
    assert ENGLAND.closes_on(date(2026, 12, 1)).isoformat() == "2026-12-01T17:00:00+00:00"


def test_an_opening_time_the_clocks_skip_is_read_after_the_change() -> None:
    # London goes from 01:00 GMT to 02:00 BST on Sunday 29 March 2026.
    night = PracticeCalendar(
        time_zone=LONDON, working_days=frozenset(range(7)), work_starts_at=time(1, 30)
    )
    assert night.opens_on(date(2026, 3, 29)).isoformat() == "2026-03-29T02:30:00+01:00"


def test_the_same_calendar_in_a_clients_zone_keeps_the_hours_on_that_clock() -> None:
    new_york = ENGLAND.in_time_zone("America/New_York")
    assert new_york.closes_on(date(2026, 12, 1)).isoformat() == "2026-12-01T17:00:00-05:00"
    assert not new_york.is_working_day(date(2026, 12, 25))


def test_working_intervals_list_each_working_day_of_the_range() -> None:
    christmas_week = ENGLAND.working_intervals(date(2026, 12, 21), date(2026, 12, 27))
    assert [opens.date().day for opens, _ in christmas_week] == [21, 22, 23, 24]
    assert christmas_week[0] == (at("2026-12-21 09:00"), at("2026-12-21 17:00"))


def test_working_time_counts_only_the_hours_inside_working_days() -> None:
    friday_4pm, tuesday_10am = at("2026-05-22 16:00"), at("2026-05-26 10:00")
    assert ENGLAND.working_time_between(friday_4pm, tuesday_10am) == timedelta(hours=2)
    assert NO_HOLIDAYS.working_time_between(friday_4pm, tuesday_10am) == timedelta(hours=10)


def test_working_time_of_a_span_outside_working_hours_is_nothing() -> None:
    evening, night = at("2026-05-21 18:00"), at("2026-05-21 23:00")
    assert ENGLAND.working_time_between(evening, night) == timedelta()
    assert ENGLAND.working_time_between(night, evening) == timedelta()


def test_working_time_reads_instants_in_any_zone() -> None:
    # 08:00 to 10:00 UTC on a summer Monday is 09:00 to 11:00 in London: two working hours.
    start = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert ENGLAND.working_time_between(start, start + timedelta(hours=2)) == timedelta(hours=2)
    with pytest.raises(ValueError, match="aware"):
        ENGLAND.working_time_between(datetime(2026, 6, 1, 8), datetime(2026, 6, 1, 9))


def test_an_hour_lost_to_the_clocks_is_not_worked() -> None:
    night = PracticeCalendar(
        time_zone=LONDON,
        working_days=frozenset(range(7)),
        work_starts_at=time(0, 30),
        work_ends_at=time(3, 30),
    )
    sunday = date(2026, 3, 29)
    opens, closes = night.working_intervals(sunday, sunday)[0]
    assert night.working_time_between(opens, closes) == timedelta(hours=2)


# Countries and regions ------------------------------------------------------------------------


def test_countries_are_offered_by_english_name_with_their_iso_code() -> None:
    choices = country_choices()
    assert ("GB", "United Kingdom") in choices
    assert ("US", "United States") in choices
    assert ("BA", "Bosnia and Herzegovina") in choices
    names = [name for _, name in choices]
    assert names == sorted(names)
    assert country_name("FR") == "France"


@pytest.mark.parametrize(
    ("country", "subdivision", "expected"),
    [
        ("gb", "", ("GB", "")),
        (" GB ", "eng", ("GB", "ENG")),
        ("GB", "Scotland", ("GB", "SCT")),
        ("US", "new york", ("US", "NY")),
        ("", "", ("", "")),
    ],
)
def test_regions_are_read_by_code_or_name_in_any_case(country, subdivision, expected) -> None:
    assert normalize_region(country, subdivision) == expected


@pytest.mark.parametrize(
    ("country", "subdivision", "field", "fragment"),
    [
        ("XX", "", "country", "No bank holiday calendar for “XX”"),
        ("", "ENG", "subdivision", "Pick the country first"),
        ("GB", "Narnia", "subdivision", "Write one of England (ENG), Northern Ireland (NIR)"),
        ("IT", "Atlantis", "subdivision", "its name or code, such as"),
    ],
)
def test_an_unknown_country_or_region_says_which_field_and_what_to_write(
    country, subdivision, field, fragment
) -> None:
    with pytest.raises(UnknownRegion) as refusal:
        normalize_region(country, subdivision)
    assert refusal.value.field == field
    assert fragment in refusal.value.message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"working_days": frozenset()}, "at least one weekday"),
        ({"working_days": frozenset({7})}, "at least one weekday"),
        ({"work_starts_at": time(17), "work_ends_at": time(9)}, "must end after it starts"),
        ({"country": "XX"}, "No bank holiday calendar"),
        ({"country": "GB", "subdivision": "England"}, "Write the region as its code"),
    ],
)
def test_a_calendar_that_cannot_be_is_a_programming_error(options, message) -> None:
    with pytest.raises(ValueError, match=message):
        PracticeCalendar(**options)


# Through the practice's settings ---------------------------------------------------------------

# Friday 22 May 2026, 10:00 in London; Monday 25 May is England's spring bank holiday.
FRIDAY_10AM = datetime(2026, 5, 22, 9, 0, tzinfo=UTC)


def set_bank_holidays(world: PracticeWorld, country: str, subdivision: str = "") -> None:
    practice = world.practice
    update_practice(
        practice,
        actor=world.owner,
        name=practice.name,
        time_zone=LONDON,
        currency=practice.currency,
        working_days=practice.working_days,
        work_starts_at=practice.work_starts_at,
        work_ends_at=practice.work_ends_at,
        country=country,
        subdivision=subdivision,
        requires_two_factor=practice.requires_two_factor,
    )


@pytest.fixture
def uk(personas: Personas) -> PracticeWorld:
    world = personas.a
    update_client(world.client1, actor=world.owner, name="Client A1", time_zone=LONDON, notes="")
    world.client1.refresh_from_db()
    return world


def test_the_practices_calendar_is_built_from_its_settings(uk: PracticeWorld) -> None:
    set_bank_holidays(uk, "GB", "England")
    calendar = Practice.objects.get(pk=uk.practice.pk).calendar()
    assert calendar == PracticeCalendar(
        time_zone=LONDON,
        working_days=frozenset({0, 1, 2, 3, 4}),
        work_starts_at=time(9),
        work_ends_at=time(17),
        country="GB",
        subdivision="ENG",
    )


def test_a_uk_practices_next_working_day_after_a_bank_holiday_weekend_is_tuesday(
    uk: PracticeWorld,
) -> None:
    with time_machine.travel(FRIDAY_10AM, tick=False):
        before = resolve_for(uk.client1, "in 1 working day")
        set_bank_holidays(uk, "GB")
        uk.client1.refresh_from_db()
        after = resolve_for(uk.client1, "in 1 working day")
    assert before.local.isoformat() == "2026-05-25T17:00:00+01:00"
    assert after.local.isoformat() == "2026-05-26T17:00:00+01:00"


def test_eod_on_the_practices_bank_holiday_asks_for_the_day(uk: PracticeWorld) -> None:
    set_bank_holidays(uk, "GB")
    uk.client1.refresh_from_db()
    bank_holiday_10am = datetime(2026, 5, 25, 9, 0, tzinfo=UTC)
    with (
        time_machine.travel(bank_holiday_10am, tick=False),
        pytest.raises(VagueDeadline) as refusal,
    ):
        resolve_for(uk.client1, "EOD")
    assert "Today is not a working day" in refusal.value.message
    assert refusal.value.suggestions[0].local.date() == date(2026, 5, 26)


def test_the_new_request_forms_preview_skips_the_practices_bank_holidays(
    uk: PracticeWorld,
) -> None:
    set_bank_holidays(uk, "GB")
    url = reverse("work:deadline-preview", args=[uk.client1.pk])
    with time_machine.travel(FRIDAY_10AM, tick=False):
        response = signed_in(uk.contact1).get(url, {"deadline": "in 1 working day"})
    # The contact reads UTC: the client's 17:00 is named as London's, with their own time.
    text = re.sub(r"<[^>]+>", "", page_text(response))
    assert "Due Tuesday 26 May, 17:00 London time (16:00 your time)" in text
