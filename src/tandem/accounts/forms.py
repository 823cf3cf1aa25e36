from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest

from tandem.accounts.models import User
from tandem.core.forms import DomainErrorFormMixin


class SignupForm(AllauthSignupForm):
    name = forms.CharField(
        label="Your name",
        max_length=120,
        error_messages={"required": "Tell us your name, as your clients will see it."},
    )
    field_order = ["name", "email", "password1", "password2"]

    def save(self, request: HttpRequest) -> User:
        user: User = super().save(request)
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])
        return user


class ProfileForm(DomainErrorFormMixin, forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["name", "time_zone"]
        labels = {"name": "Your name", "time_zone": "Your time zone"}
        help_texts = {"time_zone": "Dates and times are shown to you in this time zone."}
        error_messages = {"name": {"required": "Tell us your name."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
