"""Writes on projects beyond creating one: starting one from a page, editing, changing its
status, and answering a contact's proposal.

Only the practice (the owner, or an assistant assigned to the client) changes a project; a
client's contacts propose one and watch it. The one exception: the contact who proposed a
project may reword it until the practice takes it on or turns it down. Every change is one
line on the project's page (``ProjectEvent``), not an audit entry: it is the work itself,
not a security event.
Status changes apply only while the row still has the state the actor saw, so two people
clicking at once cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tandem.core import access, events
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.work import services
from tandem.work.models import Project, ProjectEvent

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.clients.models import Client

Status = Project.Status
Kind = ProjectEvent.Kind

REASON_MAX = 2000

# (from, to) → what the project's page says happened. Anything else is not a move.
STATUS_MOVES: dict[tuple[str, str], str] = {
    (Status.ACTIVE, Status.ON_HOLD): Kind.PUT_ON_HOLD,
    (Status.ACTIVE, Status.DONE): Kind.MARKED_DONE,
    (Status.ON_HOLD, Status.ACTIVE): Kind.RESUMED,
    (Status.ON_HOLD, Status.DONE): Kind.MARKED_DONE,
    (Status.DONE, Status.ACTIVE): Kind.REOPENED,
}
# What a practice member may set from the project's page.
SETTABLE = (Status.ACTIVE, Status.ON_HOLD, Status.DONE)
# The button for each move.
MOVE_LABELS: dict[str, str] = {
    Kind.PUT_ON_HOLD: "Put on hold",
    Kind.MARKED_DONE: "Mark done",
    Kind.RESUMED: "Resume",
    Kind.REOPENED: "Reopen",
}


# Who is acting ------------------------------------------------------------------------------


def _check_practice_side(project: Project, actor: User, *, what: str) -> None:
    """Refused unless ``actor`` is on the practice side of a project they can see."""
    access.standing(actor, project.client).require(
        Capability.RUN_PROJECTS,
        unseen="This project is not one of yours; open it from your client's page.",
        wrong_role=f"Only the practice can {what}; ask your assistant.",
    )
    if project.client.is_archived:
        raise DomainError(f"Restore {project.client.name} before changing its projects.")


def _check_open(project: Project) -> None:
    if project.status == Status.TURNED_DOWN:
        raise DomainError("This proposal was turned down; it can no longer change.")


# Starting a project -------------------------------------------------------------------------


def create_project(
    client: Client,
    *,
    actor: User,
    title: str,
    goal: str = "",
    done_means: str = "",
    target_on: date | None = None,
) -> Project:
    """A project for one of the actor's clients, by the practice (owners and assigned
    assistants). Refused, with a sentence, for a client the actor cannot see, an archived
    client, an empty title or a target date already past in the client's time zone."""
    services.standing_for_client(
        client,
        actor,
        Capability.RUN_PROJECTS,
        wrong_role="Only the practice can start a project; propose one instead.",
    )
    fields = ProjectFields(title, goal, done_means, target_on)
    return _save_project(client, fields, actor=actor, kind=Kind.CREATED)


def propose_project(
    client: Client,
    *,
    actor: User,
    title: str,
    goal: str = "",
    done_means: str = "",
    target_on: date | None = None,
) -> Project:
    """A contact proposes a project for their own client; the practice takes it on later.
    Refused as ``create_project`` is, and for anyone on the practice's side."""
    services.standing_for_client(
        client,
        actor,
        Capability.PROPOSE_PROJECTS,
        wrong_role="Only the client's contacts propose projects; create it instead.",
    )
    fields = ProjectFields(title, goal, done_means, target_on)
    return _save_project(
        client, fields, actor=actor, kind=Kind.PROPOSED, proposed_by=actor, is_proposal=True
    )


def start_project(
    client: Client,
    *,
    actor: User,
    title: str,
    goal: str = "",
    done_means: str = "",
    target_on: date | None = None,
) -> Project:
    """The page's one door: the practice creates a project, a contact proposes one."""
    start = propose_project if access.allows(actor, Capability.PROPOSE_PROJECTS) else create_project
    return start(
        client, actor=actor, title=title, goal=goal, done_means=done_means, target_on=target_on
    )


@dataclass(frozen=True)
class ProjectFields:
    title: str
    goal: str = ""
    done_means: str = ""
    target_on: date | None = None


def _save_project(
    client: Client, fields: ProjectFields, *, actor: User, kind: str, **extra: Any
) -> Project:
    """The one place a project is created: checked, saved and its first event recorded in
    one transaction."""
    title = services.require_text(fields.title, field="title", message="Give the project a title.")
    services.check_target(client, fields.target_on)
    with transaction.atomic():
        project = Project.objects.create(
            practice_id=client.practice_id,
            client=client,
            title=title,
            goal=fields.goal.strip(),
            done_means=fields.done_means.strip(),
            target_on=fields.target_on,
            **extra,
        )
        _record(project, actor=actor, kind=kind)
    return project


# Editing ------------------------------------------------------------------------------------

EDITABLE = {
    "title": "title",
    "goal": "goal",
    "done_means": "what done looks like",
    "target_on": "target date",
}


def edit_project(
    project: Project,
    *,
    actor: User,
    title: str,
    goal: str = "",
    done_means: str = "",
    target_on: date | None = None,
) -> Project:
    """Change what the project is about. Practice side only; not a turned-down proposal.

    A target date already past is refused only when it is being changed: a late project
    can still have its goal reworded.
    """
    _check_practice_side(project, actor, what="edit a project")
    _check_open(project)
    changes = _edits(project, title=title, goal=goal, done_means=done_means, target_on=target_on)
    if not changes:
        return project
    with transaction.atomic():
        for name, value in changes.items():
            setattr(project, name, value)
        project.save(update_fields=list(changes))
        _record(project, actor=actor, kind=Kind.EDITED, note=_edited_note(changes))
    return project


def edit_proposal(
    project: Project,
    *,
    actor: User,
    title: str,
    goal: str = "",
    done_means: str = "",
    target_on: date | None = None,
) -> Project:
    """The contact who proposed the project rewords it while the practice has not answered.

    Refused, with a sentence, for anyone but the proposer, once the practice has taken the
    proposal on or turned it down, and (as for the practice's edit) for an empty title or a
    new target date already past. The change applies only while the row is still a pending
    proposal, so an edit racing the practice's answer cannot land after it.
    """
    check_proposal_editable(project, actor)
    changes = _edits(project, title=title, goal=goal, done_means=done_means, target_on=target_on)
    if not changes:
        return project
    with transaction.atomic():
        pending = Project.objects.filter(pk=project.pk, is_proposal=True, status=Status.ACTIVE)
        if not pending.update(**changes):
            raise DomainError(
                "The practice has just answered this proposal; reload it to see their answer."
            )
        for name, value in changes.items():
            setattr(project, name, value)
        _record(project, actor=actor, kind=Kind.EDITED, note=_edited_note(changes))
    return project


def check_proposal_editable(project: Project, actor: User) -> None:
    """Refused unless ``actor`` can see the project, proposed it, and the practice has not
    taken it on or turned it down yet."""
    if not Project.objects.visible_to(actor).filter(pk=project.pk).exists():
        raise DomainError("This project is not one of yours; open it from your portal.")
    if project.proposed_by_id != actor.pk:
        raise DomainError("Only the person who proposed this project can edit the proposal.")
    _check_open(project)
    if not project.is_proposal:
        raise DomainError(
            "The practice has taken this proposal on, so it is theirs to change now; "
            "ask your assistant."
        )


def may_edit_proposal(project: Project, user: User) -> bool:
    """Whether the page offers ``user`` "Edit proposal": the proposer, while it is pending.
    No query; ``check_proposal_editable`` is the rule itself."""
    is_pending = project.is_proposal and project.status == Status.ACTIVE
    return is_pending and project.proposed_by_id == user.pk


def _edits(
    project: Project, *, title: str, goal: str, done_means: str, target_on: date | None
) -> dict[str, Any]:
    """The checked new values of the fields that change; empty when none does."""
    new = {
        "title": services.require_text(title, field="title", message="Give the project a title."),
        "goal": goal.strip(),
        "done_means": done_means.strip(),
        "target_on": target_on,
    }
    if target_on != project.target_on:
        services.check_target(project.client, target_on)
    return {name: value for name, value in new.items() if getattr(project, name) != value}


def _edited_note(changes: dict[str, Any]) -> str:
    return ", ".join(EDITABLE[name] for name in changes)


# Status -------------------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return str(dict(Status.choices).get(status, status)).lower()


def change_project_status(project: Project, *, actor: User, to: str) -> Project:
    """Put the project on hold, mark it done, resume or reopen it. Practice side only.

    ``project.status`` is the status the actor saw; the change applies only while the row
    still has it.
    """
    _check_practice_side(project, actor, what="change a project's status")
    _check_open(project)
    if to not in SETTABLE:
        raise DomainError("Pick a status: active, on hold or done.", field="status")
    if project.is_proposal:
        raise DomainError("Take the proposal on before changing its status.", field="status")
    if to == project.status:
        raise DomainError(f"This project is already {_status_label(to)}.", field="status")
    kind = STATUS_MOVES[(project.status, to)]
    return _apply(project, actor=actor, kind=kind, changes={"status": to})


def status_moves(project: Project) -> list[tuple[str, str]]:
    """The statuses the practice may move the project to, as (status, button label)."""
    if project.is_proposal or project.status == Status.TURNED_DOWN:
        return []
    return [
        (to, MOVE_LABELS[kind])
        for (from_status, to), kind in STATUS_MOVES.items()
        if from_status == project.status
    ]


# Proposals ----------------------------------------------------------------------------------


def _check_pending_proposal(project: Project) -> None:
    _check_open(project)
    if not project.is_proposal:
        raise DomainError("This project is already under way; there is no proposal to answer.")


def take_on_proposal(project: Project, *, actor: User) -> Project:
    """The practice takes a contact's proposal on: it becomes an ordinary active project."""
    _check_practice_side(project, actor, what="take on a proposal")
    _check_pending_proposal(project)
    changes = {"is_proposal": False, "status": Status.ACTIVE}
    return _apply(project, actor=actor, kind=Kind.TAKEN_ON, changes=changes)


def turn_down_proposal(project: Project, *, actor: User, reason: str) -> Project:
    """The practice says no to a proposal, with a reason the contact reads on its page."""
    _check_practice_side(project, actor, what="turn down a proposal")
    _check_pending_proposal(project)
    reason = services.require_text(
        reason,
        field="reason",
        message="Say why you are turning this proposal down, so the client knows.",
        limit=REASON_MAX,
    )
    changes = {"status": Status.TURNED_DOWN}
    return _apply(project, actor=actor, kind=Kind.TURNED_DOWN, changes=changes, note=reason)


# Writing ------------------------------------------------------------------------------------


def _apply(
    project: Project, *, actor: User, kind: str, changes: dict[str, Any], note: str = ""
) -> Project:
    """Apply ``changes`` only if nobody changed the project's state since the actor saw it."""
    seen = {"status": project.status, "is_proposal": project.is_proposal}
    with transaction.atomic():
        if not Project.objects.filter(pk=project.pk, **seen).update(**changes):
            raise DomainError("Someone has just changed this project; reload it and try again.")
        for name, value in changes.items():
            setattr(project, name, value)
        _record(project, actor=actor, kind=kind, note=note)
    return project


def _record(project: Project, *, actor: User, kind: str, note: str = "") -> ProjectEvent:
    event = ProjectEvent(
        practice_id=project.practice_id, project=project, actor=actor, kind=kind, note=note
    )
    return events.record(event, kind=f"project.{kind}")
