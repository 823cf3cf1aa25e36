"""Postmortems as the pages read them: a client's list, one postmortem's sections, entries
and actions, and the count of open actions the track record shows. Each is a fixed number
of queries whatever the number of postmortems, entries or actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from tandem.trust.models_postmortems import (
    FINISHED,
    HELP,
    Postmortem,
    PostmortemAction,
    PostmortemEntry,
    Section,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.clients.models import Client


def open_action_count(client_id: int) -> int:
    """The client's postmortem actions whose request is not done or cancelled: one query."""
    return PostmortemAction.objects.filter(client_id=client_id).still_open().count()


def postmortems_of(client: Client, *, viewer: User) -> tuple[list[Postmortem], list[Postmortem]]:
    """The client's postmortems, open ones then closed ones, newest first, each annotated
    with ``action_count`` and ``open_action_count``: one query."""
    rows = list(
        Postmortem.objects.visible_to(viewer)
        .filter(client=client)
        .select_related("task", "project", "opened_by")
        .annotate(
            action_count=Count("actions", distinct=True),
            open_action_count=Count(
                "actions", filter=~Q(actions__task__status__in=FINISHED), distinct=True
            ),
        )
        .order_by("-opened_at", "-pk")
    )
    return [p for p in rows if not p.is_closed], [p for p in rows if p.is_closed]


@dataclass(frozen=True)
class SectionView:
    """One section of the template: its prompt and its entries in the order written."""

    name: str
    label: str
    help: str
    entries: list[PostmortemEntry] = field(default_factory=list)


@dataclass(frozen=True)
class PostmortemPage:
    postmortem: Postmortem
    sections: list[SectionView]
    actions: list[PostmortemAction]

    @property
    def open_actions(self) -> list[PostmortemAction]:
        return [action for action in self.actions if not action.is_done]


def postmortem_page(postmortem: Postmortem, *, viewer: User) -> PostmortemPage:
    """The postmortem's sections with their entries, and its actions with their requests:
    two queries."""
    entries = (
        PostmortemEntry.objects.visible_to(viewer)
        .filter(postmortem=postmortem)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    by_section: dict[str, list[PostmortemEntry]] = {name: [] for name in Section.values}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    sections = [
        SectionView(str(section.value), str(section.label), HELP[section], by_section[section])
        for section in Section
    ]
    actions = list(
        PostmortemAction.objects.visible_to(viewer)
        .filter(postmortem=postmortem)
        .select_related("owner", "task")
        .order_by("created_at", "pk")
    )
    return PostmortemPage(postmortem, sections, actions)
