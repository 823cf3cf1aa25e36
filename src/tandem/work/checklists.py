"""Request templates and task checklists: the practice's writes.

A template is the practice's (for every client, or for one); a checklist's steps are put on
a task when it is made (from a template, a repeating series, or typed on the form) and
ticked by the practice; the client sees the progress. Ticks are not timeline lines: they
are small and many, and the progress bar says what they add up to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.work.models import ChecklistItem, RequestTemplate, Task
from tandem.work.repeating import check_checklist
from tandem.work.services import COMMENT_MAX, require_text, standing_for_client

if TYPE_CHECKING:
    from tandem.accounts.models import User

ONLY_PRACTICE_TICKS = "Only the practice ticks a request's steps; you see its progress here."
ONLY_PRACTICE_TEMPLATES = "Only the practice keeps request templates."


# Checklists ---------------------------------------------------------------------------------------


def add_steps(task: Task, *, actor: User, steps: Sequence[str]) -> list[ChecklistItem]:
    """Put ``steps`` at the end of the task's checklist (one INSERT)."""
    if not steps:
        return []
    access.standing(actor, task.client).require(
        Capability.KEEP_CHECKLISTS, wrong_role=ONLY_PRACTICE_TICKS
    )
    cleaned = check_checklist("\n".join(steps)).splitlines()
    last = task.checklist_items.order_by("-position").values_list("position", flat=True).first()
    return ChecklistItem.objects.bulk_create(
        ChecklistItem(
            practice_id=task.practice_id,
            client_id=task.client_id,
            task=task,
            position=(last or 0) + offset,
            text=step,
        )
        for offset, step in enumerate(cleaned, start=1)
    )


def tick_step(item: ChecklistItem, *, actor: User, done: bool) -> ChecklistItem:
    """Tick a step (or untick it). Ticking a ticked step changes nothing, so a second click
    or a retried post keeps who ticked it first."""
    access.standing(actor, item.task.client).require(
        Capability.KEEP_CHECKLISTS,
        unseen="This request is not one of yours; open it from your own list.",
        wrong_role=ONLY_PRACTICE_TICKS,
    )
    if done == item.is_done:
        return item
    item.done_at, item.done_by = (timezone.now(), actor) if done else (None, None)
    with transaction.atomic():
        item.save(update_fields=["done_at", "done_by"])
        Task.objects.filter(pk=item.task_id).update(updated_at=timezone.now())
    return item


# Templates ----------------------------------------------------------------------------------------


def _check_template_actor(actor: User, client: Client | None) -> None:
    if client is not None:
        standing_for_client(
            client, actor, Capability.KEEP_TEMPLATES, wrong_role=ONLY_PRACTICE_TEMPLATES
        )
    elif not access.allows(actor, Capability.KEEP_TEMPLATES):
        raise DomainError(ONLY_PRACTICE_TEMPLATES)


def save_template(
    template: RequestTemplate | None,
    *,
    actor: User,
    title: str,
    expectations: str,
    request_markdown: str = "",
    checklist: str = "",
    client: Client | None = None,
) -> RequestTemplate:
    """Create a template (``template`` None) or change one the actor may see."""
    _check_template_actor(actor, client)
    membership = access.member(actor)
    assert membership is not None  # allowed above, so a member
    if client is not None and client.practice_id != membership.practice_id:
        raise DomainError("Pick one of your own clients.", field="client")
    fields = {
        "title": require_text(title, field="title", message="Give the template a title."),
        "expectations": require_text(
            expectations,
            field="expectations",
            message="Say what done looks like, so each request from it says so too.",
            limit=COMMENT_MAX,
        ),
        "request_markdown": request_markdown.strip()[:COMMENT_MAX],
        "checklist": check_checklist(checklist),
        "client": client,
    }
    if template is None:
        return RequestTemplate.objects.create(
            practice_id=membership.practice_id, created_by=actor, **fields
        )
    for name, value in fields.items():
        setattr(template, name, value)
    template.save(update_fields=list(fields))
    return template


def delete_template(template: RequestTemplate, *, actor: User) -> None:
    """Requests made from it keep their words and steps: they were copied."""
    _check_template_actor(actor, template.client)
    template.delete()
