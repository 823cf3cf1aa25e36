"""The calendar page's two buttons, each with the tick that says what it will break."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import DomainErrorFormMixin

UNDERSTOOD = "I understand that calendars using the current address stop updating."


class NewAddressForm(DomainErrorFormMixin, forms.Form):
    """Make an address (the first one), or a new one in place of the current one: then the
    person ticks that calendars using the old one stop updating."""

    confirm = forms.BooleanField(
        label=UNDERSTOOD,
        required=True,
        error_messages={
            "required": "Tick the box to confirm: calendars using the current address stop "
            "updating until you give them the new one."
        },
    )

    def __init__(self, *args: Any, replaces_one: bool, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        if not replaces_one:
            del self.fields["confirm"]


class TurnOffForm(DomainErrorFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=UNDERSTOOD,
        required=True,
        error_messages={
            "required": "Tick the box to confirm: calendars using this address stop "
            "updating, and the address cannot be turned back on."
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "off")
        super().__init__(*args, **kwargs)
