"""The task status machine: which moves exist, who may make each, and what each needs.

Pure rules, no writes: ``services.move_task`` applies a move; ``allowed_moves`` tells the
pages which buttons to offer. Two sides act on a task: the practice (the owner, or an
assistant assigned to the client) and the client (that client's contacts). The practice
accepts, works on and delivers requests; only the client accepts delivered work or sends it
back, because "done" means the person who asked is satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from tandem.core import access
from tandem.core.access import Side
from tandem.core.roles import Capability
from tandem.work.models import OPEN_STATUSES, Task, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User

S = TaskStatus
C = Capability


class Need(StrEnum):
    """What a move asks of the person making it, beyond the click."""

    NOTE = "note"
    WAITING = "waiting"
    DEADLINE = "deadline"
    # A message saying what is handed over, with optional files and links
    # (``deliveries.deliver_task``, the only door to "Delivered for review").
    DELIVERY = "delivery"
    # An optional note: a thank-you with the accepted work.
    THANKS = "thanks"


@dataclass(frozen=True)
class Move:
    """One move a person may make from a task's current status (a button on the page)."""

    to: TaskStatus
    label: str
    needs: Need | None = None
    # The button's words for the client, where theirs differ from the practice's.
    client_label: str = ""

    @property
    def needs_input(self) -> bool:
        """Whether the move takes words (or files) beyond the click; a thank-you is optional,
        so accepting work can be one click where there is no room for words (the board)."""
        return self.needs is not None and self.needs != Need.THANKS

    def for_side(self, side: Side) -> Move:
        if side == Side.CLIENT and self.client_label:
            return replace(self, label=self.client_label)
        return self


@dataclass(frozen=True)
class Transition:
    """A move from one status, and the capability (on the task's client) it takes.

    Which side may make it is the access policy's answer for that capability, and the
    relationship's state can refuse it too (``core.access.REQUIREMENTS``).
    """

    from_status: TaskStatus
    move: Move
    capability: Capability
    # Said to someone on the wrong side who tries the move anyway.
    refusal: str

    @property
    def sides(self) -> frozenset[Side]:
        return access.sides_with(self.capability)


ONLY_PRACTICE = "Only the practice can {}; ask your assistant."
ONLY_CLIENT = "Only the client can {}."


def _practice(
    from_status: S, to: S, label: str, what: str, needs: Need | None = None, *, cap: C
) -> Transition:
    return Transition(from_status, Move(to, label, needs), cap, ONLY_PRACTICE.format(what))


def _client(from_status: S, to: S, label: str, what: str, needs: Need | None = None) -> Transition:
    move = Move(to, label, needs)
    return Transition(from_status, move, C.REVIEW_DELIVERY, ONLY_CLIENT.format(what))


def _either(
    from_status: S,
    to: S,
    label: str,
    needs: Need | None = None,
    *,
    cap: C,
    client_label: str = "",
) -> Transition:
    return Transition(from_status, Move(to, label, needs, client_label), cap, "")


# Either side may call off an open request: the client no longer wants it, or the practice
# cannot do it after all. A reason is always kept.
CANCELLING = tuple(
    _either(status, S.CANCELLED, "Cancel the request", Need.NOTE, cap=C.CANCEL_REQUEST)
    for status in TaskStatus
    if status in OPEN_STATUSES
)

TRANSITIONS: tuple[Transition, ...] = (
    _either(S.NEEDS_DEADLINE, S.REQUESTED, "Set a deadline", Need.DEADLINE, cap=C.SET_DEADLINE),
    _practice(S.REQUESTED, S.ACCEPTED, "Accept", "accept a request", cap=C.TAKE_ON_REQUEST),
    _practice(
        S.REQUESTED, S.DECLINED, "Decline", "decline a request", Need.NOTE, cap=C.WORK_ON_REQUEST
    ),
    _practice(S.ACCEPTED, S.IN_PROGRESS, "Start work", "start work on a request", cap=C.START_WORK),
    _practice(
        S.IN_PROGRESS,
        S.WAITING_ON_CLIENT,
        "Wait for the client",
        "mark a task as waiting on the client",
        Need.WAITING,
        cap=C.WORK_ON_REQUEST,
    ),
    _practice(
        S.IN_PROGRESS,
        S.DELIVERED,
        "Deliver for review",
        "deliver work for review",
        Need.DELIVERY,
        cap=C.WORK_ON_REQUEST,
    ),
    # Either side: the client sends what was asked for, or the practice resumes on receipt.
    _either(
        S.WAITING_ON_CLIENT,
        S.IN_PROGRESS,
        "Resume work",
        cap=C.RESUME_WORK,
        client_label="I have sent what you needed",
    ),
    _client(S.DELIVERED, S.DONE, "Accept the work", "accept delivered work", Need.THANKS),
    _client(S.DELIVERED, S.IN_PROGRESS, "Send back", "send delivered work back", Need.NOTE),
    *CANCELLING,
)


def find_transition(from_status: str, to: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.from_status == from_status and transition.move.to == to:
            return transition
    return None


def side_of(task: Task, user: User) -> Side | None:
    """Which side ``user`` acts on for ``task``, or None when they cannot see it: the access
    policy's standing with the task's client (no query for owners, one for anyone else)."""
    return access.standing(user, task.client).side


def allowed_moves(task: Task, user: User) -> list[Move]:
    """The moves ``user`` may make from the task's current status, in display order."""
    return moves_for(task.status, access.standing(user, task.client), task)


@dataclass(frozen=True)
class WorkFacts:
    """What the access policy reads of a task (``access.Delegable``), for lists that read
    rows as values rather than tasks."""

    kind_phase: int | None
    has_go_ahead: bool


ANY_PHASE = WorkFacts(kind_phase=None, has_go_ahead=False)


def moves_for(
    status: str, standing: access.Standing, work: access.Delegable = ANY_PHASE
) -> list[Move]:
    """The moves from ``status`` whose capability the policy grants in ``standing`` (the
    person's standing with the task's client, in the relationship's current state) for
    ``work`` (whose kind's phase can hold back accepting and starting it until the client
    gives the go-ahead): no query, so a page of many tasks of one client asks once."""
    side = standing.side
    if side is None:
        return []
    return [
        transition.move.for_side(side)
        for transition in TRANSITIONS
        if transition.from_status == status
        and access.delegation(standing, transition.capability, work) == access.Delegated.ALLOWED
    ]


# Editing a request after it is sent ---------------------------------------------------------


# The parts of a request its client may change: what is asked, by when, and its files.
REQUEST_FIELDS = frozenset({"title", "request_markdown", "expectations", "deadline_at", "files"})
# And what only the practice decides: how urgent, where it belongs, how long it takes.
ALL_FIELDS = REQUEST_FIELDS | {"priority", "project", "estimate_hours"}
# Before the practice has taken a request on, its client may still reword it.
BEFORE_ACCEPTANCE = frozenset({S.NEEDS_DEADLINE, S.REQUESTED})
ACCEPTED_ALREADY = "The practice has accepted this request; ask for changes in the conversation."


@dataclass(frozen=True)
class EditRule:
    """Which parts of a request a capability lets someone change, and in which statuses.

    Who holds the capability is the access policy's answer (``core.access.ROLES``); the
    statuses are the workflow's, so the two questions stay where they belong.
    """

    capability: Capability
    statuses: frozenset[TaskStatus]
    fields: frozenset[str]
    # Said to someone who holds the capability when the request is in another status.
    refusal: str


EDIT_RULES: tuple[EditRule, ...] = (
    EditRule(C.EDIT_ANY_REQUEST, OPEN_STATUSES, ALL_FIELDS, ""),
    EditRule(C.EDIT_REQUEST, BEFORE_ACCEPTANCE, REQUEST_FIELDS, ACCEPTED_ALREADY),
)


def editable_fields(status: str, standing: access.Standing) -> frozenset[str]:
    """The parts of a request in ``status`` the person may change now (none: no edit)."""
    fields: frozenset[str] = frozenset()
    for rule in EDIT_RULES:
        if status in rule.statuses and standing.allows(rule.capability):
            fields |= rule.fields
    return fields


def edit_refusal(status: str, standing: access.Standing) -> str:
    """Why the person may not change a request in ``status``, and what to do instead."""
    if status not in OPEN_STATUSES:
        label = dict(TaskStatus.choices).get(status, status)
        return f"This request is {str(label).lower()}; it can no longer change."
    for rule in EDIT_RULES:
        if standing.allows(rule.capability) and rule.refusal:
            return rule.refusal
    return standing.refusal(C.EDIT_REQUEST) or access.ONLY_OTHER_SIDE
