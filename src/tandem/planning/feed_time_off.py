"""The feed's "time off": the person's own time off, from its start to its end, on their
own clock. A client's contact has none in their feed, and nobody sees another's here.

One query, whatever the rows: the person's time off that ends inside the window, on the
(person, ends_at) index.
"""

from __future__ import annotations

from collections.abc import Iterable

from tandem.core.links import link
from tandem.core.site import absolute
from tandem.planning.feeds import FeedEvent, Viewer, Window, source
from tandem.planning.models import TimeOff


@source("planning.time-off")
def time_off(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """Each stretch of the person's time off: "Time off" (and its note)."""
    if viewer.is_client_side:
        return []
    rows = (
        TimeOff.objects.filter(
            person=viewer.person, ends_at__gt=window.starts_at, starts_at__lt=window.ends_at
        )
        .order_by("starts_at", "id")
        .values_list("pk", "starts_at", "ends_at", "note", "created_at")[:limit]
    )
    url = absolute(viewer.practice, link("planning:working-time"))
    zone = viewer.person.time_zone or viewer.practice.time_zone
    return [
        FeedEvent(
            uid=f"time-off-{pk}@tandem",
            summary=f"Time off: {note}" if note else "Time off",
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=zone,
            changed_at=created_at,
            url=url,
            description=f"Not planned for work then.\n{url}",
        )
        for pk, starts_at, ends_at, note, created_at in rows
    ]
