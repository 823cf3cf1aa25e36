"""Requests above the client's phase still waiting for its go-ahead (issue 13)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F

from tandem.clients.models import Client
from tandem.work.go_aheads import BEFORE_WORK
from tandem.work.models import Task

if TYPE_CHECKING:
    from tandem.accounts.models import User

# The portal shows the first few; each is one click.
SHOWN = 10


def waiting_for_go_ahead(*, viewer: User, client: Client) -> list[Task]:
    """The client's requests of a kind above its phase, not started, without a go-ahead:
    soonest due first (one query, on the client's (status, deadline) index range)."""
    return list(
        Task.objects.visible_to(viewer)
        .filter(
            client=client,
            status__in=sorted(BEFORE_WORK),
            go_ahead_at__isnull=True,
            kind__phase__gt=client.phase,
        )
        .select_related("kind")
        .only("client_id", "title", "deadline_at", "kind__name", "kind__phase")
        .order_by(F("deadline_at").asc(nulls_first=True), "pk")[:SHOWN]
    )
