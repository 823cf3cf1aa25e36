"""Planning's template filters."""

from __future__ import annotations

from django import template

from tandem.planning.wording import describe_hours

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes of work as hours: "37.5 h"; a dash for none known."""
    return "-" if minutes is None else describe_hours(minutes)
