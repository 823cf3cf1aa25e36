from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from tandem.core.markdown import markdown_text, render_markdown_cached

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown_cached(text or "")


@register.filter(name="markdown_text")
def markdown_text_filter(text: str) -> str:
    return markdown_text(text or "")
