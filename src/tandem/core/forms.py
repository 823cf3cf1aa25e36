from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from html import escape as escape_text
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.core.calendar import UnknownRegion, country_choices, normalize_region
from tandem.core.errors import DomainError
from tandem.core.models import WEEKDAYS, Practice, default_working_days

# The largest id a row can have (SQLite's INTEGER, PostgreSQL's bigint). A bigger number sent
# by a client reached the query and SQLite raised OverflowError: a 500 instead of a refusal.
MAX_ID = 2**63 - 1
# ASCII digits only: int() also reads "١٢" and str.isdigit() passes "²", which int() refuses.
_ID_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """``value`` from a client (a posted field, a query string) as a row id, or None.

    An id is a whole number from 1 to MAX_ID written in ASCII digits, spaces around it
    allowed; "-1", "0", "1.5", "1e3", "abc" and anything past MAX_ID are not. Every id a
    form or view takes from the client goes through here, so none can reach a query
    unchecked; the caller says what to fix, or ignores the value, when it is None.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not _ID_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class DomainErrorFormMixin:
    """Puts a service's DomainError next to the field it names, or at the top of the form."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in getattr(self, "fields", {}) else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]


def first_error(form: forms.BaseForm, default: str = "") -> str:
    """The form's first error, in field order (for a form whose refusal is said in one
    sentence, not beside a field); ``default`` when it has none."""
    return next((str(errors[0]) for errors in form.errors.values()), default)


def form_status(form: forms.BaseForm) -> int:
    """The status of a page showing ``form``: 400 when it came back with mistakes (the
    refused-input convention: the page again, typed values kept, each sentence beside its
    field), 200 when blank or valid."""
    return 400 if form.errors else 200


@dataclass(frozen=True)
class Refusal:
    """Why a button's action was refused, said on the page the button lives on (status 400).

    A button-only form (archive, resend, remove…) has no field to put the sentence beside:
    the page shows it where the button was, ``where`` naming that place (a section of the
    page, or a kind of row together with the row's ``target_id``).
    """

    message: str
    where: str = ""
    target_id: int | None = None

    @classmethod
    def of(cls, form: forms.BaseForm, *, where: str = "", target_id: int | None = None) -> Refusal:
        """The form's first error as the refusal (a form with only hidden inputs)."""
        return cls(first_error(form), where, target_id)


class PracticeForm(DomainErrorFormMixin, forms.ModelForm[Practice]):
    working_days = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAYS)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        # A declared field does not pick up the model's default: Monday to Friday.
        initial=default_working_days,
        error_messages={"required": "Pick at least one working day."},
    )

    class Meta:
        model = Practice
        fields = ["name", "time_zone", "currency", "working_days", "work_starts_at", "work_ends_at"]
        labels = {
            "name": "Practice name",
            "work_starts_at": "Working day starts",
            "work_ends_at": "Working day ends",
        }
        widgets = {
            "work_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        error_messages = {
            "name": {"required": "Give your practice a name, as your clients know it."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(maxlength=120, autofocus=True)


class TandemFormRenderer(TemplatesSetting):
    """Every form renders as labelled fields with their errors and help beside them."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def option_tags(choices: Iterable[tuple[object, object]], selected: Set[str] = frozenset()) -> str:
    """``<option>``s for flat ``choices``, escaped with the standard library's escape.

    Django's ``format_html`` costs several calls per value; for the 500 clients of a big
    practice, written up to three times on one page, that was a tenth of the page's time.
    The same list comes back on every visit, so the last lists written are kept: comparing
    500 pairs with a kept list costs a tenth of escaping them again."""
    pairs = tuple(choices)
    try:
        return _option_tags(pairs, frozenset(selected))
    except TypeError:  # a label that cannot be a key (not a string): written afresh
        return _written_options(pairs, frozenset(selected))


@functools.lru_cache(maxsize=128)
def _option_tags(pairs: tuple[tuple[object, object], ...], selected: frozenset[str]) -> str:
    return _written_options(pairs, selected)


def _written_options(pairs: tuple[tuple[object, object], ...], selected: frozenset[str]) -> str:
    tags = []
    for value, label in pairs:
        key = str(value)
        chosen = " selected" if key in selected else ""
        text = escape_text(str(label))
        tags.append(f'<option value="{escape_text(key)}"{chosen}>{text}</option>')
    return "".join(tags)


class FlatChoices(BaseChoiceIterator):
    """Choices that are already flat (value, label) pairs, for a field to take as they are.

    Setting a field's choices normalizes them pair by pair (Django's ``normalize_choices``
    leaves only an iterator of choices alone): for the 500 clients of a big practice, about
    a millisecond on every visit of a list that offers them."""

    def __init__(self, pairs: Sequence[tuple[object, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[object, str]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


class LongSelect(forms.Select):
    """A select that writes its options in Python instead of one template per option.

    Django renders each option through a template: fine for ten, 15 ms for the 500 clients
    of a big practice's filter. Only flat choices, which is all a long list here needs.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = mark_safe(option_tags(self.choices, set(self.format_value(value))))  # noqa: S308
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


def bank_holiday_options() -> list[tuple[str, str]]:
    return [("", "None: no bank holidays"), *country_choices()]


class PracticeSettingsForm(PracticeForm):
    # Its own field, for the choice of none and the message; the service checks it again.
    country = forms.ChoiceField(
        label="Bank holidays of",
        required=False,
        choices=bank_holiday_options,
        widget=LongSelect,
        help_text="That country's bank holidays are days off: “in 3 working days” skips them.",
        error_messages={
            "invalid_choice": (
                "No bank holiday calendar for “%(value)s”: pick a country from the list, or none."
            )
        },
    )
    subdivision = forms.CharField(
        label="Region (optional)",
        required=False,
        max_length=40,
        help_text=(
            "For a region's own bank holidays, its name or code: England (ENG), Scotland (SCT), "
            "New York (NY)."
        ),
        error_messages={"max_length": "Write the region's name or code, such as ENG or England."},
    )

    class Meta(PracticeForm.Meta):
        fields = [
            *PracticeForm.Meta.fields,
            "country",
            "subdivision",
            # The acknowledgement's promise (issue 11, part 6).
            "response_time",
            "requires_two_factor",
        ]
        labels = {
            **PracticeForm.Meta.labels,
            "requires_two_factor": "Require two-factor authentication for owners and assistants",
        }
        help_texts = {
            "response_time": (
                "Clients are told this, with the time it comes to, when their request arrives; "
                "a request nobody has accepted, declined or answered by then is flagged on "
                "your dashboard. Counted in your working hours and days."
            ),
        }
        error_messages = {
            **PracticeForm.Meta.error_messages,
            "response_time": {
                "invalid_choice": "Pick how soon you respond from the list.",
                "required": "Pick how soon you respond to a new request.",
            },
        }

    def clean(self) -> dict[str, Any]:
        # A region typed by name ("Northern Ireland") becomes its code before the model
        # checks its length; a wrong one is said now, beside the other fields' messages.
        data = super().clean() or {}
        if "country" in data and "subdivision" in data:
            try:
                data["country"], data["subdivision"] = normalize_region(
                    data["country"], data["subdivision"]
                )
            except UnknownRegion as error:
                self.add_error(error.field, error.message)
        return data


class BrandingForm(DomainErrorFormMixin, forms.Form):
    """The practice's face: accent colour and logo. The service checks both (core/branding)."""

    accent_colour = forms.CharField(
        label="Accent colour",
        required=False,
        max_length=20,
        help_text=(
            "A hex code such as #2F5D8A, for buttons, links and the header. It must be dark "
            "enough for white text on it. Leave it empty for Tandem's blue."
        ),
        error_messages={"max_length": "Write the colour as a hex code such as #2F5D8A."},
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG, JPEG or WebP of at most 1 MB, shown beside your practice's name.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    def __init__(self, *args: Any, has_logo: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accent_colour"].widget.attrs.update(
            placeholder="#2F5D8A", spellcheck="false", autocomplete="off"
        )
        if not has_logo:
            del self.fields["remove_logo"]
