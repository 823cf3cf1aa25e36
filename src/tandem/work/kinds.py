"""A request's kind of work as a new request names it: chosen, or suggested from its words
(issue 13; the go-ahead for work above the client's phase is ``work.go_aheads``)."""

from __future__ import annotations

from typing import Literal

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.delegation.models import StandingGoAhead, WorkKind
from tandem.delegation.services import suggest_kind

KIND_OF_OTHER_PRACTICE = "Choose a kind of work from the practice's catalogue."

Suggest = Literal["suggest"]
SUGGEST: Suggest = "suggest"


def kinds_in_use(practice_id: int) -> list[WorkKind]:
    """The practice's catalogue as a request form offers it: by phase, then name."""
    return list(WorkKind.objects.of_practice(practice_id).in_use().order_by("phase", "name"))


def kind_for_new_request(
    client: Client, kind: WorkKind | Suggest | None, *, title: str, text: str
) -> WorkKind | None:
    """The kind a new request names: the one chosen (checked to be the practice's), or the
    catalogue's best match for its words when none was chosen (e-mail, templates)."""
    if kind == SUGGEST:
        return suggest_kind(kinds_in_use(client.practice_id), title, text)
    if kind is not None and (kind.practice_id != client.practice_id or kind.retired_at):
        raise DomainError(KIND_OF_OTHER_PRACTICE, field="kind")
    return kind


def standing_go_ahead_for(client_id: int, kind: WorkKind | None) -> bool:
    """Whether the client gave a standing go-ahead for ``kind`` (one query; none without)."""
    if kind is None:
        return False
    return StandingGoAhead.objects.in_force().filter(client_id=client_id, kind=kind).exists()
