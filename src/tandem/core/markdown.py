"""Markdown written by people (requests, comments) turned into HTML that is safe to show."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# CommonMark with raw HTML switched off: "<script>" in a request shows as text. nh3 cleans
# the result anyway, so a parser bug or a crafted link cannot smuggle markup through.
_PARSER = MarkdownIt("commonmark", {"html": False})

# Someone's "# Heading" sits inside a page section that already has an h1 and an h2.
_HEADING_SHIFT = 2


def render_markdown(text: str) -> SafeString:
    tokens = _PARSER.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + _HEADING_SHIFT, 6)}"
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    cleaned = nh3.clean(html, url_schemes={"http", "https", "mailto"})
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


def markdown_text(text: str) -> str:
    """What a reader sees of ``text``, as plain text on one line: for a short quote of a
    comment, where "**wreath workshop**" should read as "wreath workshop"."""
    without_tags = nh3.clean(render_markdown(text), tags=set())
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()
