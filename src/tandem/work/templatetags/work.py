"""Formatting tags of ``work``'s pages: they write markup from what they are given and never
query the database (pages gather their data in their views)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from tandem.core.forms import option_tags
from tandem.core.links import link
from tandem.core.templatetags.when import formatter
from tandem.work import selectors_day
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
        rows.append(
            f'<tr>\n<td class="wide"><a href="{escape(link("work:task-detail", task.pk))}">'
            f"{title}</a>{progress}{project}</td>\n{client}"
            f'<td><span class="badge status-{status}">'
            f"{escape(_STATUS_LABELS.get(task.status, task.status))}</span></td>\n"
            f"<td>{deadline}</td>\n"
            f'<td class="hide-phone">{escape(_PRIORITY_LABELS.get(task.priority, ""))}</td>\n'
            f'<td class="hide-phone">{assignee}</td>\n'
            f'<td class="hide-phone small muted">'
            f"{escape(updated_text(task.updated_at.astimezone(zone)))}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped)
