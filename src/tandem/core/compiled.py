"""SQL compiled once per shape and arguments, for the subqueries every page repeats.

Building and compiling a queryset costs the ORM about a millisecond for a nested one, while
the database answers it in a tenth of that. A subquery whose text depends on nothing but a
few ids (the clients a member reaches, a client's first tasks of each portal section) is
compiled here once per process and set of ids, then used as ``RawSQL`` inside querysets.

The database still runs it afresh in every query, so nothing read from it goes stale: what
is kept is the SQL and its parameters, never rows. ``build`` must be a module-level function
whose queryset depends on its arguments alone (ids, fixed choices), never on the clock or
on settings a request can change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


@functools.lru_cache(maxsize=8192)
def _compiled(
    build: Callable[..., QuerySet[Any, Any]], vendor: str, args: tuple[Hashable, ...]
) -> tuple[str, tuple[object, ...]]:
    del vendor  # part of the key only: the SQL is compiled for the current backend
    sql, params = build(*args).query.sql_with_params()
    return sql, tuple(params)


def compiled_subquery(
    build: Callable[..., QuerySet[Any, Any]], *args: Hashable, using: str = "default"
) -> RawSQL:
    """``build(*args)`` as a subquery, compiled the first time these arguments are seen."""
    sql, params = _compiled(build, connections[using].vendor, args)
    # The SQL is the ORM's own, compiled from ids and fixed choices; values stay params.
    return RawSQL(sql, params)  # noqa: S611


def rows_of(subquery: RawSQL, *, using: str = "default") -> list[tuple[Any, ...]]:
    """The rows of a compiled ``values_list`` query, as the database returns them (no
    converters: for ids, counts and text, which every backend returns as Python's own)."""
    with connections[using].cursor() as cursor:
        cursor.execute(subquery.sql, subquery.params)
        return list(cursor.fetchall())
