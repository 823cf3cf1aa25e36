"""Markdown written by people (requests, comments) turned into HTML that is safe to show."""

from __future__ import annotations

import html
import re
from functools import lru_cache

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


# Texts up to this long are kept rendered, the latest few hundred of them, per process.
_CACHED_TEXT_MAX = 8_000


@lru_cache(maxsize=512)
def _render_kept(text: str) -> SafeString:
    return render_markdown(text)


def render_markdown_cached(text: str) -> SafeString:
    """``render_markdown(text)``, remembered: a conversation's comments are rendered again
    on every view of its page, and parsing plus cleaning is most of a page's time. The
    result depends on the text alone, so a per-process cache is always right."""
    if len(text) > _CACHED_TEXT_MAX:
        return render_markdown(text)
    return _render_kept(text)


def markdown_text(text: str) -> str:
    """What a reader sees of ``text``, as plain text on one line: for a short quote of a
    comment, where "**wreath workshop**" should read as "wreath workshop"."""
    without_tags = nh3.clean(render_markdown(text), tags=set())
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()
