"""Trust's forms: shapes only; the rules are the services'."""

from __future__ import annotations

from django import forms

from tandem.core.forms import DomainErrorFormMixin
from tandem.trust.models_track import TrustPolicy

NUMBER = "Give a whole number, such as 3."


class TrustPolicyForm(DomainErrorFormMixin, forms.ModelForm[TrustPolicy]):
    class Meta:
        model = TrustPolicy
        fields = [
            "months_for_phase_2",
            "months_for_phase_3",
            "min_accepted",
            "min_on_time_percent",
            "max_sent_back_percent",
            "min_average_rating",
        ]
        error_messages = {
            name: {
                "invalid": NUMBER,
                "required": "Give a number; 0 means no minimum.",
                "max_value": "That is more than Tandem allows here; give at most %(limit_value)s.",
                "min_value": "Give at least %(limit_value)s.",
            }
            for name in fields
        }
        error_messages["min_average_rating"] = {
            "invalid": "Give the rating as a number from 1 to 5, such as 4.5.",
            "required": "Give the rating as a number from 1 to 5, such as 4.5.",
            "max_value": "A rating is at most 5.",
            "min_value": "A rating is at least 1.",
            "max_digits": "Give the rating as a number from 1 to 5, such as 4.5.",
            "max_decimal_places": "Give the rating with at most one decimal, such as 4.5.",
        }
