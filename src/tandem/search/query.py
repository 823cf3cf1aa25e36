"""Full-text search over tasks: titles, requests, expectations and comments.

``search_tasks`` narrows a queryset the caller has already scoped (``visible_to``), so the
index never widens what anyone sees: it only joins rows the scope let through.

What the user types is never handed to the database's query language. It is cut into
words (letters and digits, as both indexes' tokenizers cut text); each word is quoted, all
must match, and the last one also matches as a prefix, so results follow the typing.
Quotes, ``*``, ``-``, ``NEAR``, ``OR`` and parentheses are just text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from django.db import connections
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

Q = TypeVar("Q", bound=QuerySet)

# Letters and digits only: the underscore and every mark split words, as in the indexes.
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# A one-letter prefix matches most of the index and tells the user nothing.
MIN_PREFIX = 2


@dataclass(frozen=True)
class SearchQuery:
    words: tuple[str, ...]

    @property
    def prefix(self) -> bool:
        return len(self.words[-1]) >= MIN_PREFIX

    def fts5(self) -> str:
        """SQLite FTS5: ``"word" "word"*`` (quoted strings: operators are plain words)."""
        quoted = [f'"{word}"' for word in self.words]
        if self.prefix:
            quoted[-1] += "*"
        return " ".join(quoted)

    def tsquery(self) -> str:
        """PostgreSQL ``to_tsquery``: ``'word' & 'word':*`` (quoted lexemes)."""
        quoted = [f"'{word}'" for word in self.words]
        if self.prefix:
            quoted[-1] += ":*"
        return " & ".join(quoted)


def parse(text: str) -> SearchQuery | None:
    """The words to look for, or None when ``text`` has none (only punctuation, say)."""
    words = [word[:MAX_WORD_LENGTH].lower() for word in WORD.findall(text)]
    return SearchQuery(tuple(words[:MAX_WORDS])) if words else None


def search_tasks(tasks: Q, query: SearchQuery) -> Q:
    """``tasks`` that match ``query``, annotated with ``search_rank`` (higher is better).

    The caller orders; ``order_by("-search_rank", ...)`` gives the best first. Title
    matches count most, then the request, the expectations, and comments least.
    """
    vendor = connections[tasks.db].vendor
    joined = tasks.filter(search_document__isnull=False)
    if vendor == "sqlite":
        match = RawSQL("search_document MATCH %s", [query.fts5()], output_field=BooleanField())
        # bm25 is lower for better matches; weights per column in the table's order.
        rank = RawSQL("-bm25(search_document, 10.0, 4.0, 2.0, 1.0)", [], FloatField())
    elif vendor == "postgresql":
        tsquery = query.tsquery()
        match = RawSQL(
            "search_document.document @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        )
        rank = RawSQL(
            "ts_rank(search_document.document, to_tsquery('simple', %s))",
            [tsquery],
            FloatField(),
        )
    else:  # pragma: no cover - Tandem runs on SQLite and PostgreSQL only.
        raise NotImplementedError(f"No search index for {vendor}")
    return joined.filter(match).annotate(search_rank=rank)
