"""The deadline resolver: what a person writes becomes one instant, or a refusal with choices.

Every case fixes the reference time. Unless a row says otherwise the client is in
Europe/London, the practice works Monday to Friday 9:00-17:00, and it is Monday
23 November 2026, 10:00 (GMT, so local time and UTC agree).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.work.deadlines import Deadline, VagueDeadline, resolve_deadline, warm_up

LONDON = "Europe/London"
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(LONDON))


class Refused:
    """An expected refusal whose message contains ``fragment``."""

    def __init__(self, fragment: str) -> None:
        self.fragment = fragment

    def __repr__(self) -> str:
        return f"Refused({self.fragment!r})"


VAGUE = Refused("means something different to everyone")
EMPTY = Refused("Write a deadline")
BROAD = Refused("names a whole week, month or year")
PAST = Refused("has already passed")
UNREADABLE = Refused("could not read")
NOT_A_TIME = Refused("is not a time of day")
TIME_DROPPED = Refused("could not read the time")
MORNING_OR_EVENING = Refused("could be morning or evening")
MIDNIGHT = Refused("can mean the start or the end of a day")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def resolve(text: str, **kwargs: object) -> Deadline:
    """Resolve with the practice's days, close and bank holidays (``country``: "GB-ENG")
    given as keywords, each defaulting to the practice described at the top."""
    calendar_options: dict[str, object] = {}
    if "working_days" in kwargs:
        calendar_options["working_days"] = frozenset(kwargs.pop("working_days"))  # type: ignore[arg-type]
    if "work_ends_at" in kwargs:
        calendar_options["work_ends_at"] = kwargs.pop("work_ends_at")
    country, _, subdivision = str(kwargs.pop("country", None) or "").partition("-")
    calendar = PracticeCalendar(
        **calendar_options,  # type: ignore[arg-type]
        country=country,
        subdivision=subdivision,
    )
    options: dict[str, object] = {"time_zone": LONDON, "now": MONDAY_10AM, **kwargs}
    return resolve_deadline(text, calendar=calendar, **options)  # type: ignore[arg-type]


def check(text: str, expected: str | Refused, **kwargs: object) -> None:
    if isinstance(expected, Refused):
        with pytest.raises(VagueDeadline) as refusal:
            resolve(text, **kwargs)
        assert expected.fragment in refusal.value.message
        assert len(refusal.value.suggestions) == 3
    else:
        assert resolve(text, **kwargs).at == utc(expected)


PHRASES = [
    # Days and clock times, resolved against Monday 23 November, 10:00.
    ("this Friday 5pm", "2026-11-27 17:00"),
    ("Friday 5pm", "2026-11-27 17:00"),
    ("Fri 3pm", "2026-11-27 15:00"),
    ("Monday 9am", "2026-11-30 09:00"),  # today is Monday: the next one
    ("tomorrow noon", "2026-11-24 12:00"),
    ("tomorrow at noon", "2026-11-24 12:00"),
    ("tomorrow 5pm", "2026-11-24 17:00"),
    ("tomorrow at 9:30am", "2026-11-24 09:30"),
    ("tomorrow 5.30pm", "2026-11-24 17:30"),
    ("today 3pm", "2026-11-23 15:00"),
    ("5pm", "2026-11-23 17:00"),
    ("friday 17h30", "2026-11-27 17:30"),
    # Date-only answers are due at close of business (17:00).
    ("friday", "2026-11-27 17:00"),
    ("today", "2026-11-23 17:00"),
    ("the day after tomorrow", "2026-11-25 17:00"),
    ("in 3 days", "2026-11-26 17:00"),
    ("in three days", "2026-11-26 17:00"),
    ("in 2 weeks", "2026-12-07 17:00"),
    ("by Friday", "2026-11-27 17:00"),
    ("Friday at the latest", "2026-11-27 17:00"),
    # Elapsed time is exact.
    ("in 2 hours", "2026-11-23 12:00"),
    ("in 90 minutes", "2026-11-23 11:30"),
    ("in 1 hour and 30 minutes", "2026-11-23 11:30"),
    # Working days skip the weekend.
    ("in 3 working days", "2026-11-26 17:00"),
    ("3 business days", "2026-11-26 17:00"),
    ("in one working day", "2026-11-24 17:00"),
    ("in 5 working days", "2026-11-30 17:00"),
    # Ends of weeks and months: the last working day, at close.
    ("end of month", "2026-11-30 17:00"),
    ("end of the month", "2026-11-30 17:00"),
    ("end of next month", "2026-12-31 17:00"),
    ("end of week", "2026-11-27 17:00"),
    ("end of the week", "2026-11-27 17:00"),
    ("end of next week", "2026-12-04 17:00"),
    # End of day: today's close while it is ahead, or the day written.
    ("EOD", "2026-11-23 17:00"),
    ("end of day", "2026-11-23 17:00"),
    ("COB", "2026-11-23 17:00"),
    ("EOD tomorrow", "2026-11-24 17:00"),
    ("end of day Friday", "2026-11-27 17:00"),
    ("end of tomorrow", "2026-11-24 17:00"),
    # Absolute dates, day first, and explicit zones.
    ("Dec 3 at 9am", "2026-12-03 09:00"),
    ("3 December", "2026-12-03 17:00"),
    ("December 3rd 2026 2:30pm", "2026-12-03 14:30"),
    ("2026-12-03", "2026-12-03 17:00"),
    ("2026-12-03 14:00", "2026-12-03 14:00"),
    ("03/12/2026", "2026-12-03 17:00"),
    ("2026-12-03T14:00:00+01:00", "2026-12-03 13:00"),
    ("dec 3 9am EST", "2026-12-03 14:00"),
    # A vague word next to a real deadline does no harm.
    ("urgent, by Friday 5pm", "2026-11-27 17:00"),
    # Vague, empty, too broad, past, unreadable.
    ("ASAP", VAGUE),
    ("asap!", VAGUE),
    ("as soon as possible", VAGUE),
    ("soon", VAGUE),
    ("whenever", VAGUE),
    ("urgent", VAGUE),
    ("Urgently!!", VAGUE),
    ("when you can", VAGUE),
    ("", EMPTY),
    ("   ", EMPTY),
    ("next week", BROAD),
    ("in May", BROAD),
    ("next month", BROAD),
    ("2027", BROAD),
    ("later this week", BROAD),
    ("yesterday", PAST),
    ("the 15th", PAST),
    ("2026-11-20", PAST),
    ("today 9am", PAST),
    ("banana", UNREADABLE),
    ("qwerty uiop", UNREADABLE),
    # Impossible or ambiguous clock times are refused, never silently dropped.
    ("tomorrow 25:00", NOT_A_TIME),
    ("tomorrow 17:61", NOT_A_TIME),
    ("13pm", NOT_A_TIME),
    ("friday 17h", TIME_DROPPED),
    ("tomorrow at 5", MORNING_OR_EVENING),
    ("tomorrow midnight", MIDNIGHT),
]


@pytest.mark.parametrize(("text", "expected"), PHRASES, ids=[p[0] or "empty" for p in PHRASES])
def test_phrase_resolves_to_the_expected_instant_or_is_refused(text, expected):
    check(text, expected)


def at(zone: str, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


NY = "America/New_York"
# (zone, local reference time, bank holiday country) -> [(phrase, expected)]
SCENARIOS: dict[tuple[str, str, str | None], list[tuple[str, str | Refused]]] = {
    # Weekends and evenings: bare EOD no longer pins a day.
    (LONDON, "2026-11-28 10:00", None): [  # a Saturday
        ("EOD", Refused("not a working day")),
        ("in 1 working day", "2026-11-30 17:00"),
        ("end of week", PAST),
        ("today", "2026-11-28 17:00"),
    ],
    (LONDON, "2026-11-23 18:00", None): [  # Monday, after close
        ("EOD", Refused("close of business (5pm) has passed")),
        ("5pm", "2026-11-24 17:00"),
        ("today", PAST),
    ],
    # Bank holidays count only when the practice names its country.
    (LONDON, "2026-12-23 10:00", "GB-ENG"): [("in 3 working days", "2026-12-30 17:00")],
    (LONDON, "2026-12-23 10:00", None): [("in 3 working days", "2026-12-28 17:00")],
    (LONDON, "2026-08-10 10:00", "GB-ENG"): [("end of month", "2026-08-28 16:00")],
    (LONDON, "2026-08-10 10:00", None): [("end of month", "2026-08-31 16:00")],
    # Other zones.
    (NY, "2026-11-23 10:00", "US"): [
        ("tomorrow 5pm", "2026-11-24 22:00"),
        ("end of week", "2026-11-27 22:00"),
    ],
    ("Asia/Tokyo", "2026-11-23 10:00", None): [("tomorrow 9am", "2026-11-24 00:00")],
    ("Australia/Sydney", "2026-11-23 10:00", None): [("Friday 5pm", "2026-11-27 06:00")],
    ("Asia/Kolkata", "2026-11-23 10:00", None): [("tomorrow noon", "2026-11-24 06:30")],
    # London's clocks go back on 25 October 2026: 01:00-02:00 happens twice, the first wins.
    (LONDON, "2026-10-24 10:00", None): [
        ("tomorrow 5pm", "2026-10-25 17:00"),
        ("2026-10-25 01:30", "2026-10-25 00:30"),
        ("tomorrow 1:30am", "2026-10-25 00:30"),
        ("in 3 days", "2026-10-27 17:00"),
    ],
    (LONDON, "2026-10-25 00:30", None): [("in 2 hours", "2026-10-25 01:30")],
    # New York's go back on 1 November 2026.
    (NY, "2026-10-31 10:00", None): [
        ("tomorrow 1:30am", "2026-11-01 05:30"),
        ("Monday 9am", "2026-11-02 14:00"),
        ("tomorrow 5pm", "2026-11-01 22:00"),
    ],
    # Clocks going forward: a wall time that never happens is refused.
    (LONDON, "2026-03-28 10:00", None): [
        ("tomorrow 1:30am", Refused("does not exist")),
        ("tomorrow 5pm", "2026-03-29 16:00"),
    ],
    (NY, "2026-03-07 10:00", None): [
        ("2026-03-08 02:30", Refused("does not exist")),
        ("tomorrow noon", "2026-03-08 16:00"),
    ],
}
ELSEWHERE = [
    pytest.param(text, zone, now, country, expected, id=f"{zone} {now} {country} {text}")
    for (zone, now, country), rows in SCENARIOS.items()
    for text, expected in rows
]


@pytest.mark.parametrize(("text", "zone", "now", "country", "expected"), ELSEWHERE)
def test_phrase_resolves_in_the_clients_zone_calendar_and_clock_changes(
    text, zone, now, country, expected
):
    check(text, expected, time_zone=zone, now=at(zone, now), country=country)


def test_deadline_is_frozen_with_a_utc_instant_and_the_same_instant_in_the_clients_zone():
    deadline = resolve("tomorrow 5pm", time_zone=NY, now=at(NY, "2026-11-23 10:00"))
    assert deadline.at == deadline.local
    assert deadline.at.tzinfo is UTC
    assert deadline.local.utcoffset() is not None
    assert deadline.local.isoformat() == "2026-11-24T17:00:00-05:00"
    assert deadline.explanation
    with pytest.raises(FrozenInstanceError):
        deadline.at = MONDAY_10AM  # type: ignore[misc]


def test_date_only_answers_take_the_practices_own_close_of_business():
    deadline = resolve("3 December", work_ends_at=time(18, 30))
    assert deadline.local.isoformat() == "2026-12-03T18:30:00+00:00"


def test_working_days_follow_the_practices_own_week():
    # A practice that works Tuesday to Saturday: Monday's "3 working days" ends on Thursday,
    # and Friday evening's ends on the following Tuesday, skipping Sunday and Monday.
    week = (1, 2, 3, 4, 5)
    assert resolve("in 3 working days", working_days=week).at == utc("2026-11-26 17:00")
    friday = at(LONDON, "2026-11-27 18:00")
    assert resolve("in 2 working days", working_days=week, now=friday).at == utc("2026-12-01 17:00")


def refusal_of(text: str, **kwargs: object) -> VagueDeadline:
    with pytest.raises(VagueDeadline) as refusal:
        resolve(text, **kwargs)
    return refusal.value


def choices(refusal: VagueDeadline) -> list[tuple[str, str]]:
    return [(s.label, s.local.isoformat()) for s in refusal.suggestions]


def test_refusal_offers_end_of_today_tomorrow_at_close_and_three_working_days():
    assert choices(refusal_of("ASAP")) == [
        ("end of today", "2026-11-23T17:00:00+00:00"),
        ("tomorrow 5pm", "2026-11-24T17:00:00+00:00"),
        ("in 3 working days", "2026-11-26T17:00:00+00:00"),
    ]


def test_after_close_the_choices_start_from_the_next_working_day():
    assert choices(refusal_of("soon", now=at(LONDON, "2026-11-23 18:00"))) == [
        ("end of tomorrow", "2026-11-24T17:00:00+00:00"),
        ("Wednesday 5pm", "2026-11-25T17:00:00+00:00"),
        ("in 3 working days", "2026-11-26T17:00:00+00:00"),
    ]


def test_on_friday_evening_the_choices_skip_the_weekend_and_bank_holidays():
    refusal = refusal_of("whenever", now=at(LONDON, "2026-12-24 18:00"), country="GB-ENG")
    # 25 and 28 December are bank holidays in England in 2026; 26-27 are the weekend.
    assert choices(refusal) == [
        ("end of Tuesday", "2026-12-29T17:00:00+00:00"),
        ("Wednesday 5pm", "2026-12-30T17:00:00+00:00"),
        ("in 3 working days", "2026-12-31T17:00:00+00:00"),
    ]


def test_choices_are_concrete_instants_in_utc_and_in_the_clients_zone():
    refusal = refusal_of("ASAP", time_zone=NY, now=at(NY, "2026-11-23 10:00"))
    first = refusal.suggestions[0]
    assert first.at == utc("2026-11-23 22:00")
    assert first.at.tzinfo is UTC
    assert first.local.isoformat() == "2026-11-23T17:00:00-05:00"


def test_refusal_is_a_domain_error_for_the_deadline_field_that_says_why_and_what_to_write():
    refusal = refusal_of("ASAP")
    assert isinstance(refusal, DomainError)
    assert refusal.field == "deadline"
    assert "“ASAP” means something different to everyone" in refusal.message
    assert "Friday 5pm" in refusal.message


def test_past_refusal_names_the_day_it_resolved_to():
    assert "Friday 20 November 2026, 17:00" in refusal_of("2026-11-20").message


def test_reference_time_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        resolve("tomorrow", now=datetime(2026, 11, 23, 10, 0))


def test_unknown_bank_holiday_country_is_a_programming_error():
    with pytest.raises(ValueError, match="No bank holiday calendar"):
        resolve("in 3 working days", country="XX")


def test_warm_up_parses_once_without_error():
    warm_up()


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=60, check=False
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_python("-m", "tandem.cli", "deadline", *args)


@pytest.mark.slow
def test_cli_prints_the_instant_in_iso_8601_with_the_clients_offset():
    result = cli("Friday 5pm", "--tz", LONDON, "--now", "2026-11-23T10:00")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "2026-11-27T17:00:00+00:00\n",
        "",
    )


@pytest.mark.slow
def test_cli_reads_now_as_wall_clock_time_in_the_given_zone():
    result = cli("tomorrow noon", "--tz", NY, "--now", "2026-10-31T10:00")
    assert result.returncode == 0
    assert result.stdout == "2026-11-01T12:00:00-05:00\n"


@pytest.mark.slow
def test_cli_refuses_a_vague_phrase_on_stderr_with_the_choices_and_exit_status_1():
    result = cli("ASAP", "--tz", LONDON, "--now", "2026-11-23T10:00")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "means something different to everyone" in result.stderr
    assert "  end of today: 2026-11-23T17:00:00+00:00" in result.stderr
    assert "  tomorrow 5pm: 2026-11-24T17:00:00+00:00" in result.stderr
    assert "  in 3 working days: 2026-11-26T17:00:00+00:00" in result.stderr


@pytest.mark.slow
def test_cli_skips_bank_holidays_for_the_given_country():
    args = ("in 3 working days", "--tz", LONDON, "--now", "2026-12-23T10:00")
    assert cli(*args, "--country", "GB-ENG").stdout == "2026-12-30T17:00:00+00:00\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("tomorrow", "--tz", "Mars/Olympus"), "unknown time zone"),
        (("tomorrow", "--now", "next tuesday"), "not an ISO 8601"),
    ],
)
def test_cli_rejects_an_unknown_zone_or_reference_time_as_a_usage_error(args, error):
    result = cli(*args)
    assert result.returncode == 2
    assert error in result.stderr


@pytest.mark.slow
def test_cli_refuses_a_country_without_bank_holidays_as_a_usage_error():
    result = cli("in 3 working days", "--country", "XX")
    assert result.returncode == 2
    assert "No bank holiday calendar for “XX”" in result.stderr


@pytest.mark.slow
def test_cli_deadline_needs_neither_django_nor_a_database():
    script = (
        "import sys; from tandem import cli; "
        "code = cli.main(['deadline', 'tomorrow 5pm', '--now', '2026-11-23T10:00']); "
        "assert code == 0; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    result = run_python("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2026-11-24T17:00:00+00:00\n"
