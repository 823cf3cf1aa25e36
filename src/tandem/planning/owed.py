"""What the client owes: asking for it, answering it, receiving or dropping it (the writes).

The practice asks on a request's page ("we need from you: the final copy, by Wednesday"),
or moves the request to "Waiting on client", which a reaction turns into the same record
(``owed_reactions``). The client's side answers with a comment (files or not), with "Here
it is", or with "I have sent what you needed"; the practice can mark it received or drop
it; closing the request drops it. Every change of state is one conditional UPDATE of the
rows still open, so two answers at once settle an item once, and the loser hears why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from tandem.clients.models import Client
from tandem.core import access, events
from tandem.core.access import Side
from tandem.core.errors import DomainError
from tandem.core.models import Practice
from tandem.core.roles import Capability
from tandem.core.templatetags.when import zone_name
from tandem.planning.models_owed import (
    REMIND_AGAIN_AFTER_DAYS,
    REMIND_AGAIN_MAX_DAYS,
    Owed,
    OwedQuerySet,
    ReminderPolicy,
)
from tandem.work.models import CLOSED_STATUSES, Attachment, Comment, Task, TaskEvent, TaskStatus
from tandem.work.services import NOT_YOUR_TASK, add_comment, require_text

if TYPE_CHECKING:
    from tandem.accounts.models import User

# The event of a new item on the event path: later apps (check-ins, webhooks) hang from it.
OWED_ASKED = "owed.asked"
WHAT_MAX = 300
NOTE_MAX = 5000

WHAT_MISSING = "Say what you need from the client, such as “the final copy”."
WHEN_MISSING = "Say by when you need it, such as “Wednesday 5pm”."
ONLY_PRACTICE_ASKS = "Only the practice asks the client for things; write a comment instead."
ONLY_CLIENT_ANSWERS = "Only the client says it has been sent; mark it received instead."
ONLY_PRACTICE_SETTLES = "Only the practice marks what it needs as received or no longer needed."


# Asking -------------------------------------------------------------------------------------


def ask_client(task: Task, *, actor: User, what: str, due_at: datetime | None) -> Owed:
    """Record that the practice needs ``what`` from the task's client by ``due_at``, and say
    so in the request's conversation (so the client hears of it as of any comment).

    Refused with a sentence when the actor is not on the practice side of the task's client,
    the request is closed, ``what`` is empty or too long, or ``due_at`` is missing or past.
    """
    standing = access.standing(actor, task.client)
    standing.require(
        Capability.ASK_CLIENT_FOR_INPUT, unseen=NOT_YOUR_TASK, wrong_role=ONLY_PRACTICE_ASKS
    )
    if task.status in CLOSED_STATUSES:
        raise DomainError(
            f"This request is {_status_words(task.status)}; ask for what you need on an open one."
        )
    what = require_text(what, field="waiting_for", message=WHAT_MISSING, limit=WHAT_MAX)
    due_at = _ahead(due_at)
    with transaction.atomic():
        owed = events.record(
            Owed(
                practice_id=task.practice_id,
                client_id=task.client_id,
                task=task,
                what=what,
                due_at=due_at,
                source=Owed.Source.ASKED,
                created_by=actor,
            ),
            kind=OWED_ASKED,
        )
        add_comment(task, actor=actor, body_markdown=asking_words(owed, task.client))
    return owed


def asking_words(owed: Owed, client: Client) -> str:
    """The comment that tells the client: "We need from you: **the final copy**, by …"."""
    due = owed.due_at.astimezone(ZoneInfo(client.time_zone))
    when = f"{date_format(due, 'l j F, H:i')} ({zone_name(client.time_zone)})"
    return f"We need from you: **{owed.what}**, by {when}."


def _ahead(due_at: datetime | None) -> datetime:
    if due_at is None:
        raise DomainError(WHEN_MISSING, field="waiting_until")
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be an aware datetime")
    if due_at <= timezone.now():
        raise DomainError(
            "That date has already passed; pick a time in the future.", field="waiting_until"
        )
    return due_at.astimezone(UTC)


def _status_words(status: str) -> str:
    return str(dict(TaskStatus.choices).get(status, status)).lower()


# Answering, receiving, dropping ---------------------------------------------------------------


def answer_owed(owed: Owed, *, actor: User, note: str = "", uploads: Sequence[int] = ()) -> Owed:
    """The client's "Here it is": the item is answered, and the request's conversation gets
    a comment saying so, with the note and the actor's pending ``uploads`` on it.

    Refused when the actor is not one of the client's contacts, the note is too long, or
    the item is no longer open (answered already, received, dropped): answering twice says
    so instead of answering again.
    """
    standing = access.standing(actor, owed.client)
    standing.require(
        Capability.ANSWER_WHAT_IS_OWED, unseen=access.NOT_YOURS, wrong_role=ONLY_CLIENT_ANSWERS
    )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX:,} characters.", field="note")
    if not owed.is_open:
        raise DomainError(settled_sentence(owed))
    how = Owed.Answer.FILE if uploads else Owed.Answer.HERE_IT_IS
    with transaction.atomic():
        comment = None
        if owed.task is not None:
            body = f"Here it is: {owed.what}." + (f"\n\n{note}" if note else "")
            comment = add_comment(owed.task, actor=actor, body_markdown=body, uploads=uploads)
        this_one = Owed.objects.filter(pk=owed.pk)
        if not _settle(this_one, Owed.State.ANSWERED, actor, answer=how, answer_comment=comment):
            raise DomainError(settled_sentence(_reloaded(owed)))
    return _reloaded(owed)


def mark_received(owed: Owed, *, actor: User) -> Owed:
    """The practice has what it needed (by mail, by hand): no more reminders."""
    return _settle_by_practice(owed, actor=actor, state=Owed.State.RECEIVED)


def drop_owed(owed: Owed, *, actor: User) -> Owed:
    """The practice no longer needs it: no more reminders."""
    return _settle_by_practice(owed, actor=actor, state=Owed.State.DROPPED)


def _settle_by_practice(owed: Owed, *, actor: User, state: str) -> Owed:
    standing = access.standing(actor, owed.client)
    standing.require(
        Capability.ASK_CLIENT_FOR_INPUT, unseen=access.NOT_YOURS, wrong_role=ONLY_PRACTICE_SETTLES
    )
    if not _settle(Owed.objects.filter(pk=owed.pk), state, actor):
        raise DomainError(settled_sentence(_reloaded(owed)))
    return _reloaded(owed)


def settled_sentence(owed: Owed) -> str:
    """Why an item can no longer change, and what that means for the person acting."""
    who = owed.settled_by.display_name if owed.settled_by is not None else "Someone"
    when = date_format(timezone.localtime(owed.settled_at), "D j M") if owed.settled_at else ""
    return {
        Owed.State.ANSWERED: f"{who} already said this was sent, on {when}; nothing more to do.",
        Owed.State.RECEIVED: f"{who} marked this received on {when}; nothing more to send.",
        Owed.State.DROPPED: f"{who} said on {when} that this is no longer needed.",
    }.get(Owed.State(owed.state), "This has changed meanwhile; reload the page.")


def _settle(
    rows: OwedQuerySet,
    state: str,
    actor: User | None,
    *,
    at: datetime | None = None,
    **changes: Any,
) -> int:
    """Close those of ``rows`` still open, in one conditional UPDATE; returns how many."""
    return rows.filter(state=Owed.State.OPEN).update(
        state=state, settled_at=at or timezone.now(), settled_by=actor, **changes
    )


def _reloaded(owed: Owed) -> Owed:
    return Owed.objects.select_related("client", "task", "settled_by").get(pk=owed.pk)


# Reactions to the request's events (owed_reactions) -------------------------------------------


def owe_while_waiting(event: TaskEvent) -> Owed | None:
    """A move to "Waiting on client" becomes an item: what the move waits for, by when.

    Nothing when the request has moved on since (a later move has its own reaction) or the
    item exists already. A client's comment written between the move and this reaction
    answers it at once, as it would have had the item been there.
    """
    task = Task.objects.filter(pk=event.task_id).first()
    if task is None or task.status != TaskStatus.WAITING_ON_CLIENT or task.waiting_until is None:
        return None
    later_moves = TaskEvent.objects.filter(
        task_id=task.pk, kind=TaskEvent.Kind.STATUS_CHANGED, pk__gt=event.pk
    )
    if later_moves.exists() or Owed.objects.filter(from_event=event).exists():
        return None
    owed = events.record(
        Owed(
            practice_id=task.practice_id,
            client_id=task.client_id,
            task=task,
            what=task.waiting_for or event.note or "What the request waits for",
            due_at=task.waiting_until,
            source=Owed.Source.WAITING,
            from_event=event,
            created_by_id=event.actor_id,
            created_at=event.created_at,
        ),
        kind=OWED_ASKED,
    )
    earlier = client_comments(task).filter(created_at__gte=event.created_at).order_by("pk").first()
    if earlier is not None:
        answer_by_comment(earlier)
    return owed


def settle_on_move(event: TaskEvent) -> int:
    """A move that ends what is owed: closing the request drops its open items; leaving
    "Waiting on client" answers what the wait was for when the client made the move ("I have
    sent what you needed"), or marks it received when the practice resumed."""
    items = Owed.objects.filter(task_id=event.task_id, created_at__lte=event.created_at)
    actor = event.actor
    if event.to_status in CLOSED_STATUSES:
        return _settle(items, Owed.State.DROPPED, actor, at=event.created_at)
    if event.from_status != TaskStatus.WAITING_ON_CLIENT:
        return 0
    waited_for = items.filter(source=Owed.Source.WAITING)
    if actor is not None and access.side_of(actor) == Side.CLIENT:
        return _settle(
            waited_for,
            Owed.State.ANSWERED,
            actor,
            at=event.created_at,
            answer=Owed.Answer.RESUMED,
        )
    return _settle(waited_for, Owed.State.RECEIVED, actor, at=event.created_at)


def answer_by_comment(comment: Comment) -> int:
    """A comment from the client's side answers everything its request owed until then; a
    comment with files is answered "with a file". The practice's comments answer nothing,
    and a "Here it is" (posted as a comment) answers only the item it was for."""
    author = comment.author
    if access.side_of(author) != Side.CLIENT:
        return 0
    if Owed.objects.filter(answer_comment=comment).exists():
        return 0
    with_files = Attachment.objects.filter(comment_id=comment.pk).exists()
    return _settle(
        Owed.objects.filter(task_id=comment.task_id, created_at__lte=comment.created_at),
        Owed.State.ANSWERED,
        author,
        at=comment.created_at,
        answer=Owed.Answer.FILE if with_files else Owed.Answer.COMMENT,
        answer_comment=comment,
    )


def answer_by_files(event: TaskEvent) -> int:
    """Files added by someone on the client's side answer everything the request owed until
    then, "with a file"; the practice's own files answer nothing."""
    author = event.actor
    if author is None or access.side_of(author) != Side.CLIENT:
        return 0
    return _settle(
        Owed.objects.filter(task_id=event.task_id, created_at__lte=event.created_at),
        Owed.State.ANSWERED,
        author,
        at=event.created_at,
        answer=Owed.Answer.FILE,
    )


def client_comments(task: Task) -> QuerySet[Comment]:
    """The task's comments written by someone on the client's side."""
    client_roles = access.roles_on_side(Side.CLIENT)
    return Comment.objects.filter(task_id=task.pk, author__membership__role__in=client_roles)


# How the practice reminds ---------------------------------------------------------------------


def remind_again_after_days(practice_id: int) -> int:
    """The practice's working days between the two reminders (one query)."""
    chosen = (
        ReminderPolicy.objects.filter(practice_id=practice_id)
        .values_list("remind_again_after_days", flat=True)
        .first()
    )
    return chosen or REMIND_AGAIN_AFTER_DAYS


def set_reminder_policy(
    practice: Practice, *, actor: User, remind_again_after_days: int | None
) -> ReminderPolicy:
    """Choose how many working days after the first reminder the second goes out. Only
    those who run the practice; refused outside 1 to 10 working days."""
    if not access.allows(actor, Capability.MANAGE_PRACTICE):
        raise DomainError("Only the practice's owner changes how clients are reminded.")
    days = remind_again_after_days
    if days is None or not 1 <= days <= REMIND_AGAIN_MAX_DAYS:
        raise DomainError(
            f"Choose between 1 and {REMIND_AGAIN_MAX_DAYS} working days.",
            field="remind_again_after_days",
        )
    policy, _ = ReminderPolicy.objects.update_or_create(
        practice=practice,
        defaults={"remind_again_after_days": days, "updated_at": timezone.now()},
    )
    return policy
