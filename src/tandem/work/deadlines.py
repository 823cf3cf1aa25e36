"""Turn what a person wrote as a deadline into one instant, or refuse it and say why.

Pure: no models, no database, no Django settings. The caller passes the client's time zone,
the practice's calendar (``core.calendar.PracticeCalendar``: working days and hours, bank
holidays) and the current instant; ``deadline_phrases.resolve_for`` does that for a client.

Decisions worth knowing:

* A phrase is read on the client's clock: the practice's hours apply in the client's zone
  (a London practice closing at 17:00 gives a New York client 17:00 New York time).
* A phrase without a clock time ("Friday", "3 December", "in 3 days", "EOD tomorrow") is due
  at the practice's close of business (``work_ends_at``) on that day.
* Bare "EOD" / "end of day" / "COB" pins today's close of business when today is a working
  day and the close is still ahead; otherwise it is refused, because it no longer says which
  day. "today" on its own pins today's close in the same way, but any day may be written.
* "in N working days" counts the calendar's working days (its weekdays that are not bank
  holidays of its country), starting after today; "end of week" and "end of month" are the
  last such day of this ISO week (Monday to Sunday) or calendar month.
* Whole weeks, months and years ("next week", "in May", "2027") are refused; offsets of
  weeks or months ("in 2 weeks") are a day and are accepted.
* "next <weekday>" has two common readings when that weekday is still ahead in this week
  (Monday to Sunday): said on a Wednesday, "next Friday" is this week's Friday to some and
  next week's to others. The resolver does not pick one: it raises ``AmbiguousDeadline``
  (a VagueDeadline) whose two suggestions are the two days, each labelled with a phrase
  that has one reading ("Fri 4 Dec 5pm"). When the weekday is today or already past in
  this week (on a Friday, Saturday or Sunday for "next Friday"), the coming one is the only
  reading: the week is over, or "today" would have been said. "this Friday" is this week's
  Friday (on a weekend: the coming one); a bare "Friday" is the next Friday after today.
* dateparser reads the phrase as a wall-clock time in the client's zone; we attach the zone
  with zoneinfo ourselves, because dateparser's own (pytz) offsets in the repeated hour of a
  daylight-saving change are inconsistent. In that repeated hour the earlier instant wins, so
  a deadline never slips by an hour; a wall time that does not exist (clocks going forward)
  is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser
from dateparser.timezone_parser import pop_tz_offset_from_string

from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.core.zones import zone_name

EXAMPLES = "such as “Friday 5pm”, “tomorrow noon” or “3 December”"

# dateparser keeps the base's clock time when it drops an unreadable time ("tomorrow 25:00");
# an odd microsecond on the base shows when that happened.
_SENTINEL_MICROSECOND = 424_242

_VAGUE = (
    "as soon as possible", "at your earliest convenience", "at your convenience",
    "whenever you can", "whenever possible", "when you can", "when possible", "no deadline",
    "right away", "straight away", "no rush", "urgently", "urgent", "whenever", "asap",
    "soon", "pronto", "immediately", "eventually", "sometime", "any time", "anytime", "tbd",
    "tba", "later", "now",
)  # fmt: skip
_VAGUE_RE = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in _VAGUE) + r")\b", re.I)
_FILLER_RE = re.compile(r"^(?:(?:due|by|on|latest|please)\b\s*)+|\s*\bat the latest$", re.I)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBER = r"(\d+|an?|one|two|three|four|five|six)"
_WORKING_DAYS_RE = re.compile(
    rf"^(?:in|within)?\s*{_NUMBER}\s+(?:working|business|work)\s+days?$", re.I
)
_CLOCK_OFFSET_RE = re.compile(
    rf"^(?:in|within)\s+(?:{_NUMBER}\s+(?:hours?|hrs?))?\s*(?:and\s+)?"
    rf"(?:{_NUMBER}\s+(?:minutes?|mins?))?$",
    re.I,
)
_CLOCK_WORDS_RE = re.compile(r"\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b", re.I)
_PERIOD_OFFSET_RE = re.compile(rf"^in\s+{_NUMBER}\s+(?:weeks?|months?)$", re.I)
_PERIOD_WORDS_RE = re.compile(r"\b(?:week|month|year)s?\b", re.I)
_END_OF_PERIOD_RE = re.compile(
    r"^(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+)?(?:working\s+)?"
    r"(?P<period>week|month)|eo(?P<short>[wm]))$",
    re.I,
)
_EOD_RE = re.compile(
    r"\b(?:eod|cob|eob|close of (?:business|play)|end of (?:the )?(?:business |working )?"
    r"(?:day|business|play))\b",
    re.I,
)
_END_OF_DAY_NAME_RE = re.compile(r"^end\s+of\s+(?P<day>.+)$", re.I)
# A clock time as written: "17:00", "5pm", "5.30 pm", "9:15am", "17h30", "noon".
_B = r"(?:(?<=[Tt])|(?<![0-9A-Za-z:+\-.]))"
_TIME_PATTERNS = (
    re.compile(_B + r"(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*([ap])\.?m\b\.?)?", re.I),
    re.compile(_B + r"(\d{1,2})(?:\.(\d{2}))?\s*([ap])\.?m\b\.?", re.I),
    re.compile(_B + r"(\d{1,2})h(\d{2})?\b()", re.I),
)
_DOTTED_TIME_RE = re.compile(r"\b(\d{1,2})\.(\d{2})(\s*[ap]\.?m)\b", re.I)
_NOON_RE = re.compile(r"\b(?:noon|midday)\b", re.I)
_MIDNIGHT_RE = re.compile(r"\bmidnight\b", re.I)
_BARE_HOUR_RE = re.compile(r"\bat\s+(\d{1,2})\b(?!\s*(?:[:.h]|[ap]\.?m\b))", re.I)


@dataclass(frozen=True)
class Deadline:
    at: datetime  # aware, UTC
    local: datetime  # aware, in the client's time zone
    explanation: str


@dataclass(frozen=True)
class Suggestion:
    label: str
    at: datetime  # aware, UTC
    local: datetime  # aware, in the client's time zone


class VagueDeadline(DomainError):  # noqa: N818 - the name the issue and callers use
    """The phrase does not name one instant still ahead; ``suggestions`` name three that do."""

    def __init__(self, message: str, suggestions: Sequence[Suggestion]) -> None:
        super().__init__(message, field="deadline")
        self.suggestions = tuple(suggestions)


class AmbiguousDeadline(VagueDeadline):
    """The phrase has two common readings (``suggestions``: the two, earlier first)."""


class _RefusalError(Exception):
    """Raised inside the resolver; turned into VagueDeadline once suggestions are known."""


@dataclass(frozen=True)
class _Reading:
    """The practice's calendar on the client's clock, and the moment the phrase is read."""

    calendar: PracticeCalendar  # in the client's zone
    now: datetime  # aware, in the client's zone
    date_order: str

    @property
    def today(self) -> date:
        return self.now.date()


def resolve_deadline(
    text: str,
    *,
    time_zone: str,
    now: datetime,
    calendar: PracticeCalendar,
    date_order: str = "DMY",
) -> Deadline:
    """Resolve ``text`` in the client's ``time_zone`` against the practice's ``calendar``.

    Only the calendar's close of business sets times; its own zone is replaced by the
    client's. Raises VagueDeadline (a DomainError) with a sentence and three concrete
    suggestions when the phrase is vague, too broad, past or unreadable.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime.")
    local_calendar = calendar.in_time_zone(time_zone)
    reading = _Reading(
        calendar=local_calendar, now=now.astimezone(local_calendar.zone), date_order=date_order
    )
    try:
        readings = _readings(text, reading)
        if readings is not None:
            raise _ambiguous(text, readings)
        local, explanation = _resolve(text, reading)
        if local <= reading.now:
            raise _RefusalError(
                f"“{text.strip()}” is {_describe(local)}, which has already passed. "
                f"Write a time that is still ahead, {EXAMPLES}."
            )
    except _RefusalError as refusal:
        raise VagueDeadline(str(refusal), suggest(reading)) from None
    return Deadline(at=local.astimezone(UTC), local=local, explanation=explanation)


def suggest(reading: _Reading) -> list[Suggestion]:
    """End of the next working day still open, the working day after it, and 3 working days."""
    calendar, today = reading.calendar, reading.today
    first = today
    if not calendar.is_working_day(first) or calendar.closes_on(first) <= reading.now:
        first = calendar.next_working_day(first)
    second = calendar.next_working_day(first)
    choices = [
        (f"end of {_day_name(first, today)}", first),
        (f"{_day_name(second, today)} {_clock(calendar.work_ends_at)}", second),
        ("in 3 working days", calendar.add_working_days(today, 3)),
    ]
    return [_suggestion(label, calendar.closes_on(day)) for label, day in choices]


def warm_up() -> None:
    """dateparser loads its language data on first use (~0.2 s); do it before a user waits."""
    resolve_deadline(
        "tomorrow 5pm", time_zone="UTC", now=datetime.now(UTC), calendar=PracticeCalendar()
    )


def _suggestion(label: str, local: datetime) -> Suggestion:
    return Suggestion(label=label, at=local.astimezone(UTC), local=local)


# Two readings of "next <weekday>".

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NEXT_WEEKDAY_RE = re.compile(
    r"\bnext\s+(?P<day>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?",
    re.I,
)


def _readings(text: str, reading: _Reading) -> tuple[datetime, datetime] | None:
    """Both instants "next <weekday>" can mean, or None when it has one reading (or the
    phrase says no "next <weekday>"). Each reading is the phrase with that day's date in
    place of the words, resolved by the usual rules (so "EOD next Fri" and "next Friday
    5pm" keep their time)."""
    match = _NEXT_WEEKDAY_RE.search(text)
    if match is None:
        return None
    weekday = _WEEKDAYS.index(match["day"][:3].lower())
    ahead = weekday - reading.today.weekday()
    if ahead <= 0:  # today or already past this week: only the coming one is meant
        return None
    days = (reading.today + timedelta(days=ahead), reading.today + timedelta(days=ahead + 7))
    first, second = (
        _resolve(f"{text[: match.start()]}{_date(day)}{text[match.end() :]}", reading)[0]
        for day in days
    )
    return first, second


def _ambiguous(text: str, readings: tuple[datetime, datetime]) -> AmbiguousDeadline:
    first, second = readings
    message = (
        f"“{text.strip()}” can mean {_date(first.date(), year=False)} (this week) or "
        f"{_date(second.date(), year=False)} (next week). Pick the one you mean."
    )
    return AmbiguousDeadline(message, [_suggestion(_phrase(local), local) for local in readings])


def _phrase(local: datetime) -> str:
    """A phrase with one reading for ``local``, such as "Fri 4 Dec 5pm"."""
    return f"{local:%a} {local.day} {local:%b} {_clock(local.time())}"


# Resolution, most specific rule first. Each returns (local instant, explanation) or None.


def _resolve(text: str, reading: _Reading) -> tuple[datetime, str]:
    phrase = _strip_vague(text)
    rules: tuple[Callable[[str, _Reading], tuple[datetime, str] | None], ...] = (
        _end_of_period,
        _working_days_ahead,
        _clock_offset,
        _end_of_day,
    )
    for rule in rules:
        resolved = rule(phrase, reading)
        if resolved is not None:
            return resolved
    return _parse(phrase, reading)


def _strip_vague(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise _RefusalError(f"Write a deadline: a day and, if it matters, a time, {EXAMPLES}.")
    vague = _VAGUE_RE.search(cleaned)
    rest = _VAGUE_RE.sub(" ", cleaned)
    rest = _FILLER_RE.sub("", " ".join(re.sub(r"[!?,;]+", " ", rest).split())).strip(" .-")
    if vague and not re.search(r"\w", rest):
        raise _RefusalError(
            f"“{vague.group(0)}” means something different to everyone, so it cannot be a "
            f"deadline. Write the day and time it is needed by, {EXAMPLES}."
        )
    if not re.search(r"\w", rest):
        raise _RefusalError(f"Write a deadline: a day and, if it matters, a time, {EXAMPLES}.")
    return rest


def _end_of_period(phrase: str, reading: _Reading) -> tuple[datetime, str] | None:
    match = _END_OF_PERIOD_RE.match(phrase)
    if match is None:
        return None
    period = "week" if (match["short"] or match["period"]).lower() in ("w", "week") else "month"
    first, last = _period_bounds(period, reading.today, is_next=bool(match["next"]))
    day = reading.calendar.previous_working_day(last + timedelta(days=1))
    if day < first:
        raise _RefusalError(
            f"There is no working day left in that {period}. Write the day instead."
        )
    explanation = f"the last working day of the {period}, at close of business"
    return reading.calendar.closes_on(day), explanation


def _period_bounds(period: str, today: date, *, is_next: bool) -> tuple[date, date]:
    if period == "week":
        first = today - timedelta(days=today.weekday()) + timedelta(weeks=int(is_next))
        return first, first + timedelta(days=6)
    first = today.replace(day=1)
    if is_next:
        first = (first + timedelta(days=32)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _working_days_ahead(phrase: str, reading: _Reading) -> tuple[datetime, str] | None:
    match = _WORKING_DAYS_RE.match(phrase)
    if match is None:
        return None
    count = _number(match[1])
    if not 1 <= count <= 250:
        raise _RefusalError("Write between 1 and 250 working days, such as “in 3 working days”.")
    day = reading.calendar.add_working_days(reading.today, count)
    explanation = f"{count} working days after today, skipping days off, at close of business"
    return reading.calendar.closes_on(day), explanation


def _clock_offset(phrase: str, reading: _Reading) -> tuple[datetime, str] | None:
    match = _CLOCK_OFFSET_RE.match(phrase)
    if match is None or not (match[1] or match[2]):
        return None
    delta = timedelta(hours=_number(match[1] or "0"), minutes=_number(match[2] or "0"))
    # Elapsed time, so add in UTC: across a clock change "in 2 hours" is still 2 hours.
    local = (reading.now.astimezone(UTC) + delta).astimezone(reading.calendar.zone)
    return local, f"{_duration(delta)} from now"


def _end_of_day(phrase: str, reading: _Reading) -> tuple[datetime, str] | None:
    day_phrase = _EOD_RE.sub(" ", phrase).strip(" ,-")
    if day_phrase == phrase.strip():
        named = _END_OF_DAY_NAME_RE.match(phrase)
        if named is None:
            return None
        day_phrase = named["day"]
    if day_phrase:
        return _parse(day_phrase, reading)
    return _todays_close(phrase, reading), "today at close of business"


def _todays_close(phrase: str, reading: _Reading) -> datetime:
    if not reading.calendar.is_working_day(reading.today):
        raise _RefusalError(
            f"Today is not a working day, so “{phrase}” does not say which day. "
            "Write the day too, such as “EOD Monday”."
        )
    close = reading.calendar.closes_on(reading.today)
    if close <= reading.now:
        raise _RefusalError(
            f"Today's close of business ({_clock(reading.calendar.work_ends_at)}) has passed, so "
            f"“{phrase}” does not say which day. Write the day too, such as “EOD tomorrow”."
        )
    return close


def _parse(phrase: str, reading: _Reading) -> tuple[datetime, str]:
    # dateparser reads "5:30pm" but not the common "5.30pm".
    phrase = _DOTTED_TIME_RE.sub(r"\1:\2\3", phrase)
    written = _written_times(phrase)
    parsed, period = _dateparser(phrase, reading)
    if parsed is None:
        if _PERIOD_WORDS_RE.search(phrase):
            raise _too_broad(phrase)
        raise _RefusalError(f"Tandem could not read “{phrase}” as a date. Write a day, {EXAMPLES}.")
    if period in ("week", "month", "year") and not _PERIOD_OFFSET_RE.match(phrase):
        raise _too_broad(phrase)
    _check_time_was_read(phrase, parsed, written)
    if written or _CLOCK_WORDS_RE.search(phrase):
        return _localise(parsed.replace(microsecond=0), reading.calendar.zone), "as written"
    local = reading.calendar.closes_on(parsed.date())
    return local, "no time given, so at close of business"


def _dateparser(phrase: str, reading: _Reading) -> tuple[datetime | None, str | None]:
    base = reading.now.replace(tzinfo=None, microsecond=_SENTINEL_MICROSECOND)
    parser = DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "TIMEZONE": reading.calendar.zone.key,
            # Wall-clock time in the client's zone; _localise attaches the offset.
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": reading.date_order,
        },
    )
    data = parser.get_date_data(phrase)
    return data.date_obj, data.period


def _too_broad(phrase: str) -> _RefusalError:
    return _RefusalError(
        f"“{phrase}” names a whole week, month or year, not a day. "
        f"Write the day it is due, {EXAMPLES}."
    )


def _written_times(phrase: str) -> set[tuple[int, int]]:
    """The clock times the phrase spells out; refuses impossible or ambiguous ones."""
    if _MIDNIGHT_RE.search(phrase):
        raise _RefusalError(
            "“Midnight” can mean the start or the end of a day. Write “11:59pm” on the day "
            "it is due, or a time on the next morning."
        )
    bare = _BARE_HOUR_RE.search(phrase)
    if bare:
        hour = bare[1]
        raise _RefusalError(
            f"“at {hour}” could be morning or evening. Write “{hour}am” or “{hour}pm”."
        )
    times = {(12, 0)} if _NOON_RE.search(phrase) else set()
    for pattern in _TIME_PATTERNS:
        for match in pattern.finditer(phrase):
            times.add(_clock_time(match[0], int(match[1]), int(match[2] or 0), match[3]))
    return times


def _clock_time(token: str, hour: int, minute: int, meridiem: str | None) -> tuple[int, int]:
    if meridiem:
        valid = 1 <= hour <= 12 and minute < 60
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    else:
        valid = hour < 24 and minute < 60
    if not valid:
        raise _RefusalError(
            f"“{token.strip()}” is not a time of day. Write a time such as “5pm” or “17:00”."
        )
    return hour, minute


def _check_time_was_read(phrase: str, parsed: datetime, written: set[tuple[int, int]]) -> None:
    """dateparser silently drops a time it cannot use; notice, rather than guess."""
    dropped = parsed.microsecond == _SENTINEL_MICROSECOND and bool(written)
    has_own_zone = pop_tz_offset_from_string(phrase)[1] is not None
    if written and not has_own_zone and (parsed.hour, parsed.minute) not in written:
        dropped = True
    if dropped:
        raise _RefusalError(
            f"Tandem could not read the time in “{phrase}”. Write it as, for example, "
            "“5pm” or “17:00”."
        )


# Helpers


def _localise(wall: datetime, zone: ZoneInfo) -> datetime:
    """Attach ``zone`` to a wall-clock time; the earlier instant when the clocks go back."""
    aware = wall.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise _RefusalError(
            f"{wall:%H:%M} {zone_name(zone)} does not exist on {_date(wall.date())}: the "
            "clocks go forward that night. Write a time after the change."
        )
    return aware


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _duration(delta: timedelta) -> str:
    hours, seconds = divmod(int(delta.total_seconds()), 3600)
    parts = [f"{hours} h" if hours else "", f"{seconds // 60} min" if seconds else ""]
    return " ".join(part for part in parts if part)


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'pm' if moment.hour >= 12 else 'am'}"


def _date(day: date, *, year: bool = True) -> str:
    return f"{day:%A} {day.day} {day:%B}" + (f" {day:%Y}" if year else "")


def _describe(local: datetime) -> str:
    return f"{_date(local.date())}, {local:%H:%M}"


def _day_name(day: date, today: date) -> str:
    names = {today: "today", today + timedelta(days=1): "tomorrow"}
    return names.get(day, f"{day:%A}")
