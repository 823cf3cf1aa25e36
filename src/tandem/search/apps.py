from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_triggers(using: str, **kwargs: Any) -> None:
    from tandem.search.schema import ensure_triggers

    ensure_triggers(connections[using])


class SearchConfig(AppConfig):
    name = "tandem.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # SQLite drops a table's triggers when a migration rebuilds the table.
        post_migrate.connect(_ensure_triggers, sender=self, dispatch_uid="search-triggers")
