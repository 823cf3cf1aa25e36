"""References' forms: shapes only; the rules are the services' (``consents``, ``prospects``,
``checks``), whose sentences the forms reuse so a mistake reads the same either way."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from tandem.clients.models import Client
from tandem.core.forms import DomainErrorFormMixin, parse_id
from tandem.references import checks, consents, prospects
from tandem.references.models import (
    CHECK_NOTES_MAX,
    EMAIL_MAX,
    NAME_MAX,
    NOTE_MAX,
    QUESTION_MAX,
    SOURCE_MAX,
    AskBy,
    Payment,
)

TOO_LONG = "Shorten this to %(limit_value)d characters; it has %(show_value)d."


class ConsentForm(DomainErrorFormMixin, forms.Form):
    note = forms.CharField(
        label="What you would say (optional)",
        required=False,
        max_length=NOTE_MAX,
        help_text="A line or two the practice may mention, such as “Ada runs our newsletter "
        "and supplier orders; always on time.”",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )
    ask_by = forms.ChoiceField(
        label="How you would like to be asked",
        choices=AskBy.choices,
        initial=AskBy.MAIL,
        widget=forms.RadioSelect,
        error_messages={
            "required": consents.ASK_BY_UNKNOWN,
            "invalid_choice": consents.ASK_BY_UNKNOWN,
        },
    )
    agree = forms.BooleanField(
        label="I agree to the words above",
        error_messages={"required": consents.MUST_AGREE},
    )


class ProspectForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX,
        error_messages={"required": prospects.NAME_MISSING, "max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=EMAIL_MAX,
        help_text="References who choose to answer write to you here.",
        error_messages={
            "required": prospects.EMAIL_MISSING,
            "invalid": prospects.EMAIL_INVALID,
            "max_length": TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    question = forms.CharField(
        label="What would you like to know?",
        max_length=QUESTION_MAX,
        help_text="Such as “How quickly do they answer?” or “Would you hire them again?”",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": prospects.QUESTION_MISSING, "max_length": TOO_LONG},
    )
    # A honeypot: hidden from people (and screen readers), filled in by form-filling bots.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PassOnForm(DomainErrorFormMixin, forms.Form):
    """The agreeing clients to pass one request on to (ids checked with ``parse_id``)."""

    clients = forms.MultipleChoiceField(
        label="Pass it on to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": prospects.PICK_CLIENTS,
            "invalid_choice": "Pick clients from the list.",
        },
    )

    def __init__(self, *args: object, agreeing: Iterable[Client], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.agreeing = {client.pk: client for client in agreeing}
        self.fields["clients"].choices = [  # type: ignore[attr-defined]
            (str(pk), client.name) for pk, client in self.agreeing.items()
        ]

    def chosen(self) -> list[Client]:
        ids = [parse_id(value) for value in self.cleaned_data["clients"]]
        return [self.agreeing[pk] for pk in ids if pk is not None and pk in self.agreeing]


class CheckForm(DomainErrorFormMixin, forms.Form):
    source = forms.CharField(
        label="Whom you asked",
        max_length=SOURCE_MAX,
        help_text="Such as “previous VA”, “their bookkeeper” or a name.",
        error_messages={"required": checks.SOURCE_MISSING, "max_length": TOO_LONG},
    )
    checked_on = forms.DateField(
        label="When",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": checks.DATE_MISSING,
            "invalid": "Give a real date, such as 2026-12-03.",
        },
    )
    payment = forms.ChoiceField(
        label="How they paid elsewhere",
        choices=Payment.choices,
        initial=Payment.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={
            "required": checks.PAYMENT_UNKNOWN,
            "invalid_choice": checks.PAYMENT_UNKNOWN,
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=CHECK_NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )


class AutomaticForm(forms.Form):
    pass_on_automatically = forms.BooleanField(
        label="Pass every request on to every client who agreed, without asking me",
        required=False,
    )
