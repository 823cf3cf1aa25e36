"""Forms of what the client owes: asking for it, answering it, and the reminder setting.

The "needed by" phrase is resolved as every deadline is (``work.deadline_phrases``, through
``work.forms.PhraseMixin``): in the client's time zone, on the practice's calendar, vague
words and past times refused with the same sentences and suggestions. Its field is named
``waiting_until``, as on the move to "Waiting on client", so the live preview reads it the
same way ("Needed by …").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from tandem.clients.models import Client
from tandem.core.forms import DomainErrorFormMixin
from tandem.planning.models_owed import REMIND_AGAIN_MAX_DAYS
from tandem.planning.owed import NOTE_MAX, WHAT_MAX, WHAT_MISSING, WHEN_MISSING
from tandem.work.deadline_phrases import PHRASE_MAX
from tandem.work.forms import TOO_LONG, AttachmentsForm, PhraseInput, PhraseMixin


def _phrase_field(label: str, help_text: str) -> forms.CharField:
    # The field's template renders the live preview and the suggested dates (django-stubs
    # does not know Field's template_name argument, new in Django 5.0).
    options: dict[str, Any] = {"template_name": "work/phrase_field.html"}
    return forms.CharField(
        label=label,
        max_length=PHRASE_MAX,
        required=False,
        help_text=help_text,
        widget=PhraseInput(attrs={"autocomplete": "off", "maxlength": PHRASE_MAX}),
        error_messages={"max_length": TOO_LONG},
        **options,
    )


ASK_AUTO_ID = "id_owed_%s"


class AskForm(PhraseMixin, forms.Form):
    """ "We need from you … by …" on a request's page."""

    waiting_for = forms.CharField(
        label="We need from the client",
        max_length=WHAT_MAX,
        required=False,
        help_text="Such as “the final copy” or “the login for the shop”.",
        error_messages={"max_length": TOO_LONG},
    )
    waiting_until = _phrase_field("Needed by", "Such as “Wednesday 5pm” or “in 3 days”.")

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", ASK_AUTO_ID)
        super().__init__(*args, **kwargs)
        self.client = client
        self._preview_live("waiting_until")

    def clean_waiting_for(self) -> str:
        text: str = self.cleaned_data["waiting_for"].strip()
        if not text:
            raise forms.ValidationError(WHAT_MISSING)
        return text

    def clean_waiting_until(self) -> datetime:
        return self._resolve_phrase(self.cleaned_data["waiting_until"], empty=WHEN_MISSING)


class AnswerForm(AttachmentsForm):
    """The client's "Here it is": a note and files, both optional."""

    files_label = "Attach it (optional)"

    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, owed_id: int, **kwargs: Any) -> None:
        # One form per open item on the page: each needs its own ids.
        kwargs.setdefault("auto_id", f"id_answer_{owed_id}_%s")
        super().__init__(*args, **kwargs)


class ReminderPolicyForm(DomainErrorFormMixin, forms.Form):
    remind_again_after_days = forms.IntegerField(
        label="Remind the client again after",
        help_text="Working days after the first reminder, on the practice's calendar.",
        error_messages={
            "required": f"Choose between 1 and {REMIND_AGAIN_MAX_DAYS} working days.",
            "invalid": f"Write a whole number of working days, 1 to {REMIND_AGAIN_MAX_DAYS}.",
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": REMIND_AGAIN_MAX_DAYS}),
    )
