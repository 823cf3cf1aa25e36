"""Markdown written by people (requests, comments) turned into HTML that is safe to show."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# CommonMark with raw HTML switched off: "<script>" in a request shows as text. nh3 cleans
# the result anyway, so a parser bug or a crafted link cannot smuggle markup through.
_PARSER = MarkdownIt("commonmark", {"html": False})


def render_markdown(text: str) -> SafeString:
    html = nh3.clean(_PARSER.render(text), url_schemes={"http", "https", "mailto"})
    return mark_safe(html)  # noqa: S308 - cleaned by nh3 just above
