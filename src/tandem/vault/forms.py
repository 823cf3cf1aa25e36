"""The vault's forms: shapes only; the rules are ``credentials``', ``reveals``' and
``sharing``'. Secrets typed into a form that comes back refused are not sent back to the
page (their inputs render empty and the form says to type them again): a secret is in a
page only when it is revealed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from tandem.accounts.models import User
from tandem.clients.models import Phase
from tandem.core.forms import DomainErrorFormMixin
from tandem.vault import credentials, reveals, sharing
from tandem.vault.models import LABEL_MAX, NAME_MAX, REASON_MAX, URL_MAX, USERNAME_MAX

TOO_LONG = "Shorten this to %(limit_value)d characters; it has %(show_value)d."
TYPE_AGAIN = "For your safety the secrets you typed were not sent back: type them again."


class SecretTextarea(forms.Textarea):
    """A textarea that never renders a value: notes and share-link secrets are secrets."""

    def format_value(self, value: Any) -> str | None:
        return None


def _people_choices(people: Iterable[User]) -> list[tuple[str, str]]:
    return [(str(person.pk), person.display_name) for person in people]


class CredentialForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(
        label="Service",
        max_length=NAME_MAX,
        help_text="What it opens, such as “Mailchimp” or “Bank (online banking)”.",
        error_messages={"required": credentials.NAME_MISSING, "max_length": TOO_LONG},
    )
    url = forms.URLField(
        label="Web address (optional)",
        max_length=URL_MAX,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": credentials.BAD_ADDRESS, "max_length": TOO_LONG},
    )
    username = forms.CharField(
        label="Username (optional)",
        max_length=USERNAME_MAX,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    totp_seed = forms.CharField(
        label="TOTP seed (optional)",
        required=False,
        help_text="The setup key a service shows for an authenticator app; Tandem then "
        "shows the current code with the password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(
        label="Notes (optional, kept secret)",
        required=False,
        strip=False,
        max_length=credentials.NOTES_MAX,
        help_text="Security answers, recovery codes: sealed like the password.",
        widget=SecretTextarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )
    minimum_phase = forms.TypedChoiceField(
        label="Revealed from",
        coerce=int,
        choices=Phase.choices,
        initial=Phase.CLERICAL,
        help_text="The people you name can reveal it only once you trust the practice this far.",
        error_messages={"invalid_choice": credentials.PHASE_UNKNOWN},
    )
    named = forms.MultipleChoiceField(
        label="Who may reveal it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the people you tick; you can revoke anyone at any time.",
        error_messages={"invalid_choice": "Pick people from the list."},
    )

    def __init__(self, *args: Any, people: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        self.fields["named"].choices = _people_choices(self.people.values())  # type: ignore[attr-defined]

    def chosen_people(self) -> list[User]:
        return [self.people[pk] for pk in self.cleaned_data.get("named", [])]

    def secrets(self) -> credentials.Secrets:
        data = self.cleaned_data
        return credentials.Secrets(
            password=data["password"], totp_seed=data["totp_seed"], notes=data["notes"]
        )

    @property
    def typed_a_secret(self) -> bool:
        """Whether secrets were typed into a form that came back (so the page says so)."""
        return bool(self.errors) and any(
            self.data.get(name) for name in ("password", "totp_seed", "notes")
        )

    @property
    def type_again(self) -> str:
        return TYPE_AGAIN


class EditCredentialForm(CredentialForm):
    """The same, with every secret optional: empty keeps what is stored."""

    remove_totp = forms.BooleanField(label="Remove the TOTP seed", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "New password (leave empty to keep it)"
        self.fields["totp_seed"].label = "New TOTP seed (leave empty to keep it)"
        self.fields["notes"].label = "New notes (leave empty to keep them; kept secret)"

    def secrets(self) -> credentials.Secrets:
        data = self.cleaned_data
        seed = "" if data.get("remove_totp") else (data["totp_seed"] or None)
        return credentials.Secrets(
            password=data["password"] or None, totp_seed=seed, notes=data["notes"] or None
        )


class RevealForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you need it?",
        max_length=REASON_MAX,
        help_text="The client reads this in the vault's log.",
        error_messages={"required": reveals.REASON_MISSING, "max_length": TOO_LONG},
    )
    password = forms.CharField(
        label="Your Tandem password",
        strip=False,
        help_text="Asked each time: a secret is revealed only to you, now.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": reveals.CHECK_MISSING},
    )


class RevokeForm(DomainErrorFormMixin, forms.Form):
    """One person's access (``person``), or everyone's (``everyone``)."""

    person = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Pick someone named on it."}
    )
    everyone = forms.BooleanField(required=False)

    def __init__(self, *args: Any, people: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        choices = [("", ""), *_people_choices(self.people.values())]
        self.fields["person"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not data.get("everyone"):
            raise forms.ValidationError("Pick whose access to revoke, or revoke everyone's.")
        return data

    def chosen(self) -> User | None:
        return self.people.get(self.cleaned_data.get("person") or "")


class ShareLinkForm(DomainErrorFormMixin, forms.Form):
    label = forms.CharField(
        label="What it is",
        max_length=LABEL_MAX,
        help_text="The practice sees this before opening the link, such as “Office Wi-Fi”.",
        error_messages={"required": sharing.LABEL_MISSING, "max_length": TOO_LONG},
    )
    secret = forms.CharField(
        label="The secret",
        strip=False,
        max_length=sharing.SECRET_MAX,
        widget=SecretTextarea(attrs={"rows": 3, "autocomplete": "off"}),
        error_messages={"required": sharing.NOTHING_TO_SEND, "max_length": TOO_LONG},
    )
    lifetime = forms.ChoiceField(
        label="The link works for",
        choices=list(sharing.LIFETIME_LABELS.items()),
        initial="1d",
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": sharing.LIFETIME_UNKNOWN,
            "required": sharing.LIFETIME_UNKNOWN,
        },
    )

    @property
    def typed_a_secret(self) -> bool:
        return bool(self.errors) and bool(self.data.get("secret"))

    @property
    def type_again(self) -> str:
        return TYPE_AGAIN
