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


# A list's preview of a request reads only its start, with the markup taken away by a few
# patterns rather than by rendering: rendering and cleaning costs about 1 ms a request, more
# than the rest of a 25-row inbox row by row. The page escapes the text like any other.
_PREVIEW_SOURCE = 400
_PREVIEW_PATTERNS = [
    (re.compile(r"^\s*(```|~~~).*$", re.MULTILINE), ""),  # code fences
    (re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.MULTILINE), ""),  # rules
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE), ""),  # headings
    (re.compile(r"^\s{0,3}(>\s?)+", re.MULTILINE), ""),  # quotes
    (re.compile(r"^\s*([-*+]|\d{1,9}[.)])\s+", re.MULTILINE), ""),  # list items
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their words
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolinks
    # Emphasis and code marks, but not an escaped one ("\*"), which the next line unescapes.
    (re.compile(r"(?<!\\)(\*+|`+|~~|(?<!\w)_+|_+(?!\w))"), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),  # backslash escapes
]


def markdown_preview(text: str, limit: int = 220) -> str:
    """The start of Markdown ``text`` as plain words, cut at a word under ``limit``
    characters with an ellipsis: what a list shows of a request."""
    plain = text[:_PREVIEW_SOURCE]
    for pattern, replacement in _PREVIEW_PATTERNS:
        plain = pattern.sub(replacement, plain)
    return shorten(html.unescape(plain), limit)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters, with
    "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:.-") + "…"
