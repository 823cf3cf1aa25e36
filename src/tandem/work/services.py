"""Writes on projects and tasks. Each service checks who may act, validates, and writes in
one transaction. Ordinary task changes go to the task's own timeline (``TaskEvent``), not to
the audit log: they are the work itself, not security events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tandem.clients.models import Assignment, Client
from tandem.core import access, events
from tandem.core.access import Standing
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.delegation.models import WorkKind
from tandem.work import attachments, kinds, promises, reviews, short_notice
from tandem.work.kinds import Suggest
from tandem.work.mentions import mentioned
from tandem.work.models import (
    CLOSED_STATUSES,
    Comment,
    Priority,
    Project,
    Task,
    TaskEvent,
    TaskStatus,
    Watcher,
)
from tandem.work.selectors import task_audience
from tandem.work.workflow import Need, Transition, find_transition, side_of

if TYPE_CHECKING:
    from tandem.accounts.models import User

TITLE_MAX = 200
COMMENT_MAX = 20_000
ESTIMATE_MAX = Decimal("9999.99")

NOTE_PROMPTS = {
    TaskStatus.DECLINED: "Say why you are declining this request.",
    TaskStatus.CANCELLED: "Say why this task is being cancelled.",
    TaskStatus.IN_PROGRESS: "Say what still needs doing before sending the work back.",
}


# Who is acting ------------------------------------------------------------------------------


NOT_YOUR_TASK = "This task is not one of yours; open it from your own task list."


def standing_for_client(
    client: Client, actor: User, capability: Capability, *, wrong_role: str = ""
) -> Standing:
    """The actor's standing with ``client``, refused unless the policy grants
    ``capability`` there; refused too when the client is archived."""
    standing = access.standing(actor, client)
    if not standing.sees:
        raise DomainError("Pick one of your own clients.", field="client")
    if client.is_archived:
        raise DomainError(f"Restore {client.name} before adding work for it.", field="client")
    standing.require(capability, wrong_role=wrong_role)
    return standing


def _standing_for_task(
    task: Task, actor: User, capability: Capability, *, wrong_role: str = ""
) -> Standing:
    """The actor's standing with the task's client, refused unless they see the task and
    the policy grants ``capability`` on it."""
    standing = access.standing(actor, task.client)
    standing.require(capability, unseen=NOT_YOUR_TASK, wrong_role=wrong_role)
    return standing


# Field checks -------------------------------------------------------------------------------


def require_text(value: str, *, field: str, message: str, limit: int = TITLE_MAX) -> str:
    """``value`` without surrounding space; refused with ``message`` when empty, or when
    longer than ``limit``. Shared by every service of ``work`` that takes text."""
    value = value.strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > limit:
        raise DomainError(f"Keep it under {limit:,} characters.", field=field)
    return value


def _future_instant(value: datetime, *, field: str, what: str) -> datetime:
    """An aware instant still ahead, in UTC. Naive values are a programming error."""
    if timezone.is_naive(value):
        raise ValueError(f"{field} must be an aware datetime")
    if value <= timezone.now():
        raise DomainError(f"{what} has already passed; pick a time in the future.", field=field)
    return value.astimezone(UTC)


def _check_assignee(client: Client, assignee: User) -> None:
    membership = access.member(assignee)
    works_on_client = Assignment.objects.filter(client=client, user=assignee).exists()
    if not access.is_practice_side(membership) or not works_on_client:
        raise DomainError(
            f"{assignee.display_name} does not work on {client.name}; "
            "pick an assistant assigned to this client.",
            field="assignee",
        )


def _check_estimate(estimate_hours: Decimal | None) -> None:
    if estimate_hours is not None and not Decimal(0) <= estimate_hours <= ESTIMATE_MAX:
        raise DomainError(
            "Give the estimate in hours, between 0 and 9,999.", field="estimate_hours"
        )


def check_target(client: Client, target_on: date | None) -> None:
    """Refused when ``target_on`` is already past in the client's time zone; none is fine."""
    today = timezone.localdate(timezone=ZoneInfo(client.time_zone))
    if target_on is not None and target_on < today:
        raise DomainError(
            "The target date has already passed; pick today or a later day.", field="target_on"
        )


# Tasks --------------------------------------------------------------------------------------


def create_task(
    client: Client,
    *,
    actor: User,
    title: str,
    expectations: str,
    deadline_at: datetime | None,
    request_markdown: str = "",
    project: Project | None = None,
    assignee: User | None = None,
    estimate_hours: Decimal | None = None,
    priority: str = Priority.NORMAL,
    allow_missing_deadline: bool = False,
    uploads: Sequence[int] = (),
    created_note: str = "",
    kind: WorkKind | Suggest | None = None,
) -> Task:
    """Add a request for one of the actor's clients (owner, assigned assistant or contact).

    ``allow_missing_deadline`` is for the e-mail path only: a message without a readable
    deadline is saved as "needs a deadline" instead of being lost. Everywhere else a
    deadline in the future is required. The creator and the assignee watch the task.
    ``uploads`` are the actor's pending uploads to put on it (see ``attachments``).
    ``created_note`` is shown beside "Created the request" on the timeline (where it came
    from, such as a heads-up). ``kind`` is the kind of work chosen (None: not named), or
    ``SUGGEST``: the catalogue's best match for the request's words (e-mail, where nobody
    chose one).
    """
    standing = standing_for_client(client, actor, Capability.ADD_REQUEST)
    title = require_text(title, field="title", message="Give the request a short title.")
    expectations = require_text(
        expectations,
        field="expectations",
        message="Say what done looks like, so everyone knows when the request is finished.",
        limit=COMMENT_MAX,
    )
    status = _initial_status(deadline_at, allow_missing_deadline)
    if deadline_at is not None:
        deadline_at = _future_instant(deadline_at, field="deadline_at", what="That deadline")
    _check_related(client, project=project, assignee=assignee, priority=priority)
    _check_estimate(estimate_hours)
    is_short = _is_short_notice(client, deadline_at, estimate_hours, assignee)
    named = kinds.kind_for_new_request(client, kind, title=title, text=request_markdown)
    standing_go_ahead = kinds.standing_go_ahead_for(client.pk, named)
    with transaction.atomic():
        task = Task.objects.create(
            kind=named,
            go_ahead_at=timezone.now() if standing_go_ahead else None,
            go_ahead_standing=standing_go_ahead,
            practice_id=client.practice_id,
            client=client,
            project=project,
            title=title,
            request_markdown=request_markdown.strip(),
            expectations=expectations,
            deadline_at=deadline_at,
            estimate_hours=estimate_hours,
            priority=priority,
            assignee=assignee,
            created_by=actor,
            status=status,
            respond_by=promises.promise_for(client, standing),
            is_short_notice=is_short,
        )
        watchers = {actor.pk: actor} | ({assignee.pk: assignee} if assignee else {})
        Watcher.objects.bulk_create(
            Watcher(practice_id=task.practice_id, task=task, user=user)
            for user in watchers.values()
        )
        attachments.link_uploads(uploads, actor=actor, task=task)
        _record(task, actor=actor, kind=TaskEvent.Kind.CREATED, to_status=status, note=created_note)
    return task


def _is_short_notice(
    client: Client, deadline_at: datetime | None, estimate: Decimal | None, assignee: User | None
) -> bool:
    """Planning's answer (``short_notice``): inside the notice period, or not fitting in the
    free hours before the deadline. A request still without a deadline is not."""
    if deadline_at is None:
        return False
    notice = short_notice.check(
        client,
        deadline_at=deadline_at,
        estimate_hours=estimate,
        assignee_id=None if assignee is None else assignee.pk,
        now=timezone.now(),
    )
    return notice is not None and notice.is_short_notice


def _initial_status(deadline_at: datetime | None, allow_missing_deadline: bool) -> TaskStatus:
    if deadline_at is not None:
        return TaskStatus.REQUESTED
    if allow_missing_deadline:
        return TaskStatus.NEEDS_DEADLINE
    raise DomainError("Give the request a deadline, such as “Friday 5pm”.", field="deadline_at")


def _check_related(
    client: Client, *, project: Project | None, assignee: User | None, priority: str
) -> None:
    if project is not None and project.client_id != client.pk:
        raise DomainError(f"Pick one of {client.name}'s projects.", field="project")
    if project is not None and (project.is_proposal or project.status != Project.Status.ACTIVE):
        raise DomainError(
            f"“{project.title}” is not an active project; pick an active one or none.",
            field="project",
        )
    if assignee is not None:
        _check_assignee(client, assignee)
    if priority not in Priority.values:
        raise DomainError("Pick a priority: low, normal or high.", field="priority")


def assign_task(task: Task, *, actor: User, assignee: User | None) -> Task:
    """Give the task to an assistant of its client, or to nobody. Practice side only."""
    _standing_for_task(
        task,
        actor,
        Capability.WORK_ON_REQUEST,
        wrong_role="Only the practice can choose who works on a task.",
    )
    if assignee is not None:
        _check_assignee(task.client, assignee)
    if task.assignee_id == (assignee.pk if assignee is not None else None):
        # Nothing changes, so nothing goes on the timeline and nobody is told.
        return task
    before = task.assignee.display_name if task.assignee is not None else None
    with transaction.atomic():
        task.assignee, task.updated_at = assignee, timezone.now()
        task.save(update_fields=["assignee", "updated_at"])
        if assignee is not None:
            Watcher.objects.get_or_create(
                task=task, user=assignee, defaults={"practice_id": task.practice_id}
            )
        note = assignee.display_name if assignee is not None else ""
        # From whom to whom, so the timeline can say "reassigned it from Ada to Ben".
        # ``to_id`` tells "took it on" (someone assigning themself) from a reassignment
        # without comparing names, which two people may share.
        after_id = assignee.pk if assignee is not None else None
        changes = {"assignee": {"from": before, "to": note or None, "to_id": after_id}}
        _record(task, actor=actor, kind=TaskEvent.Kind.ASSIGNED, note=note, changes=changes)
    return task


# Moves --------------------------------------------------------------------------------------


def move_task(
    task: Task,
    *,
    to: str,
    actor: User,
    note: str = "",
    waiting_for: str = "",
    waiting_until: datetime | None = None,
    deadline_at: datetime | None = None,
    rating: int | None = None,
    may_quote: bool = False,
) -> Task:
    """Move the task from the status the actor saw (``task.status``) to ``to``.

    Refused with a sentence when the workflow has no such move, the actor's side may not
    make it, what the move needs is missing, or someone else moved the task first: the
    update only applies while the row still has the status the actor saw. Delivering is
    ``deliveries.deliver_task`` (a message, files, links), refused here.
    """
    transition = check_move(task, to=to, actor=actor)
    if transition.move.needs == Need.DELIVERY:
        raise DomainError(DELIVER_WITH_A_MESSAGE, field="status")
    changes = _changes_for(
        task,
        transition,
        note=note,
        waiting_for=waiting_for,
        waiting_until=waiting_until,
        deadline_at=deadline_at,
    )
    with_note = transition.move.needs in (Need.NOTE, Need.THANKS)
    said = reviews.checked(transition.move.needs, note=note, rating=rating, may_quote=may_quote)
    assignee_id = task.assignee_id
    with transaction.atomic():
        event = apply_move(
            task,
            transition,
            actor=actor,
            changes=changes,
            note=note.strip() if with_note else waiting_for.strip(),
        )
        if said is not None:
            reviews.record(task, event, actor=actor, assignee_id=assignee_id, said=said)
    return task


DELIVER_WITH_A_MESSAGE = (
    "Deliver the work with a message saying what you did: use “Deliver for review” on the "
    "request's page."
)


def apply_move(
    task: Task, transition: Transition, *, actor: User, changes: dict[str, Any], note: str
) -> TaskEvent:
    """Apply a checked move inside the caller's transaction: the conditional update (only
    while the row has the status the actor saw), then the timeline line. For the services
    that make a move with more to it (``deliveries.deliver_task``)."""
    old_status = task.status
    # A practice-side move keeps the promise to answer; closing the request drops it.
    settled = promises.settled_by_move(task, side=access.side_of(actor), to=transition.move.to)
    changes = {**changes, **settled, "status": transition.move.to, "updated_at": timezone.now()}
    moved = Task.objects.filter(pk=task.pk, status=old_status).update(**changes)
    if not moved:
        raise DomainError(_moved_meanwhile(task))
    for field, value in changes.items():
        setattr(task, field, value)
    event = _record(
        task,
        actor=actor,
        kind=TaskEvent.Kind.STATUS_CHANGED,
        from_status=old_status,
        to_status=transition.move.to,
        note=note,
    )
    if transition.move.to == TaskStatus.ACCEPTED and task.assignee_id is None:
        _take_on(task, actor=actor)
    return event


def accept_and_start(task: Task, *, actor: User) -> Task:
    """Accept a new request and start work on it at once: the inbox's one click.

    Two moves of the workflow in one transaction (each recorded on the timeline, each
    asking the policy), so either both happen or neither: when someone else accepted or
    declined it first, the first move is refused with that sentence and nothing changes.
    The actor takes it on when nobody has it yet and they work on the client (an owner
    assigned to it too), so the client sees who is doing it.
    """
    with transaction.atomic():
        move_task(task, to=TaskStatus.ACCEPTED, actor=actor)
        if task.assignee_id is None:
            _take_on(task, actor=actor, owners_too=True)
        move_task(task, to=TaskStatus.IN_PROGRESS, actor=actor)
    return task


def _take_on(task: Task, *, actor: User, owners_too: bool = False) -> None:
    """An assistant of the client who accepts an unassigned request is the one doing it,
    so the client sees a name. An owner accepting leaves the choice open, unless they
    start the work themselves (``owners_too``) and are assigned to the client."""
    if access.reach_of(actor) != access.Reach.ASSIGNED and not owners_too:
        return
    if not Assignment.objects.filter(client_id=task.client_id, user=actor).exists():
        return
    Task.objects.filter(pk=task.pk, assignee__isnull=True).update(assignee=actor)
    task.assignee = actor
    Watcher.objects.get_or_create(task=task, user=actor, defaults={"practice_id": task.practice_id})
    taken_on = {"assignee": {"from": None, "to": actor.display_name, "to_id": actor.pk}}
    _record(
        task, actor=actor, kind=TaskEvent.Kind.ASSIGNED, note=actor.display_name, changes=taken_on
    )


def _label(status: str) -> str:
    """The status as the pages show it ("Delivered for review"), or as given when unknown."""
    return str(dict(TaskStatus.choices).get(status, status))


def check_move(task: Task, *, to: str, actor: User) -> Transition:
    """The transition from the task's status to ``to``, refused unless ``actor`` may make it."""
    standing = access.standing(actor, task.client)
    if not standing.sees:
        raise DomainError(NOT_YOUR_TASK)
    if task.status in CLOSED_STATUSES:
        raise DomainError(f"This task is {_label(task.status).lower()}; it can no longer change.")
    transition = find_transition(task.status, to)
    if transition is None:
        raise DomainError(
            f"A task in “{_label(task.status)}” cannot be moved to “{_label(to)}”.",
            field="status",
        )
    standing.require(transition.capability, wrong_role=transition.refusal, field="status")
    if access.delegation(standing, transition.capability, task) == access.Delegated.NEEDS_GO_AHEAD:
        raise DomainError(access.above_phase_refusal(task.client, task), field="status")
    return transition


def _changes_for(
    task: Task,
    transition: Transition,
    *,
    note: str,
    waiting_for: str,
    waiting_until: datetime | None,
    deadline_at: datetime | None,
) -> dict[str, Any]:
    """Checks what the move needs and returns the fields it sets besides the status."""
    needs = transition.move.needs
    if needs == Need.NOTE and not note.strip():
        raise DomainError(NOTE_PROMPTS[transition.move.to], field="note")
    if needs == Need.WAITING:
        return _waiting_changes(waiting_for, waiting_until)
    if needs == Need.DEADLINE:
        if deadline_at is None:
            raise DomainError("Give the request a deadline.", field="deadline_at")
        return {
            "deadline_at": _future_instant(deadline_at, field="deadline_at", what="That deadline")
        }
    if task.status == TaskStatus.WAITING_ON_CLIENT:
        # What was awaited is no longer current once the task leaves the waiting state;
        # the timeline keeps it.
        return {"waiting_for": "", "waiting_until": None}
    return {}


WAITING_FOR_MISSING = "Say what you are waiting for from the client."


def _waiting_changes(waiting_for: str, waiting_until: datetime | None) -> dict[str, Any]:
    waiting_for = require_text(
        waiting_for, field="waiting_for", message=WAITING_FOR_MISSING, limit=300
    )
    if waiting_until is None:
        raise DomainError("Say by when you need it from the client.", field="waiting_until")
    until = _future_instant(waiting_until, field="waiting_until", what="That date")
    return {"waiting_for": waiting_for, "waiting_until": until}


def _moved_meanwhile(task: Task) -> str:
    current = Task.objects.filter(pk=task.pk).values_list("status", flat=True).first()
    return (
        f"Someone else has just moved this task to “{_label(current or '')}”; "
        "reload it and choose again."
    )


def _record(task: Task, *, actor: User, kind: str, **fields: Any) -> TaskEvent:
    """A line on the task's timeline, recorded through the one event path."""
    event = TaskEvent(
        practice_id=task.practice_id,
        client_id=task.client_id,
        task=task,
        actor=actor,
        kind=kind,
        **fields,
    )
    return events.record(event, kind=f"task.{kind}")


# Conversation -------------------------------------------------------------------------------


def add_comment(
    task: Task, *, actor: User, body_markdown: str, uploads: Sequence[int] = ()
) -> Comment:
    """A comment by anyone who can see the task, on either side, with the actor's pending
    ``uploads`` on it. People it @mentions who can see the task start watching it."""
    standing = _standing_for_task(task, actor, Capability.COMMENT)
    body = require_text(
        body_markdown,
        field="body_markdown",
        message="Write something before posting the comment.",
        limit=COMMENT_MAX,
    )
    with transaction.atomic():
        comment = Comment(
            practice_id=task.practice_id,
            client_id=task.client_id,
            task=task,
            author=actor,
            body_markdown=body,
        )
        events.record(comment, kind=COMMENT_POSTED)
        attachments.link_uploads(uploads, actor=actor, task=task, comment=comment)
        _watch_mentioned(task, comment)
        promises.answered(task, side=standing.side)
    return comment


COMMENT_POSTED = "comment.posted"


def _watch_mentioned(task: Task, comment: Comment) -> None:
    """Whoever the comment names (among those who see the task) watches it from now on."""
    named = [
        person
        for person in mentioned(comment.body_markdown, task_audience(task))
        if person.pk != comment.author_id
    ]
    Watcher.objects.bulk_create(
        [Watcher(practice_id=task.practice_id, task=task, user=person) for person in named],
        ignore_conflicts=True,
    )


def add_watcher(task: Task, *, actor: User, user: User) -> Watcher:
    """Let ``user`` hear about the task. Both must be able to see it; watching twice is
    the same as watching once."""
    _standing_for_task(task, actor, Capability.SEE_CLIENT)
    if side_of(task, user) is None:
        raise DomainError(
            f"{user.display_name} cannot see this task, so they cannot watch it.", field="user"
        )
    with transaction.atomic():
        watcher, _ = Watcher.objects.get_or_create(
            task=task, user=user, defaults={"practice_id": task.practice_id}
        )
    return watcher


def remove_watcher(task: Task, *, actor: User, user: User) -> None:
    """Stop ``user`` hearing about the task. Anyone may stop watching; only the practice
    may take someone else off the list. Not watching already is not an error."""
    standing = _standing_for_task(task, actor, Capability.SEE_CLIENT)
    if user.pk != actor.pk and not standing.allows(Capability.MANAGE_WATCHERS):
        raise DomainError(
            f"Only {user.display_name} or the practice can stop them watching this request.",
            field="user",
        )
    with transaction.atomic():
        Watcher.objects.filter(task=task, user=user).delete()


# Other modules of work record their own lines on the timeline through the same path.
record_event = _record
