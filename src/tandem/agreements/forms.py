"""Agreements' forms: shapes only; the rules (placeholders, names, codes) are the services'."""

from __future__ import annotations

from django import forms

from tandem.agreements.models import BODY_MAX, TITLE_MAX, Kind
from tandem.core.forms import DomainErrorFormMixin


class TemplateForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX, error_messages={"required": "Give the template a title."}
    )
    body = forms.CharField(
        label="Text (Markdown)",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}),
        error_messages={"required": "Write the agreement's text."},
    )


class IssueForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Agreement", choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.SERVICE,
        error_messages={"required": "Choose a service or a confidentiality agreement.",
                        "invalid_choice": "Choose a service or a confidentiality agreement."},
    )  # fmt: skip
    hourly_rate = forms.CharField(
        label="Hourly rate", max_length=60, help_text="With its currency, e.g. USD 45.",
        error_messages={"required": "Fill in your hourly rate, with its currency."},
    )  # fmt: skip
    payment_terms = forms.CharField(
        label="Payment terms", max_length=120, initial="within 14 days of the invoice date",
        error_messages={"required": "Fill in when invoices are due."},
    )  # fmt: skip
    notice_period = forms.CharField(
        label="Notice period", max_length=60, initial="30 days'",
        help_text="The notice either side gives to end the agreement.",
        error_messages={"required": "Fill in the notice either side gives."},
    )  # fmt: skip
    start_date = forms.DateField(
        label="Work starts on", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date the work starts.",
                        "invalid": "Give the date the work starts, such as 2025-01-31."},
    )  # fmt: skip


class DraftForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX, error_messages={"required": "Give the agreement a title."}
    )
    body = forms.CharField(
        label="Text (Markdown)",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}),
        error_messages={"required": "Write the agreement's text."},
    )


class SignForm(DomainErrorFormMixin, forms.Form):
    consent = forms.BooleanField(
        label="I agree to sign this agreement electronically, and that my electronic "
        "signature binds me as a handwritten one would.",
        required=False,
    )
    typed_name = forms.CharField(
        label="Your full name", max_length=120, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    drawn = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300_000)
    code = forms.CharField(
        label="The code from your e-mail", max_length=12, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )  # fmt: skip


class PolicyForm(forms.Form):
    require_before_work = forms.BooleanField(
        label="Require signed service and confidentiality agreements before accepting "
        "requests from a client",
        required=False,
    )


class VerifyForm(forms.Form):
    document = forms.FileField(
        label="The agreement's PDF",
        error_messages={
            "required": "Choose the PDF to check.",
            "empty": "That file is empty; choose the agreement's PDF.",
        },
    )
