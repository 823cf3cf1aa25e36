"""Heads-ups: giving one, confirming, declining, withdrawing, and making it a request (writes).

Every change of state is one conditional UPDATE of the row while it is still in a state the
change may start from, and one ``HeadsUpEvent`` recorded through the event path in the same
transaction; two clicks at once change a heads-up once, and the second hears why not.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from tandem.clients.models import Assignment, Client
from tandem.core import access, events
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.planning.models_headsups import HeadsUp, HeadsUpEvent
from tandem.planning.models_policy import SIZE_MAX_MINUTES, planning_policy
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_watcher, create_task, move_task

if TYPE_CHECKING:
    from tandem.accounts.models import User

WHAT_MAX = 200
DETAILS_MAX = 5000
REASON_MAX = 2000

WHAT_MISSING = "Say what is coming, such as “the spring newsletter”."
SIZE_MISSING = "Say roughly how big it is: a number of hours, or small, medium or large."
SIZE_ZERO = "Give it some time: more than 0 hours, or pick small, medium or large."
SIZE_TOO_BIG = (
    f"That is more than {SIZE_MAX_MINUTES // 60} hours: split it into smaller heads-ups, "
    "or talk to the practice about a project."
)
DUE_MISSING = "Say when it must be done, such as “end of next month”."
DUE_PAST = "That date has already passed; say when it must be done, in the future."
MATERIALS_PAST = "That date has already passed; say when the materials will arrive, or leave it."
MATERIALS_AFTER_DUE = (
    "The materials would arrive after it must be done: pick an earlier date for the materials, "
    "or a later one for when it is due."
)
REASON_MISSING = "Say why you are declining it, so the client knows what to do instead."
REPEATS_UNKNOWN = "Pick how often it repeats: just once, every week or every month."
NOT_YOUR_CLIENT = "Pick one of your own clients."
ONLY_PRACTICE_CONFIRMS = "Only the practice confirms, declines or makes a request of a heads-up."
ONLY_GIVERS = "Your role does not give heads-ups."

# The events on the event path (notify and check-ins hang from them).
EVENT_PREFIX = "heads_up."
GIVEN = f"{EVENT_PREFIX}{HeadsUpEvent.Kind.GIVEN}"


# Giving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """The size as given: ``letter`` (S, M, L; empty when hours were given) and minutes."""

    letter: str
    minutes: int


def size_of(*, practice_id: int, hours: Decimal | None, letter: str) -> Size:
    """Minutes from ``hours`` when given, otherwise from the practice's meaning of small,
    medium or large (one query). Refused with a sentence beside ``hours`` when neither is
    given, or the size is zero, negative or larger than any heads-up can be."""
    if hours is not None:
        minutes = int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
        if minutes <= 0:
            raise DomainError(SIZE_ZERO, field="hours")
        if minutes > SIZE_MAX_MINUTES:
            raise DomainError(SIZE_TOO_BIG, field="hours")
        return Size("", minutes)
    if letter not in HeadsUp.Size.values:
        raise DomainError(SIZE_MISSING, field="hours")
    return Size(letter, planning_policy(practice_id).size_minutes(letter))


def give_heads_up(
    client: Client,
    *,
    actor: User,
    what: str,
    size: Size,
    due_at: datetime | None,
    details: str = "",
    materials_expected_at: datetime | None = None,
    repeats: str = HeadsUp.Repeats.NO,
    from_check_in_id: int | None = None,
) -> HeadsUp:
    """Record that ``what`` is coming for ``client``: tentative until the practice confirms.

    Refused with a sentence when the actor may not give heads-ups for the client (a contact
    of another client, an assistant not assigned to it), the client is archived, ``what`` is
    empty or long, the size is not one, ``due_at`` is missing or past, or the materials
    would arrive in the past or after it is due.
    """
    standing = access.standing(actor, client)
    standing.require(
        Capability.GIVE_HEADS_UP, unseen=NOT_YOUR_CLIENT, wrong_role=ONLY_GIVERS, field="client"
    )
    if client.is_archived:
        raise DomainError(f"{client.name} is archived; restore it first.", field="client")
    what = _text(what, field="what", empty=WHAT_MISSING, limit=WHAT_MAX)
    details = details.strip()
    if len(details) > DETAILS_MAX:
        raise DomainError(f"Keep the details under {DETAILS_MAX:,} characters.", field="details")
    _check_size(size)
    due_at, materials_expected_at = _check_dates(due_at, materials_expected_at)
    if repeats not in HeadsUp.Repeats.values:
        raise DomainError(REPEATS_UNKNOWN, field="repeats")
    with transaction.atomic():
        heads_up = HeadsUp.objects.create(
            practice_id=client.practice_id,
            client=client,
            what=what,
            details=details,
            size=size.letter,
            minutes=size.minutes,
            materials_expected_at=materials_expected_at,
            due_at=due_at,
            repeats=repeats,
            from_check_in_id=from_check_in_id,
            created_by=actor,
        )
        _record(heads_up, actor=actor, kind=HeadsUpEvent.Kind.GIVEN)
    return heads_up


def _text(value: str, *, field: str, empty: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise DomainError(empty, field=field)
    if len(value) > limit:
        raise DomainError(f"Keep it under {limit:,} characters.", field=field)
    return value


def _check_size(size: Size) -> None:
    if size.minutes <= 0:
        raise DomainError(SIZE_ZERO, field="hours")
    if size.minutes > SIZE_MAX_MINUTES:
        raise DomainError(SIZE_TOO_BIG, field="hours")


def _check_dates(
    due_at: datetime | None, materials_at: datetime | None
) -> tuple[datetime, datetime | None]:
    now = timezone.now()
    if due_at is None:
        raise DomainError(DUE_MISSING, field="deadline")
    if timezone.is_naive(due_at) or (materials_at is not None and timezone.is_naive(materials_at)):
        raise ValueError("heads-up dates must be aware datetimes")
    if due_at <= now:
        raise DomainError(DUE_PAST, field="deadline")
    if materials_at is not None and materials_at <= now:
        raise DomainError(MATERIALS_PAST, field="waiting_until")
    if materials_at is not None and materials_at > due_at:
        raise DomainError(MATERIALS_AFTER_DUE, field="waiting_until")
    return due_at.astimezone(UTC), materials_at.astimezone(UTC) if materials_at else None


# Changing its state -------------------------------------------------------------------------


def confirm_heads_up(heads_up: HeadsUp, *, actor: User) -> HeadsUp:
    """The practice confirms a tentative heads-up: its hours are reserved from now on."""
    _require(heads_up, actor, Capability.CONFIRM_HEADS_UP, ONLY_PRACTICE_CONFIRMS)
    now = timezone.now()
    with transaction.atomic():
        _move(
            heads_up,
            frm=(HeadsUp.State.TENTATIVE,),
            to=HeadsUp.State.CONFIRMED,
            confirmed_by=actor,
            confirmed_at=now,
        )
        _record(heads_up, actor=actor, kind=HeadsUpEvent.Kind.CONFIRMED)
    return _reloaded(heads_up)


def decline_heads_up(heads_up: HeadsUp, *, actor: User, reason: str) -> HeadsUp:
    """The practice cannot take it on: declined, with the reason the client reads."""
    _require(heads_up, actor, Capability.CONFIRM_HEADS_UP, ONLY_PRACTICE_CONFIRMS)
    reason = _text(reason, field="reason", empty=REASON_MISSING, limit=REASON_MAX)
    with transaction.atomic():
        _settle(heads_up, actor, to=HeadsUp.State.DECLINED, decline_reason=reason)
        _record(heads_up, actor=actor, kind=HeadsUpEvent.Kind.DECLINED, note=reason)
    return _reloaded(heads_up)


def withdraw_heads_up(heads_up: HeadsUp, *, actor: User) -> HeadsUp:
    """It is no longer coming (said by the client, or by the practice for them)."""
    _require(heads_up, actor, Capability.GIVE_HEADS_UP, ONLY_GIVERS)
    with transaction.atomic():
        _settle(heads_up, actor, to=HeadsUp.State.WITHDRAWN)
        _record(heads_up, actor=actor, kind=HeadsUpEvent.Kind.WITHDRAWN)
    return _reloaded(heads_up)


def make_request(heads_up: HeadsUp, *, actor: User) -> Task:
    """The materials are here: the heads-up becomes a request, accepted at once so the hours
    it reserved stay reserved (estimate = its hours, deadline = when it is due, assigned to
    the client's assistant), its timeline saying where it came from.

    Refused like any new request (a deadline already past says so), and when the heads-up
    has been withdrawn, declined or made a request meanwhile: then no request is made.
    """
    _require(heads_up, actor, Capability.CONFIRM_HEADS_UP, ONLY_PRACTICE_CONFIRMS)
    if not heads_up.is_open:
        raise DomainError(settled_sentence(heads_up))
    client = heads_up.client
    with transaction.atomic():
        task = create_task(
            client,
            actor=actor,
            title=heads_up.what,
            expectations=heads_up.details or f"{heads_up.what}, as the heads-up described.",
            deadline_at=heads_up.due_at,
            assignee=primary_assistant(client),
            estimate_hours=estimate_of(heads_up.minutes),
            created_note=_origin(heads_up),
        )
        move_task(task, to=TaskStatus.ACCEPTED, actor=actor)
        _giver_watches(task, heads_up, actor=actor)
        _settle(heads_up, actor, to=HeadsUp.State.BECAME_REQUEST, task=task)
        _record(heads_up, actor=actor, kind=HeadsUpEvent.Kind.BECAME_REQUEST)
    return task


def _giver_watches(task: Task, heads_up: HeadsUp, *, actor: User) -> None:
    """Whoever gave the heads-up hears how the request goes, as if they had sent it; not
    when they can no longer see the client (left, or moved on)."""
    giver = heads_up.created_by
    if giver is None or giver.pk == actor.pk:
        return
    with suppress(DomainError):
        add_watcher(task, actor=actor, user=giver)


def primary_assistant(client: Client) -> User | None:
    """The client's first assigned member of the practice's side (one query); None if none."""
    found = (
        Assignment.objects.filter(
            client=client, user__membership__role__in=access.roles_on_side(access.Side.PRACTICE)
        )
        .select_related("user__membership")
        .order_by("created_at", "id")
        .first()
    )
    return found.user if found is not None else None


def estimate_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _origin(heads_up: HeadsUp) -> str:
    who = heads_up.created_by.display_name if heads_up.created_by else "the client"
    when = date_format(timezone.localtime(heads_up.created_at), "j M")
    return f"From a heads-up {who} gave on {when}."


def _require(heads_up: HeadsUp, actor: User, capability: Capability, wrong_role: str) -> None:
    standing = access.standing(actor, heads_up.client)
    standing.require(capability, unseen=access.NOT_YOURS, wrong_role=wrong_role)


def _move(heads_up: HeadsUp, *, frm: tuple[str, ...], to: str, **changes: Any) -> None:
    """One conditional UPDATE from one of ``frm`` to ``to``; refused with why when the row
    has moved on (or was never in such a state)."""
    moved = HeadsUp.objects.filter(pk=heads_up.pk, state__in=frm).update(
        state=to, updated_at=timezone.now(), **changes
    )
    if not moved:
        raise DomainError(settled_sentence(_reloaded(heads_up)))


def _settle(heads_up: HeadsUp, actor: User, *, to: str, **changes: Any) -> None:
    _move(
        heads_up,
        frm=HeadsUp.OPEN_STATES,
        to=to,
        settled_by=actor,
        settled_at=timezone.now(),
        **changes,
    )


def settled_sentence(heads_up: HeadsUp) -> str:
    """Why a heads-up can no longer change that way, for the person acting."""
    who = heads_up.settled_by.display_name if heads_up.settled_by else "Someone"
    when = (
        date_format(timezone.localtime(heads_up.settled_at), "D j M") if heads_up.settled_at else ""
    )
    return {
        HeadsUp.State.CONFIRMED: "This heads-up is already confirmed; its hours are reserved.",
        HeadsUp.State.WITHDRAWN: f"{who} withdrew this heads-up on {when}; nothing more to do.",
        HeadsUp.State.DECLINED: f"{who} declined this heads-up on {when}; nothing more to do.",
        HeadsUp.State.BECAME_REQUEST: (
            f"{who} made this heads-up a request on {when}; follow the request instead."
        ),
    }.get(HeadsUp.State(heads_up.state), "This heads-up has changed meanwhile; reload the page.")


def _record(heads_up: HeadsUp, *, actor: User, kind: str, note: str = "") -> HeadsUpEvent:
    event = HeadsUpEvent(
        practice_id=heads_up.practice_id,
        client_id=heads_up.client_id,
        heads_up=heads_up,
        actor=actor,
        kind=kind,
        note=note,
    )
    return events.record(event, kind=f"{EVENT_PREFIX}{kind}")


def _reloaded(heads_up: HeadsUp) -> HeadsUp:
    return HeadsUp.objects.select_related(
        "client__practice", "created_by", "confirmed_by", "settled_by", "task"
    ).get(pk=heads_up.pk)
