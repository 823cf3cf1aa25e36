"""Formatting tags of ``work``'s pages: they write markup from what they are given and never
query the database (pages gather their data in their views)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from html import escape
from typing import Any, Protocol
from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from tandem.core.forms import option_tags
from tandem.core.links import link
from tandem.core.markdown import markdown_preview
from tandem.core.templatetags.when import formatter, time_html
from tandem.work import selectors_day, selectors_lists
from tandem.work.changes import describe
from tandem.work.models import Priority, Task, TaskEvent, TaskStatus
from tandem.work.selectors_lists import ClientChoice
from tandem.work.selectors_progress import Progress, progress_of

register = template.Library()


@register.simple_tag
def active_client_options(clients: list[ClientChoice]) -> SafeString:
    """``<option>``s of the active ones of ``clients``, written here rather than by a
    template loop: an owner's "New request" picker lists every client of the practice."""
    active = ((client.pk, client.name) for client in clients if not client.is_archived)
    return mark_safe(option_tags(active))  # noqa: S308 (option_tags escapes every value)


@register.simple_tag
@lru_cache(maxsize=64)
def move_options(moves: tuple[selectors_day.Choice, ...]) -> SafeString:
    """A board card's "Move to…" options. Every card of one status offers the same moves
    (the same tuple), so each list is written once rather than once per card."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (move.to, mark_safe(" data-needs-input") if move.needs_input else "", move.label)
            for move in moves
        ),
    )


@register.simple_tag
def requests_url(**filters: str | int) -> str:
    """The request list filtered by ``filters`` (see work/forms_lists.py for their values)."""
    return f"{reverse('work:request-list')}?{urlencode(filters)}"


@register.filter
def change_words(event: TaskEvent) -> str:
    """What an edit or a reassignment changed, as a sentence in the viewer's time zone
    (the one the page is rendered in): "Moved the deadline from Fri 4 Dec 17:00 to …"."""
    words = describe(event.changes, timezone.get_current_timezone())
    return f"{words[:1].upper()}{words[1:]}."


# Checklist progress --------------------------------------------------------------------------


def _mini_progress(progress: Progress | None) -> str:
    """ "☑ 2/5" for a list's row or a board's card, said in full to a screen reader
    ("2 of 5 checklist steps done"); "" without a checklist."""
    if progress is None:
        return ""
    complete = " is-complete" if progress.is_complete else ""
    return (
        f'<span class="checklist-mini small{complete}">'
        f'<span aria-hidden="true">☑ {progress.short}</span>'
        f'<span class="visually-hidden">{progress.label}</span></span>'
    )


@register.simple_tag
def checklist_progress(task: Task) -> SafeString:
    """A task's checklist progress in words ("2 of 5 steps done"), for the client's portal;
    the task was read ``with_checklist_progress``. Nothing without a checklist."""
    progress = progress_of(task)
    if progress is None:
        return mark_safe("")
    complete = " is-complete" if progress.is_complete else ""
    return mark_safe(  # noqa: S308 (numbers and fixed words only)
        f'<span class="checklist-mini small{complete}"><span aria-hidden="true">☑ </span>'
        f"{progress.summary}</span>"
    )


# A board's cards ------------------------------------------------------------------------------
# Written here, one call per column, rather than by a template loop: a board shows up to 70
# cards, and a dozen template nodes each (lookups, ifs, filters) were most of its time.
# Every value is escaped (the standard library's escape, as ``core.forms.option_tags``:
# Django's format_html costs several calls per value).

_EMPTY_COLUMN = mark_safe('<li class="board-none small muted">Nothing here.</li>')


@register.simple_tag
def board_cards(column: selectors_day.Column, csrf: str, who: str = "") -> SafeString:
    """The ``<li>`` cards of one board column (``who``: the practice-wide board's filter,
    kept by each card's move form)."""
    if not column.cards:
        return _EMPTY_COLUMN
    keep_who = f'<input type="hidden" name="who" value="{escape(who)}">' if who else ""
    # As {{ deadline|time_tag:"D j M, H:i" }} writes it, with the viewer's zone read once.
    zone = timezone.get_current_timezone()
    write = formatter("D j M, H:i")

    def when(instant: datetime) -> str:
        stamp = instant.astimezone(UTC).isoformat()
        return f'<time datetime="{stamp}">{escape(write(instant.astimezone(zone)))}</time>'

    closed = column.is_closed
    cards = (_card(card, closed, escape(csrf), keep_who, when) for card in column.cards)
    return mark_safe("".join(cards))  # noqa: S308 (_card escapes every value it writes)


def _card(
    card: selectors_day.Card,
    closed: bool,
    csrf: str,
    keep_who: str,
    when: Callable[[datetime], str],
) -> str:
    title = escape(card.title)
    pk = int(card.pk)
    if card.deadline_at is not None:
        late = ' <span class="badge late">Overdue</span>' if card.is_late else ""
        due = f"Due {when(card.deadline_at)}{late}"
    else:
        due = "No deadline yet"
    client = (
        f'<p class="board-client small">{escape(card.client_name)}</p>\n'
        if card.client_name
        else ""
    )
    badges = ""
    if card.priority_label:
        tone = "warn" if card.priority == "high" else "off"
        badges += f' · <span class="badge {tone}">{escape(card.priority_label)}</span>'
    status = escape(card.status)
    if closed:
        badges += f' · <span class="badge status-{status}">{escape(card.status_label)}</span>'
    if card.progress is not None:
        badges += f" · {_mini_progress(card.progress)}"
    if card.is_short_notice:
        badges += f" · {SHORT_NOTICE_BADGE}"
    form = ""
    if card.moves:
        form = (
            f'<form class="board-move" method="post" action="{escape(card.move_url)}" data-move>'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
            f'<input type="hidden" name="from" value="{status}">{keep_who}'
            f'<label class="small" for="move-{pk}">Move to…</label>'
            f'<select id="move-{pk}" name="to" required>\n'
            f'<option value="">Choose a status</option>{move_options(card.moves)}</select>\n'
            '<button class="button secondary small" type="submit">'
            f'Move<span class="visually-hidden"> “{title}”</span></button></form>\n'
        )
    draggable = ' draggable="true"' if card.moves else ""
    # The line breaks are the template's were: words of adjacent elements stay apart in the
    # page's text.
    return (
        f'<li class="board-card priority-{escape(card.priority)}" id="card-{pk}" data-card'
        f'{draggable}>\n<a class="board-title" href="{escape(card.detail_url)}">{title}</a>\n'
        f'{client}<p class="small muted">{due} · {escape(card.assignee or "not assigned")}'
        f"{badges}</p>\n{form}</li>\n"
    )


# The request list's rows ----------------------------------------------------------------------
# Written here for the reason the board's cards are: 25 rows of nine cells each were most of
# the page's time as template nodes. Every value is escaped.

_STATUS_LABELS = {str(value): str(label) for value, label in TaskStatus.choices}
_PRIORITY_LABELS = {str(value): str(label) for value, label in Priority.choices}
_NO_VALUE = '<span class="muted">—</span>'


@register.simple_tag
def request_rows(tasks: Iterable[Task], practice_side: bool, now: datetime) -> SafeString:
    """The ``<tr>`` rows of the request list (tasks with their client, project and assignee
    loaded)."""
    zone = timezone.get_current_timezone()
    deadline_text = formatter("D j M Y, H:i")
    updated_text = formatter("j M, H:i")
    rows = []
    for task in tasks:
        title = escape(task.title)
        project = (
            f'<span class="small muted request-project">{escape(task.project.title)}</span>'
            if task.project_id is not None and task.project is not None
            else ""
        )
        client = f"<td>{escape(task.client.name)}</td>" if practice_side else ""
        found = progress_of(task)
        progress = f" {_mini_progress(found)}" if found is not None else ""
        status = escape(task.status)
        if task.deadline_at is not None:
            stamp = task.deadline_at.astimezone(UTC).isoformat()
            local = escape(deadline_text(task.deadline_at.astimezone(zone)))
            late = task.is_open and task.deadline_at < now
            deadline = f'<time datetime="{stamp}">{local}</time>' + (
                ' <span class="badge late">Overdue</span>' if late else ""
            )
        else:
            deadline = _NO_VALUE
        assignee = escape(task.assignee.display_name) if task.assignee is not None else "—"
        short = f" {SHORT_NOTICE_BADGE}" if task.is_short_notice else ""
        rows.append(
            f'<tr>\n<td class="wide"><a href="{escape(link("work:task-detail", task.pk))}">'
            f"{title}</a>{short}{progress}{project}</td>\n{client}"
            f'<td><span class="badge status-{status}">'
            f"{escape(_STATUS_LABELS.get(task.status, task.status))}</span></td>\n"
            f"<td>{deadline}</td>\n"
            f'<td class="hide-phone">{escape(_PRIORITY_LABELS.get(task.priority, ""))}</td>\n'
            f'<td class="hide-phone">{assignee}</td>\n'
            f'<td class="hide-phone small muted">'
            f"{escape(updated_text(task.updated_at.astimezone(zone)))}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped)


# The inbox's rows ----------------------------------------------------------------------------
# Written here for the board's reason: 25 rows of forms and details were most of the inbox's
# time as template nodes (about 1,000 of them, 450 date-format lookups). One writer serves
# the page and the row an htmx answer replaces. Every value is escaped.


class InboxOutcome(Protocol):
    """What became of a move posted from a row (``views_day.Outcome``)."""

    @property
    def moved(self) -> bool: ...

    @property
    def refusal(self) -> str: ...

    @property
    def note_error(self) -> str: ...

    @property
    def declined_note(self) -> str: ...

    @property
    def typed_note(self) -> str: ...


@register.simple_tag
def inbox_rows(
    rows: Iterable[selectors_day.InboxRow],
    failed_id: int | None,
    failed_outcome: InboxOutcome | None,
    csrf: str,
    now: datetime,
) -> SafeString:
    """The ``<li>`` rows of the inbox; the one a refused move came from shows the refusal."""
    write = _InboxRowWriter(csrf, now)
    html = (write(row, failed_outcome if row.task.pk == failed_id else None) for row in rows)
    return mark_safe("".join(html))  # noqa: S308 (the writer escapes every value)


@register.simple_tag
def inbox_row(
    row: selectors_day.InboxRow, outcome: InboxOutcome | None, csrf: str, now: datetime
) -> SafeString:
    return mark_safe(_InboxRowWriter(csrf, now)(row, outcome))  # noqa: S308 (as above)


class _InboxRowWriter:
    def __init__(self, csrf: str, now: datetime) -> None:
        self.csrf = escape(csrf)
        self.now = now
        self.zone = timezone.get_current_timezone()
        self.due_text = formatter("D j M Y, H:i")

    def __call__(self, row: selectors_day.InboxRow, outcome: InboxOutcome | None) -> str:
        task = row.task
        pk = int(task.pk)
        return (
            f'<li class="card inbox-row" id="inbox-task-{pk}">\n'
            f'<div class="inbox-what">\n{self._what(row)}</div>\n'
            f"{self._actions(row, outcome)}</li>\n"
        )

    def _what(self, row: selectors_day.InboxRow) -> str:
        task = row.task
        came = f'<time datetime="{task.created_at.astimezone(UTC).isoformat()}">'
        came += f"{escape(naturaltime(task.created_at))}</time>"
        files = ""
        if row.file_count:
            files = f" · {row.file_count} file{'' if row.file_count == 1 else 's'}"
        preview = f'<p class="inbox-preview">{escape(row.preview)}</p>\n' if row.preview else ""
        short = f" {SHORT_NOTICE_BADGE}" if task.is_short_notice else ""
        return (
            f'<a class="inbox-title" href="{escape(row.detail_url)}">{escape(task.title)}</a>'
            f"{short}\n"
            f'<p class="small muted">{escape(task.client.name)} · from '
            f"{escape(task.created_by.display_name)} · came in {came}{files}</p>\n"
            f"{preview}"
            '<p class="small inbox-done-means"><strong>Done means:</strong> '
            f"{escape(row.expectations)}</p>\n"
            f'<p class="small">{self._due(task)}</p>\n'
        )

    def _due(self, task: Task) -> str:
        if task.status == TaskStatus.NEEDS_DEADLINE:
            return (
                '<span class="badge status-needs_deadline">'
                "Waiting for the client's deadline</span>"
            )
        if task.deadline_at is None:
            return ""
        local = escape(self.due_text(task.deadline_at.astimezone(self.zone)))
        late = ' <span class="badge late">Overdue</span>' if task.deadline_at < self.now else ""
        stamp = task.deadline_at.astimezone(UTC).isoformat()
        return f'Due <time datetime="{stamp}">{local}</time>{late}'

    def _actions(self, row: selectors_day.InboxRow, outcome: InboxOutcome | None) -> str:
        task = row.task
        status = escape(task.status)
        label = escape(_STATUS_LABELS.get(task.status, task.status))
        detail = escape(row.detail_url)
        if outcome is not None and outcome.moved:
            declined = ""
            if task.status == TaskStatus.DECLINED:
                declined = (
                    f'<span class="small">Declined: <q>{escape(outcome.declined_note)}</q></span>'
                )
            # htmx focuses the link after the swap: a keyboard user stays on this row.
            return (
                f'<p class="inbox-done" role="status"><span class="badge status-{status}">'
                f"{label}</span>\n{declined}\n"
                f'<a href="{detail}" autofocus>Open the task</a></p>\n'
            )
        refusal = ""
        if outcome is not None and outcome.refusal:
            refusal = f'<p class="form-errors" role="alert">{escape(outcome.refusal)}</p>\n'
        if task.status != TaskStatus.REQUESTED:
            if task.status == TaskStatus.NEEDS_DEADLINE:
                state = (
                    '<p class="small muted">The client has been asked for a deadline; you can '
                    "accept or decline once it is set.</p>"
                )
            else:
                state = f'<p class="small"><span class="badge status-{status}">{label}</span></p>'
            return (
                f'<div class="inbox-actions">\n{refusal}{state}\n'
                f'<a class="button secondary small" href="{detail}">Open the task</a>\n</div>\n'
            )
        return f'<div class="inbox-actions">\n{refusal}{self._forms(row, outcome)}</div>\n'

    def _forms(self, row: selectors_day.InboxRow, outcome: InboxOutcome | None) -> str:
        pk = int(row.task.pk)
        title = escape(row.task.title)
        for_title = f'<span class="visually-hidden"> “{title}”</span>'
        note_error = outcome.note_error if outcome is not None else ""
        typed = escape(outcome.typed_note) if outcome is not None else ""

        def form(url: str, fields: str, body: str, extra: str = "") -> str:
            url = escape(url)
            return (
                f'<form method="post" action="{url}" hx-post="{url}" '
                f'hx-target="#inbox-task-{pk}" hx-swap="outerHTML"{extra}>\n'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf}">\n'
                f'<input type="hidden" name="from" value="requested">\n{fields}{body}</form>\n'
            )

        def to(status: str) -> str:
            return f'<input type="hidden" name="to" value="{status}">\n'

        note_id = f"decline-note-{pk}"
        invalid = error = ""
        if note_error:
            invalid = f' aria-invalid="true" aria-describedby="{note_id}-error" autofocus'
            error = (
                f'<ul class="errorlist" id="{note_id}-error"><li>{escape(note_error)}</li></ul>\n'
            )
        decline = form(
            row.move_url,
            to("declined"),
            f'<div class="field">\n<label for="{note_id}">Why are you declining it?</label>\n'
            f'<textarea id="{note_id}" name="note" rows="2" maxlength="5000"{invalid}>'
            f"{typed}</textarea>\n{error}</div>\n"
            '<button class="button danger" type="submit">Decline the request</button>\n',
            " novalidate",
        )
        if row.waits_for_go_ahead:
            # Above the client's phase (issue 13): nothing to accept until the client says so.
            accepting = (
                '<p class="small go-ahead-wait"><span class="badge above-phase">Above phase'
                "</span> Waiting for the client's go-ahead before it can be accepted.</p>\n"
            )
        else:
            accepting = form(
                row.start_url,
                "",
                f'<button class="button" type="submit">Accept and start{for_title}</button>\n',
            ) + form(
                row.move_url,
                to("accepted"),
                f'<button class="button secondary" type="submit">Accept{for_title}</button>\n',
            )
        return (
            accepting + f'<details class="inbox-decline"{" open" if note_error else ""}>\n'
            f'<summary class="button danger">Decline…{for_title}</summary>\n{decline}</details>\n'
        )


# A request sent at short notice (planning's check, issue 12): said in words, not colour.
SHORT_NOTICE_BADGE = '<span class="badge short-notice-badge">Short notice</span>'


# The dashboard's day ---------------------------------------------------------------------------


def _time_html(instant: datetime | None, write: Callable[[datetime], str], zone: tzinfo) -> str:
    return "" if instant is None else time_html(instant, write, zone)


@register.simple_tag
def day_rows(section: selectors_day.Section) -> SafeString:
    """The ``<li>`` lines of one section of the dashboard's day, written here rather than by
    a template loop: forty lines of four lookups and a date each were most of the page."""
    write = formatter("D j M, H:i")
    zone = timezone.get_current_timezone()

    def when(instant: datetime | None) -> str:
        return _time_html(instant, write, zone)

    def line(task: Task) -> str:
        who = f" · {escape(task.assignee.display_name)}" if task.assignee else ""
        if section.key == "waiting":
            due = f"Waiting for: {escape(task.waiting_for)}, by {when(task.waiting_until)}"
        else:
            said = "Was due" if section.key == "overdue" else "Due"
            due = f"{said} {when(task.deadline_at)}"
        return (
            f'<li><span><a href="{link("work:task-detail", task.pk)}">{escape(task.title)}</a>\n'
            f'<span class="small muted">· {escape(task.client.name)}{who}</span></span>\n'
            f'<span class="small">{due}</span></li>\n'
        )

    return mark_safe("".join(line(task) for task in section.tasks))  # noqa: S308 (escaped above)


# The client's portal ---------------------------------------------------------------------------
# Its sections' rows are written here, one call per section, like the day's lines above.


class _PortalRowWriter:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.write = formatter("D j M, H:i")
        self.zone = timezone.get_current_timezone()
        self.labels = {str(value): str(label) for value, label in TaskStatus.choices}

    def when(self, instant: datetime | None) -> str:
        return _time_html(instant, self.write, self.zone)

    def title(self, task: Task) -> str:
        return f'<a href="{link("work:task-detail", task.pk)}">{escape(task.title)}</a>'

    def waiting(self, task: Task) -> str:
        page = link("work:task-detail", task.pk)
        if task.status == TaskStatus.NEEDS_DEADLINE:
            needs = '<span class="small">Needs a deadline from you before work can start.</span>'
            by = f'<a href="{page}#moves-h">Set a deadline</a>'
        else:
            who = task.assignee.display_name if task.assignee else "Your assistant"
            what = task.waiting_for or "your reply"
            needs = f'<span class="small">{escape(who)} needs: {escape(what)}</span>'
            late = task.waiting_until is not None and task.waiting_until < self.now
            by = f"by {self.when(task.waiting_until)}"
            by += ' <span class="badge late">Late</span>' if late else ""
        return (
            f"<li><div>{self.title(task)}\n{needs}{checklist_progress(task)}</div>\n"
            f'<span class="small muted">{by}</span></li>\n'
        )

    def delivered(self, task: Task) -> str:
        page = link("work:task-detail", task.pk)
        return (
            f"<li><div>{self.title(task)}\n"
            '<span class="small muted">Check it; accept it, or send it back with a note.</span>'
            f"{checklist_progress(task)}</div>\n"
            f'<span class="portal-review"><a class="button small" href="{page}#delivery">'
            f'Accept</a> <a class="button secondary small" href="{page}#delivery">Send back</a>'
            "</span></li>\n"
        )

    def in_progress(self, task: Task) -> str:
        status = escape(task.status)
        overdue = task.deadline_at is not None and task.deadline_at < self.now
        late = ' <span class="badge late">Overdue</span>' if overdue else ""
        return (
            f"<li><div>{self.title(task)}\n"
            f'<span class="badge status-{status}">{escape(self.labels[task.status])}</span>'
            f"{checklist_progress(task)}</div>\n"
            f'<span class="small muted">due {self.when(task.deadline_at)}{late}</span></li>\n'
        )

    def activity(self, entry: selectors_lists.Activity) -> str:
        who = entry.who or "Someone"
        did = {
            selectors_lists.COMMENTED: "commented on",
            TaskEvent.Kind.CREATED: "asked for",
            TaskEvent.Kind.EDITED: "changed",
        }.get(entry.kind, "moved")
        to = ""
        if entry.kind == TaskEvent.Kind.STATUS_CHANGED:
            label = self.labels.get(entry.to_status, entry.to_status)
            to = f' to <span class="badge status-{escape(entry.to_status)}">{escape(label)}</span>'
        quote = ""
        if entry.kind == selectors_lists.COMMENTED:
            words = markdown_preview(entry.comment, 120)
            quote = f'\n<span class="small muted portal-quote">“{escape(words)}”</span>'
        page = link("work:task-detail", entry.task_id)
        title = f'<a href="{page}">{escape(entry.task_title)}</a>'
        return (
            f'<li><div><span class="small">{escape(who)}\n{did}\n{title}{to}'
            f"</span>{quote}</div>\n"
            f'<span class="small muted">{self.when(entry.at)}</span></li>\n'
        )


@register.simple_tag
def portal_rows(kind: str, rows: Iterable[Any], now: datetime) -> SafeString:
    """The ``<li>`` rows of one of the portal's sections: ``kind`` is "waiting_on_you",
    "delivered", "in_progress" or "activity"."""
    writer = _PortalRowWriter(now)
    write = getattr(writer, {"waiting_on_you": "waiting"}.get(kind, kind))
    return mark_safe("".join(write(row) for row in rows))  # noqa: S308 (escaped above)


@register.simple_tag
def go_ahead_rows(tasks: Iterable[Task], csrf: str) -> SafeString:
    """The portal's "Waiting for your go-ahead" rows, each with its one-click form."""
    write = formatter("D j M, H:i")
    zone = timezone.get_current_timezone()
    token = escape(str(csrf))

    def row(task: Task) -> str:
        title = escape(task.title)
        kind = task.kind
        what = f"{escape(kind.name)} ({escape(kind.get_phase_display())})" if kind else ""
        due = f", due {_time_html(task.deadline_at, write, zone)}" if task.deadline_at else ""
        return (
            f'<li>\n<a href="{link("work:task-detail", task.pk)}">{title}</a> '
            f'<span class="muted small">{what}{due}</span>\n'
            f'<form method="post" action="{link("work:go-ahead", task.pk)}" class="inline-form">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<button class="button small" type="submit">Give the go-ahead'
            f'<span class="visually-hidden"> for “{title}”</span></button></form>\n</li>\n'
        )

    return mark_safe("".join(row(task) for task in tasks))  # noqa: S308 (escaped above)
