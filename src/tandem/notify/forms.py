from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import DomainErrorFormMixin
from tandem.notify.models import Channel, Kind, Preference

CHOICE_ERROR = "Pick one: in the app and by e-mail, in the app only, or off."


class PreferenceForm(DomainErrorFormMixin, forms.ModelForm[Preference]):
    class Meta:
        model = Preference
        fields = [*Kind.values, "wants_digest"]
        help_texts = {
            "wants_digest": (
                "One e-mail a day at 08:00 in your own time zone, instead of an e-mail "
                "for each task."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind.values:
            field = self.fields[kind]
            assert isinstance(field, forms.ChoiceField)
            field.widget = forms.RadioSelect(choices=Channel.choices)
            field.error_messages.update(invalid_choice=CHOICE_ERROR, required=CHOICE_ERROR)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channels": {kind: data[kind] for kind in Kind.values},
            "wants_digest": data["wants_digest"],
        }
