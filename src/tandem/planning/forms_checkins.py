"""Forms of the weekly check-in: the assistant's note, and the client's answer."""

from __future__ import annotations

from django import forms

from tandem.core.forms import DomainErrorFormMixin
from tandem.planning.check_ins import ANSWER_MISSING
from tandem.planning.models_checkins import ANSWER_MAX, NOTE_MAX
from tandem.work.forms import TOO_LONG


class NoteForm(DomainErrorFormMixin, forms.Form):
    note = forms.CharField(
        label="Your note to the client (optional)",
        required=False,
        max_length=NOTE_MAX,
        help_text="Shown above the check-in, in the mail and the portal. Leave it empty to let "
        "the check-in go as it is.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )


class AnswerForm(DomainErrorFormMixin, forms.Form):
    answer = forms.CharField(
        label="Anything coming up?",
        max_length=ANSWER_MAX,
        help_text="Work you know is on its way, a date to keep in mind, a busy week ahead.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ANSWER_MISSING, "max_length": TOO_LONG},
    )

    def __init__(self, *args: object, check_in_id: int, **kwargs: object) -> None:
        # The portal and the check-in's page may both show one: each has its own ids.
        kwargs.setdefault("auto_id", f"id_check_in_{check_in_id}_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_answer(self) -> str:
        answer: str = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(ANSWER_MISSING)
        return answer
