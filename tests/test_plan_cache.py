"""The practice's plan is worked out once and reused while nothing it reads changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.planning import plan_cache
from tandem.planning.selectors_capacity import whole_practice_plan
from tandem.planning.services import add_time_off
from tandem.work.models import TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld

pytestmark = pytest.mark.django_db


def accepted(world: PracticeWorld, title: str, hours: str = "2"):
    task = create_task(
        world.client1,
        actor=world.assistant,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=10),
        assignee=world.assistant,
        estimate_hours=Decimal(hours),
    )
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    return task


def test_the_plan_is_reused_while_nothing_it_reads_changed(
    personas: Personas, django_assert_num_queries
) -> None:
    a = personas.a
    accepted(a, "First")
    now = timezone.now()
    first = whole_practice_plan(a.practice, now=now)
    # Again: one query (the version of its inputs), the same plan.
    with django_assert_num_queries(1):
        again = whole_practice_plan(a.practice, now=now + timedelta(minutes=1))
    assert again is first
    # A new request that is not accepted yet changes nothing the plan reads.
    create_task(
        a.client1,
        actor=a.contact1,
        title="Not accepted yet",
        expectations="Done",
        deadline_at=now + timedelta(days=3),
    )
    assert whole_practice_plan(a.practice, now=now + timedelta(minutes=2)) is first


@pytest.mark.parametrize("change", ["accept", "time off", "stale"])
def test_the_plan_is_worked_out_again_when_its_inputs_change_or_it_is_old(
    personas: Personas, change: str
) -> None:
    a = personas.a
    task = accepted(a, "First")
    now = timezone.now()
    first = whole_practice_plan(a.practice, now=now)
    at = now + timedelta(minutes=1)
    if change == "accept":
        second = accepted(a, "Second")
        plan = whole_practice_plan(a.practice, now=at)
        assert f"task:{second.pk}" in plan.placements
    elif change == "time off":
        add_time_off(a.assistant, actor=a.assistant, starts_at=now, ends_at=now + timedelta(days=2))
        plan = whole_practice_plan(a.practice, now=at)
        assert plan.placements[f"task:{task.pk}"].completes_at != (
            first.placements[f"task:{task.pk}"].completes_at
        )
    else:
        plan = whole_practice_plan(a.practice, now=now + plan_cache.FRESH + timedelta(seconds=1))
    assert plan is not first


def test_each_practice_has_its_own_plan(personas: Personas) -> None:
    accepted(personas.a, "Theirs")
    now = timezone.now()
    theirs = whole_practice_plan(personas.a.practice, now=now)
    ours = whole_practice_plan(personas.b.practice, now=now)
    assert ours is not theirs
    assert not any(key.startswith("task:") for key in map(str, ours.placements))


def test_what_is_worked_out_from_a_kept_plan_is_kept_with_it(personas: Personas) -> None:
    a = personas.a
    accepted(a, "First")
    now = timezone.now()
    plan = whole_practice_plan(a.practice, now=now)
    calls: list[int] = []

    def summary() -> int:
        calls.append(1)
        return len(calls)

    assert plan_cache.derived(plan, "summary", summary) == 1
    assert plan_cache.derived(plan, "summary", summary) == 1
    # A new plan (its inputs changed) works it out again.
    accepted(a, "Second")
    newer = whole_practice_plan(a.practice, now=now)
    assert plan_cache.derived(newer, "summary", summary) == 2
