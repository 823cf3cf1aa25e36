"""Forms of the catalogue and of a client's phase: shapes only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.clients.models import Phase
from tandem.core.forms import DomainErrorFormMixin
from tandem.delegation.models import KEYWORDS_MAX, KIND_NAME_MAX, RISK_NOTE_MAX, Mode, WorkKind

PHASE_CHOICES = [("", "Choose a phase"), *Phase.choices]


class WorkKindForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(
        label="Kind of work",
        max_length=KIND_NAME_MAX,
        error_messages={"required": "Name the kind of work, e.g. “Booking travel”."},
    )
    phase = forms.TypedChoiceField(
        label="Phase",
        choices=PHASE_CHOICES,
        coerce=int,
        error_messages={
            "required": "Choose the phase this kind of work belongs to (I, II or III).",
            "invalid_choice": "Choose Phase I, II or III.",
        },
    )
    mode = forms.ChoiceField(
        label="Reactive or proactive",
        choices=Mode.choices,
        initial=Mode.REACTIVE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Say whether the work is reactive or proactive."},
    )
    risk_note = forms.CharField(
        label="Risk",
        max_length=RISK_NOTE_MAX,
        required=False,
        help_text="What could go wrong, in a few words: the client reads it.",
    )
    keywords = forms.CharField(
        label="Words that suggest it",
        max_length=KEYWORDS_MAX,
        required=False,
        help_text="Separated by commas; a request using them is suggested this kind.",
    )

    @classmethod
    def initial_from(cls, kind: WorkKind) -> dict[str, Any]:
        return {
            "name": kind.name,
            "phase": kind.phase,
            "mode": kind.mode,
            "risk_note": kind.risk_note,
            "keywords": kind.keywords,
        }


class PhaseChangeForm(DomainErrorFormMixin, forms.Form):
    to_phase = forms.TypedChoiceField(
        label="Phase",
        choices=Phase.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the phase to move to.",
            "invalid_choice": "Choose Phase I, II or III: there is no phase beyond III.",
        },
    )
    note = forms.CharField(
        label="A word on why (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
