from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from tandem.core.errors import DomainError
from tandem.core.models import WEEKDAYS, Practice, default_working_days


class DomainErrorFormMixin:
    """Puts a service's DomainError next to the field it names, or at the top of the form."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in getattr(self, "fields", {}) else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


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
