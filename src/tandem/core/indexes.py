"""Indexes that need saying differently to each database."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models.expressions import OrderBy
from django.db.models.lookups import In


class SortIndex(models.Index):
    """An index whose columns may say ``NULLS FIRST``, so it serves such an ORDER BY.

    PostgreSQL keeps nulls last in an ascending b-tree unless told otherwise, and reads the
    first rows of ``ORDER BY deadline_at ASC NULLS FIRST`` from an index only if the index
    has that order; otherwise it sorts every row first. SQLite already keeps nulls first
    in ascending order and refuses ``NULLS FIRST`` in ``CREATE INDEX``, so there the same
    columns are created without it.
    """

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = [
            OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
            for e in self.expressions
        ]
        twin = models.Index(*plain, name=self.name, condition=self.condition)
        return twin.create_sql(model, schema_editor, using=using, **kwargs)


# Values ``in_constants`` writes into SQL itself: names of choices, never anyone's input.
_CONSTANT = re.compile(r"[a-z0-9_]{1,64}")


@models.CharField.register_lookup
class InConstants(In):
    """``status__in_constants=sorted(OPEN_STATUSES)``: ``IN ('accepted', …)`` with the values
    written into the query rather than bound as parameters.

    SQLite uses a partial index only when the query's WHERE implies the index's, and it
    cannot see that ``status IN (?, ?, …)`` does whatever the values bound: the request
    list's first page sorted every open task of the practice (22 ms) instead of reading 25
    entries of ``task_open_by_deadline`` (0.2 ms). Written out, in the index's own order,
    the condition is the index's. PostgreSQL sees the values either way.

    Only lower-case names of choices are accepted, so nothing typed by a person can reach
    the SQL; anything else is a programming error.
    """

    lookup_name = "in_constants"

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        values = [str(value) for value in self.rhs]
        if not values or not all(_CONSTANT.fullmatch(value) for value in values):
            raise ValueError(f"in_constants takes names of choices only, not {values!r}")
        return "(" + ", ".join(f"'{value}'" for value in values) + ")", ()
