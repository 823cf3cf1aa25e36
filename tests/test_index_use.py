"""Lists read their first rows from the indexes made for them (issue 11, pages near the floor).

SQLite uses a partial index only when the query's WHERE names the index's condition, and a
``status IN (?, ?, …)`` with bound values never does; ``in_constants`` writes the statuses
into the SQL. PostgreSQL sees bound values either way; its plans are checked with sorting
discouraged, so that the index serving the order is what it picks on a few rows as on many.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from tandem.work.models import OPEN_STATUSES, Task
from tandem.work.selectors_lists import RequestFilters, filtered_requests
from tests.conftest import Personas
from tests.day_pages import a_request

OPEN = sorted(OPEN_STATUSES)


def plan(sql: str, params: tuple[object, ...]) -> str:
    """The plan of a query: SQLite's as it chooses; PostgreSQL's with sorting and whole-table
    reads discouraged, as its planner would choose on a big table rather than on a few rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


# Sorting the rows instead of reading them in order: each database's words for it.
SORTS = ("TEMP B-TREE", "Sort ")


def test_in_constants_writes_the_statuses_into_the_query(personas: Personas) -> None:
    rows = Task.objects.filter(status__in_constants=OPEN)
    sql, params = rows.query.sql_with_params()
    assert "IN ('accepted', 'delivered', 'in_progress', 'needs_deadline'" in sql
    assert not set(OPEN) & {str(p) for p in params}


def test_in_constants_and_the_orm_agree_on_the_rows(personas: Personas) -> None:
    a_request(personas.a, title="Open one", deadline_at=timezone.now() + timedelta(days=4))
    written = set(Task.objects.filter(status__in_constants=OPEN).values_list("pk", flat=True))
    bound = set(Task.objects.filter(status__in=OPEN).values_list("pk", flat=True))
    assert written
    assert written == bound


@pytest.mark.parametrize("values", [["accepted", "x') OR 1=1 --"], ["Accepted"], [], [""]])
def test_in_constants_refuses_anything_but_names_of_choices(values: list[str]) -> None:
    with pytest.raises(ValueError, match="names of choices only"):
        str(Task.objects.filter(status__in_constants=values).query)


def test_the_request_lists_first_page_reads_the_index_of_open_work(personas: Personas) -> None:
    owner = personas.a.owner
    rows = filtered_requests(viewer=owner, filters=RequestFilters(), now=timezone.now())
    sql, params = rows.values("pk")[:25].query.sql_with_params()
    shown = plan(sql, params)
    assert "task_open_by_deadline" in shown
    assert not any(word in shown for word in SORTS), shown


def test_my_work_on_the_practice_board_is_read_in_deadline_order(personas: Personas) -> None:
    assistant = personas.a.assistant
    rows = (
        Task.objects.filter(assignee_id=assistant.pk, status="accepted")
        .order_by(F("deadline_at").asc(nulls_first=True), "id")
        .values("pk")[:101]
    )
    sql, params = rows.query.sql_with_params()
    shown = plan(sql, params)
    assert "task_assignee_by_deadline" in shown
    assert not any(word in shown for word in SORTS), shown


def test_a_clients_column_is_read_in_deadline_order_from_the_clients_index(
    personas: Personas,
) -> None:
    """A client's board, and each of an assistant's clients on the practice-wide board:
    the index holds the id and keeps tasks without a deadline first, as the columns sort."""
    rows = (
        Task.objects.filter(client_id=personas.a.client1.pk, status="requested")
        .order_by(F("deadline_at").asc(nulls_first=True), "id")
        .values("pk")[:101]
    )
    sql, params = rows.query.sql_with_params()
    shown = plan(sql, params)
    assert "task_client_by_deadline" in shown
    assert not any(word in shown for word in SORTS), shown
