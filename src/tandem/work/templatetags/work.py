"""The "Requests" section other apps' pages show (the client page, the portal home).

A template tag, so that ``clients`` never imports ``work``: imports point from work down.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.access import is_practice_side
from tandem.core.forms import option_tags
from tandem.work import selectors_day, selectors_lists
from tandem.work.selectors import open_requests
from tandem.work.selectors_lists import ClientChoice
from tandem.work.selectors_projects import client_projects as projects_of

register = template.Library()


@register.inclusion_tag("work/client_requests.html", takes_context=True)
def client_requests(context: template.Context, client: Client) -> dict[str, Any]:
    viewer = context["request"].user
    return {"client": client, "tasks": open_requests(viewer=viewer, client=client)}


def request_list_url(**filters: str | int) -> str:
    """The request list filtered by ``filters`` (see work/forms_lists.py for their values)."""
    return f"{reverse('work:request-list')}?{urlencode(filters)}"


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
    return request_list_url(**filters)


# The dashboard's "N more" opens the request list filtered like the section, so it shows
# exactly what the section counted ("active" is requested, accepted or in progress).
SECTION_FILTERS: dict[str, dict[str, str]] = {
    "overdue": {"status": "active", "due": "overdue", "sort": "deadline"},
    "today": {"status": "active", "due": "today", "sort": "deadline"},
    "week": {"status": "active", "due": "week", "sort": "deadline"},
    "waiting": {"status": "waiting_on_client", "sort": "deadline"},
}


@register.inclusion_tag("work/day_dashboard.html", takes_context=True)
def day_dashboard(context: template.Context) -> dict[str, Any]:
    """Overdue, due today, due this week and waiting on the client, across the viewer's
    clients, for the practice's dashboard (practice side only: the page requires it)."""
    viewer = context["request"].user
    day = selectors_day.day_dashboard(
        viewer=viewer, now=timezone.now(), zone=timezone.get_current_timezone()
    )
    sections = [
        (section, request_list_url(**SECTION_FILTERS[section.key])) for section in day.sections
    ]
    return {"day": day, "sections": sections, "membership": context.get("membership")}


@register.inclusion_tag("work/project_list.html", takes_context=True)
def client_projects(context: template.Context, client: Client) -> dict[str, Any]:
    """The client's projects with their progress, for the client page and the portal."""
    viewer = context["request"].user
    return {
        "client": client,
        "projects": projects_of(viewer=viewer, client=client),
        "is_contact": not is_practice_side(access.member(viewer)),
    }


@register.inclusion_tag("work/portal_sections.html", takes_context=True)
def portal_sections(context: template.Context, client: Client) -> dict[str, Any]:
    """The portal home's work: waiting on the client, delivered for their review, in
    progress, and recent activity, each a few rows with a link to the full list."""
    viewer = context["request"].user
    return {
        "client": client,
        "sections": selectors_lists.portal_sections(viewer=viewer, client=client),
        "activity": selectors_lists.recent_activity(viewer=viewer, client=client),
        "now": timezone.now(),
    }
