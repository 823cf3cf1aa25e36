"""The one event path (core/events.py): every event is recorded by one function in its
change's transaction, and reactions run later from jobs queued in that same transaction,
once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core import events
from tandem.core.audit import Action
from tandem.core.models import AuditEntry, ReactionRun
from tandem.core.services import change_role
from tandem.notify.models import Notification
from tandem.work.models import Comment, ProjectEvent, Task, TaskEvent, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tandem.work.services_projects import propose_project
from tests.conftest import Personas, PracticeWorld
from tests.jobrunner import run_worker
from tests.reactions import react_now

pytestmark = pytest.mark.django_db


def reaction_jobs() -> list[list[object]]:
    rows = DBTaskResult.objects.filter(task_path=events.react.module_path).order_by("enqueued_at")
    return [row.args_kwargs["args"] for row in rows]


def new_request(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=timezone.now() + timedelta(days=3),
        assignee=world.assistant,
    )


@pytest.fixture
def heard():
    """A test-only reaction to every kind these tests make: what it was handed, in order."""
    kinds = ["task.created", "task.status_changed", "comment.posted", "project.proposed"]
    kinds += ["security.role_changed"]
    received: list[tuple[str, object]] = []

    @events.reaction("test.heard", kinds=kinds)
    def listen(row, kind):
        received.append((kind, row))

    yield received
    del events.REACTIONS["test.heard"]


def test_each_event_queues_one_job_per_reaction_that_hears_it(personas: Personas, heard):
    a = personas.a
    DBTaskResult.objects.all().delete()
    task = new_request(a)
    event = TaskEvent.objects.get(task=task)
    assert sorted(reaction_jobs()) == sorted(
        [
            ["notify.task_event", "work.taskevent", event.pk, "task.created"],
            # The client's "we have it" (issue 11, part 6).
            ["notify.acknowledge", "work.taskevent", event.pk, "task.created"],
            ["test.heard", "work.taskevent", event.pk, "task.created"],
        ]
    )
    assert heard == []  # nothing reacts inside the change's transaction


def test_every_kind_of_event_takes_the_same_path(personas: Personas, heard):
    a = personas.a
    task = new_request(a)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    comment = add_comment(task, actor=a.contact1, body_markdown="Thanks!")
    project = propose_project(a.client1, actor=a.contact1, title="Spring launch")
    change_role(a.assistant.membership, role="owner", actor=a.owner)
    react_now()
    kinds = [kind for kind, _ in heard]
    assert kinds == [
        "task.created",
        "task.status_changed",
        "comment.posted",
        "project.proposed",
        "security.role_changed",
    ]
    rows = [row for _, row in heard]
    assert isinstance(rows[2], Comment)
    assert rows[2].pk == comment.pk
    assert isinstance(rows[3], ProjectEvent)
    assert rows[3].project_id == project.pk
    assert isinstance(rows[4], AuditEntry)
    assert rows[4].action == Action.ROLE_CHANGED


def test_a_change_that_rolls_back_leaves_neither_event_nor_job(personas: Personas, heard):
    a = personas.a
    DBTaskResult.objects.all().delete()

    def change_that_fails_after_its_event() -> None:
        with transaction.atomic():
            new_request(a)
            raise RuntimeError("the rest of the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails_after_its_event()
    assert TaskEvent.objects.count() == 0
    assert reaction_jobs() == []


def test_a_reaction_run_twice_changes_nothing_the_second_time(personas: Personas):
    a = personas.a
    task = new_request(a)
    [args] = [job for job in reaction_jobs() if job[0] == "notify.task_event"]
    react_now()
    told = list(Notification.objects.filter(task=task).values_list("pk", flat=True))
    jobs_before = DBTaskResult.objects.count()
    assert told  # the assistant heard of the new request

    events.react.call(*args)  # a retry, or a job re-queued after its worker died
    assert list(Notification.objects.filter(task=task).values_list("pk", flat=True)) == told
    assert DBTaskResult.objects.count() == jobs_before  # no second mail job either
    assert ReactionRun.objects.filter(reaction="notify.task_event").count() == 1


def test_a_reaction_to_a_row_that_is_gone_does_nothing(personas: Personas):
    a = personas.a
    task = new_request(a)
    Task.objects.filter(pk=task.pk).delete()
    assert react_now() >= 1
    assert Notification.objects.count() == 0
    assert ReactionRun.objects.count() == 0


def test_a_reaction_that_fails_is_undone_and_tried_again(personas: Personas, heard):
    a = personas.a
    failures = ["once"]

    @events.reaction("test.flaky", kinds=["task.created"])
    def flaky(row, kind):
        Notification.objects.filter(task_id=row.task_id).delete()
        if failures:
            failures.pop()
            raise RuntimeError("the webhook's server is down")

    try:
        new_request(a)
        with pytest.raises(RuntimeError):
            react_now()
        # Its claim went with its transaction, so the retry (queued with backoff) runs it.
        assert not ReactionRun.objects.filter(reaction="test.flaky").exists()
        retry = DBTaskResult.objects.filter(
            task_path=events.react.module_path, args_kwargs__args__0="test.flaky"
        ).order_by("-enqueued_at")[0]
        assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
        events.react.call(*retry.args_kwargs["args"], **retry.args_kwargs["kwargs"])
        assert ReactionRun.objects.filter(reaction="test.flaky").count() == 1
    finally:
        del events.REACTIONS["test.flaky"]


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_the_reactions_after_the_change(personas: Personas):
    a = personas.a
    task = new_request(a)
    assert not Notification.objects.filter(task=task).exists()
    run_worker()
    assert list(Notification.objects.filter(task=task).values_list("recipient", flat=True)) == [
        a.assistant.pk
    ]
    assert ReactionRun.objects.filter(reaction="notify.task_event").count() == 1


def test_a_reaction_with_a_condition_is_queued_only_for_the_events_it_concerns(
    personas: Personas,
) -> None:
    from tandem.delegation.models import WorkKind
    from tandem.work.services import create_task

    a = personas.a
    DBTaskResult.objects.all().delete()
    plain = new_request(a)
    calendar = WorkKind.objects.get(practice=a.practice, name="Running the calendar")
    named = create_task(
        a.client1,
        actor=a.contact1,
        title="Run my calendar",
        expectations="Booked",
        deadline_at=plain.deadline_at,
        kind=calendar,
    )
    asked = [job for job in reaction_jobs() if job[0] == "trust.ask_for_go_ahead"]
    event = TaskEvent.objects.get(task=named)
    assert asked == [["trust.ask_for_go_ahead", "work.taskevent", event.pk, "task.created"]]
