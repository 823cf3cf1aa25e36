"""Forms of heads-ups: "Tell us what's coming" and the practice's "Decline" with a reason.

Dates are phrases resolved as every deadline is (``work.deadline_phrases.resolve_for``, in
the client's time zone, on the practice's calendar): "next Friday 5pm" works, "ASAP" is
refused with the same sentences. Their fields are named ``deadline`` (when it must be done)
and ``waiting_until`` (when the materials arrive), the two names the live preview reads, so
each shows the instant it will be saved as while it is typed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.core.forms import parse_id
from tandem.planning.capacity import describe_minutes
from tandem.planning.headsups import (
    DETAILS_MAX,
    DUE_MISSING,
    REASON_MAX,
    SIZE_MISSING,
    WHAT_MAX,
    WHAT_MISSING,
    size_of,
)
from tandem.planning.models_headsups import HeadsUp
from tandem.planning.models_policy import PlanningPolicy
from tandem.work.deadline_phrases import PHRASE_MAX, resolve_for
from tandem.work.deadlines import Deadline, Suggestion, VagueDeadline
from tandem.work.forms import TOO_LONG, PhraseInput, PhraseMixin


def _phrase_field(label: str, help_text: str, template: str) -> forms.CharField:
    # django-stubs does not know Field's template_name argument (new in Django 5.0).
    options: dict[str, Any] = {"template_name": template}
    return forms.CharField(
        label=label,
        max_length=PHRASE_MAX,
        required=False,
        help_text=help_text,
        widget=PhraseInput(attrs={"autocomplete": "off", "maxlength": PHRASE_MAX}),
        error_messages={"max_length": TOO_LONG},
        **options,
    )


class HeadsUpForm(PhraseMixin, forms.Form):
    """What is coming, how big, when the materials arrive, when it is due, how often."""

    what = forms.CharField(
        label="What is coming",
        max_length=WHAT_MAX,
        required=False,
        help_text="Such as “the spring newsletter” or “tax papers to file”.",
        error_messages={"max_length": TOO_LONG},
    )
    details = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )
    hours = forms.DecimalField(
        label="Roughly how many hours",
        required=False,
        decimal_places=2,
        max_digits=8,
        help_text="Such as 3 or 1.5; or pick a size below.",
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Write the hours as a number, such as 3 or 1.5.",
            "max_digits": "Write the hours as a number, such as 3 or 1.5.",
            "max_decimal_places": "Write the hours with at most two decimals, such as 1.25.",
            "max_whole_digits": "Write the hours as a number, such as 3 or 1.5.",
        },
    )
    size = forms.ChoiceField(
        label="Or a size",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Pick small, medium or large."},
    )
    waiting_until = _phrase_field(
        "Materials arrive by (optional)",
        "When you will send what the work needs, such as “Monday”.",
        "planning/heads_up_materials_field.html",
    )
    deadline = _phrase_field(
        "Must be done by",
        "Such as “next Friday 5pm” or “end of next month”.",
        "work/phrase_field.html",
    )
    repeats = forms.ChoiceField(
        label="Does it repeat?",
        choices=HeadsUp.Repeats.choices,
        initial=HeadsUp.Repeats.NO,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Pick how often it repeats: just once, every week or every month.",
            "required": "Pick how often it repeats: just once, every week or every month.",
        },
    )
    # The weekly check-in whose answer this came from (kept through a refused send).
    check_in = forms.CharField(required=False, widget=forms.HiddenInput)

    materials_resolved: Deadline | None = None
    materials_suggestions: tuple[Suggestion, ...] = ()

    def __init__(self, *args: Any, client: Client, policy: PlanningPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        size_field: forms.ChoiceField = self.fields["size"]  # type: ignore[assignment]
        size_field.choices = [
            (letter, f"{label} (about {describe_minutes(policy.size_minutes(letter))})")
            for letter, label in HeadsUp.Size.choices
        ]
        self._preview_live("deadline")
        self._preview_live("waiting_until")

    def clean_what(self) -> str:
        text: str = self.cleaned_data["what"].strip()
        if not text:
            raise forms.ValidationError(WHAT_MISSING)
        return text

    def clean_deadline(self) -> datetime:
        return self._resolve_phrase(self.cleaned_data["deadline"], empty=DUE_MISSING)

    def clean_waiting_until(self) -> datetime | None:
        phrase: str = self.cleaned_data["waiting_until"]
        if not phrase.strip():
            return None
        try:
            found = resolve_for(self.client, phrase)
        except VagueDeadline as refusal:
            self.materials_suggestions = refusal.suggestions
            raise forms.ValidationError(refusal.message) from None
        self.materials_resolved = found
        return found.at

    def clean_hours(self) -> Decimal | None:
        # Said now, beside the field, with any other mistake; the service checks it again.
        hours: Decimal | None = self.cleaned_data["hours"]
        if hours is not None:
            try:
                size_of(practice_id=self.client.practice_id, hours=hours, letter="")
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return hours

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        neither = "hours" in data and data["hours"] is None and not data.get("size")
        if neither and "size" not in self.errors:
            self.add_error("hours", SIZE_MISSING)
        return data

    def clean_check_in(self) -> int | None:
        # An id that is not one is dropped: it only links back, it decides nothing.
        return parse_id(self.cleaned_data["check_in"])


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why you are declining it",
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The client reads this.",
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, heads_up_id: int, **kwargs: Any) -> None:
        # One form per row on the page: each needs its own ids.
        kwargs.setdefault("auto_id", f"id_decline_{heads_up_id}_%s")
        super().__init__(*args, **kwargs)
