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
and replaced by each request's own among the parameters. A row's own id (the request a page
shows, a session's stored key) enters ``compiled_rows`` the same way, as ``ids``: one
compiled query serves every
request's page, where keying on the id would keep one per request ever opened.

Small lists a page shows as they are (a client's projects, what it owes, its agreements)
are read the same way by ``compiled_rows``: the SQL is compiled once, and each visit's rows
become what the queryset itself would have given (model instances with their
``select_related`` rows, or ``values_list`` tuples) through the ORM's own converters and
populators, kept beside the SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    RelatedPopulator,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

Row = TypeVar("Row")

# Instants no row holds, standing in for "now" and the like while a query is compiled; the
# request's own instants take their places among the parameters afterwards.
_STAND_INS = tuple(datetime(2999, 1, day, tzinfo=UTC) for day in range(1, 9))
# Ids no row has (near the top of a 32-bit key), standing in for ``ids`` likewise; text
# keys (a session's) have stand-ins no key is (keys are letters and digits).
_ID_STAND_INS = tuple(2_147_480_000 + index for index in range(4))
_TEXT_STAND_INS = tuple(f"\x00compiled stand-in {index}\x00" for index in range(4))
_ID_RANGE = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class _Shape:
    """How a fetched row becomes what the queryset yields: the ORM's own steps, taken from
    its compiler when the SQL was compiled (``ModelIterable``, ``ValuesListIterable``)."""

    # The select's expressions, whose converters turn each column into Python's value
    # (SQLite returns instants as text).
    columns: tuple[Any, ...]
    # "instances", "dicts", "tuples" or "flat"; "unread" for a queryset whose rows need
    # more than its SQL (a prefetch), which ``compiled_rows`` refuses to read.
    kind: str
    # The keys of a ``values()`` row, in the select's order.
    names: tuple[str, ...] = ()
    model: type[Model] | None = None
    init_list: tuple[str, ...] = ()
    # Where the model's own columns are among the row's.
    model_columns: tuple[int, int] = (0, 0)
    populators: tuple[RelatedPopulator, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[object, ...]
    # For each parameter, which moment it stands in for (None: a value of its own).
    slots: tuple[int | None, ...]
    shape: _Shape
    # The queryset could match nothing (``none()``, an empty ``__in``): no SQL to run.
    empty: bool = False


@functools.lru_cache(maxsize=8192)
def _compiled(
    build: Callable[..., QuerySet[Any, Any]],
    vendor: str,
    using: str,
    args: tuple[Hashable, ...],
    moments: int,
    ids: tuple[type, ...] = (),
) -> _Compiled:
    """The SQL, its parameters, which stand-in (the ids', then the moments') each parameter
    is, and the shape of its rows."""
    del vendor  # part of the key only: the SQL is compiled for the current backend
    if moments > len(_STAND_INS):
        raise ValueError(f"at most {len(_STAND_INS)} moments")
    if len(ids) > len(_ID_STAND_INS):
        raise ValueError(f"at most {len(_ID_STAND_INS)} ids")
    stand_ins = _STAND_INS[:moments]
    id_stand_ins = [
        (_TEXT_STAND_INS if kind is str else _ID_STAND_INS)[index] for index, kind in enumerate(ids)
    ]
    queryset = build(*args, *id_stand_ins, *stand_ins)
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled("", (), (), _Shape((), _kind_of(queryset)), empty=True)
    adapt = connections[using].ops.adapt_datetimefield_value
    adapted = [*id_stand_ins, *(adapt(stand_in) for stand_in in stand_ins)]
    slots = tuple(_slot(param, adapted) for param in params)
    if set(range(len(ids) + moments)) - set(slots):
        # A moment compared through a function (a date, a truncation) would keep its
        # stand-in and silently find nothing; such a query cannot be compiled once.
        raise ValueError(f"{build.__name__} does not compare every moment or id as it is")
    return _Compiled(sql, tuple(params), slots, _shape_of(queryset, compiler, using))


def _shape_of(queryset: QuerySet[Any, Any], compiler: Any, using: str) -> _Shape:
    """What ``compiler`` (just compiled) knows of turning rows into ``queryset``'s items."""
    columns = tuple(column for column, _, _ in compiler.select[: compiler.col_count])
    kind = _kind_of(queryset)
    if kind == "dicts":
        # As ``ValuesIterable`` names them.
        query = queryset.query
        names = query.selected or [
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        ]
        return _Shape(columns, kind, names=tuple(names))
    if kind != "instances":
        return _Shape(columns, kind)
    klass_info = compiler.klass_info
    fields = klass_info["select_fields"]
    own = slice(fields[0], fields[-1] + 1)
    return _Shape(
        columns,
        "instances",
        model=klass_info["model"],
        init_list=tuple(column.target.attname for column, _, _ in compiler.select[own]),
        model_columns=(own.start, own.stop),
        # django-stubs describe a later Django's signature (with a fetch mode).
        populators=tuple(get_related_populators(klass_info, compiler.select, using)),  # type: ignore[call-arg]
        annotations=tuple((compiler.annotation_col_map or {}).items()),
    )


# The querysets whose rows are all in their SQL's columns, by the class that iterates them.
_KINDS: dict[type[Any], str] = {
    ModelIterable: "instances",
    ValuesIterable: "dicts",
    ValuesListIterable: "tuples",
    FlatValuesListIterable: "flat",
}


def _kind_of(queryset: Any) -> str:
    # Private attributes of QuerySet: what ``QuerySet._fetch_all`` itself reads.
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        return "unread"
    return _KINDS.get(queryset._iterable_class, "unread")


def _slot(param: object, adapted: Sequence[object]) -> int | None:
    if isinstance(param, str | datetime | int) and not isinstance(param, bool):
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
    found = _compiled(build, connections[using].vendor, using, args, len(moments))
    if found.empty:
        raise EmptyResultSet(f"{build.__name__} matches nothing: no subquery to compile")
    # The SQL is the ORM's own, compiled from ids and fixed choices; values stay params.
    return RawSQL(found.sql, _params(found, moments, using))  # noqa: S611


def _params(
    found: _Compiled, moments: Sequence[datetime], using: str, ids: Sequence[int | str] = ()
) -> tuple[object, ...]:
    """``found``'s parameters with this request's ids and moments in their stand-ins'
    places."""
    if not moments and not ids:
        return found.params
    adapt = connections[using].ops.adapt_datetimefield_value
    values = [*ids, *(adapt(moment) for moment in moments)]
    return tuple(
        param if slot is None else values[slot]
        for param, slot in zip(found.params, found.slots, strict=True)
    )


def compiled_rows(
    build: Callable[..., QuerySet[Any, Row]],
    *args: Hashable,
    ids: Sequence[int | str] = (),
    moments: Sequence[datetime] = (),
    using: str = "default",
) -> list[Row]:
    """``list(build(*args, *ids, *moments))``, from SQL compiled the first time these
    arguments are seen (``moments`` as in ``compiled_subquery``; ``ids`` likewise, whole
    numbers or text, for ``build`` to compare with key columns as they are): model
    instances with the rows their ``select_related`` follows, ``values()`` dicts or
    ``values_list`` tuples, as the queryset gives them.

    For the small lists of a page: the ORM's building and compiling of a query cost about
    a millisecond, four times what the database takes to answer it."""
    kinds = tuple(str if isinstance(pk, str) else int for pk in ids)
    found = _compiled(build, connections[using].vendor, using, args, len(moments), kinds)
    if found.shape.kind == "unread":
        # Its rows would need more than the SQL: a prefetch, objects already known.
        raise ValueError(f"{build.__name__}: its rows need more than its SQL (a prefetch)")
    if found.empty or not all(
        isinstance(pk, str) or _ID_RANGE[0] <= pk <= _ID_RANGE[1] for pk in ids
    ):
        # An id past 64 bits (a URL may hold any digits) is no row's: the ORM would have
        # found nothing, where the database refuses the parameter.
        return []
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(found.sql, _params(found, moments, using, ids))  # type: ignore[arg-type]
        fetched = cursor.fetchall()
    shape = found.shape
    rows = _converted(fetched, shape.columns, connection)
    if shape.kind == "tuples":
        return [tuple(row) for row in rows]  # type: ignore[misc]
    if shape.kind == "dicts":
        return [dict(zip(shape.names, row, strict=True)) for row in rows]  # type: ignore[misc]
    if shape.kind == "flat":
        return [row[0] for row in rows]
    assert shape.model is not None
    return [_instance(shape, row, using) for row in rows]


def _converted(fetched: list[Any], columns: tuple[Any, ...], connection: Any) -> list[list[Any]]:
    """The rows with each column through the backend's and its field's converters, as
    ``SQLCompiler.apply_converters`` does. Found for each read: a converter is bound to
    its thread's connection."""
    converters = []
    for position, column in enumerate(columns):
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((position, found, column))
    rows = [list(row[: len(columns)]) for row in fetched]
    for row in rows:
        for position, found, column in converters:
            value = row[position]
            for converter in found:
                value = converter(value, column, connection)
            row[position] = value
    return rows


def _instance(shape: _Shape, row: list[Any], using: str) -> Any:
    """One row as ``ModelIterable`` makes it: the model's own columns, then each
    ``select_related`` row, then the annotations."""
    assert shape.model is not None
    start, stop = shape.model_columns
    instance = shape.model.from_db(using, shape.init_list, row[start:stop])
    for populator in shape.populators:
        populator.populate(row, instance)
    for name, position in shape.annotations:
        setattr(instance, name, row[position])
    return instance
