"""Formatting tags of ``work``'s pages: they write markup from what they are given and never
query the database (pages gather their data in their views)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from tandem.core.forms import option_tags
from tandem.work import selectors_day
from tandem.work.changes import describe
from tandem.work.models import TaskEvent
from tandem.work.selectors_lists import ClientChoice

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
