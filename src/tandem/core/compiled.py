"""SQL compiled once per shape and arguments, for the subqueries every page repeats.

Building and compiling a queryset costs the ORM about a millisecond for a nested one, while
the database answers it in a tenth of that. A subquery whose text depends on nothing but a
few ids (the clients a member reaches, a client's first tasks of each portal section, a
member's day on the dashboard) is compiled here once per process and set of ids, then used
as ``RawSQL`` inside querysets.

The database still runs it afresh in every query, so nothing read from it goes stale: what
is kept is the SQL and its parameters, never rows. ``build`` must be a module-level function
whose queryset depends on its arguments alone (ids, fixed choices), never on settings a
request can change. The clock enters only as ``moments``: instants compiled as stand-ins
and replaced by each request's own among the parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# Instants no row holds, standing in for "now" and the like while a query is compiled; the
# request's own instants take their places among the parameters afterwards.
_STAND_INS = tuple(datetime(2999, 1, day, tzinfo=UTC) for day in range(1, 9))


@functools.lru_cache(maxsize=8192)
def _compiled(
    build: Callable[..., QuerySet[Any, Any]], vendor: str, args: tuple[Hashable, ...], moments: int
) -> tuple[str, tuple[object, ...], tuple[int | None, ...]]:
    """The SQL, its parameters, and for each parameter which moment it stands in for."""
    del vendor  # part of the key only: the SQL is compiled for the current backend
    stand_ins = _STAND_INS[:moments]
    sql, params = build(*args, *stand_ins).query.sql_with_params()
    adapt = connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value
    adapted = [adapt(stand_in) for stand_in in stand_ins]
    slots = tuple(_slot(param, adapted) for param in params)
    if set(range(moments)) - set(slots):
        # A moment compared through a function (a date, a truncation) would keep its
        # stand-in and silently find nothing; such a query cannot be compiled once.
        raise ValueError(f"{build.__name__} does not compare every moment as it is")
    return sql, tuple(params), slots


def _slot(param: object, adapted: Sequence[object]) -> int | None:
    if isinstance(param, str | datetime):
        for index, stand_in in enumerate(adapted):
            if param == stand_in:
                return index
    return None


def compiled_subquery(
    build: Callable[..., QuerySet[Any, Any]],
    *args: Hashable,
    moments: Sequence[datetime] = (),
    using: str = "default",
) -> RawSQL:
    """``build(*args, *moments)`` as a subquery, compiled the first time these arguments
    are seen. ``moments`` (instants such as now, which change on every request) are not part
    of the key: the query is compiled with stand-ins and each request's are put in their
    places, so ``build`` may only compare them with fields as they are."""
    if len(moments) > len(_STAND_INS):
        raise ValueError(f"at most {len(_STAND_INS)} moments")
    sql, params, slots = _compiled(build, connections[using].vendor, args, len(moments))
    if moments:
        adapt = connections[using].ops.adapt_datetimefield_value
        values = [adapt(moment) for moment in moments]
        params = tuple(
            param if slot is None else values[slot]
            for param, slot in zip(params, slots, strict=True)
        )
    # The SQL is the ORM's own, compiled from ids and fixed choices; values stay params.
    return RawSQL(sql, params)  # noqa: S611


def rows_of(subquery: RawSQL, *, using: str = "default") -> list[tuple[Any, ...]]:
    """The rows of a compiled ``values_list`` query, as the database returns them (no
    converters: for ids, counts and text, which every backend returns as Python's own)."""
    with connections[using].cursor() as cursor:
        cursor.execute(subquery.sql, subquery.params)
        return list(cursor.fetchall())
