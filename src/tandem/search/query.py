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

from tandem.search.schema import TABLE

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
    if vendor == "sqlite":
        return _sqlite_search(tasks, query)
    if vendor == "postgresql":
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
        return tasks.filter(search_document__isnull=False).filter(match).annotate(search_rank=rank)
    raise NotImplementedError(f"No search index for {vendor}")  # pragma: no cover


def newest_matches_first(matches: Q) -> Q:
    """``matches`` (from ``search_tasks``) newest first, in an order the index can give
    without sorting them all, so a word found in 50,000 tasks still answers at once.

    On SQLite the index's own rowid, the task's id, is the order FTS5 lists matches in; it
    stops after the page. On PostgreSQL the task's primary key lets the planner walk tasks
    newest first and check each one's document until the page is full.
    """
    if connections[matches.db].vendor == "sqlite":
        rowid = RawSQL(f"{TABLE}.rowid", [])  # noqa: S611 - a constant name, no input.
        return matches.order_by(rowid.desc())
    return matches.order_by("-pk")


def _sqlite_search(tasks: Q, query: SearchQuery) -> Q:
    """The index drives: one MATCH lists the matching tasks, each looked up by its id.

    Joined the ordinary way (``work_task.id = search_document.rowid``), SQLite may take the
    practice's tasks as the outer loop and run the MATCH once per task, since without
    statistics it guesses a practice holds ten tasks: 100,000 tasks cost 20-50 s instead
    of milliseconds. The unary ``+`` hides the rowid from the index's planner, so the only
    plan left is the one MATCH first, then each task by its primary key.
    """
    task_table = connections[tasks.db].ops.quote_name(tasks.model._meta.db_table)
    task_id = connections[tasks.db].ops.quote_name(tasks.model._meta.pk.column)
    # bm25 is lower for better matches; weights per column in the table's order.
    rank = RawSQL("-bm25(search_document, 10.0, 4.0, 2.0, 1.0)", [], FloatField())
    return tasks.extra(  # noqa: S610 - constants only; the query is a parameter.
        tables=[TABLE],
        where=[f"+{TABLE}.rowid = {task_table}.{task_id}", f"{TABLE} MATCH %s"],
        params=[query.fts5()],
    ).annotate(search_rank=rank)
