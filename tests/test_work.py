"""Tasks and projects: the status machine, who may make each move, scoping, and validation.

Every task is made and moved through the services production uses; a task "in" a status
got there by the same moves a person would make.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.clients.services import archive_client
from tandem.core.errors import DomainError
from tandem.work.deliveries import deliver_task
from tandem.work.models import (
    Comment,
    Project,
    Task,
    TaskEvent,
    TaskStatus,
    Watcher,
)
from tandem.work.selectors_task import task_page
from tandem.work.services import (
    add_comment,
    add_watcher,
    assign_task,
    create_task,
    move_task,
)
from tandem.work.services_projects import create_project, propose_project
from tandem.work.workflow import allowed_moves
from tests.conftest import Personas, PracticeWorld

S = TaskStatus


def soon(days: int = 3) -> datetime:
    return timezone.now() + timedelta(days=days)


def new_task(world: PracticeWorld, *, actor: Any = None, client: Any = None, **fields) -> Task:
    """A request for client 1, written by its contact unless told otherwise."""
    defaults: dict[str, Any] = {
        "title": "Book the venue",
        "expectations": "A signed booking for 40 people",
        "deadline_at": soon(),
    }
    return create_task(
        client or world.client1,
        actor=actor or world.contact1,
        **(defaults | fields),
    )


# What each move needs, so that a path can be walked with the required details.
DETAILS: dict[S, dict[str, Any]] = {
    S.DECLINED: {"note": "We do not book venues."},
    S.CANCELLED: {"note": "No longer needed."},
    S.WAITING_ON_CLIENT: {"waiting_for": "The guest list"},
}

# How a task reaches each status: (to, who moves it) from "requested".
PATHS: dict[S, list[tuple[S, str]]] = {
    S.REQUESTED: [],
    S.ACCEPTED: [(S.ACCEPTED, "assistant")],
    S.DECLINED: [(S.DECLINED, "assistant")],
    S.IN_PROGRESS: [(S.ACCEPTED, "assistant"), (S.IN_PROGRESS, "assistant")],
    S.WAITING_ON_CLIENT: [
        (S.ACCEPTED, "assistant"),
        (S.IN_PROGRESS, "assistant"),
        (S.WAITING_ON_CLIENT, "assistant"),
    ],
    S.DELIVERED: [
        (S.ACCEPTED, "assistant"),
        (S.IN_PROGRESS, "assistant"),
        (S.DELIVERED, "assistant"),
    ],
    S.DONE: [
        (S.ACCEPTED, "assistant"),
        (S.IN_PROGRESS, "assistant"),
        (S.DELIVERED, "assistant"),
        (S.DONE, "contact1"),
    ],
    S.CANCELLED: [(S.CANCELLED, "contact1")],
}


def details_for(to: S, *, sending_back: bool = False) -> dict[str, Any]:
    if to == S.WAITING_ON_CLIENT:
        return DETAILS[to] | {"waiting_until": soon(2)}
    if sending_back:
        return {"note": "The date is wrong."}
    return DETAILS.get(to, {})


def make_move(task: Task, *, to: str, actor: Any, **details: Any) -> None:
    """``move_task``, or for "Delivered for review" its one door, ``deliver_task`` (the
    note given, or a message of its own, is the delivery's message)."""
    if to == S.DELIVERED:
        deliver_task(task, actor=actor, message=details.get("note") or "The work, for review.")
    else:
        move_task(task, to=to, actor=actor, **details)


def task_in(world: PracticeWorld, status: S) -> Task:
    if status == S.NEEDS_DEADLINE:
        return new_task(world, deadline_at=None, allow_missing_deadline=True)
    task = new_task(world)
    for to, who in PATHS[status]:
        make_move(task, to=to, actor=world.persona(who), **details_for(to))
    return task


def refused(action: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


# Allowed moves --------------------------------------------------------------------------------

ALLOWED = [
    (S.NEEDS_DEADLINE, S.REQUESTED, "contact1", {"deadline_at": "soon"}),
    (S.NEEDS_DEADLINE, S.REQUESTED, "assistant", {"deadline_at": "soon"}),
    (S.REQUESTED, S.ACCEPTED, "assistant", {}),
    (S.REQUESTED, S.ACCEPTED, "owner", {}),
    (S.REQUESTED, S.DECLINED, "assistant", {"note": "Out of scope."}),
    (S.ACCEPTED, S.IN_PROGRESS, "assistant", {}),
    (S.IN_PROGRESS, S.WAITING_ON_CLIENT, "assistant", {"waiting_for": "The logo"}),
    (S.IN_PROGRESS, S.DELIVERED, "owner", {"note": "The booking is confirmed."}),
    (S.WAITING_ON_CLIENT, S.IN_PROGRESS, "contact1", {}),
    (S.WAITING_ON_CLIENT, S.IN_PROGRESS, "assistant", {}),
    (S.DELIVERED, S.DONE, "contact1", {}),
    (S.DELIVERED, S.DONE, "contact1", {"note": "Thank you, that is perfect!"}),
    (S.DELIVERED, S.IN_PROGRESS, "contact1", {"note": "The date is wrong."}),
    *[
        (status, S.CANCELLED, who, {"note": "No longer needed."})
        for status in (
            S.NEEDS_DEADLINE,
            S.REQUESTED,
            S.ACCEPTED,
            S.IN_PROGRESS,
            S.WAITING_ON_CLIENT,
            S.DELIVERED,
        )
        for who in ("contact1", "assistant")
    ],
]


def resolve(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Instants are made when the test runs, not when the module is imported."""
    resolved = {key: soon() if value == "soon" else value for key, value in kwargs.items()}
    if "waiting_for" in resolved:
        resolved["waiting_until"] = soon(2)
    return resolved


@pytest.mark.parametrize(("start", "to", "who", "kwargs"), ALLOWED)
def test_allowed_move_changes_status_and_is_on_the_timeline(
    personas: Personas, start: S, to: S, who: str, kwargs: dict[str, Any]
) -> None:
    a = personas.a
    task = task_in(a, start)
    actor = a.persona(who)
    make_move(task, to=to, actor=actor, **resolve(kwargs))
    task.refresh_from_db()
    assert task.status == to
    event = TaskEvent.objects.filter(task=task, kind="status_changed").latest("id")
    assert (event.kind, event.from_status, event.to_status) == ("status_changed", start, to)
    assert event.actor == actor
    assert event.note == kwargs.get("note", kwargs.get("waiting_for", ""))


def test_waiting_records_what_and_by_when_and_resuming_clears_it(personas: Personas) -> None:
    a = personas.a
    task = task_in(a, S.IN_PROGRESS)
    until = datetime.now(ZoneInfo("Europe/London")) + timedelta(days=2)
    move_task(
        task, to=S.WAITING_ON_CLIENT, actor=a.assistant, waiting_for="Logo", waiting_until=until
    )
    task.refresh_from_db()
    assert (task.waiting_for, task.waiting_until) == ("Logo", until)
    move_task(task, to=S.IN_PROGRESS, actor=a.contact1)
    task.refresh_from_db()
    assert (task.waiting_for, task.waiting_until) == ("", None)


def test_setting_a_deadline_makes_an_emailed_task_a_request(personas: Personas) -> None:
    a = personas.a
    task = task_in(a, S.NEEDS_DEADLINE)
    assert task.deadline_at is None
    deadline = soon(5)
    move_task(task, to=S.REQUESTED, actor=a.contact1, deadline_at=deadline)
    task.refresh_from_db()
    assert task.deadline_at == deadline


# Refused moves --------------------------------------------------------------------------------

NOT_YOURS = "This task is not one of yours; open it from your own task list."
PAST = "has already passed; pick a time in the future."


def practice_only(what: str) -> str:
    return f"Only the practice can {what}; ask your assistant."


REFUSED = [
    (S.REQUESTED, S.ACCEPTED, "contact1", {}, practice_only("accept a request")),
    (S.REQUESTED, S.DECLINED, "contact1", {"note": "No"}, practice_only("decline a request")),
    (S.ACCEPTED, S.IN_PROGRESS, "contact1", {}, practice_only("start work on a request")),
    (
        S.IN_PROGRESS,
        S.WAITING_ON_CLIENT,
        "contact1",
        {"waiting_for": "x"},
        practice_only("mark a task as waiting on the client"),
    ),
    (S.IN_PROGRESS, S.DELIVERED, "contact1", {}, practice_only("deliver work for review")),
    (S.DELIVERED, S.DONE, "assistant", {}, "Only the client can accept delivered work."),
    (S.DELIVERED, S.DONE, "owner", {}, "Only the client can accept delivered work."),
    (
        S.DELIVERED,
        S.IN_PROGRESS,
        "owner",
        {"note": "x"},
        "Only the client can send delivered work back.",
    ),
    (S.REQUESTED, S.DONE, "contact1", {}, "A task in “Requested” cannot be moved to “Done”."),
    (
        S.REQUESTED,
        S.IN_PROGRESS,
        "assistant",
        {},
        "A task in “Requested” cannot be moved to “In progress”.",
    ),
    (
        S.ACCEPTED,
        S.DELIVERED,
        "assistant",
        {},
        "A task in “Accepted” cannot be moved to “Delivered for review”.",
    ),
    (S.REQUESTED, "archived", "owner", {}, "A task in “Requested” cannot be moved to “archived”."),
    (
        S.NEEDS_DEADLINE,
        S.ACCEPTED,
        "assistant",
        {},
        "A task in “Needs a deadline” cannot be moved to “Accepted”.",
    ),
    (
        S.DONE,
        S.IN_PROGRESS,
        "contact1",
        {"note": "x"},
        "This task is done; it can no longer change.",
    ),
    (S.CANCELLED, S.REQUESTED, "owner", {}, "This task is cancelled; it can no longer change."),
    (S.DECLINED, S.ACCEPTED, "assistant", {}, "This task is declined; it can no longer change."),
    (S.DONE, S.CANCELLED, "owner", {"note": "x"}, "This task is done; it can no longer change."),
    (
        S.REQUESTED,
        S.DECLINED,
        "assistant",
        {"note": "  "},
        "Say why you are declining this request.",
    ),
    (S.ACCEPTED, S.CANCELLED, "contact1", {}, "Say why this task is being cancelled."),
    (
        S.DELIVERED,
        S.IN_PROGRESS,
        "contact1",
        {},
        "Say what still needs doing before sending the work back.",
    ),
    (
        S.IN_PROGRESS,
        S.WAITING_ON_CLIENT,
        "assistant",
        {"waiting_until": "soon"},
        "Say what you are waiting for from the client.",
    ),
    (
        S.IN_PROGRESS,
        S.WAITING_ON_CLIENT,
        "assistant",
        {"waiting_for": "Logo", "waiting_until": None},
        "Say by when you need it from the client.",
    ),
    (
        S.IN_PROGRESS,
        S.WAITING_ON_CLIENT,
        "assistant",
        {"waiting_for": "Logo", "waiting_until": "past"},
        f"That date {PAST}",
    ),
    (S.NEEDS_DEADLINE, S.REQUESTED, "contact1", {}, "Give the request a deadline."),
    (S.NEEDS_DEADLINE, S.REQUESTED, "contact1", {"deadline_at": "past"}, f"That deadline {PAST}"),
    (S.REQUESTED, S.ACCEPTED, "unassigned", {}, NOT_YOURS),
    (S.REQUESTED, S.CANCELLED, "contact2", {"note": "x"}, NOT_YOURS),
]


def resolve_refused(kwargs: dict[str, Any]) -> dict[str, Any]:
    instants = {"soon": soon(), "past": timezone.now() - timedelta(minutes=1)}
    return {key: instants.get(value, value) for key, value in kwargs.items()}  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "to", "who", "kwargs", "message"), REFUSED)
def test_refused_move_says_why_and_changes_nothing(
    personas: Personas, start: S, to: str, who: str, kwargs: dict[str, Any], message: str
) -> None:
    a = personas.a
    task = task_in(a, start)
    events_before = TaskEvent.objects.filter(task=task).count()
    error = refused(lambda: make_move(task, to=to, actor=a.persona(who), **resolve_refused(kwargs)))
    assert error.message == message
    task.refresh_from_db()
    assert task.status == start
    assert TaskEvent.objects.filter(task=task).count() == events_before


def test_another_practice_cannot_move_a_task(personas: Personas) -> None:
    task = task_in(personas.a, S.REQUESTED)
    error = refused(lambda: move_task(task, to=S.ACCEPTED, actor=personas.b.owner))
    assert error.message == NOT_YOURS


def test_assistant_cannot_move_tasks_of_an_archived_client(personas: Personas) -> None:
    a = personas.a
    task = task_in(a, S.REQUESTED)
    archive_client(a.client1, actor=a.owner)
    refused(lambda: move_task(task, to=S.ACCEPTED, actor=a.assistant))
    # The owner still sees archived clients' work and may close it.
    move_task(task, to=S.CANCELLED, actor=a.owner, note="Client left.")


def test_second_of_two_moves_from_the_same_status_is_refused(personas: Personas) -> None:
    a = personas.a
    task = task_in(a, S.REQUESTED)
    # Two people opened the same request; both saw "requested".
    seen_by_owner = Task.objects.get(pk=task.pk)
    move_task(task, to=S.ACCEPTED, actor=a.assistant)
    error = refused(lambda: move_task(seen_by_owner, to=S.DECLINED, actor=a.owner, note="Too big."))
    assert error.message == (
        "Someone else has just moved this task to “Accepted”; reload it and choose again."
    )
    task.refresh_from_db()
    assert task.status == S.ACCEPTED
    changes = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.STATUS_CHANGED)
    assert list(changes.values_list("to_status", flat=True)) == [S.ACCEPTED]


# What is offered ------------------------------------------------------------------------------


def labels(task: Task, user: Any) -> list[str]:
    return [move.label for move in allowed_moves(task, user)]


def test_moves_offered_to_each_side(personas: Personas) -> None:
    a = personas.a
    requested = task_in(a, S.REQUESTED)
    assert labels(requested, a.assistant) == ["Accept", "Decline", "Cancel the request"]
    assert labels(requested, a.contact1) == ["Cancel the request"]
    delivered = task_in(a, S.DELIVERED)
    assert labels(delivered, a.contact1) == ["Accept the work", "Send back", "Cancel the request"]
    assert labels(delivered, a.owner) == ["Cancel the request"]
    assert labels(task_in(a, S.DONE), a.contact1) == []


def test_no_moves_offered_to_people_who_cannot_see_the_task(personas: Personas) -> None:
    task = task_in(personas.a, S.REQUESTED)
    for user in (personas.a.unassigned, personas.a.contact2, personas.b.owner):
        assert allowed_moves(task, user) == []


@pytest.mark.parametrize("start", [s for s in S if s not in (S.DONE, S.DECLINED, S.CANCELLED)])
def test_every_offered_move_is_accepted(personas: Personas, start: S) -> None:
    a = personas.a
    for who in ("owner", "assistant", "contact1"):
        for move in allowed_moves(task_in(a, start), a.persona(who)):
            task = task_in(a, start)
            extra = details_for(move.to, sending_back=start == S.DELIVERED)
            if move.needs == "deadline":
                extra = {"deadline_at": soon()}
            make_move(task, to=move.to, actor=a.persona(who), **extra)
            assert task.status == move.to


# Scoping --------------------------------------------------------------------------------------


def visible_titles(user: Any) -> set[str]:
    return set(Task.objects.visible_to(user).values_list("title", flat=True))


@pytest.fixture
def tasks_everywhere(personas: Personas) -> Personas:
    for letter, world in (("A", personas.a), ("B", personas.b)):
        new_task(world, title=f"{letter}1 task")
        new_task(world, title=f"{letter}2 task", client=world.client2, actor=world.contact2)
    return personas


def test_contact_sees_only_their_own_clients_tasks(tasks_everywhere: Personas) -> None:
    assert visible_titles(tasks_everywhere.a.contact1) == {"A1 task"}
    assert visible_titles(tasks_everywhere.a.contact2) == {"A2 task"}


def test_assistant_sees_only_assigned_clients_tasks(tasks_everywhere: Personas) -> None:
    assert visible_titles(tasks_everywhere.a.assistant) == {"A1 task"}
    assert visible_titles(tasks_everywhere.a.unassigned) == set()


def test_owner_sees_their_practice_only(tasks_everywhere: Personas) -> None:
    assert visible_titles(tasks_everywhere.a.owner) == {"A1 task", "A2 task"}
    assert visible_titles(tasks_everywhere.b.owner) == {"B1 task", "B2 task"}


def test_archived_clients_tasks_are_hidden_from_everyone_but_the_owner(
    tasks_everywhere: Personas,
) -> None:
    a = tasks_everywhere.a
    archive_client(a.client1, actor=a.owner)
    assert visible_titles(a.contact1) == set()
    assert visible_titles(a.assistant) == set()
    assert visible_titles(a.owner) == {"A1 task", "A2 task"}


def test_comments_events_watchers_and_projects_follow_the_tasks_scope(
    personas: Personas,
) -> None:
    a = personas.a
    task = new_task(a)
    add_comment(task, actor=a.assistant, body_markdown="On it.")
    create_project(a.client1, actor=a.assistant, title="Launch")
    for model in (Comment, TaskEvent, Watcher, Project):
        manager: Any = model.objects
        assert manager.visible_to(a.contact1).count() == 1, model
        assert manager.visible_to(a.assistant).count() == 1, model
        for outsider in (a.contact2, a.unassigned, personas.b.owner):
            assert not manager.visible_to(outsider).exists(), (model, outsider)


def test_contact_cannot_add_a_task_for_another_client(personas: Personas) -> None:
    a = personas.a
    error = refused(lambda: new_task(a, client=a.client2, actor=a.contact1))
    assert (error.message, error.field) == ("Pick one of your own clients.", "client")


def test_unassigned_assistant_cannot_add_a_task(personas: Personas) -> None:
    error = refused(lambda: new_task(personas.a, actor=personas.a.unassigned))
    assert error.message == "Pick one of your own clients."


# Creating tasks -------------------------------------------------------------------------------


def test_contact_adds_a_request_with_everything(personas: Personas) -> None:
    a = personas.a
    project = create_project(a.client1, actor=a.owner, title="Launch")
    deadline = datetime.now(ZoneInfo("America/New_York")) + timedelta(days=2)
    task = new_task(
        a,
        deadline_at=deadline,
        project=project,
        assignee=a.assistant,
        estimate_hours=Decimal("1.5"),
        priority="high",
        request_markdown="  Near the station.  ",
    )
    assert task.status == S.REQUESTED
    assert task.deadline_at == deadline
    assert task.deadline_at is not None
    assert task.deadline_at.tzinfo == UTC
    assert task.request_markdown == "Near the station."
    assert set(task.watchers.values_list("user__email", flat=True)) == {
        a.contact1.email,
        a.assistant.email,
    }
    event = task.events.get()
    assert (event.kind, event.to_status, event.actor) == ("created", S.REQUESTED, a.contact1)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the request a short title."),
        ({"title": "x" * 201}, "title", "Keep it under 200 characters."),
        (
            {"expectations": ""},
            "expectations",
            "Say what done looks like, so everyone knows when the request is finished.",
        ),
        (
            {"deadline_at": None},
            "deadline_at",
            "Give the request a deadline, such as “Friday 5pm”.",
        ),
        ({"priority": "urgent"}, "priority", "Pick a priority: low, normal or high."),
        (
            {"estimate_hours": Decimal("-1")},
            "estimate_hours",
            "Give the estimate in hours, between 0 and 9,999.",
        ),
    ],
)
def test_bad_task_fields_are_refused(
    personas: Personas, fields: dict[str, Any], field: str, message: str
) -> None:
    error = refused(lambda: new_task(personas.a, **fields))
    assert (error.field, error.message) == (field, message)
    assert not Task.objects.exists()


def test_past_deadline_is_refused(personas: Personas) -> None:
    past = timezone.now() - timedelta(minutes=5)
    error = refused(lambda: new_task(personas.a, deadline_at=past))
    assert (error.field, error.message) == (
        "deadline_at",
        f"That deadline {PAST}",
    )


@pytest.mark.parametrize("who", ["unassigned", "contact1", "owner"])
def test_assignee_must_be_assigned_to_the_client(personas: Personas, who: str) -> None:
    a = personas.a
    person = a.persona(who)
    error = refused(lambda: new_task(a, assignee=person))
    assert (error.field, error.message) == (
        "assignee",
        f"{person.display_name} does not work on Client A1; "
        "pick an assistant assigned to this client.",
    )


def test_project_must_belong_to_the_client(personas: Personas) -> None:
    a = personas.a
    other = create_project(a.client2, actor=a.owner, title="Other launch")
    error = refused(lambda: new_task(a, project=other))
    assert (error.field, error.message) == ("project", "Pick one of Client A1's projects.")


def test_emailed_request_without_a_deadline_needs_one(personas: Personas) -> None:
    task = new_task(personas.a, deadline_at=None, allow_missing_deadline=True)
    assert (task.status, task.deadline_at) == (S.NEEDS_DEADLINE, None)


def test_database_refuses_a_request_without_a_deadline(personas: Personas) -> None:
    task = new_task(personas.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(deadline_at=None)


# Assigning, comments, watchers ----------------------------------------------------------------


def test_practice_assigns_a_task_and_it_is_on_the_timeline(personas: Personas) -> None:
    a = personas.a
    task = new_task(a)
    assign_task(task, actor=a.owner, assignee=a.assistant)
    task.refresh_from_db()
    assert task.assignee == a.assistant
    assert task.events.latest("id").kind == TaskEvent.Kind.ASSIGNED
    assert task.watchers.filter(user=a.assistant).exists()


def test_assigning_is_refused_to_contacts_and_for_unassigned_assistants(
    personas: Personas,
) -> None:
    a = personas.a
    task = new_task(a)
    error = refused(lambda: assign_task(task, actor=a.contact1, assignee=a.assistant))
    assert error.message == "Only the practice can choose who works on a task."
    error = refused(lambda: assign_task(task, actor=a.owner, assignee=a.unassigned))
    assert error.field == "assignee"


def test_comment_needs_text_and_a_visible_task(personas: Personas) -> None:
    a = personas.a
    task = new_task(a)
    error = refused(lambda: add_comment(task, actor=a.contact1, body_markdown=" "))
    assert (error.field, error.message) == (
        "body_markdown",
        "Write something before posting the comment.",
    )
    error = refused(lambda: add_comment(task, actor=a.contact2, body_markdown="Hi"))
    assert error.message == NOT_YOURS
    assert not Comment.objects.exists()


def test_watching_twice_is_watching_once(personas: Personas) -> None:
    a = personas.a
    task = new_task(a)
    first = add_watcher(task, actor=a.owner, user=a.assistant)
    assert add_watcher(task, actor=a.owner, user=a.assistant) == first
    assert task.watchers.filter(user=a.assistant).count() == 1


def test_nobody_watches_a_task_they_cannot_see(personas: Personas) -> None:
    a = personas.a
    task = new_task(a)
    error = refused(lambda: add_watcher(task, actor=a.owner, user=a.contact2))
    assert (error.field, error.message) == (
        "user",
        "contact2 cannot see this task, so they cannot watch it.",
    )


# Projects -------------------------------------------------------------------------------------


def test_practice_creates_projects_and_contacts_propose_them(personas: Personas) -> None:
    a = personas.a
    project = create_project(a.client1, actor=a.assistant, title=" Launch ", goal="Open shop")
    assert (project.title, project.is_proposal, project.status) == ("Launch", False, "active")
    proposal = propose_project(a.client1, actor=a.contact1, title="Rebrand")
    assert (proposal.is_proposal, proposal.proposed_by) == (True, a.contact1)


def test_project_rules(personas: Personas) -> None:
    a = personas.a
    error = refused(lambda: create_project(a.client1, actor=a.contact1, title="Launch"))
    assert error.message == "Only the practice can start a project; propose one instead."
    error = refused(lambda: propose_project(a.client1, actor=a.owner, title="Launch"))
    assert error.message == "Only the client's contacts propose projects; create it instead."
    error = refused(lambda: create_project(a.client2, actor=a.assistant, title="Launch"))
    assert error.message == "Pick one of your own clients."
    error = refused(lambda: create_project(a.client1, actor=a.owner, title=""))
    assert (error.field, error.message) == ("title", "Give the project a title.")
    yesterday = date.today() - timedelta(days=2)
    error = refused(
        lambda: create_project(a.client1, actor=a.owner, title="Late", target_on=yesterday)
    )
    assert error.field == "target_on"


# Timeline -------------------------------------------------------------------------------------


def test_timeline_merges_changes_and_comments_in_order(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    a = personas.a
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # Assigned from the start: accepting adds no "assigned" line to this timeline.
        task = new_task(a, assignee=a.assistant)
        clock.shift(timedelta(minutes=1))
        add_comment(task, actor=a.contact1, body_markdown="Any news?")
        clock.shift(timedelta(minutes=1))
        # A change and a comment at the same instant: the change reads first.
        add_comment(task, actor=a.assistant, body_markdown="Accepted, starting Monday.")
        move_task(task, to=S.ACCEPTED, actor=a.assistant)
        clock.shift(timedelta(minutes=1))
        move_task(task, to=S.IN_PROGRESS, actor=a.assistant)
    # The owner's standing needs no query. 1: the task's files, 2: its events with their
    # actors (and deliveries), 3: its comments with their authors.
    task = Task.objects.select_related("client__practice", "assignee").get(pk=task.pk)
    with django_assert_num_queries(3):
        page = task_page(task, viewer=a.owner)
    assert [entry.text or entry.body for entry in page.entries] == [
        "Created the request (requested).",
        "<p>Any news?</p>\n",
        "Moved it from “Requested” to “Accepted”.",
        "<p>Accepted, starting Monday.</p>\n",
        "Moved it from “Accepted” to “In progress”.",
    ]
    assert [entry.who for entry in page.entries] == [
        a.contact1.display_name,
        a.contact1.display_name,
        a.assistant.display_name,
        a.assistant.display_name,
        a.assistant.display_name,
    ]
    # Each side is told apart, by the name it goes by on the page.
    assert [entry.side_label for entry in page.entries[:3]] == [
        a.client1.name,
        a.client1.name,
        a.client1.practice.name,
    ]
