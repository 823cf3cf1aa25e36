"""Changing a request after it is sent: one service, ``edit_task``.

Who may change which parts, in which status, is ``workflow.EDIT_RULES`` asked with the
access policy's standing: the client's contacts reword a request (title, text, what done
looks like, deadline, its files) until the practice accepts it; the practice changes any
part of an open request. Each save is one line on the timeline (``TaskEvent.Kind.EDITED``)
holding what changed as data (``work.changes``), so each reader sees it in their own words
and time zone, and the people affected hear of it (``notify.reactions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.work import attachments
from tandem.work.changes import as_stored
from tandem.work.models import Attachment, Priority, Project, Task, TaskEvent, TaskStatus
from tandem.work.services import (
    COMMENT_MAX,
    NOT_YOUR_TASK,
    _check_estimate,
    _future_instant,
    _is_short_notice,
    _record,
    require_text,
)
from tandem.work.workflow import edit_refusal, editable_fields

if TYPE_CHECKING:
    from tandem.accounts.models import User

# What ``edit_task`` takes as ``changes``: the task's own fields.
EDITABLE = frozenset(
    {
        "title",
        "request_markdown",
        "expectations",
        "deadline_at",
        "priority",
        "project",
        "estimate_hours",
    }
)

# Said beside a part the person may not change (a contact and the priority, say).
ONLY_PRACTICE_CHANGES = "Only the practice can change this; ask in the conversation."


def edit_task(
    task: Task,
    *,
    actor: User,
    seen: datetime | None = None,
    uploads: Sequence[int] = (),
    remove_files: Sequence[int] = (),
    **changes: Any,
) -> TaskEvent | None:
    """Change ``task`` as ``changes`` say (fields not given stay as they are), put the actor's
    pending ``uploads`` on it and take ``remove_files`` (ids of its own files) off it.

    ``seen`` is when the task was last changed as the actor saw it (its ``updated_at``):
    when someone has changed it since, the edit is refused and nothing is written, so
    nobody's change is silently undone. Returns the timeline line, or None when nothing
    differed from what is there.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"edit_task cannot change {', '.join(sorted(unknown))}")
    standing = access.standing(actor, task.client)
    standing.require(Capability.EDIT_REQUEST, unseen=NOT_YOUR_TASK)
    allowed = editable_fields(task.status, standing)
    if not allowed:
        raise DomainError(edit_refusal(task.status, standing))
    values, diff = _differences(task, changes)
    for field in diff:
        if field not in allowed:
            raise DomainError(ONLY_PRACTICE_CHANGES, field=field)
    removing = _own_files(task, remove_files)
    if (uploads or removing) and "files" not in allowed:
        raise DomainError(ONLY_PRACTICE_CHANGES, field="attachments")
    if not diff and not uploads and not removing:
        return None
    now = timezone.now()
    update: dict[str, Any] = {field: values[field] for field in diff}
    if "deadline_at" in diff and task.status == TaskStatus.NEEDS_DEADLINE:
        # The deadline it was waiting for: it is a request like any other from now on.
        update["status"] = TaskStatus.REQUESTED
    if "deadline_at" in diff and access.side_of(actor) == access.Side.CLIENT:
        # The client asks for it by this deadline now: as short notice as a new request
        # would be (and no longer, when the new deadline gives the notice). A deadline the
        # practice sets is its own choice and leaves the mark as it is.
        update["is_short_notice"] = _is_short_notice(
            task.client,
            values["deadline_at"],
            values.get("estimate_hours", task.estimate_hours),
            task.assignee,
        )
    with transaction.atomic():
        current = Task.objects.filter(pk=task.pk, updated_at=seen or task.updated_at)
        if not current.update(**update, updated_at=now):
            raise DomainError(changed_meanwhile(task, actor=actor))
        for field, value in update.items():
            setattr(task, field, value)
        task.updated_at = now
        added = _link(task, actor=actor, uploads=uploads)
        if removing:
            Attachment.objects.filter(pk__in=[file.pk for file in removing]).delete()
        stored: dict[str, Any] = {field: _stored_change(field, task, diff[field]) for field in diff}
        if added:
            stored["files_added"] = added
        if removing:
            stored["files_removed"] = [file.name for file in removing]
        moved = {}
        if "status" in update:
            moved = {"from_status": TaskStatus.NEEDS_DEADLINE, "to_status": update["status"]}
        return _record(task, actor=actor, kind=TaskEvent.Kind.EDITED, changes=stored, **moved)


def _differences(task: Task, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each change checked and cleaned, and those that differ from the task with the value
    they replace."""
    values = {field: _clean(task, field, value) for field, value in changes.items()}
    diff = {
        field: getattr(task, field)
        for field, value in values.items()
        if _comparable(getattr(task, field)) != _comparable(value)
    }
    if "deadline_at" in diff:
        values["deadline_at"] = _future_instant(
            values["deadline_at"], field="deadline_at", what="That deadline"
        )
    if "project" in diff:
        _check_project(task, values["project"])
    return values, diff


def _comparable(value: Any) -> Any:
    if isinstance(value, Project):
        return value.pk
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _clean(task: Task, field: str, value: Any) -> Any:
    if field == "title":
        return require_text(value, field="title", message="Give the request a short title.")
    if field == "expectations":
        return require_text(
            value,
            field="expectations",
            message="Say what done looks like, so everyone knows when the request is finished.",
            limit=COMMENT_MAX,
        )
    if field == "request_markdown":
        return value.strip()
    if field == "deadline_at" and value is None and task.status != TaskStatus.NEEDS_DEADLINE:
        raise DomainError(
            "A request keeps a deadline; give a new one, such as “Friday 5pm”.",
            field="deadline_at",
        )
    if field == "priority" and value not in Priority.values:
        raise DomainError("Pick a priority: low, normal or high.", field="priority")
    if field == "estimate_hours":
        _check_estimate(value)
    return value


def _check_project(task: Task, project: Project | None) -> None:
    if project is None:
        return
    if project.client_id != task.client_id:
        raise DomainError(f"Pick one of {task.client.name}'s projects.", field="project")
    if project.is_proposal or project.status != Project.Status.ACTIVE:
        raise DomainError(
            f"“{project.title}” is not an active project; pick an active one or none.",
            field="project",
        )


def _stored_change(field: str, task: Task, before: Any) -> dict[str, Any]:
    after = getattr(task, field)
    if field == "project":
        return {
            "from": before.title if before is not None else None,
            "to": after.title if after is not None else None,
        }
    return {"from": as_stored(before), "to": as_stored(after)}


def _own_files(task: Task, ids: Sequence[int]) -> list[Attachment]:
    """The files of ``ids`` that are the request's own (not a comment's); refused when one
    is not, so a stale page cannot remove something else."""
    wanted = set(ids)
    if not wanted:
        return []
    found = list(
        Attachment.objects.filter(task=task, comment__isnull=True, pk__in=wanted).order_by(
            "created_at", "id"
        )
    )
    if len(found) != len(wanted):
        raise DomainError(
            "One of the files to remove is no longer on this request; reload the page.",
            field="remove_files",
        )
    return found


def _link(task: Task, *, actor: User, uploads: Sequence[int]) -> list[str]:
    """The actor's pending uploads put on the task; their names, for the timeline."""
    if not uploads:
        return []
    attachments.link_uploads(uploads, actor=actor, task=task)
    names = Attachment.objects.filter(pk__in=list(uploads)).order_by("created_at", "id")
    return list(names.values_list("name", flat=True))


def changed_meanwhile(task: Task, *, actor: User) -> str:
    """The sentence for an edit refused because someone changed the request first."""
    latest = (
        TaskEvent.objects.filter(task_id=task.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    who = latest.actor.display_name if latest is not None and latest.actor else "Someone"
    first = f"{who} changed this request while you were editing it."
    if latest is not None and latest.actor_id == actor.pk:
        first = "You changed this request in another window meanwhile."
    return (
        f"{first} Your edits are still in the form: check them against the request as it is "
        "now, and save again."
    )
