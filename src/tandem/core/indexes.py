"""Indexes that need saying differently to each database."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.expressions import OrderBy


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
