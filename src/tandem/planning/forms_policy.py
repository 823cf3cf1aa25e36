"""The practice's planning settings form: sizes in hours (people think in hours, the
capacity engine counts minutes), notice in working days, the rush policy and the check-in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tandem.core.forms import DomainErrorFormMixin
from tandem.planning.models import WEEKDAY_NAMES
from tandem.planning.models_policy import NOTICE_MAX_WORKING_DAYS, SIZE_MAX_MINUTES, PlanningPolicy
from tandem.planning.policy import RUSH_POLICY_MAX_CHARS, PlanningChoices

_HOURS_MAX = SIZE_MAX_MINUTES // 60


def _hours_field(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        max_digits=6,
        decimal_places=2,
        error_messages={
            "required": f"{label}: give a number of hours, for example 1.5.",
            "invalid": f"{label}: write a number of hours, for example 1.5.",
            "max_digits": f"{label}: give at most {_HOURS_MAX} hours.",
            "max_decimal_places": f"{label}: hours to two decimals at most, for example 1.25.",
            "max_whole_digits": f"{label}: give at most {_HOURS_MAX} hours.",
        },
        widget=forms.NumberInput(attrs={"min": "0.25", "max": _HOURS_MAX, "step": "0.25"}),
    )


def _minutes(hours: Decimal) -> int:
    return int((hours * 60).to_integral_value())


def _hours(minutes: int) -> Decimal:
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    # "10", not "1E+1" (what normalize() makes of whole tens), and "1.5", not "1.50".
    return hours.to_integral_value() if hours == hours.to_integral_value() else hours.normalize()


class PlanningPolicyForm(DomainErrorFormMixin, forms.Form):
    default_request_hours = _hours_field(
        "A request with no estimate counts as (hours)",
        "Used to plan requests nobody has estimated yet; the capacity page says so.",
    )
    small_hours = _hours_field("Small (hours)", "What a client means by a small heads-up.")
    medium_hours = _hours_field("Medium (hours)")
    large_hours = _hours_field("Large (hours)")
    notice_working_days = forms.IntegerField(
        label="Notice you ask for new work (working days)",
        help_text="A deadline sooner than this is short notice, unless a client agreed otherwise.",
        error_messages={
            "required": f"Give the notice as 0 to {NOTICE_MAX_WORKING_DAYS} working days.",
            "invalid": f"Write a whole number of working days, 0 to {NOTICE_MAX_WORKING_DAYS}.",
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": NOTICE_MAX_WORKING_DAYS}),
    )
    rush_policy = forms.CharField(
        label="What you tell a client who keeps a short-notice deadline",
        help_text="For example: “Rush work is billed at half as much again.”",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": RUSH_POLICY_MAX_CHARS}),
    )
    check_ins_on = forms.BooleanField(label="Send each client a weekly check-in", required=False)
    check_in_weekday = forms.TypedChoiceField(
        label="Check-in day",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        error_messages={"invalid_choice": "Choose a day of the week for the check-in."},
    )
    check_in_time = forms.TimeField(
        label="Check-in time, in each client's own time zone",
        error_messages={
            "required": "Give the check-in time, for example 09:00.",
            "invalid": "Write the check-in time as hours and minutes, for example 09:00.",
        },
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    @classmethod
    def initial_from(cls, policy: PlanningPolicy) -> dict[str, Any]:
        return {
            "default_request_hours": _hours(policy.default_request_minutes),
            "small_hours": _hours(policy.small_minutes),
            "medium_hours": _hours(policy.medium_minutes),
            "large_hours": _hours(policy.large_minutes),
            "notice_working_days": policy.notice_working_days,
            "rush_policy": policy.rush_policy,
            "check_ins_on": policy.check_ins_on,
            "check_in_weekday": policy.check_in_weekday,
            "check_in_time": policy.check_in_time,
        }

    def choices(self) -> PlanningChoices:
        data = self.cleaned_data
        return PlanningChoices(
            default_request_minutes=_minutes(data["default_request_hours"]),
            small_minutes=_minutes(data["small_hours"]),
            medium_minutes=_minutes(data["medium_hours"]),
            large_minutes=_minutes(data["large_hours"]),
            notice_working_days=data["notice_working_days"],
            rush_policy=data["rush_policy"],
            check_ins_on=data["check_ins_on"],
            check_in_weekday=data["check_in_weekday"],
            check_in_time=data["check_in_time"],
        )

    def add_domain_error(self, error: Any) -> None:
        # The service names the model's minute fields; the form shows hours.
        if error.field and error.field.endswith("_minutes"):
            error.field = error.field.replace("_minutes", "_hours")
        super().add_domain_error(error)
