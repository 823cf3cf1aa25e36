"""A request's kind of work, and the client's go-ahead for work above its phase (issue 13).

A request names its kind from the practice's catalogue (``delegation.WorkKind``): suggested
from its words when it is written, changeable by the client before the practice accepts it
and by the practice at any time. Work of a kind above the client's phase waits for the
client's go-ahead (``core.access.delegation``): given on the request, with one click in the
portal or from the link in the mail, or standing for every request of the kind. Each is a
line on the request's timeline, so the people who watch it are told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.delegation import phases
from tandem.delegation.models import StandingGoAhead, WorkKind
from tandem.work import services
from tandem.work.kinds import KIND_OF_OTHER_PRACTICE, kinds_in_use, standing_go_ahead_for
from tandem.work.models import OPEN_STATUSES, Task, TaskEvent, TaskStatus
from tandem.work.workflow import BEFORE_ACCEPTANCE

if TYPE_CHECKING:
    from tandem.accounts.models import User

C = Capability

# A go-ahead is given before the work starts: once started, it is too late to hold it back.
BEFORE_WORK = frozenset({TaskStatus.NEEDS_DEADLINE, TaskStatus.REQUESTED, TaskStatus.ACCEPTED})

NOT_ABOVE_PHASE = "This request is within {client}'s phase; it needs no go-ahead."
GIVEN_ALREADY = "You gave the go-ahead for this request already."
STARTED_ALREADY = "Work on this request has started already; there is nothing to hold back."
ONLY_CLIENT = "Only the client gives the go-ahead for work above its phase."
KIND_CHANGES_BEFORE_ACCEPTANCE = (
    "The practice has accepted this request; ask them in the conversation to change its kind."
)


def set_kind(task: Task, *, actor: User, kind: WorkKind | None) -> Task:
    """Name (or clear) the request's kind of work: the client before the practice accepts
    it, the practice at any time while it is open. A standing go-ahead for the new kind
    applies at once; a go-ahead already given on the request stays."""
    standing = access.standing(actor, task.client)
    standing.require(C.NAME_KIND_OF_WORK, unseen=services.NOT_YOUR_TASK, field="kind")
    if task.status not in OPEN_STATUSES:
        raise DomainError("This request is closed; its kind can no longer change.", field="kind")
    if standing.side == access.Side.CLIENT and task.status not in BEFORE_ACCEPTANCE:
        raise DomainError(KIND_CHANGES_BEFORE_ACCEPTANCE, field="kind")
    if kind is not None and (kind.practice_id != task.practice_id or kind.retired_at):
        raise DomainError(KIND_OF_OTHER_PRACTICE, field="kind")
    if kind is not None and kind.pk == task.kind_id:
        return task
    before = task.kind.name if task.kind_id is not None and task.kind is not None else None
    fields: dict[str, object] = {"kind": kind, "updated_at": timezone.now()}
    if not task.has_go_ahead and standing_go_ahead_for(task.client_id, kind):
        fields |= {"go_ahead_at": timezone.now(), "go_ahead_standing": True}
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(**fields)
        for field, value in fields.items():
            setattr(task, field, value)
        change = {
            "from": before,
            "to": kind.name if kind else None,
            "phase": phases.short_name(kind.phase) if kind else "",
        }
        services.record_event(
            task, actor=actor, kind=TaskEvent.Kind.EDITED, changes={"kind": change}
        )
    return task


def give_go_ahead(task: Task, *, actor: User, for_the_kind: bool = False) -> Task:
    """The client's go-ahead for this request above its phase; with ``for_the_kind``,
    standing for every request of its kind from now on (its open ones too)."""
    standing = access.standing(actor, task.client)
    if not standing.sees:
        raise DomainError(services.NOT_YOUR_TASK)
    standing.require(C.GIVE_GO_AHEAD, wrong_role=ONLY_CLIENT)
    if task.has_go_ahead:
        raise DomainError(GIVEN_ALREADY)
    if task.status not in BEFORE_WORK:
        raise DomainError(STARTED_ALREADY)
    if not access.above_phase(task.client, task):
        raise DomainError(NOT_ABOVE_PHASE.format(client=task.client.name))
    now = timezone.now()
    with transaction.atomic():
        moved = Task.objects.filter(
            pk=task.pk, go_ahead_at__isnull=True, status__in=BEFORE_WORK
        ).update(go_ahead_at=now, go_ahead_by=actor, updated_at=now)
        if not moved:
            raise DomainError(GIVEN_ALREADY)
        task.go_ahead_at, task.go_ahead_by = now, actor
        if for_the_kind and task.kind is not None:
            _stand_for_kind(task.client, task.kind, actor=actor, now=now)
        given = {
            "kind": task.kind.name if task.kind is not None else "",
            "phase": phases.short_name(task.kind_phase),
            "standing": for_the_kind,
        }
        services.record_event(
            task, actor=actor, kind=TaskEvent.Kind.EDITED, changes={"go_ahead": given}
        )
    return task


def _stand_for_kind(client: Client, kind: WorkKind, *, actor: User, now: object) -> None:
    try:
        with transaction.atomic():
            StandingGoAhead.objects.create(
                practice_id=client.practice_id, client=client, kind=kind, given_by=actor
            )
    except IntegrityError:
        return  # standing already
    # The client's other open requests of the kind waiting for it go ahead too.
    Task.objects.filter(
        client=client, kind=kind, go_ahead_at__isnull=True, status__in=BEFORE_WORK
    ).update(go_ahead_at=now, go_ahead_by=actor, go_ahead_standing=True)


def give_standing_go_ahead(client: Client, kind: WorkKind, *, actor: User) -> StandingGoAhead:
    """The client's standing go-ahead for a kind of work above its phase."""
    standing = access.standing(actor, client)
    if not standing.sees:
        raise DomainError(access.NOT_YOURS)
    standing.require(C.GIVE_GO_AHEAD, wrong_role=ONLY_CLIENT)
    if kind.practice_id != client.practice_id or kind.retired_at:
        raise DomainError(KIND_OF_OTHER_PRACTICE, field="kind")
    now = timezone.now()
    with transaction.atomic():
        _stand_for_kind(client, kind, actor=actor, now=now)
        return StandingGoAhead.objects.in_force().get(client=client, kind=kind)


def withdraw_standing_go_ahead(go_ahead: StandingGoAhead, *, actor: User) -> None:
    """Stop a standing go-ahead: requests given it keep it; new ones wait again."""
    client = Client.objects.get(pk=go_ahead.client_id)
    standing = access.standing(actor, client)
    if not standing.sees:
        raise DomainError(access.NOT_YOURS)
    standing.require(C.GIVE_GO_AHEAD, wrong_role=ONLY_CLIENT)
    StandingGoAhead.objects.filter(pk=go_ahead.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=actor
    )


def task_page_parts(task: Task, standing: access.Standing) -> dict[str, object]:
    """What the request page shows of its kind of work and the go-ahead: no query (the
    catalogue is read by the page that changes the kind)."""
    may_name = (
        task.status in OPEN_STATUSES
        and standing.allows(C.NAME_KIND_OF_WORK)
        and (standing.side == access.Side.PRACTICE or task.status in BEFORE_ACCEPTANCE)
    )
    waits = task.status in BEFORE_WORK and access.waits_for_go_ahead(task.client, task)
    return {
        "kind_of_work": task.kind if task.kind_id is not None else None,
        "kind_phase_name": phases.short_name(task.kind_phase),
        "client_phase_name": phases.short_name(task.client.phase),
        "waits_for_go_ahead": waits,
        "may_give_go_ahead": waits and access.may_give_go_ahead(standing, task),
        "may_name_kind": may_name,
    }


def kind_options(practice_id: int) -> list[tuple[int, str]]:
    """The catalogue as a select's options: each kind with its phase (one query)."""
    return [
        (kind.pk, f"{kind.name} ({phases.short_name(kind.phase)})")
        for kind in kinds_in_use(practice_id)
    ]
