"""The new-request form's practice-side extras: "New request from a template" and a checklist.

``?template=<id>`` on the form prefills the request's words and its checklist from one of
the practice's templates; the checklist (a field of its own form, beside the request's) is
put on the task in the same transaction as the task. The client's side gets neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import QueryDict

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.forms import parse_id
from tandem.core.roles import Capability
from tandem.work import checklists, services
from tandem.work.forms_repeating import ChecklistForm
from tandem.work.models import RequestTemplate, Task
from tandem.work.selectors_repeating import templates_for_client

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.tenancy import MemberRequest


@dataclass
class TemplateChoice:
    """What the new-request page offers the practice: its templates, the chosen one."""

    keeps_checklists: bool
    templates: list[RequestTemplate] = field(default_factory=list)
    chosen: RequestTemplate | None = None
    # "?template=" named one the person cannot use (or no number): said beside the picker.
    refusal: str = ""

    @classmethod
    def read(cls, request: MemberRequest, client: Client) -> TemplateChoice:
        """One query for the practice side (the templates); none for contacts."""
        standing = access.standing_of_visible(request.user, client)
        if not standing.allows(Capability.KEEP_CHECKLISTS):
            return cls(keeps_checklists=False)
        templates = (
            templates_for_client(request.user, client)
            if standing.allows(Capability.KEEP_TEMPLATES)
            else []
        )
        choice = cls(keeps_checklists=True, templates=templates)
        asked = request.GET.get("template", "")
        if asked:
            wanted = parse_id(asked)
            choice.chosen = next((t for t in templates if t.pk == wanted), None)
            if choice.chosen is None:
                choice.refusal = "That template is not one of yours; pick one from the list."
        return choice

    @property
    def initial(self) -> dict[str, Any]:
        if self.chosen is None:
            return {}
        return {
            "title": self.chosen.title,
            "request_markdown": self.chosen.request_markdown,
            "expectations": self.chosen.expectations,
        }

    def checklist_form(self, data: QueryDict | None) -> ChecklistForm | None:
        if not self.keeps_checklists:
            return None
        initial = {"checklist": self.chosen.checklist} if self.chosen is not None else {}
        return ChecklistForm(data, initial=initial, prefix="list")

    @staticmethod
    def is_valid(form: ChecklistForm | None) -> bool:
        return form is None or form.is_valid()

    @staticmethod
    def create(
        client: Client, *, actor: User, checklist: ChecklistForm | None, **kwargs: Any
    ) -> Task:
        """The request and its checklist (a valid form, or None), in one transaction."""
        steps: list[str] = checklist.cleaned_data["checklist"] if checklist is not None else []
        with transaction.atomic():
            task = services.create_task(client, actor=actor, **kwargs)
            checklists.add_steps(task, actor=actor, steps=steps)
        return task
