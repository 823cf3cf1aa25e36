"""Postmortems: opening one, writing in it, its action items and closing it (writes).

Who may do each is ``core.access``'s answer (``WRITE_POSTMORTEM`` for both sides of a client
they reach, ``ADD_POSTMORTEM_ACTION`` for the practice side, ``CLOSE_POSTMORTEM_SIDE`` for
each side's own side). Every change is recorded through the event path in its transaction:
an entry is its own event (``postmortem.entry``), the rest are ``PostmortemEvent`` rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from tandem.clients.models import Assignment, Client, ClientContact
from tandem.core import access, events
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.trust.models_postmortems import (
    Postmortem,
    PostmortemAction,
    PostmortemEntry,
    PostmortemEvent,
    Section,
)
from tandem.work.models import Project, Task
from tandem.work.services import add_watcher, create_task

if TYPE_CHECKING:
    from tandem.accounts.models import User

C = Capability
TITLE_MAX = 200
ENTRY_MAX = 10_000
ACTION_MAX = 200

TITLE_MISSING = "Give the postmortem a short title, such as “Newsletter sent to the wrong list”."
ENTRY_EMPTY = "Write something before adding it: what you saw, in a sentence or two."
SECTION_UNKNOWN = "Pick the section this belongs in: what happened, impact, cause or what changes."
OPENING_EMPTY = "Say what happened: the facts in order, as you saw them."
ACTION_MISSING = "Say what will change, such as “Check the list before every send”."
OWNER_MISSING = "Pick who owns this action: someone working on the client, or the client's contact."
DEADLINE_MISSING = "Give the action a deadline, such as “Friday 5pm”."
ONLY_PRACTICE_ACTIONS = "Only the practice adds action items; write what should change instead."
ALREADY_CLOSED = "This postmortem is closed; open a new one if something else went wrong."

EVENT_PREFIX = "postmortem."
ENTRY_EVENT = f"{EVENT_PREFIX}entry"


def _text(value: str, *, field: str, empty: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise DomainError(empty, field=field)
    if len(value) > limit:
        raise DomainError(f"Keep it under {limit:,} characters.", field=field)
    return value


def _standing(client: Client, actor: User, capability: Capability, wrong_role: str = "") -> str:
    """The actor's side with ``client``, refused unless the policy grants ``capability``."""
    standing = access.standing(actor, client)
    standing.require(capability, unseen=access.NOT_YOURS, wrong_role=wrong_role)
    side = standing.side
    assert side is not None  # allowed implies seen
    return str(side)


# Opening and writing ------------------------------------------------------------------------


def open_postmortem(
    client: Client,
    *,
    actor: User,
    title: str,
    sections: dict[str, str],
    task: Task | None = None,
    project: Project | None = None,
) -> Postmortem:
    """Open a postmortem for ``client`` (about ``task`` or ``project``, when given), its
    sections as the opener wrote them (``what_happened`` at least): each a signed entry."""
    side = _standing(client, actor, C.WRITE_POSTMORTEM)
    if client.is_archived:
        raise DomainError(f"{client.name} is archived; restore it first.", field="title")
    title = _text(title, field="title", empty=TITLE_MISSING, limit=TITLE_MAX)
    if task is not None and task.client_id != client.pk:
        raise DomainError("That request is another client's.", field="title")
    if project is not None and project.client_id != client.pk:
        raise DomainError("Pick one of this client's projects, or none.", field="project")
    written = {name: (sections.get(name) or "").strip() for name in Section.values}
    if not written[Section.WHAT_HAPPENED]:
        raise DomainError(OPENING_EMPTY, field=Section.WHAT_HAPPENED)
    for name, body in written.items():
        if len(body) > ENTRY_MAX:
            raise DomainError(f"Keep it under {ENTRY_MAX:,} characters.", field=name)
    with transaction.atomic():
        postmortem = Postmortem.objects.create(
            practice_id=client.practice_id,
            client=client,
            title=title,
            task=task,
            project=project,
            opened_by=actor,
        )
        _record(postmortem, actor=actor, kind=PostmortemEvent.Kind.OPENED)
        for name, body in written.items():
            if body:
                _entry(postmortem, actor=actor, side=side, section=name, body=body)
    return postmortem


def add_entry(postmortem: Postmortem, *, actor: User, section: str, body: str) -> PostmortemEntry:
    """Append a signed, timed entry to one section (either side, until it is closed)."""
    side = _standing(postmortem.client, actor, C.WRITE_POSTMORTEM)
    if section not in Section.values:
        raise DomainError(SECTION_UNKNOWN, field="section")
    body = _text(body, field="body", empty=ENTRY_EMPTY, limit=ENTRY_MAX)
    if postmortem.is_closed:
        raise DomainError(ALREADY_CLOSED, field="body")
    with transaction.atomic():
        return _entry(postmortem, actor=actor, side=side, section=section, body=body)


def _entry(
    postmortem: Postmortem, *, actor: User, side: str, section: str, body: str
) -> PostmortemEntry:
    entry = PostmortemEntry(
        practice_id=postmortem.practice_id,
        client_id=postmortem.client_id,
        postmortem=postmortem,
        section=section,
        body=body,
        author=actor,
        side=side,
    )
    return events.record(entry, kind=ENTRY_EVENT)


# Action items -------------------------------------------------------------------------------


def owner_choices(client: Client) -> list[User]:
    """Who may own an action: the practice's members working on the client, then the
    client's contacts (active members both): two queries."""
    from tandem.accounts.models import User

    workers = User.objects.filter(assignments__client=client, membership__is_active=True).order_by(
        "name", "email"
    )
    contacts = User.objects.filter(
        client_contact__client=client, membership__is_active=True
    ).order_by("name", "email")
    return [*workers, *contacts]


def add_action(
    postmortem: Postmortem,
    *,
    actor: User,
    description: str,
    owner: User | None,
    deadline_at: datetime | None,
) -> PostmortemAction:
    """The practice commits to a change: an action item, which becomes a request of the
    client (assigned to the owner when they work for the practice, watched by them when
    they are the client's contact), its timeline saying which postmortem it came from.

    A new action reopens a side already closed: what it closed on has changed."""
    client = postmortem.client
    _standing(client, actor, C.ADD_POSTMORTEM_ACTION, wrong_role=ONLY_PRACTICE_ACTIONS)
    if postmortem.is_closed:
        raise DomainError(ALREADY_CLOSED, field="description")
    description = _text(description, field="description", empty=ACTION_MISSING, limit=ACTION_MAX)
    if owner is None:
        raise DomainError(OWNER_MISSING, field="owner")
    if deadline_at is None:
        raise DomainError(DEADLINE_MISSING, field="deadline")
    works_on = Assignment.objects.filter(client=client, user=owner).exists()
    is_contact = ClientContact.objects.filter(client=client, user=owner).exists()
    if not (works_on or is_contact):
        raise DomainError(
            f"{owner.display_name} neither works on {client.name} nor speaks for it; "
            "pick someone who does.",
            field="owner",
        )
    with transaction.atomic():
        task = create_task(
            client,
            actor=actor,
            title=description,
            expectations=f"The change agreed in the postmortem “{postmortem.title}” is in place.",
            deadline_at=deadline_at,
            assignee=owner if works_on else None,
            created_note=f"An action item of the postmortem “{postmortem.title}”.",
            kind=None,
        )
        if not works_on:
            add_watcher(task, actor=actor, user=owner)
        action = PostmortemAction.objects.create(
            practice_id=postmortem.practice_id,
            client_id=postmortem.client_id,
            postmortem=postmortem,
            description=description,
            owner=owner,
            task=task,
            created_by=actor,
        )
        Postmortem.objects.filter(pk=postmortem.pk).update(
            practice_closed_by=None,
            practice_closed_at=None,
            client_closed_by=None,
            client_closed_at=None,
        )
        _record(postmortem, actor=actor, kind=PostmortemEvent.Kind.ACTION_ADDED, note=description)
    return action


# Closing ------------------------------------------------------------------------------------


def remaining_actions(postmortem: Postmortem) -> list[PostmortemAction]:
    return list(
        PostmortemAction.objects.filter(postmortem=postmortem)
        .still_open()
        .select_related("owner", "task")
        .order_by("task__deadline_at", "pk")
    )


def _actions_sentence(actions: list[PostmortemAction], zone: str) -> str:
    def one(action: PostmortemAction) -> str:
        due = action.task.deadline_at
        when = date_format(due.astimezone(ZoneInfo(zone)), "j M") if due else "no date"
        return f"“{action.description}” ({action.owner.display_name}, due {when})"

    listed = "; ".join(one(action) for action in actions)
    count = len(actions)
    return f"{count} action item{'s are' if count != 1 else ' is'} still open: {listed}."


def close_side(postmortem: Postmortem, *, actor: User) -> Postmortem:
    """The actor's side says it is done with the postmortem. Refused, saying what remains,
    while any action is open; once both sides have closed, the postmortem is closed."""
    side = _standing(postmortem.client, actor, C.CLOSE_POSTMORTEM_SIDE)
    if postmortem.is_closed:
        raise DomainError("This postmortem is already closed by both sides.")
    prefix = "practice" if side == access.Side.PRACTICE else "client"
    if getattr(postmortem, f"{prefix}_closed_at") is not None:
        raise DomainError(f"Your side is already closed. {still_to_close(postmortem)}")
    remaining = remaining_actions(postmortem)
    if remaining:
        sentence = _actions_sentence(remaining, postmortem.client.time_zone)
        raise DomainError(f"{sentence} Close your side when they are done.")
    now = timezone.now()
    with transaction.atomic():
        Postmortem.objects.filter(pk=postmortem.pk, **{f"{prefix}_closed_at__isnull": True}).update(
            **{f"{prefix}_closed_by": actor, f"{prefix}_closed_at": now}
        )
        _record(postmortem, actor=actor, kind=PostmortemEvent.Kind.SIDE_CLOSED, note=prefix)
        closed = Postmortem.objects.filter(
            pk=postmortem.pk,
            closed_at__isnull=True,
            practice_closed_at__isnull=False,
            client_closed_at__isnull=False,
        ).update(closed_at=now)
        if closed:
            _record(postmortem, actor=actor, kind=PostmortemEvent.Kind.CLOSED)
    return reloaded(postmortem)


def still_to_close(postmortem: Postmortem) -> str:
    """What remains before the postmortem is closed, as a sentence ("" when closed)."""
    if postmortem.is_closed:
        return ""
    waiting = [
        name
        for name, at in (
            ("the practice", postmortem.practice_closed_at),
            (postmortem.client.name, postmortem.client_closed_at),
        )
        if at is None
    ]
    verb = "closes" if len(waiting) == 1 else "close"
    return f"It closes when {' and '.join(waiting)} {verb} their side."


def _record(postmortem: Postmortem, *, actor: User, kind: str, note: str = "") -> PostmortemEvent:
    event = PostmortemEvent(
        practice_id=postmortem.practice_id,
        client_id=postmortem.client_id,
        postmortem=postmortem,
        actor=actor,
        kind=kind,
        note=note[:200],
    )
    return events.record(event, kind=f"{EVENT_PREFIX}{kind}")


def reloaded(postmortem: Postmortem) -> Postmortem:
    return Postmortem.objects.select_related(
        "client__practice", "task", "project", "opened_by", "practice_closed_by", "client_closed_by"
    ).get(pk=postmortem.pk)
