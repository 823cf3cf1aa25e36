"""Whether a new request comes at short notice: asked of the app that plans (above ``work``).

``planning`` knows the notice the practice asks for and everyone's free hours, but ``work``
may not import it (the layers). So ``create_task`` and the new-request form's live preview
ask ``check(...)`` here, and ``planning`` registers its answer from its ``AppConfig.ready``.
With nothing registered, no request is short notice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tandem.clients.models import Client


@dataclass(frozen=True)
class Notice:
    """The answer for one deadline. What a client may read: whether it is short notice and
    the earliest deadline that is not, never anyone's load."""

    deadline_at: datetime
    # Inside the notice period the client agreed (or the practice asks).
    inside_notice: bool
    # Whether the work fits in the free hours before the deadline.
    fits: bool
    # The earliest deadline that gives the notice and fits; None when nothing fits within
    # the planning horizon.
    earliest_at: datetime | None
    notice_working_days: int
    # What the practice tells a client who keeps a short-notice deadline.
    rush_policy: str

    @property
    def is_short_notice(self) -> bool:
        return self.inside_notice or not self.fits


Check = Callable[..., Notice]
_CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> Check:
    """``check(client, *, deadline_at, estimate_hours, assignee_id, now)`` answers from now
    on; registering under the same ``name`` again replaces it."""
    _CHECKS.clear()
    _CHECKS[name] = check
    return check


def check(
    client: Client,
    *,
    deadline_at: datetime,
    estimate_hours: Decimal | None,
    assignee_id: int | None,
    now: datetime,
) -> Notice | None:
    """The registered answer for a request of ``client`` due ``deadline_at``; None when no
    app answers (then nothing is short notice)."""
    for answer in _CHECKS.values():
        return answer(
            client,
            deadline_at=deadline_at,
            estimate_hours=estimate_hours,
            assignee_id=assignee_id,
            now=now,
        )
    return None
