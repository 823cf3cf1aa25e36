"""When a repeating request's copies fall due: a rule turned into dates, and a date into a
deadline on the practice's calendar. Pure: no models, no database, no clock of its own.

The dates come from python-dateutil's ``rrule`` (RFC 5545 recurrence rules), never from
hand-made month arithmetic. Decisions worth knowing:

* Monthly and quarterly on a day the month does not have (the 31st in February, the 30th
  in February) fall on the month's last day instead of skipping the month: "the 31st" means
  "the end of the month" to anyone writing it. "Last day" is its own choice (``LAST_DAY``).
* Quarterly is every third month counted from the month the series starts in.
* A copy is due on the occurrence's day if the practice works that day, else on the first
  working day after it (weekends and the country's bank holidays), at the chosen time or,
  without one, the practice's close of business, on the client's clock (a London practice
  closing at 17:00 gives a New York client 17:00 New York time). A wall time the clocks skip
  (the spring change) moves past the change; in the repeated hour of the autumn change the
  earlier instant wins, as for typed deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from dateutil.rrule import MONTHLY, WEEKLY, rrule

from tandem.core.calendar import PracticeCalendar

# The day of month meaning "the month's last day, whatever its length".
LAST_DAY = -1
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True)
class Rule:
    """Every week on a weekday, or every one or three months on a day of the month, from
    ``starts_on`` (the first date a copy may fall on; it anchors a quarter's months)."""

    frequency: Frequency
    starts_on: date
    # Monday = 0, as in date.weekday(); weekly only.
    weekday: int | None = None
    # 1 to 31, or LAST_DAY; monthly and quarterly only.
    day_of_month: int | None = None

    def __post_init__(self) -> None:
        if self.frequency == Frequency.WEEKLY:
            if self.weekday is None or not 0 <= self.weekday <= 6:
                raise ValueError("A weekly rule needs a weekday from 0 (Monday) to 6.")
        elif self.day_of_month is None or not (
            self.day_of_month == LAST_DAY or 1 <= self.day_of_month <= 31
        ):
            raise ValueError("A monthly rule needs a day of the month from 1 to 31, or -1.")

    def _rrule(self) -> rrule:
        start = datetime.combine(self.starts_on, time())
        if self.frequency == Frequency.WEEKLY:
            return rrule(WEEKLY, dtstart=start, byweekday=self.weekday)
        interval = 3 if self.frequency == Frequency.QUARTERLY else 1
        if self.frequency == Frequency.QUARTERLY:
            # Count quarters from the start's month, from its first day: a start on the 20th
            # with a rule for the 5th still begins that month's quarter next time round.
            start = start.replace(day=1)
        day = self.day_of_month
        assert day is not None  # checked in __post_init__
        if day == LAST_DAY or day <= 28:
            return rrule(MONTHLY, interval=interval, dtstart=start, bymonthday=day)
        # The day, or the month's last day when it is shorter: of the set {day, last day},
        # the first that exists in the month.
        return rrule(MONTHLY, interval=interval, dtstart=start, bymonthday=(day, -1), bysetpos=1)

    def first_on_or_after(self, day: date) -> date:
        """The first occurrence on ``day`` or later (and never before ``starts_on``)."""
        return self._after(max(day, self.starts_on), inclusive=True)

    def next_after(self, day: date) -> date:
        """The first occurrence strictly after ``day``."""
        return self._after(max(day, self.starts_on - timedelta(days=1)), inclusive=False)

    def upcoming(self, day: date, count: int) -> list[date]:
        """``count`` occurrences from ``day`` on (inclusive)."""
        dates = [self.first_on_or_after(day)]
        while len(dates) < count:
            dates.append(self.next_after(dates[-1]))
        return dates

    def _after(self, day: date, *, inclusive: bool) -> date:
        rule = self._rrule()
        found = _next(rule, datetime.combine(day, time()), inclusive=inclusive)
        # Quarterly's start may be before starts_on (the month's first day), so skip what
        # falls before it.
        while found.date() < self.starts_on:
            found = _next(rule, found, inclusive=False)
        return found.date()

    def round_of(self, day: date) -> int:
        """The round ``day`` is in, as a number that grows with time: its week (Monday to
        Sunday) for a weekly rule, its month, or its quarter counted from the start's month.
        A round that already has its copy gets no second one when the rule changes."""
        if self.frequency == Frequency.WEEKLY:
            # 1 January of year 1 was a Monday: whole weeks since then.
            return (day - date(1, 1, 1)).days // 7
        months = day.year * 12 + day.month - 1
        if self.frequency == Frequency.QUARTERLY:
            return (months - (self.starts_on.year * 12 + self.starts_on.month - 1)) // 3
        return months

    def describe(self) -> str:
        """The rule in plain words: "Every month on the 1st", "Every week on Monday"."""
        words = rule_words(self.frequency, weekday=self.weekday, day_of_month=self.day_of_month)
        return words[:1].upper() + words[1:]


# How often, as a sentence says it and as a badge says it.
_EVERY = {"weekly": "every week", "monthly": "every month", "quarterly": "every three months"}


def rule_words(
    frequency: str, *, weekday: int | None, day_of_month: int | None, short: bool = False
) -> str:
    """A rule's parts in words: "every month on the 1st (or the month's last day)"; short,
    for a badge: "monthly on the 1st". Takes the parts, not a ``Rule``, so a timeline line
    can word the rule it stored."""
    how_often = frequency if short else _EVERY.get(frequency, frequency)
    if frequency == Frequency.WEEKLY:
        return f"{how_often} on {WEEKDAY_NAMES[weekday or 0]}"
    return f"{how_often} on {day_of_month_label(day_of_month or 1, note=not short)}"


def day_of_month_label(day: int, *, note: bool = True) -> str:
    """ "the 1st", "the 22nd", "the last day"; past the 28th with a ``note`` that a shorter
    month uses its last day."""
    if day == LAST_DAY:
        return "the last day"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    shorter = " (or the month's last day)" if note and day >= 29 else ""
    return f"the {day}{suffix}{shorter}"


def due_at(occurrence: date, *, calendar: PracticeCalendar, at: time | None = None) -> datetime:
    """The deadline of the copy for ``occurrence``: on that day if the calendar works it,
    else the first working day after, at ``at`` or the close of business, in the calendar's
    zone (pass the calendar read on the client's clock: ``calendar.in_time_zone(...)``)."""
    day = occurrence
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    if at is None:
        return calendar.closes_on(day)
    # fold=0 and a round trip through UTC, as the calendar does: the first of a repeated
    # hour, and a time the clocks skip moved past the change.
    wall = datetime.combine(day, at).replace(tzinfo=calendar.zone, fold=0)
    return wall.astimezone(UTC).astimezone(calendar.zone)


def created_at(deadline: datetime, *, lead_days: int) -> datetime:
    """When the copy due at ``deadline`` is made: ``lead_days`` before, on the wall clock of
    the deadline's zone (so a copy made "7 days before" a 17:00 deadline appears at 17:00)."""
    wall = deadline.replace(tzinfo=None) - timedelta(days=lead_days)
    zone = deadline.tzinfo
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _next(rule: rrule, moment: datetime, *, inclusive: bool) -> datetime:
    """The rule's next date after ``moment``: an rrule without an end always has one."""
    found = rule.after(moment, inc=inclusive)
    if found is None:
        raise ValueError("a repeating rule without an end ran out of dates")
    return found
