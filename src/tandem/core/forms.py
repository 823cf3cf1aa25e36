from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from html import escape as escape_text
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.core.errors import DomainError
from tandem.core.models import WEEKDAYS, Practice, default_working_days


class DomainErrorFormMixin:
    """Puts a service's DomainError next to the field it names, or at the top of the form."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in getattr(self, "fields", {}) else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


def form_status(form: forms.BaseForm) -> int:
    """The status of a page showing ``form``: 400 when it came back with mistakes (the
    refused-input convention: the page again, typed values kept, each sentence beside its
    field), 200 when blank or valid."""
    return 400 if form.errors else 200


@dataclass(frozen=True)
class Refusal:
    """Why a button's action was refused, said on the page the button lives on (status 400).

    A button-only form (archive, resend, remove…) has no field to put the sentence beside:
    the page shows it where the button was, ``where`` naming that place (a section of the
    page, or a kind of row together with the row's ``target_id``).
    """

    message: str
    where: str = ""
    target_id: int | None = None

    @classmethod
    def of(cls, form: forms.BaseForm, *, where: str = "", target_id: int | None = None) -> Refusal:
        """The form's first error as the refusal (a form with only hidden inputs)."""
        message = next((str(errors[0]) for errors in form.errors.values()), "")
        return cls(message, where, target_id)


class PracticeForm(DomainErrorFormMixin, forms.ModelForm[Practice]):
    working_days = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAYS)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        # A declared field does not pick up the model's default: Monday to Friday.
        initial=default_working_days,
        error_messages={"required": "Pick at least one working day."},
    )

    class Meta:
        model = Practice
        fields = ["name", "time_zone", "currency", "working_days", "work_starts_at", "work_ends_at"]
        labels = {
            "name": "Practice name",
            "work_starts_at": "Working day starts",
            "work_ends_at": "Working day ends",
        }
        widgets = {
            "work_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        error_messages = {
            "name": {"required": "Give your practice a name, as your clients know it."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(maxlength=120, autofocus=True)


class PracticeSettingsForm(PracticeForm):
    class Meta(PracticeForm.Meta):
        fields = [*PracticeForm.Meta.fields, "requires_two_factor"]
        labels = {
            **PracticeForm.Meta.labels,
            "requires_two_factor": "Require two-factor authentication for owners and assistants",
        }


class TandemFormRenderer(TemplatesSetting):
    """Every form renders as labelled fields with their errors and help beside them."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def option_tags(choices: Iterable[tuple[object, object]], selected: Set[str] = frozenset()) -> str:
    """``<option>``s for flat ``choices``, escaped with the standard library's escape.

    Django's ``format_html`` costs several calls per value; for the 500 clients of a big
    practice, written up to three times on one page, that was a tenth of the page's time.
    """
    tags = []
    for value, label in choices:
        key = str(value)
        chosen = " selected" if key in selected else ""
        text = escape_text(str(label))
        tags.append(f'<option value="{escape_text(key)}"{chosen}>{text}</option>')
    return "".join(tags)


class LongSelect(forms.Select):
    """A select that writes its options in Python instead of one template per option.

    Django renders each option through a template: fine for ten, 15 ms for the 500 clients
    of a big practice's filter. Only flat choices, which is all a long list here needs.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = mark_safe(option_tags(self.choices, set(self.format_value(value))))  # noqa: S308
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)
