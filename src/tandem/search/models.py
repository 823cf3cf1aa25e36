"""The search index as Django sees it: one row per task, written only by triggers.

Unmanaged: the table is an FTS5 virtual table on SQLite and a tsvector table on
PostgreSQL (see ``schema.py``); Django only joins it to tasks. Its key is called ``rowid``
on both, because that is the only way to key an FTS5 table.
"""

from __future__ import annotations

from django.db import models


class Document(models.Model):
    task = models.OneToOneField(
        "work.Task",
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        # Triggers delete the row with its task; Django must not try to.
        on_delete=models.DO_NOTHING,
        related_name="search_document",
    )

    class Meta:
        managed = False
        db_table = "search_document"

    def __str__(self) -> str:
        return f"Search document of task {self.pk}"
