"""The edit form of a request: the new-request form with the request's current values, only
the parts the person may change now, its own files to remove, and when it was last changed
as the person saw it (so an edit made over someone else's is refused, not lost)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from tandem.work.changes import deadline_phrase
from tandem.work.forms import TaskForm
from tandem.work.models import Attachment, Task, TaskStatus

KEEPS_A_DEADLINE = "A request keeps a deadline; give a new one, such as “Friday 5pm”."
OUT_OF_DATE = "This form is out of date; open the request again and make your changes there."

# The parts only some people may change, by the name ``workflow.EDIT_RULES`` gives them.
OPTIONAL_PARTS = ("priority", "project", "estimate_hours")


class TaskEditForm(TaskForm):
    files_label = "Add files (optional)"

    remove_files = forms.TypedMultipleChoiceField(
        label="Remove files",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked files are taken off the request when you save.",
        error_messages={"invalid_choice": "That file is no longer on this request; reload it."},
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        task: Task,
        editable: frozenset[str],
        own_files: Sequence[Attachment],
        **kwargs: Any,
    ) -> None:
        """``editable`` is what the person may change now (``workflow.editable_fields``);
        ``own_files`` the request's own files (not its comments')."""
        self.task = task
        zone = ZoneInfo(task.client.time_zone)
        self.deadline_as_shown = (
            deadline_phrase(task.deadline_at, zone) if task.deadline_at is not None else ""
        )
        kwargs["initial"] = {
            "title": task.title,
            "request_markdown": task.request_markdown,
            "expectations": task.expectations,
            "deadline": self.deadline_as_shown,
            "priority": task.priority,
            "project": task.project_id,
            "estimate_hours": task.estimate_hours,
            "seen": task.updated_at.isoformat(),
        }
        # Who works on it is changed with the reassign form; the estimate is one of the
        # optional parts, kept or dropped below by what this person may change.
        super().__init__(
            *args, client=task.client, assignees=None, estimates=True, with_kind=False, **kwargs
        )
        self._offer_current_project(editable)
        for name in OPTIONAL_PARTS:
            if name not in editable:
                self.fields.pop(name, None)
        if "files" not in editable:
            self.fields.pop("attachments", None)
            self.fields.pop("remove_files", None)
        elif own_files:
            self.fields["remove_files"].choices = [  # type: ignore[attr-defined]
                (file.pk, file.name) for file in own_files
            ]
            # Removing comes before adding, the way the page reads.
            self.fields["attachments"] = self.fields.pop("attachments")
        else:
            del self.fields["remove_files"]
        # A changed deadline is not checked for short notice (only a new request is): the
        # preview says how it reads, and includes no field this person may not have.
        self.fields["deadline"].widget.attrs.pop("hx-include", None)
        self._preview_live("deadline")
        self.fields[
            "deadline"
        ].help_text = (
            "Leave it as it is, or type a new date and time or a phrase, such as “Friday 5pm”."
        )

    def _offer_current_project(self, editable: frozenset[str]) -> None:
        """The request's project stays a choice even when it is no longer active (it can
        be kept, not newly chosen); the form hides the choice when there is none at all."""
        project = self.task.project
        if "project" not in editable or project is None or project.pk in self.projects:
            return
        self.projects[project.pk] = project
        if "project" not in self.fields:
            self.fields["project"] = copy.deepcopy(TaskForm.base_fields["project"])
        titles = [(pk, each.title) for pk, each in self.projects.items()]
        self.fields["project"].choices = [("", "No project"), *titles]  # type: ignore[attr-defined]

    def clean_deadline(self) -> datetime | None:  # type: ignore[override]
        """None when the phrase is the one the form showed: the deadline stays as it is
        (even one already past, which a new deadline could not be)."""
        phrase = self.cleaned_data["deadline"].strip()
        if phrase == self.deadline_as_shown:
            return None
        if not phrase and self.task.status == TaskStatus.NEEDS_DEADLINE:
            return None
        return self._resolve_phrase(phrase, empty=KEEPS_A_DEADLINE)

    def clean_seen(self) -> datetime | None:
        text = self.cleaned_data["seen"].strip()
        try:
            seen = datetime.fromisoformat(text) if text else None
        except ValueError:
            seen = None
        if seen is None or seen.tzinfo is None:
            # A hidden field: the sentence goes at the top of the form.
            self.add_error(None, OUT_OF_DATE)
            return None
        return seen

    def refresh_seen(self, task: Task) -> None:
        """After a refusal because the request changed meanwhile: the form keeps what was
        typed, and saving it again applies it over the request as it is now."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["seen"] = task.updated_at.isoformat()
        self.data = data

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        if data.get("deadline_at") is None:
            del data["deadline_at"]
        data.setdefault("remove_files", [])
        return data
