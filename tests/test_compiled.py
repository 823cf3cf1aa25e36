"""Queries compiled once per member (core.compiled): the SQL is kept, never the rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, QuerySet, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client, compiled_for, compiled_rows_for, scoped_by_reach
from tandem.clients.services import unassign_assistant
from tandem.core import access, compiled
from tandem.core.access import Reach
from tandem.work.models import Task
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld


def due_before(
    practice_id: int, reach: Reach, user_id: int, moment: datetime
) -> QuerySet[Task, object]:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return tasks.filter(deadline_at__lt=moment).values("pk")


def due_on_a_day_before(
    practice_id: int, reach: Reach, user_id: int, moment: datetime
) -> QuerySet[Task, object]:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return tasks.filter(deadline_at__date__lt=moment).values("pk")


def titles_due_before(viewer: User, moment: datetime) -> list[str]:
    picked = compiled_for(viewer, due_before, moments=[moment])
    assert picked is not None
    return sorted(Task.objects.filter(pk__in=picked).values_list("title", flat=True))


def task_due_in(world: PracticeWorld, title: str, days: int, *, client: int = 1) -> Task:
    return create_task(
        world.client1 if client == 1 else world.client2,
        actor=world.contact1 if client == 1 else world.contact2,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=days),
    )


def test_each_request_puts_its_own_instant_into_the_sql_compiled_once(
    personas: Personas,
) -> None:
    world = personas.a
    task_due_in(world, "Soon", 1)
    task_due_in(world, "Later", 5)
    now = timezone.now()
    assert titles_due_before(world.assistant, now + timedelta(days=2)) == ["Soon"]
    compiled_before = compiled._compiled.cache_info().misses
    assert titles_due_before(world.assistant, now + timedelta(days=6)) == ["Later", "Soon"]
    assert titles_due_before(world.assistant, now) == []
    # The same member and arguments: no new compilation, only new instants.
    assert compiled._compiled.cache_info().misses == compiled_before


def test_the_rows_are_read_afresh_so_an_ended_assignment_is_out_at_once(
    personas: Personas,
) -> None:
    world = personas.a
    task_due_in(world, "Soon", 1)
    later = timezone.now() + timedelta(days=2)
    assert titles_due_before(world.assistant, later) == ["Soon"]
    unassign_assistant(world.client1, assistant=world.assistant, actor=world.owner)
    assert titles_due_before(world.assistant, later) == []


def test_a_member_of_another_practice_never_gets_anothers_sql(personas: Personas) -> None:
    task_due_in(personas.a, "Ours", 1)
    later = timezone.now() + timedelta(days=2)
    assert titles_due_before(personas.a.assistant, later) == ["Ours"]
    assert titles_due_before(personas.b.assistant, later) == []
    assert titles_due_before(personas.b.owner, later) == []


def test_a_moment_compared_through_a_function_is_refused(personas: Personas) -> None:
    # Its stand-in would stay in the SQL and the query would silently find nothing.
    with pytest.raises(ValueError, match="does not compare every moment or id as it is"):
        compiled_for(personas.a.owner, due_on_a_day_before, moments=[timezone.now()])


@pytest.mark.parametrize("kind", ["assistant", "contact1", "contact2", "owner", "unassigned"])
def test_checking_each_rows_client_scopes_exactly_as_the_join_does(
    personas: Personas, kind: str
) -> None:
    """``row_by_row`` (a correlated check per row, for one assignee's work) and the joined
    ``IN`` give the same rows, for every reach, across two practices."""
    for world in (personas.a, personas.b):
        task_due_in(world, "Client 1's", 1)
        task_due_in(world, "Client 2's", 1, client=2)
    viewer: User = getattr(personas.a, kind)
    reach = access.reach_of(viewer)
    assert reach is not None
    practice_id = viewer.membership.practice_id

    def scoped(row_by_row: bool) -> set[str]:
        rows = scoped_by_reach(
            Task.objects.all(), practice_id, reach, viewer.pk, row_by_row=row_by_row
        )
        return set(rows.values_list("title", flat=True))

    assert scoped(row_by_row=True) == scoped(row_by_row=False)
    assert scoped(row_by_row=True) == set(
        Task.objects.visible_to(viewer).values_list("title", flat=True)
    )


# Rows read through SQL compiled once (compiled_rows): what the queryset itself gives.


def tasks_with_their_people(
    practice_id: int, reach: Reach, user_id: int, moment: datetime
) -> QuerySet[Task, Task]:
    """Instances with two followed relations, deferred columns, an annotation and an
    instant: every step of turning a row into a model the ORM takes."""
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return (
        tasks.filter(deadline_at__lt=moment)
        .select_related("client", "created_by")
        .only("title", "deadline_at", "client__name", "client__time_zone", "created_by__email")
        .annotate(steps=Count("checklist_items"))
        .order_by("deadline_at", "pk")
    )


def titles_and_clients(
    practice_id: int, reach: Reach, user_id: int
) -> QuerySet[Task, tuple[Any, ...]]:
    """Tuples of a compound query, an instant and a constant among them."""
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    titles = tasks.values_list("deadline_at", "title", Value(False))
    names = Client.objects.filter(practice_id=practice_id).values_list(
        "created_at", "name", Value(True)
    )
    return titles.union(names, all=True).order_by("title")


def titles_only(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Task, str]:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return tasks.order_by("title").values_list("title", flat=True)


def nothing(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Task, Task]:
    return Task.objects.none()


def as_dicts(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Task, Any]:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return (
        tasks.annotate(steps=Count("checklist_items"))
        .values("title", "deadline_at", "client__name", "steps")
        .order_by("title")
    )


def with_prefetch(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Task, Task]:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return tasks.prefetch_related("checklist_items")


def of(viewer: User, build: Any, *args: Any) -> Any:
    """``build`` for ``viewer``, as the ORM itself would run it."""
    reach = access.reach_of(viewer)
    assert reach is not None
    return build(viewer.membership.practice_id, reach, viewer.pk, *args)


def test_compiled_instances_are_the_orms_own_with_their_relations(personas: Personas) -> None:
    world = personas.a
    task_due_in(world, "Soon", 1)
    task_due_in(world, "Later", 5, client=2)
    later = timezone.now() + timedelta(days=9)
    expected = list(of(world.owner, tasks_with_their_people, later))
    found = compiled_for_rows(world.owner, later)
    assert [task.pk for task in found] == [task.pk for task in expected] != []
    for mine, theirs in zip(found, expected, strict=True):
        assert mine.title == theirs.title
        # An instant comes back as one (SQLite returns text), in UTC as the ORM gives it.
        assert mine.deadline_at == theirs.deadline_at
        assert isinstance(mine.deadline_at, datetime)
        assert mine.steps == theirs.steps == 0
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()
        assert not mine._state.adding
    with CaptureQueriesContext(connection) as reads:
        # The followed rows came with the task: reading them runs no query.
        assert [task.client.name for task in found] == ["Client A1", "Client A2"]
        assert {task.created_by.email for task in found} == {
            world.contact1.email,
            world.contact2.email,
        }
    assert len(reads) == 0


def compiled_for_rows(viewer: User, moment: datetime) -> list[Task]:
    return compiled_rows_for(viewer, tasks_with_their_people, moments=[moment])


def test_compiled_dicts_tuples_and_flat_values_are_the_orms_own(personas: Personas) -> None:
    world = personas.a
    task_due_in(world, "Soon", 1)
    for viewer in (world.owner, world.assistant, world.contact2):
        assert compiled_rows_for(viewer, titles_and_clients) == list(of(viewer, titles_and_clients))
        assert compiled_rows_for(viewer, titles_only) == list(of(viewer, titles_only))
        assert compiled_rows_for(viewer, as_dicts) == list(of(viewer, as_dicts))
    rows = compiled_rows_for(world.owner, titles_and_clients)
    assert {type(at) for at, _, _ in rows} == {datetime}
    assert {is_client for _, _, is_client in rows} == {False, True}


def test_compiled_rows_are_read_afresh_on_each_call(personas: Personas) -> None:
    world = personas.a
    task_due_in(world, "Soon", 2)
    later = timezone.now() + timedelta(days=9)
    assert [task.title for task in compiled_for_rows(world.assistant, later)] == ["Soon"]
    misses = compiled._compiled.cache_info().misses
    task_due_in(world, "Sooner", 1)
    found = compiled_for_rows(world.assistant, later)
    assert [task.title for task in found] == ["Sooner", "Soon"]
    assert compiled._compiled.cache_info().misses == misses
    unassign_assistant(world.client1, assistant=world.assistant, actor=world.owner)
    assert compiled_for_rows(world.assistant, later) == []


def test_a_query_that_matches_nothing_runs_no_sql(personas: Personas) -> None:
    with CaptureQueriesContext(connection) as reads:
        assert compiled_rows_for(personas.a.owner, nothing) == []
    assert len(reads) == 0


def test_rows_that_need_more_than_their_sql_are_refused(personas: Personas) -> None:
    # A prefetch is a second query, run on the rows: the SQL alone does not give it.
    with pytest.raises(ValueError, match="its rows need more than its SQL"):
        compiled_rows_for(personas.a.owner, with_prefetch)


def test_a_member_who_sees_no_client_gets_no_rows(personas: Personas) -> None:
    task_due_in(personas.a, "Soon", 1)
    personas.a.client1.archived_at = timezone.now()
    personas.a.client1.save(update_fields=["archived_at"])
    assert compiled_rows_for(personas.a.contact1, titles_only) == []


def task_by_id(practice_id: int, reach: Reach, user_id: int, task_id: int) -> QuerySet[Task, Task]:
    return scoped_by_reach(Task.objects.all(), practice_id, reach, user_id).filter(pk=task_id)


def test_one_compiled_query_serves_every_id_and_keeps_to_the_members_scope(
    personas: Personas,
) -> None:
    world = personas.a
    first = task_due_in(world, "First", 1)
    second = task_due_in(world, "Second", 1)
    others = task_due_in(world, "Client 2's", 1, client=2)
    theirs = task_due_in(personas.b, "Another practice's", 1)
    found = compiled_rows_for(world.assistant, task_by_id, ids=[first.pk])
    assert [task.title for task in found] == ["First"]
    misses = compiled._compiled.cache_info().misses
    found = compiled_rows_for(world.assistant, task_by_id, ids=[second.pk])
    assert [task.title for task in found] == ["Second"]
    assert compiled._compiled.cache_info().misses == misses
    # Not one of the member's clients', nor of their practice: nothing, as with the ORM.
    assert compiled_rows_for(world.assistant, task_by_id, ids=[others.pk]) == []
    assert compiled_rows_for(world.owner, task_by_id, ids=[theirs.pk]) == []


def test_an_id_past_64_bits_matches_nothing_without_asking_the_database(
    personas: Personas,
) -> None:
    with CaptureQueriesContext(connection) as reads:
        assert compiled_rows_for(personas.a.owner, task_by_id, ids=[2**63]) == []
    assert len(reads) == 0
