from __future__ import annotations

from functools import cache
from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest

from tandem.accounts.models import User
from tandem.core.forms import DomainErrorFormMixin
from tandem.core.models import time_zone_choices


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(name for name, _ in time_zone_choices())


class SignupForm(AllauthSignupForm):
    name = forms.CharField(
        label="Your name",
        max_length=120,
        error_messages={"required": "Tell us your name, as your clients will see it."},
    )
    # Filled by static/tandem/timezone.js with the browser's zone; it becomes the zone the
    # new practice is set up in (accounts.views.practice_create).
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
    )
    field_order = ["name", "email", "password1", "password2", "time_zone"]

    def clean_time_zone(self) -> str:
        """A zone we know, or UTC: a browser may name one our tz database lacks, and the
        field is the client's to send anything in."""
        zone = self.cleaned_data.get("time_zone", "").strip()
        return zone if zone in known_time_zones() else "UTC"

    def save(self, request: HttpRequest) -> User:
        user: User = super().save(request)
        user.name = self.cleaned_data["name"].strip()
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["name", "time_zone"])
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
