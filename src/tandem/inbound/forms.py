"""The mail log's filter: a GET form whose value may come from an edited address."""

from __future__ import annotations

from django import forms

from tandem.inbound.models import Outcome

# Mail to an address that is not ours belongs to no practice, so no practice ever sees it.
OUTCOME_CHOICES = [
    ("", "Any outcome"),
    *((str(value), label) for value, label in Outcome.choices if value != Outcome.UNKNOWN_ADDRESS),
]


class MessageFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What became of it",
        required=False,
        choices=OUTCOME_CHOICES,
        error_messages={
            "invalid_choice": "That outcome is not in the list; choose one from the list or "
            "clear it."
        },
    )

    def outcome_filter(self) -> str:
        """The outcome to show, or "" for all (also when the value given was not valid)."""
        if not self.is_valid():
            return ""
        return str(self.cleaned_data["outcome"])
