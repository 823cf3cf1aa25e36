"""Forms for repeating requests, request templates and checklists (practice side only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django import forms

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.core.forms import DomainErrorFormMixin
from tandem.work.forms import TOO_LONG
from tandem.work.models import Priority, RepeatingRequest
from tandem.work.models_repeating import FREQUENCY_CHOICES, steps_of
from tandem.work.recurrence import LAST_DAY, WEEKDAY_NAMES, day_of_month_label
from tandem.work.repeating import CHECKLIST_MAX, EDITABLE_PARTS, LEAD_DAYS_MAX, STEP_MAX

if TYPE_CHECKING:
    from tandem.accounts.models import User

CHECKLIST_HELP = f"One step a line, up to {CHECKLIST_MAX}. The client sees how many are done."


def _checklist_field() -> forms.CharField:
    return forms.CharField(
        label="Checklist (optional)",
        required=False,
        max_length=CHECKLIST_MAX * (STEP_MAX + 1),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=CHECKLIST_HELP,
        error_messages={"max_length": TOO_LONG},
    )


def _request_fields() -> dict[str, forms.Field]:
    return {
        "title": forms.CharField(
            max_length=200,
            error_messages={"required": "Give the request a short title.", "max_length": TOO_LONG},
        ),
        "request_markdown": forms.CharField(
            label="Request",
            required=False,
            max_length=20_000,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text="Markdown: **bold**, lists, links.",
            error_messages={"max_length": TOO_LONG},
        ),
        "expectations": forms.CharField(
            label="What done looks like",
            max_length=20_000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": "Say what done looks like, so everyone knows when it is.",
                "max_length": TOO_LONG,
            },
        ),
    }


class RepeatForm(DomainErrorFormMixin, forms.Form):
    """The series: the request's words, who does it, and when each copy is due."""

    frequency = forms.ChoiceField(
        label="How often",
        choices=FREQUENCY_CHOICES,
        initial="monthly",
        error_messages={
            "required": "Pick how often: every week, month or three months.",
            "invalid_choice": "Pick how often: every week, month or three months.",
        },
    )
    day_of_month = forms.TypedChoiceField(
        label="Day of the month (monthly and quarterly)",
        choices=[("", "Pick a day"), (LAST_DAY, "The last day")]
        + [(day, day_of_month_label(day).removeprefix("the ")) for day in range(1, 32)],
        coerce=int,
        required=False,
        empty_value=None,
        help_text="A day the month does not have (the 31st in April) is its last day.",
        error_messages={"invalid_choice": "Pick a day of the month from the list."},
    )
    weekday = forms.TypedChoiceField(
        label="Weekday (weekly)",
        choices=[("", "Pick a weekday"), *enumerate(WEEKDAY_NAMES)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick a weekday from the list."},
    )
    starts_on = forms.DateField(
        label="First date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="No copy falls before this day.",
        error_messages={
            "required": "Give the first date, such as 2027-01-01.",
            "invalid": "Give the first date as a date, such as 2027-01-01.",
        },
    )
    due_time = forms.TimeField(
        label="Due at (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Blank: the practice's close of business. In the client's time zone.",
        error_messages={"invalid": "Give the time as hours and minutes, such as 17:00."},
    )
    lead_days = forms.IntegerField(
        label="Make each copy this many days before it is due",
        min_value=0,
        max_value=LEAD_DAYS_MAX,
        initial=7,
        error_messages={
            "required": "Say how many days ahead each copy is made, such as 7.",
            "invalid": "Give the days ahead as a whole number, such as 7.",
            "min_value": "Give the days ahead as 0 or more.",
            "max_value": f"Make each copy at most {LEAD_DAYS_MAX} days ahead.",
        },
    )
    assignee = forms.TypedChoiceField(
        label="Assignee",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick an assistant assigned to this client."},
    )
    priority = forms.ChoiceField(
        choices=Priority.choices,
        initial=Priority.NORMAL,
        error_messages={"invalid_choice": "Pick a priority: low, normal or high."},
    )
    checklist = _checklist_field()

    field_order = [
        "title",
        "request_markdown",
        "expectations",
        "frequency",
        "day_of_month",
        "weekday",
        "starts_on",
        "due_time",
        "lead_days",
        "assignee",
        "priority",
        "checklist",
    ]

    def __init__(self, *args: Any, assignees: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_request_fields())
        self.order_fields(self.field_order)
        self.assignees = {user.pk: user for user in assignees}
        choices = [(pk, user.display_name) for pk, user in self.assignees.items()]
        self.fields["assignee"].choices = [("", "Nobody yet"), *choices]  # type: ignore[attr-defined]

    def clean_assignee(self) -> User | None:
        pk = self.cleaned_data.get("assignee")
        return self.assignees[pk] if pk is not None else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        frequency = cleaned.get("frequency")
        weekday_missing = cleaned.get("weekday") is None and "weekday" not in self.errors
        if frequency == "weekly" and weekday_missing:
            self.add_error("weekday", "Pick the weekday each copy is due.")
        if (
            frequency in {"monthly", "quarterly"}
            and cleaned.get("day_of_month") is None
            and "day_of_month" not in self.errors
        ):
            self.add_error("day_of_month", "Pick the day of the month each copy is due.")
        return cleaned


SERIES_OUT_OF_DATE = (
    "This form is out of date; open the series again from the client's repeating work and "
    "make your changes there."
)


class SeriesEditForm(RepeatForm):
    """A series as it is, to change: the new-series form, filled in, with the version its
    editor saw (``seen``) so a save over someone else's change is refused."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, series: RepeatingRequest, last_made: date | None, **kwargs: Any
    ) -> None:
        """``last_made``: the rule's date of the latest copy already made
        (``repeating.last_copy_made_on``), said beside the first date."""
        # The assignee by id: the choices are the client's assistants, already loaded.
        initial = {part: getattr(series, part) for part in EDITABLE_PARTS if part != "assignee"}
        initial |= {"assignee": series.assignee_id, "seen": series.updated_at.isoformat()}
        super().__init__(*args, initial=initial, **kwargs)
        latest = ""
        if last_made is not None:
            latest = f" (the latest is for {last_made:%a} {last_made.day} {last_made:%b})"
        self.fields["starts_on"].help_text = (
            "No copy falls before this day. Requests already made keep their own deadlines, "
            f"and a week, month or quarter that has its copy gets no second one{latest}."
        )

    def clean_seen(self) -> datetime | None:
        text = self.cleaned_data["seen"].strip()
        try:
            seen = datetime.fromisoformat(text) if text else None
        except ValueError:
            seen = None
        if seen is None or seen.tzinfo is None:
            # A hidden field: the sentence goes at the top of the form.
            self.add_error(None, SERIES_OUT_OF_DATE)
            return None
        return seen

    def refresh_seen(self, series: RepeatingRequest) -> None:
        """After a refusal because the series changed meanwhile: the form keeps what was
        typed, and saving it again applies it over the series as it is now."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["seen"] = series.updated_at.isoformat()
        self.data = data

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in (*EDITABLE_PARTS, "seen")}


class TemplateForm(DomainErrorFormMixin, forms.Form):
    client = forms.TypedChoiceField(
        label="For",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick one of your clients, or every client."},
    )
    checklist = _checklist_field()

    def __init__(self, *args: Any, clients: list[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_request_fields())
        self.fields["title"].error_messages["required"] = "Give the template a title."
        self.order_fields(["title", "request_markdown", "expectations", "checklist", "client"])
        self.clients = {client.pk: client for client in clients}
        choices = [(pk, client.name) for pk, client in self.clients.items()]
        self.fields["client"].choices = [("", "Every client"), *choices]  # type: ignore[attr-defined]

    def clean_client(self) -> Client | None:
        pk = self.cleaned_data.get("client")
        return self.clients[pk] if pk is not None else None


class ChecklistForm(DomainErrorFormMixin, forms.Form):
    """The checklist of a new request (the practice's side of the new-request form)."""

    checklist = _checklist_field()

    def clean_checklist(self) -> list[str]:
        steps = steps_of(self.cleaned_data.get("checklist", ""))
        if len(steps) > CHECKLIST_MAX:
            raise forms.ValidationError(
                f"Keep the checklist to {CHECKLIST_MAX} steps; it has {len(steps)}."
            )
        if any(len(step) > STEP_MAX for step in steps):
            raise forms.ValidationError(
                f"Keep each step under {STEP_MAX} characters; split a long one in two."
            )
        return steps

    def add_domain_error(self, error: DomainError) -> None:
        error.field = "checklist"
        super().add_domain_error(error)


class TickForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", "Done"), ("0", "Not done")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "Say whether the step is done.",
            "invalid_choice": "Say whether the step is done.",
        },
    )
