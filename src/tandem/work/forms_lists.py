"""The request list's filter form: a GET form that keeps what was typed.

Every value arrives from a URL someone may have edited, so each is checked against what the
viewer may see and refused with a sentence saying what to do; the list then shows what the
valid filters ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe

from tandem.core.forms import FlatChoices, LongSelect, option_tags
from tandem.search.query import parse
from tandem.work.models import TaskStatus
from tandem.work.selectors_lists import STATUS_GROUPS, FilterChoices, RequestFilters

STATUS_CHOICES = [
    ("open", "Open"),
    ("closed", "Closed"),
    ("all", "Any status"),
    ("waiting", "Waiting on the client or a deadline"),
    ("active", "Requested, accepted or in progress"),
    *((str(value), label) for value, label in TaskStatus.choices),
]
SORT_CHOICES = [
    ("", "Best match, or deadline"),
    ("deadline", "Deadline, soonest first"),
    ("newest", "Newest first"),
    ("updated", "Recently updated"),
    ("priority", "Priority, highest first"),
    ("relevance", "Best match"),
]
DUE_CHOICES = [
    ("", "Any time"),
    ("overdue", "Overdue"),
    ("today", "Due later today"),
    ("week", "Due later this week"),
]
DATE_ERROR = "Enter a date such as 2026-11-30."


def _unknown(what: str) -> str:
    return f"That {what} is not in the list; choose one from the list or clear it."


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_ERROR},
    )


class RequestFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words in a title, request or comment"}
        ),
    )
    # LongSelect: options written in Python, not one template each (about 30 on this form).
    status = forms.ChoiceField(
        label="Status",
        required=False,
        widget=LongSelect,
        choices=STATUS_CHOICES,
        error_messages={"invalid_choice": _unknown("status")},
    )
    client = forms.TypedChoiceField(
        label="Client",
        required=False,
        widget=LongSelect,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _unknown("client")},
    )
    project = forms.TypedChoiceField(
        label="Project",
        required=False,
        widget=LongSelect,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _unknown("project")},
    )
    due = forms.ChoiceField(
        label="Due",
        required=False,
        widget=LongSelect,
        choices=DUE_CHOICES,
        error_messages={"invalid_choice": _unknown("due date choice")},
    )
    deadline_from = _date_field("Deadline from")
    deadline_to = _date_field("Deadline to")
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        widget=LongSelect,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": _unknown("order")},
    )

    def __init__(self, data: Any, *, choices: FilterChoices, practice_side: bool) -> None:
        super().__init__(data)
        self.project_clients = {project.pk: project.client_id for project in choices.projects}
        if practice_side:
            client_field: forms.TypedChoiceField = self.fields["client"]  # type: ignore[assignment]
            client_field.choices = FlatChoices(
                [("", "All clients")] + [(c.pk, c.name) for c in choices.clients]
            )
        else:
            # A contact has one client: nothing to choose.
            del self.fields["client"]
        project_field: forms.TypedChoiceField = self.fields["project"]  # type: ignore[assignment]
        project_field.choices = FlatChoices(
            [("", "All projects")]
            + [
                (p.pk, f"{p.client_name}: {p.title}" if practice_side else p.title)
                for p in choices.projects
            ]
        )

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"].strip()
        if text and parse(text) is None:
            raise forms.ValidationError("Search for a word: letters or numbers.")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            # Neither end of a reversed range means anything: list without it.
            data.pop("deadline_from")
            self.add_error(
                "deadline_to", "The “to” date is before the “from” date; swap them or clear one."
            )
        project, client = data.get("project"), data.get("client")
        if project is not None and client is not None and self.project_clients[project] != client:
            self.add_error(
                "project", "That project belongs to another client; pick one of this client's."
            )
        return data

    def filters(self) -> RequestFilters:
        """The filters from the fields that are valid (``is_valid`` has run)."""
        data = getattr(self, "cleaned_data", {})
        text = data.get("q", "")
        search = parse(text) if text else None
        return RequestFilters(
            statuses=STATUS_GROUPS.get(data.get("status") or "open") or frozenset({data["status"]}),
            client_id=data.get("client"),
            project_id=data.get("project"),
            due=data.get("due") or "",
            deadline_from=_date_or_none(data.get("deadline_from")),
            deadline_to=_date_or_none(data.get("deadline_to")),
            search=search,
            sort=data.get("sort") or ("relevance" if search else "deadline"),
        )


def _date_or_none(value: object) -> date | None:
    return value if isinstance(value, date) else None


# The practice-wide board's "whose work" filter ------------------------------------------------

EVERYONE = "everyone"
MINE = "mine"


@dataclass(frozen=True)
class BoardFilter:
    """Whose work the practice-wide board shows: everyone's the viewer can see, the
    viewer's own, or (for someone who sees the whole practice) one assistant's.

    Not a Django form: one select, read on every view of a page that is measured against
    the floor, where building a form's fields cost more than the rest of its header.
    """

    choices: list[tuple[str, str]]
    chosen: str = EVERYONE
    error: str = ""

    @classmethod
    def read(cls, data: Any, *, people: list[tuple[int, str]]) -> BoardFilter:
        choices = [(EVERYONE, "Everyone's"), (MINE, "Mine")]
        choices += [(str(pk), f"{name}'s") for pk, name in people]
        who = str(data.get("who") or EVERYONE)
        if who not in dict(choices):
            return cls(choices, EVERYONE, _unknown("person"))
        return cls(choices, who)

    def assignee_id(self, viewer_id: int) -> int | None:
        """Whose tasks to show: None for everyone's (and for a refused value)."""
        if self.chosen == EVERYONE:
            return None
        return viewer_id if self.chosen == MINE else int(self.chosen)

    @property
    def options(self) -> SafeString:
        return mark_safe(option_tags(self.choices, selected={self.chosen}))  # noqa: S308
