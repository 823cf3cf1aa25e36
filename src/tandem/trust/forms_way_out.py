"""The referral list's and the way out's forms: shapes only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import DomainErrorFormMixin
from tandem.trust.models_way_out import (
    GOOD_AT_MAX,
    NAME_MAX,
    REASON_MAX,
    Choice,
    Referral,
    ReferralKind,
)


class ReferralForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(max_length=NAME_MAX, error_messages={"required": "Give their name."})
    good_at = forms.CharField(
        label="What they are good at",
        max_length=GOOD_AT_MAX,
        error_messages={"required": "Say what they are good at, so you know when to refer."},
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={"invalid": "Give an e-mail address such as ann@example.com."},
    )
    website = forms.URLField(
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Give a web address such as https://example.com."},
    )
    kind = forms.ChoiceField(
        choices=ReferralKind.choices, widget=forms.RadioSelect, initial=ReferralKind.REFER
    )


KIND_MESSAGE = (
    "Thank you for thinking of us for this. We would rather be honest than do it less well "
    "than you deserve."
)


class WayOutForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it beyond you?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Honest and short: the client reads it. Saying so counts as honesty in the "
        "track record, not as a failure.",
        error_messages={"required": "Say honestly why it is beyond you: the client reads it."},
    )
    choice = forms.ChoiceField(
        label="The way out",
        choices=Choice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose one of the ways out.",
            "invalid_choice": "Choose one of the ways out.",
        },
    )
    referral = forms.TypedChoiceField(
        label="Who (to refer to, or subcontract to)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose someone from your referral list."},
    )
    amount = forms.CharField(label="Amount of the refund or credit", required=False, max_length=20)
    message = forms.CharField(
        label="A kind word to the client",
        required=False,
        max_length=2000,
        initial=KIND_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, referrals: list[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referrals = {r.pk: r for r in referrals}
        groups = [
            (label, [(r.pk, f"{r.name}: {r.good_at}") for r in referrals if r.kind == kind])
            for kind, label in (
                (ReferralKind.REFER, "VAs to refer to"),
                (ReferralKind.PARTNER, "Partners to subcontract to"),
            )
        ]
        self.fields["referral"].choices = [  # type: ignore[attr-defined]
            ("", "Nobody"),
            *[(label, options) for label, options in groups if options],
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        pk = data.pop("referral")
        data["referral"] = self.referrals.get(pk) if pk is not None else None
        return data
