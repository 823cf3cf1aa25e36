"""The search index: an FTS5 table on SQLite, a GIN-indexed tsvector table on PostgreSQL,
each kept current by triggers on work_task and work_comment (see tandem.search.schema)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from tandem.search import schema


class RunSQLOn(migrations.RunSQL):
    """RunSQL that runs only on one database vendor (the two indexes share nothing)."""

    def __init__(self, vendor: str, sql: list[str], reverse_sql: list[str]) -> None:
        self.vendor = vendor
        super().__init__(tuple(sql), tuple(reverse_sql))

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.vendor, list(self.sql), self.reverse_sql], {})

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, *args)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("work", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "task",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=models.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="work.task",
                    ),
                ),
            ],
            options={"db_table": "search_document", "managed": False},
        ),
        RunSQLOn("sqlite", schema.sqlite_forwards(), schema.SQLITE_BACKWARDS),
        RunSQLOn("postgresql", schema.POSTGRES_FORWARDS, schema.POSTGRES_BACKWARDS),
    ]
