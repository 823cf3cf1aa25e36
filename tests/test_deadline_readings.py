"""Phrases with two common readings: "next Friday" said on a Wednesday.

The rule (work/deadlines.py's docstring): "next <weekday>" is ambiguous when that weekday is
still ahead in this week (Monday to Sunday); otherwise the coming one is meant. "this
Friday" is this week's (on a weekend, the coming one); a bare "Friday" is the next after
today. Each case runs on a fixed clock, one day of the week Monday 30 November to Sunday
6 December 2026, at 10:00 in the client's zone (New York, practice in London).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.work.deadlines import AmbiguousDeadline, VagueDeadline, resolve_deadline

NY = ZoneInfo("America/New_York")
CALENDAR = PracticeCalendar(time_zone="Europe/London")
WEEK = {name: date(2026, 11, 30) + timedelta(days=n) for n, name in enumerate(
    ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
)}  # fmt: skip
THIS_FRIDAY, NEXT_WEEKS_FRIDAY = date(2026, 12, 4), date(2026, 12, 11)


@pytest.fixture
def on() -> Iterator[object]:
    """``on("Wed")`` fixes the clock at 10:00 New York time on that day of the week."""
    travellers: list[time_machine.travel] = []

    def travel(day: str) -> None:
        moment = datetime.combine(WEEK[day], datetime.min.time(), NY).replace(hour=10)
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield travel
    for traveller in travellers:
        traveller.stop()


def resolve(phrase: str) -> datetime:
    return read(phrase).local


def read(phrase: str):  # type: ignore[no-untyped-def]
    return resolve_deadline(
        phrase, time_zone="America/New_York", now=timezone.now(), calendar=CALENDAR
    )


def at_5pm(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), NY).replace(hour=17)


@pytest.mark.parametrize("day", ["Mon", "Tue", "Wed", "Thu"])
def test_next_friday_before_friday_offers_both_fridays(on, day: str) -> None:
    on(day)
    with pytest.raises(AmbiguousDeadline) as ambiguous:
        read("next Friday 5pm")
    first, second = ambiguous.value.suggestions
    assert (first.local, second.local) == (at_5pm(THIS_FRIDAY), at_5pm(NEXT_WEEKS_FRIDAY))
    assert (first.label, second.label) == ("Fri 4 Dec 5pm", "Fri 11 Dec 5pm")
    assert ambiguous.value.message == (
        "“next Friday 5pm” can mean Friday 4 December (this week) or Friday 11 December "
        "(next week). Pick the one you mean."
    )


@pytest.mark.parametrize("day", ["Fri", "Sat", "Sun"])
def test_next_friday_from_friday_on_is_the_coming_one(on, day: str) -> None:
    on(day)
    assert resolve("next Friday 5pm") == at_5pm(NEXT_WEEKS_FRIDAY)


@pytest.mark.parametrize(
    ("day", "friday"),
    [(d, THIS_FRIDAY) for d in ("Mon", "Tue", "Wed", "Thu", "Fri")]
    + [(d, NEXT_WEEKS_FRIDAY) for d in ("Sat", "Sun")],
)
def test_this_friday_is_this_weeks_or_on_a_weekend_the_coming_one(
    on, day: str, friday: date
) -> None:
    on(day)
    assert resolve("this Friday 5pm") == at_5pm(friday)


@pytest.mark.parametrize(
    ("day", "friday"),
    [(d, THIS_FRIDAY) for d in ("Mon", "Tue", "Wed", "Thu")]
    + [(d, NEXT_WEEKS_FRIDAY) for d in ("Fri", "Sat", "Sun")],
)
def test_a_bare_friday_is_the_next_one_after_today(on, day: str, friday: date) -> None:
    on(day)
    assert resolve("Friday 5pm") == at_5pm(friday)


def test_next_monday_said_on_sunday_is_tomorrow(on) -> None:
    on("Sun")
    assert resolve("next Monday 9am") == at_5pm(date(2026, 12, 7)).replace(hour=9)


def test_next_sunday_said_on_a_weekday_is_ambiguous(on) -> None:
    on("Wed")
    with pytest.raises(AmbiguousDeadline) as ambiguous:
        read("next Sun")
    assert [s.local.date() for s in ambiguous.value.suggestions] == [
        date(2026, 12, 6),
        date(2026, 12, 13),
    ]


@pytest.mark.parametrize("phrase", ["EOD next Fri", "by next friday", "next Friday."])
def test_other_spellings_are_ambiguous_too_and_keep_close_of_business(on, phrase: str) -> None:
    on("Wed")
    with pytest.raises(AmbiguousDeadline) as ambiguous:
        read(phrase)
    # No time given: the practice's close of business (17:00) on each Friday.
    assert [s.local for s in ambiguous.value.suggestions] == [
        at_5pm(THIS_FRIDAY),
        at_5pm(NEXT_WEEKS_FRIDAY),
    ]


@pytest.mark.parametrize("day", ["Mon", "Thu"])
def test_each_choice_is_a_phrase_with_one_reading_for_its_own_instant(on, day: str) -> None:
    on(day)
    with pytest.raises(AmbiguousDeadline) as ambiguous:
        read("next Friday 9:30am")
    for choice in ambiguous.value.suggestions:
        assert choice.label.endswith("9:30am")
        assert read(choice.label).at == choice.at
        assert choice.at.tzinfo is UTC


def test_an_ambiguous_phrase_is_a_refusal_for_the_deadline_field(on) -> None:
    on("Wed")
    with pytest.raises(VagueDeadline) as refusal:
        read("next Friday")
    assert isinstance(refusal.value, DomainError)
    assert refusal.value.field == "deadline"
    assert len(refusal.value.suggestions) == 2


def test_a_bad_time_in_an_ambiguous_phrase_is_refused_for_the_time(on) -> None:
    on("Wed")
    with pytest.raises(VagueDeadline, match="is not a time of day") as refusal:
        read("next Friday 25:00")
    assert not isinstance(refusal.value, AmbiguousDeadline)
