"""Writes for notifications: who hears about a change, marking read, preferences.

``notify_event`` and ``notify_comment`` are reactions on the one event path
(``notify/reactions.py``): they run from a job queued with the change, in that job's own
transaction, once per event. They enqueue the e-mail job in that same transaction: the queue
is a table of the same database, so the mail job commits with the notifications.

Who hears:
- a change or comment: the task's watchers;
- a new request: its watchers and the practice side of its client, that is the people
  assigned to the client, or, when nobody is assigned yet, the practice's owners (someone
  must see that a request arrived);
- a mention: the person mentioned (``work.services.add_comment`` has made them a watcher).
Never the person who made the change, and only people who can still see the task.
Deadline reminders are in ``reminders``; they write their rows through ``record`` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Assignment
from tandem.core import access, jobs
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.notify.models import Channel, Kind, Notification, Preference
from tandem.notify.wording import took_it_on
from tandem.work.mentions import mentioned
from tandem.work.models import Comment, Task, TaskEvent, TaskStatus
from tandem.work.selectors import task_audience

if TYPE_CHECKING:
    from tandem.core.models import Practice


# Who can see a task ----------------------------------------------------------------------------


def audience(task: Task) -> QuerySet[User]:
    """Everyone who can see ``task``: the work app's own answer, so notifications can never
    reach someone the task page would 404 for."""
    return task_audience(task)


def _practice_side_of_client(task: Task) -> set[int]:
    assigned = set(
        Assignment.objects.filter(client_id=task.client_id).values_list("user_id", flat=True)
    )
    if assigned:
        return assigned
    owners = User.objects.filter(
        membership__practice_id=task.practice_id,
        membership__role__in=access.roles_with(Capability.HEAR_OF_UNASSIGNED_REQUESTS),
    )
    return set(owners.values_list("pk", flat=True))


# Writing notifications ---------------------------------------------------------------------


@dataclass
class Change:
    """What happened, to be told to ``recipients`` (each row keyed ``<key>:<recipient>``)."""

    task: Task
    kind: str
    key: str
    actor: User | None = None
    event: TaskEvent | None = None
    comment: Comment | None = None
    deadline_at: datetime | None = None
    recipients: list[User] = field(default_factory=list)

    @property
    def happened_at(self) -> datetime:
        """When the change was made (a reminder: now). The mail's batch window counts from
        here, not from when the reaction ran."""
        source = self.event or self.comment
        return source.created_at if source is not None else timezone.now()


def _preferences(users: Iterable[User]) -> dict[int, Preference]:
    ids = [user.pk for user in users]
    return {pref.user_id: pref for pref in Preference.objects.filter(user_id__in=ids)}


def record(changes: list[Change]) -> list[Notification]:
    """Notification rows for ``changes`` as each recipient prefers, and their mail jobs.

    A recipient who turned the kind off gets nothing; one who wants it by e-mail gets a
    row waiting for mail and a job that sends it (after the batch window, so several
    changes to one task go out as one mail). Digest readers' rows wait for the digest.
    """
    preferences = _preferences(user for change in changes for user in change.recipients)
    rows: list[Notification] = []
    for change in changes:
        for user in change.recipients:
            if change.actor is not None and user.pk == change.actor.pk:
                continue  # nobody is told of their own action, whoever built the list
            pref = preferences.get(user.pk)
            channel = pref.channel(change.kind) if pref else Channel.EMAIL
            if channel == Channel.OFF:
                continue
            rows.append(_row(change, user, by_mail=channel == Channel.EMAIL))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    earliest = min((change.happened_at for change in changes), default=timezone.now())
    _schedule_mail(rows, preferences, happened_at=earliest)
    return rows


def _row(change: Change, user: User, *, by_mail: bool) -> Notification:
    return Notification(
        practice_id=change.task.practice_id,
        recipient=user,
        task=change.task,
        kind=change.kind,
        actor=change.actor,
        event=change.event,
        comment=change.comment,
        deadline_at=change.deadline_at,
        key=f"{change.key}:{user.pk}",
        mail_pending=by_mail,
    )


def _schedule_mail(
    rows: list[Notification], preferences: dict[int, Preference], *, happened_at: datetime
) -> None:
    from tandem.notify.tasks import send_task_mail

    run_after = happened_at + timedelta(seconds=settings.TANDEM_NOTIFY_BATCH_SECONDS)
    pairs = {
        (row.recipient_id, row.task_id)
        for row in rows
        if row.mail_pending
        and not (row.recipient_id in preferences and preferences[row.recipient_id].wants_digest)
    }
    # One INSERT for all of them: a reminder batch queues a job per recipient and task.
    jobs.enqueue_many(send_task_mail, sorted(pairs), run_after=run_after)


def _recipients(task: Task, *, actor: User | None, extra: Iterable[int] = ()) -> list[User]:
    """Watchers (and ``extra``) who can see the task, without the actor: one query."""
    wanted = Q(watching__task_id=task.pk) | Q(pk__in=list(extra))
    people = audience(task).filter(wanted)
    if actor is not None:
        people = people.exclude(pk=actor.pk)
    return list(people.order_by("pk"))


def _kind_of(event: TaskEvent) -> str:
    if event.kind == TaskEvent.Kind.CREATED:
        return Kind.NEW_REQUEST
    if event.to_status in (TaskStatus.ACCEPTED, TaskStatus.DECLINED):
        return Kind.DECIDED
    if event.to_status == TaskStatus.DELIVERED:
        return Kind.DELIVERED
    return Kind.STATUS_CHANGED


def _neighbour(event: TaskEvent, *, after: bool) -> TaskEvent | None:
    """The task's next (or previous) timeline line: one query on the task's events."""
    lines = TaskEvent.objects.filter(task_id=event.task_id).select_related("actor")
    if after:
        return lines.filter(pk__gt=event.pk).order_by("pk").first()
    return lines.filter(pk__lt=event.pk).order_by("-pk").first()


# Two lines of one move are written in one transaction, microseconds apart; a person who
# accepts and, later, assigns themself made two moves, each its own news.
ONE_MOVE = timedelta(seconds=5)


def _accepted_by(event: TaskEvent | None, actor_id: int | None) -> bool:
    return (
        event is not None
        and event.kind == TaskEvent.Kind.STATUS_CHANGED
        and event.to_status == TaskStatus.ACCEPTED
        and event.actor_id == actor_id
    )


def _one_move(acceptance: TaskEvent, take_on: TaskEvent) -> bool:
    """Whether ``take_on`` is the same person taking the request on in the move that
    accepted it (``work.services._take_on`` records that line right after)."""
    return (
        _accepted_by(acceptance, take_on.actor_id)
        and took_it_on(take_on)
        and abs(take_on.created_at - acceptance.created_at) < ONE_MOVE
    )


def _take_on_follows(event: TaskEvent) -> bool:
    """Whether this acceptance is the first half of accept-and-take-on."""
    if not _accepted_by(event, event.actor_id):
        return False
    following = _neighbour(event, after=True)
    return following is not None and _one_move(event, following)


def _is_take_on_after_accepting(event: TaskEvent) -> bool:
    """Whether this take-on is the second half of accept-and-take-on."""
    if not took_it_on(event):
        return False
    previous = _neighbour(event, after=False)
    return previous is not None and _one_move(previous, event)


def notify_event(event: TaskEvent, task: Task) -> list[Notification]:
    """Tell the right people about a task's creation, move or new assignee.

    Accept-and-take-on (an assistant accepting an unassigned request) is two timeline lines
    but one piece of news: the acceptance says nothing, and the take-on is told as the
    decision it completes ("accepted the request and took it on"), so each reader gets one
    notification and hears of it as a decision.
    """
    if _take_on_follows(event):
        return []
    kind = Kind.DECIDED if _is_take_on_after_accepting(event) else _kind_of(event)
    extra = _practice_side_of_client(task) if event.kind == TaskEvent.Kind.CREATED else set()
    change = Change(
        task=task,
        kind=kind,
        key=f"event:{event.pk}",
        actor=event.actor,
        event=event,
        recipients=_recipients(task, actor=event.actor, extra=extra),
    )
    return record([change])


def notify_comment(comment: Comment, task: Task) -> list[Notification]:
    """Mentioned people get a mention; other watchers a comment."""
    author = comment.author
    named = [
        person
        for person in mentioned(comment.body_markdown, audience(task))
        if person.pk != author.pk
    ]
    named_ids = {person.pk for person in named}
    watchers = [user for user in _recipients(task, actor=author) if user.pk not in named_ids]
    key = f"comment:{comment.pk}"
    return record(
        [
            Change(task, Kind.MENTION, key, author, comment=comment, recipients=named),
            Change(task, Kind.COMMENT, key, author, comment=comment, recipients=watchers),
        ]
    )


# Reading -----------------------------------------------------------------------------------


def mark_read(notification_id: int, *, actor: User) -> Notification:
    """Mark one of the actor's own notifications read, with every other one about the same
    request: the list shows a request's updates as one entry. Someone else's is not found."""
    notification = Notification.objects.visible_to(actor).filter(pk=notification_id).first()
    if notification is None:
        raise DomainError("That notification is not one of yours.")
    mark_read_for_task(actor, notification.task_id)
    return notification


def mark_read_for_task(reader: User, task_id: int) -> int:
    """Mark the reader's unread notifications about one request read: one UPDATE. Called
    when they open the request (``core.reading``); returns how many were unread."""
    unread = Notification.objects.filter(recipient_id=reader.pk, task_id=task_id)
    return unread.unread().update(read_at=timezone.now())


def on_opened(reader: User, obj: models.Model) -> None:
    """The ``core.reading`` hook: opening a request reads its news."""
    if isinstance(obj, Task):
        mark_read_for_task(reader, obj.pk)


def mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


# Preferences -------------------------------------------------------------------------------


def preference_for(user: User) -> Preference:
    """The user's preferences, or the defaults (unsaved) when they never changed them."""
    found = Preference.objects.visible_to(user).first()
    if found is not None:
        return found
    practice: Practice = user.membership.practice
    return Preference(user=user, practice=practice)


def save_preferences(
    user: User, *, actor: User, channels: Mapping[str, str], wants_digest: bool
) -> Preference:
    """Save how ``user`` hears of each kind. Only the user themself may change them.

    Turning the digest off sends what was waiting for it in the usual per-task mails.
    """
    if actor.pk != user.pk:
        raise DomainError("People choose their own notifications.")
    for kind, channel in channels.items():
        if kind not in Kind.values:
            raise DomainError(f"There is no kind of notification called “{kind}”.")
        if channel not in Channel.values:
            raise DomainError("Pick in the app and by e-mail, in the app only, or off.", field=kind)
    with transaction.atomic():
        pref = preference_for(user)
        had_digest = pref.pk is not None and pref.wants_digest
        for kind, channel in channels.items():
            setattr(pref, kind, channel)
        pref.wants_digest, pref.updated_at = wants_digest, timezone.now()
        pref.save()
        if had_digest and not wants_digest:
            _send_what_waited_for_the_digest(user)
    return pref


def _send_what_waited_for_the_digest(user: User) -> None:
    from tandem.notify.tasks import send_task_mail

    waiting = Notification.objects.filter(recipient=user, mail_pending=True)
    for task_id in sorted(set(waiting.values_list("task_id", flat=True))):
        send_task_mail.enqueue(user.pk, task_id)
