"""What the tests of the day's pages (the inbox, a client's board, the practice-wide board)
start from: the clock at Monday 23 November 2026, 10:00 UTC, and requests from the clients'
contacts, written through the same service the request form uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tandem.work.models import Task
from tandem.work.services import create_task
from tests.conftest import PracticeWorld

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
HTMX = {"HX-Request": "true"}


def a_request(world: PracticeWorld, *, client: int = 1, **fields: Any) -> Task:
    """A request from client ``client``'s contact (1 or 2), due in four days unless
    ``fields`` say otherwise."""
    contact = world.contact1 if client == 1 else world.contact2
    defaults: dict[str, Any] = {
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline_at": NOW + timedelta(days=4, hours=7),
    }
    return create_task(getattr(world, f"client{client}"), actor=contact, **(defaults | fields))
