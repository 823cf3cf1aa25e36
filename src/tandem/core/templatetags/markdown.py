from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from tandem.core.markdown import markdown_preview, render_markdown_cached

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown_cached(text or "")


@register.filter(name="markdown_preview")
def markdown_preview_filter(text: str, limit: int = 220) -> str:
    """The start of ``text`` as plain words, for a quote in a list (see ``markdown_preview``:
    no rendering, so a list of quotes costs what its rows do)."""
    return markdown_preview(text or "", int(limit))
