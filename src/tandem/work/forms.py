"""Forms for requests: the new-request form, one form per status move, and the comment form.

A deadline is typed as a phrase and resolved here (``deadline_phrases.resolve_for``: in the
client's time zone, against the practice's calendar), so the services only ever see an aware
instant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.urls import reverse

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.core.forms import DomainErrorFormMixin, parse_id
from tandem.delegation import phases
from tandem.delegation.models import WorkKind
from tandem.work import attachments
from tandem.work.deadline_phrases import PHRASE_MAX, resolve_for
from tandem.work.deadlines import Deadline, Suggestion, VagueDeadline
from tandem.work.kinds import SUGGEST, Suggest, kinds_in_use
from tandem.work.models import Attachment, Priority, Project, TaskStatus
from tandem.work.models_reviews import RATING_WORDS
from tandem.work.reviews import RATING_OUT_OF_RANGE
from tandem.work.selectors_projects import active_projects
from tandem.work.services import WAITING_FOR_MISSING
from tandem.work.workflow import Move, Need

if TYPE_CHECKING:
    from tandem.accounts.models import User

# Browsers stop typing at maxlength; text pasted past it, or sent by a script, hears this.
TOO_LONG = "Shorten this to %(limit_value)d characters; it has %(show_value)d."


# What a date-and-time picker (``<input type="datetime-local">``) sends.
PICKED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")


class PhraseInput(forms.TextInput):
    """A phrase, with a date-and-time picker under it (work/phrase_field.html) for those who
    would rather pick.

    tandem.js copies a picked date and time into the phrase, so the live preview reads it
    like anything typed; without JavaScript the picker's value is taken when no phrase was
    typed. Either way the field sees one phrase ("2026-12-04 17:30" reads as it says, in the
    client's time zone), and a form sent back shows it in the phrase box.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        phrase = super().value_from_datadict(data, files, name)
        picked = str(data.get(f"{name}_picked") or "").strip()
        if not str(phrase or "").strip() and PICKED.fullmatch(picked):
            return picked.replace("T", " ")
        return phrase


def _phrase_field(label: str, help_text: str = "") -> forms.CharField:
    # The field's template renders the live preview and the suggested deadlines (django-stubs
    # does not know Field's template_name argument, new in Django 5.0).
    options: dict[str, Any] = {"template_name": "work/phrase_field.html"}
    return forms.CharField(
        label=label,
        max_length=PHRASE_MAX,
        required=False,
        help_text=help_text,
        widget=PhraseInput(attrs={"autocomplete": "off", "maxlength": PHRASE_MAX}),
        **options,
    )


class PhraseMixin(DomainErrorFormMixin):
    """Resolves phrase fields; keeps the resolved deadline and the choices for the page."""

    client: Client
    resolved: Deadline | None = None
    suggestions: tuple[Suggestion, ...] = ()

    def _preview_live(self, name: str, *, notice: bool = False) -> None:
        """Resolve field ``name`` as it is typed, into the preview under it; with ``notice``
        (a new request's deadline), the preview also says whether it is short notice."""
        field: forms.Field = self.fields[name]  # type: ignore[attr-defined]
        auto_id: str = self.auto_id  # type: ignore[attr-defined]
        url = reverse("work:deadline-preview", args=[self.client.pk])
        field.widget.attrs.update(
            {
                "hx-get": f"{url}?field={name}{'&notice=1' if notice else ''}",
                "hx-target": f"#{auto_id % name}_preview",
                "hx-trigger": "input changed delay:400ms",
            }
        )
        if notice:
            # The practice's size and assignee change the answer (the client has neither:
            # only the fields the form keeps, or htmx complains of a selector matching none).
            fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
            others = [f"#{auto_id % n}" for n in ("estimate_hours", "assignee") if n in fields]
            if others:
                field.widget.attrs["hx-include"] = ", ".join(others)

    def _resolve_phrase(self, phrase: str, *, empty: str) -> datetime:
        if not phrase.strip():
            raise forms.ValidationError(empty)
        try:
            deadline = resolve_for(self.client, phrase)
        except VagueDeadline as refusal:
            self.suggestions = refusal.suggestions
            raise forms.ValidationError(refusal.message) from None
        self.resolved = deadline
        return deadline.at


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name. The rules are ``attachments.check_file``'s, so each
    refused file gets its own sentence; this field only collects them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if file]


# “Add files” sits on the task page beside the comment form: its ids must differ.
FILES_AUTO_ID = "id_files_%s"


class AttachmentsForm(DomainErrorFormMixin, forms.Form):
    """Files sent with a form, two ways. With JavaScript, upload.js has already stored each
    file as the person's pending upload and posts their ids as ``upload``; without it, the
    files come in the multipart post and are stored here as pending uploads. Either way the
    service links them (``uploads``) in its own transaction, and when the form comes back
    with an error the files already stored are listed in it, ticked, so nothing is lost."""

    attachments = MultipleFileField(
        required=False,
        template_name="work/attachment_field.html",
    )

    files_label = "Choose files to add"

    def __init__(
        self,
        *args: Any,
        client: Client,
        uploader: User | None = None,
        **kwargs: Any,
    ) -> None:
        """``uploader`` is who sends the form; without one (a blank form) nothing is stored."""
        super().__init__(*args, **kwargs)
        self.client = client
        self.uploader = uploader
        self.pending: list[Attachment] = []
        # Declared on the base class, the field would come first: files go last.
        self.fields["attachments"] = self.fields.pop("attachments")
        self.fields["attachments"].label = self.files_label
        # After "Drop files here or choose them;" where there is a pointer, "Choose files or
        # take a photo;" where there is none (work/attachment_field.html).
        self.fields[
            "attachments"
        ].help_text = (
            f"up to {settings.TANDEM_ATTACHMENT_MAX_MB} MB each. Programs and scripts are refused."
        )

    @property
    def max_mb(self) -> int:
        return int(settings.TANDEM_ATTACHMENT_MAX_MB)

    @property
    def max_bytes(self) -> int:
        return attachments.max_bytes()

    @property
    def upload_url(self) -> str:
        return reverse("work:attachment-upload", args=[self.client.pk])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ids = self._posted_upload_ids()
        files = cleaned.get("attachments") or []
        if len(ids) + len(files) > attachments.FILES_PER_POST_MAX:
            self.add_error(
                "attachments", f"Attach at most {attachments.FILES_PER_POST_MAX} files at a time."
            )
            return cleaned
        if files and self.uploader is not None:
            kept, refusals = attachments.store_uploaded_files(
                files, client=self.client, uploaded_by=self.uploader
            )
            for refusal in refusals:
                self.add_error("attachments", refusal)
            ids += [attachment.pk for attachment in kept]
        if ids and self.uploader is not None:
            self.pending = attachments.pending_uploads(
                ids, client=self.client, uploaded_by=self.uploader
            )
        cleaned["uploads"] = ids
        return cleaned

    def _posted_upload_ids(self) -> list[int]:
        """The ids upload.js put in the form; anything that is not an id refuses the post."""
        values = self.data.getlist("upload") if hasattr(self.data, "getlist") else []
        ids = [parse_id(value) for value in values]
        if None in ids:
            self.add_error("attachments", "One of the files could not be read; add it again.")
            return []
        return list(dict.fromkeys(id_ for id_ in ids if id_ is not None))

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("attachments", None)
        return data


NO_KIND = "none"


def kind_choices(kinds: Iterable[WorkKind]) -> list[Any]:
    """The catalogue as a select's options, grouped by phase, after "suggest" and "none"."""
    groups: dict[int, list[tuple[str, str]]] = {}
    for kind in kinds:
        groups.setdefault(kind.phase, []).append((str(kind.pk), kind.name))
    return [
        ("", "Let Tandem suggest one from the words"),
        (NO_KIND, "None of these"),
        *[(phases.description(phase).name, options) for phase, options in sorted(groups.items())],
    ]


class TaskForm(PhraseMixin, AttachmentsForm):
    files_label = "Files (optional)"

    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the request a short title.", "max_length": TOO_LONG},
    )
    request_markdown = forms.CharField(
        label="Request",
        required=False,
        max_length=20_000,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, lists, links.",
    )
    expectations = forms.CharField(
        label="What done looks like",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what done looks like, so everyone knows when it is.",
            "max_length": TOO_LONG,
        },
    )
    deadline = _phrase_field(
        "Deadline", "A date and time or a phrase, such as “Friday 5pm” or “in 3 days”."
    )
    estimate_hours = forms.DecimalField(
        label="Estimate in hours (optional)",
        required=False,
        min_value=0,
        max_value=9999,
        decimal_places=2,
        error_messages={
            "invalid": "Give the estimate as a number of hours, such as 1.5.",
            "min_value": "An estimate cannot be below nothing; give the hours, such as 1.5.",
            "max_value": "Give an estimate under %(limit_value)s hours, or split the work up.",
            "max_decimal_places": "Give the hours with at most two decimals, such as 1.25.",
            "max_digits": "Give an estimate under 10,000 hours, or split the work up.",
        },
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    # Trust in phases (issue 13): the kind of work, from the practice's catalogue.
    kind = forms.ChoiceField(
        label="Kind of work",
        required=False,
        help_text="Each kind belongs to a phase of trust; work above the client's phase waits "
        "for the client's go-ahead.",
        error_messages={
            "invalid_choice": "Choose a kind of work from the list, or let Tandem suggest one."
        },
    )
    project = forms.TypedChoiceField(
        label="Project (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick one of this client's active projects, or none."},
    )
    assignee = forms.TypedChoiceField(
        label="Assignee",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick an assistant assigned to this client."},
    )

    def __init__(
        self,
        *args: Any,
        client: Client,
        assignees: list[User] | None,
        estimates: bool | None = None,
        with_kind: bool = True,
        **kwargs: Any,
    ) -> None:
        """``assignees`` is None for the client's contacts: they do not choose who works,
        nor (unless ``estimates`` says otherwise) estimate the practice's hours (an estimate
        a contact posts anyway is ignored: the form has no such field, so the service never
        hears of it)."""
        super().__init__(*args, client=client, **kwargs)
        self.assignees = {user.pk: user for user in assignees or []}
        if not (assignees is not None if estimates is None else estimates):
            del self.fields["estimate_hours"]
        if assignees is None:
            del self.fields["assignee"]
        else:
            choices = [(pk, user.display_name) for pk, user in self.assignees.items()]
            self.fields["assignee"].choices = [("", "Nobody yet"), *choices]  # type: ignore[attr-defined]
        # Only projects under way take new requests; with none, the choice is not shown.
        self.projects = {project.pk: project for project in active_projects(client)}
        if self.projects:
            titles = [(pk, project.title) for pk, project in self.projects.items()]
            self.fields["project"].choices = [("", "No project"), *titles]  # type: ignore[attr-defined]
        else:
            del self.fields["project"]
        # The kind of work is named when the request is written; afterwards it changes on
        # the request's page (``views_go_aheads.set_kind``), not with the other parts.
        self.kinds = {}
        if with_kind:
            self.kinds = {str(kind.pk): kind for kind in kinds_in_use(client.practice_id)}
            self.fields["kind"].choices = kind_choices(self.kinds.values())  # type: ignore[attr-defined]
        else:
            del self.fields["kind"]
        # After the fields this viewer does not get are gone (see _preview_live).
        self._preview_live("deadline", notice=True)

    def clean_deadline(self) -> datetime:
        empty = "Give the request a deadline, such as “Friday 5pm”."
        return self._resolve_phrase(self.cleaned_data["deadline"], empty=empty)

    def clean_kind(self) -> WorkKind | Suggest | None:
        chosen = self.cleaned_data.get("kind") or ""
        if chosen == "":
            return SUGGEST
        return None if chosen == NO_KIND else self.kinds[chosen]

    def clean_project(self) -> Project | None:
        pk = self.cleaned_data.get("project")
        return self.projects[pk] if pk is not None else None

    def clean_assignee(self) -> User | None:
        pk = self.cleaned_data.get("assignee")
        return self.assignees[pk] if pk is not None else None

    def add_domain_error(self, error: DomainError) -> None:
        if error.field == "deadline_at":
            error.field = "deadline"
        super().add_domain_error(error)

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["deadline_at"] = data.pop("deadline")
        return data


class MoveForm(PhraseMixin, forms.Form):
    """One move from the task's status; only the fields the move needs are kept."""

    to = forms.ChoiceField(choices=TaskStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )
    waiting_for = forms.CharField(
        label="Waiting for", required=False, max_length=300, error_messages={"max_length": TOO_LONG}
    )
    waiting_until = _phrase_field("Needed by", "Such as “Friday 5pm”.")
    deadline = _phrase_field("Deadline", "Such as “Friday 5pm”.")

    NOTE_LABELS = {
        TaskStatus.DECLINED: "Why are you declining it?",
        TaskStatus.CANCELLED: "Why cancel it?",
        TaskStatus.IN_PROGRESS: "What still needs doing?",
        TaskStatus.DONE: "Say thanks (optional)",
    }
    rating = forms.TypedChoiceField(
        label="How was it? (optional)",
        choices=[
            ("", "No rating"),
            *[(n, f"{n} of 5: {RATING_WORDS[n]}") for n in range(5, 0, -1)],
        ],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": RATING_OUT_OF_RANGE},
    )
    may_quote = forms.BooleanField(
        label="You may quote my thank-you as a testimonial",
        required=False,
        help_text="You can withdraw this at any time under “My feedback”.",
    )

    FIELDS_BY_NEED = {
        Need.NOTE: {"note"},
        Need.THANKS: {"note", "rating", "may_quote"},
        Need.WAITING: {"waiting_for", "waiting_until"},
        Need.DEADLINE: {"deadline"},
    }
    CONFIRM_CANCEL = "Tick the box to confirm: a cancelled request cannot be reopened."

    def __init__(self, *args: Any, client: Client, move: Move | None, **kwargs: Any) -> None:
        """``move`` is None when the posted move is not one the person may make."""
        super().__init__(*args, **kwargs)
        self.client = client
        self.move = move
        needed = self.FIELDS_BY_NEED.get(move.needs, set()) if move and move.needs else set()
        for name in ("note", "waiting_for", "waiting_until", "deadline", "rating", "may_quote"):
            if name not in needed:
                del self.fields[name]
        if move is not None:
            self.fields["to"].initial = move.to
            self.auto_id = f"id_{move.to}_%s"
            if "note" in self.fields:
                self.fields["note"].label = self.NOTE_LABELS.get(move.to, "Note")
            for name in {"waiting_until", "deadline"} & set(self.fields):
                self._preview_live(name)
            if move.to == TaskStatus.CANCELLED:
                # Cancelling cannot be undone: a reason, and then this explicit step.
                self.fields["confirm"] = forms.BooleanField(
                    label="Yes, cancel this request. It cannot be reopened.",
                    error_messages={"required": self.CONFIRM_CANCEL},
                )

    def add_prefix(self, field_name: str) -> str:
        # Ids are per move (several forms on one page); posted names stay plain.
        return field_name

    def clean_waiting_for(self) -> str:
        # The service says so too; said here as well, both missing parts show at once.
        text: str = self.cleaned_data["waiting_for"].strip()
        if not text:
            raise forms.ValidationError(WAITING_FOR_MISSING)
        return text

    def clean_waiting_until(self) -> datetime:
        empty = "Say by when you need it from the client."
        return self._resolve_phrase(self.cleaned_data["waiting_until"], empty=empty)

    def clean_deadline(self) -> datetime:
        empty = "Give the request a deadline, such as “Friday 5pm”."
        return self._resolve_phrase(self.cleaned_data["deadline"], empty=empty)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("to")
        data.pop("confirm", None)
        if "deadline" in data:
            data["deadline_at"] = data.pop("deadline")
        return data


class CommentForm(AttachmentsForm):
    files_label = "Attach files (optional)"

    body_markdown = forms.CharField(
        label="Add a comment",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown works here too.",
        error_messages={
            "required": "Write something before posting the comment.",
            "max_length": TOO_LONG,
        },
    )


# The delivery form sits on the task page beside the comment and files forms.
DELIVERY_AUTO_ID = "id_delivery_%s"


class DeliveryForm(AttachmentsForm):
    """Deliver the work: a message (required), files and links (optional)."""

    files_label = "Files (optional)"

    message = forms.CharField(
        label="What are you delivering?",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what you did and where to find it. Markdown works here.",
        error_messages={
            "required": "Say what you are delivering, so the client knows what to look at.",
            "max_length": TOO_LONG,
        },
    )
    links = forms.CharField(
        label="Links (optional)",
        required=False,
        max_length=25_000,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text="One per line, each starting with https:// (a shared folder, a page).",
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", DELIVERY_AUTO_ID)
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["links"] = data.get("links", "").splitlines()
        return data
