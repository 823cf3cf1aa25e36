"""Forms for projects: what a project is about, a status change, and turning a proposal
down. They check shapes only; the rules (past target dates, who may act) are the services'."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.core.forms import DomainErrorFormMixin
from tandem.work import services
from tandem.work.models import Project
from tandem.work.services_projects import REASON_MAX, SETTABLE

TEXT_MAX = 5000


class ProjectForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the project a title."},
    )
    goal = forms.CharField(
        label="Goal",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this project matters, in a sentence or two.",
    )
    done_means = forms.CharField(
        label="What done looks like",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How everyone will know the project is finished.",
    )
    target_on = forms.DateField(
        label="Target date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Give the target date as a date, such as 2026-12-31."},
    )

    def __init__(self, *args: Any, client: Client, project: Project | None = None, **kwargs: Any):
        """``project`` is the one being edited, if any: its current target date stands."""
        super().__init__(*args, **kwargs)
        self.client = client
        self.kept_target = project.target_on if project is not None else None

    @classmethod
    def for_project(cls, project: Project) -> ProjectForm:
        """An unbound form showing the project as it is."""
        fields = ("title", "goal", "done_means", "target_on")
        initial = {name: getattr(project, name) for name in fields}
        return cls(initial=initial, client=project.client, project=project)

    def clean_target_on(self) -> date | None:
        # The service checks this too; asking here shows it beside any other mistake.
        target_on: date | None = self.cleaned_data["target_on"]
        if target_on is not None and target_on != self.kept_target:
            try:
                services.check_target(self.client, target_on)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return target_on


class ProjectStatusForm(DomainErrorFormMixin, forms.Form):
    to = forms.ChoiceField(
        choices=[(status.value, status.label) for status in SETTABLE],
        error_messages={
            "required": "Pick a status: active, on hold or done.",
            "invalid_choice": "Pick a status: active, on hold or done.",
        },
    )


class TurnDownForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you turning it down?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The client reads this on the proposal's page.",
        error_messages={
            "required": "Say why you are turning this proposal down, so the client knows."
        },
    )
