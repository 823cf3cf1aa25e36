"""Postmortems' forms: shapes only; the rules are ``trust.postmortems``'."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms

from tandem.clients.models import Client
from tandem.core.forms import DomainErrorFormMixin
from tandem.trust.models_postmortems import HELP, Section
from tandem.trust.postmortems import (
    ACTION_MAX,
    ACTION_MISSING,
    DEADLINE_MISSING,
    ENTRY_EMPTY,
    ENTRY_MAX,
    OPENING_EMPTY,
    OWNER_MISSING,
    SECTION_UNKNOWN,
    TITLE_MAX,
    TITLE_MISSING,
)
from tandem.work.forms import TOO_LONG, PhraseMixin, _phrase_field
from tandem.work.models import Project

if TYPE_CHECKING:
    from tandem.accounts.models import User


def _section_field(section: Section, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=str(section.label),
        required=required,
        max_length=ENTRY_MAX,
        help_text=HELP[section],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": OPENING_EMPTY, "max_length": TOO_LONG},
    )


class OpenPostmortemForm(DomainErrorFormMixin, forms.Form):
    """The blameless template: a title and the four sections (what happened, at least)."""

    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="What went wrong, in a few words: about the work, not a person.",
        error_messages={"required": TITLE_MISSING, "max_length": TOO_LONG},
    )
    what_happened = _section_field(Section.WHAT_HAPPENED, required=True)
    impact = _section_field(Section.IMPACT, required=False)
    cause = _section_field(Section.CAUSE, required=False)
    changes = _section_field(Section.CHANGES, required=False)
    project = forms.TypedChoiceField(
        label="Project (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick one of this client's projects, or none."},
    )

    def __init__(self, *args: Any, projects: list[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.projects = {project.pk: project for project in projects}
        if self.projects:
            titles = [(pk, project.title) for pk, project in self.projects.items()]
            self.fields["project"].choices = [("", "No project"), *titles]  # type: ignore[attr-defined]
        else:
            del self.fields["project"]

    def clean_project(self) -> Project | None:
        pk = self.cleaned_data.get("project")
        return self.projects[pk] if pk is not None else None

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in Section.values}


class EntryForm(DomainErrorFormMixin, forms.Form):
    """One signed entry, in the section it belongs to."""

    section = forms.ChoiceField(
        label="Section",
        choices=Section.choices,
        error_messages={"required": SECTION_UNKNOWN, "invalid_choice": SECTION_UNKNOWN},
    )
    body = forms.CharField(
        label="Your entry",
        max_length=ENTRY_MAX,
        help_text="Describe what the process allowed, not who erred. Signed with your name "
        "and the time.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ENTRY_EMPTY, "max_length": TOO_LONG},
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(ENTRY_EMPTY)
        return body


class ActionForm(PhraseMixin, forms.Form):
    """An action item: what changes, who owns it, by when (a phrase, like a request's)."""

    description = forms.CharField(
        label="The change to make",
        max_length=ACTION_MAX,
        help_text="One concrete change, such as “Check the list before every send”.",
        error_messages={"required": ACTION_MISSING, "max_length": TOO_LONG},
    )
    owner = forms.TypedChoiceField(
        label="Owner",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": OWNER_MISSING,
            "invalid_choice": OWNER_MISSING,
        },
    )
    deadline = _phrase_field("Deadline", "Such as “Friday 5pm” or “in 2 weeks”.")

    def __init__(self, *args: Any, client: Client, owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        self.owners = {user.pk: user for user in owners}
        choices = [(pk, user.display_name) for pk, user in self.owners.items()]
        self.fields["owner"].choices = [("", "Pick who owns it"), *choices]  # type: ignore[attr-defined]

    def clean_owner(self) -> User:
        pk = self.cleaned_data.get("owner")
        if pk is None or pk not in self.owners:
            raise forms.ValidationError(OWNER_MISSING)
        return self.owners[pk]

    def clean_deadline(self) -> datetime:
        return self._resolve_phrase(self.cleaned_data["deadline"], empty=DEADLINE_MISSING)
