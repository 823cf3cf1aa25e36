"""The calendar feed's "check-ins" source: each client's weekly check-in, on the client's clock.

Whose: a contact's feed has their own client's check-ins once sent (what their portal shows,
through ``CheckIn.objects.visible_to``); a practice member's, those of the clients they are
assigned to, prepared ones too (a day before they go, when a note can still be added), owners
included only where assigned, as for deadlines: a practice's every client would make a
calendar nobody reads. One query: the rows with their clients' names and zones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from tandem.core.links import link
from tandem.core.site import absolute
from tandem.planning.feeds import FeedEvent, Viewer, Window, source
from tandem.planning.models_checkins import CheckIn

# A check-in is something to read and answer, not a meeting: a short slot on the calendar.
DURATION = timedelta(minutes=15)
STATE_WORDS: dict[str, str] = {
    CheckIn.State.PREPARED: "Weekly check-in goes out",
    CheckIn.State.SENT: "Weekly check-in",
    CheckIn.State.ANSWERED: "Weekly check-in (answered)",
}


def uid(client_id: int, week_of: date) -> str:
    """One per client and week, like the row: moved, not duplicated, if its time changes."""
    return f"check-in-{client_id}-{week_of.isoformat()}@tandem"


@source("planning.check-ins")
def check_ins(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """ "Weekly check-in: <client>" at its instant, written on the client's clock."""
    rows = CheckIn.objects.visible_to(viewer.person).filter(
        due_at__gte=window.starts_at, due_at__lt=window.ends_at
    )
    if not viewer.is_client_side:
        rows = rows.filter(client__assignments__user_id=viewer.person.pk)
    found = rows.order_by("due_at", "id").values_list(
        "pk", "client_id", "week_of", "due_at", "state", "client__name", "client__time_zone",
        "content_at", "answered_at",
    )[:limit]  # fmt: skip
    site = absolute(viewer.practice, "")
    return [
        FeedEvent(
            uid=uid(client_id, week_of),
            summary=f"{STATE_WORDS.get(state, 'Weekly check-in')}: {name}",
            starts_at=due_at,
            ends_at=due_at + DURATION,
            time_zone=zone,
            # Its last change: what it says (prepared, sent) or its answer.
            changed_at=max(content_at, answered_at or content_at),
            url=site + link("planning:check-in", pk),
            description=f"{site}{link('planning:check-in', pk)}",
        )
        for pk, client_id, week_of, due_at, state, name, zone, content_at, answered_at in found
    ]
