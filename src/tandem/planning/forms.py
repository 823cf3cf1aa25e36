"""The working-time page's two forms: the weekly hours with the share kept free, and time off.
Each says what to fix beside the field to blame; the services check again."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from tandem.core.forms import DomainErrorFormMixin
from tandem.planning.capacity import KEPT_FREE_MAX_PERCENT, instant_at
from tandem.planning.models import WEEKDAY_KEYS, WEEKDAY_NAMES
from tandem.planning.selectors import Day
from tandem.planning.services import day_refusal, share_refusal

_CLOCK = re.compile(r"\s*(\d{1,2})[:.h](\d{2})\s*")
# Time off is booked within ten years of today either way: a typo such as "9999" is caught,
# and every day stays far from the ends of the calendar.
WITHIN_DAYS = 3653


class ClockField(forms.Field):
    """A time of day written "09:00" (what a browser's time input sends), from 00:00 to
    23:59; "24:00" as an end, read as 00:00, which the services take as midnight."""

    def __init__(self, *, saying: str, example: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
        super().__init__(required=False, **kwargs)
        self.saying, self.example = saying, example

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%H:%M}" if isinstance(value, time) else value

    def to_python(self, value: Any) -> time | None:
        text = str(value or "").strip()
        if not text:
            return None
        found = _CLOCK.fullmatch(text[:20])
        hour, minute = (int(found[1]), int(found[2])) if found else (99, 99)
        if (hour, minute) == (24, 0):
            return time(0)
        if hour > 23 or minute > 59:
            shown = text if len(text) <= 12 else f"{text[:12]}…"
            raise forms.ValidationError(
                f"“{shown}” is not a time of day: write {self.saying} between 00:00 and 24:00, "
                f"such as {self.example}."
            )
        return time(hour, minute)


class WeeklyHoursForm(DomainErrorFormMixin, forms.Form):
    """A working-or-not box, a start and an end for each weekday, and the share kept free."""

    kept_free_percent = forms.IntegerField(
        label="Share of each working day kept free for unplanned work (%)",
        help_text=(
            "Planned work leaves this share of every working day free (its last part), so a "
            "short-notice request still finds room the day it arrives. 0 to 90."
        ),
        error_messages={
            "required": "Write the share kept free as a whole number from 0 to 90; 0 keeps none.",
            "invalid": "Write the share kept free as a whole number from 0 to 90, such as 20.",
        },
    )

    def __init__(self, *args: Any, days: tuple[Day, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kept_free_percent"].widget.attrs.update(
            min=0, max=KEPT_FREE_MAX_PERCENT, step=1
        )
        for weekday, key in enumerate(WEEKDAY_KEYS):
            name = WEEKDAY_NAMES[weekday]
            hours = days[weekday].hours if days else None
            self.fields[f"{key}_works"] = forms.BooleanField(
                label=f"Works on {name}", required=False, initial=hours is not None
            )
            self.fields[f"{key}_starts_at"] = ClockField(
                label="From",
                saying=f"{name}'s start",
                example="09:00",
                initial=None if hours is None else hours.starts_at,
            )
            self.fields[f"{key}_ends_at"] = ClockField(
                label="Until",
                saying=f"{name}'s end",
                example="17:30",
                initial=None if hours is None else hours.ends_at,
            )

    @property
    def days(self) -> list[tuple[str, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """Each weekday's name and its three fields, for the page's table."""
        return [
            (
                WEEKDAY_NAMES[n],
                self[f"{key}_works"],
                self[f"{key}_starts_at"],
                self[f"{key}_ends_at"],
            )
            for n, key in enumerate(WEEKDAY_KEYS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for weekday, key in enumerate(WEEKDAY_KEYS):
            if data.get(f"{key}_works"):
                self._check_day(data, weekday, key)
        share = data.get("kept_free_percent")
        refusal = None if share is None else share_refusal(share)
        if refusal is not None:
            self.add_error("kept_free_percent", refusal)
        return data

    def _check_day(self, data: dict[str, Any], weekday: int, key: str) -> None:
        name = WEEKDAY_NAMES[weekday]
        starts, ends = f"{key}_starts_at", f"{key}_ends_at"
        for field, what in ((starts, "start"), (ends, "end")):
            if data.get(field) is None and field not in self.errors:
                self.add_error(
                    field, f"Write when {name} {what}s, such as 09:00, or untick {name}."
                )
        if data.get(starts) is None or data.get(ends) is None:
            return
        refusal = day_refusal(weekday, data[starts], data[ends])
        if refusal is not None:
            self.add_error(ends, refusal)

    def hours(self) -> dict[int, tuple[time, time] | None]:
        """Each weekday's (start, end), or None when not worked."""
        data = self.cleaned_data
        return {
            weekday: (data[f"{key}_starts_at"], data[f"{key}_ends_at"])
            if data.get(f"{key}_works")
            else None
            for weekday, key in enumerate(WEEKDAY_KEYS)
        }


class TimeOffForm(DomainErrorFormMixin, forms.Form):
    """A day, several days, or part of a day, on the person's own clock."""

    first_day = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Pick the first day of the time off.",
            "invalid": "Write the first day as a date, such as 2025-06-16.",
        },
    )
    last_day = forms.DateField(
        label="Last day (optional)",
        required=False,
        help_text="Leave empty for one day.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Write the last day as a date, such as 2025-06-20."},
    )
    from_time = ClockField(
        label="From (optional)",
        saying="the time it starts",
        example="13:00",
        help_text="For part of a day. Empty: from the start of the first day.",
    )
    until_time = ClockField(
        label="Until (optional)",
        saying="the time it ends",
        example="17:00",
        help_text="Empty: to the end of the last day.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=200,
        help_text="Only the practice sees it, such as “Dentist” or “Holiday in Lisbon”.",
        error_messages={"max_length": "Keep the note to 200 characters or fewer."},
    )

    def __init__(self, *args: Any, time_zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("first_day", "last_day"):
            day = data.get(field)
            if day is not None and abs((day - timezone.localdate()).days) > WITHIN_DAYS:
                self.add_error(field, "Pick a day within ten years of today.")
        first: date | None = data.get("first_day")
        if first is None or "last_day" in self.errors:
            return data
        last: date = data.get("last_day") or first
        if last < first:
            self.add_error(
                "last_day",
                f"The time off ends before it starts: pick a last day on or after {_day(first)}.",
            )
            return data
        starts, ends = self._span(first, last, data.get("from_time"), data.get("until_time"))
        if ends <= starts and "until_time" not in self.errors:
            self.add_error(
                "until_time",
                f"The time off ends before it starts: make it end after {data['from_time']:%H:%M}.",
            )
        data["starts_at"], data["ends_at"] = starts, ends
        return data

    def _span(
        self, first: date, last: date, begins: time | None, until: time | None
    ) -> tuple[datetime, datetime]:
        starts = instant_at(first, begins or time(0), self.time_zone)
        if until is None or until == time(0):
            return starts, instant_at(last + timedelta(days=1), time(0), self.time_zone)
        return starts, instant_at(last, until, self.time_zone)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"
