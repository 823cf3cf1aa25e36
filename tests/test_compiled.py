"""Subqueries compiled once per member (core.compiled): the SQL is kept, never the rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import compiled_for, scoped_by_reach
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
    with pytest.raises(ValueError, match="does not compare every moment as it is"):
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
