"""The feed's "reservations": heads-ups still coming (tentative and confirmed), at the time
they are due, on the client's clock.

Whose: the heads-ups the person sees (``HeadsUp.objects.visible_to``): a contact's client's
only, an assistant's assigned clients', an owner's practice. One query, whatever the rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from tandem.core.links import link
from tandem.core.site import absolute
from tandem.planning.capacity import describe_minutes
from tandem.planning.feeds import FeedEvent, Viewer, Window, source
from tandem.planning.models_headsups import HeadsUp

COLUMNS = (
    "pk",
    "what",
    "state",
    "minutes",
    "due_at",
    "updated_at",
    "client__name",
    "client__time_zone",
)


@source("planning.reservations")
def reservations(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """Each heads-up still coming: "Reserved: <what> (<client>)" once confirmed,
    "Tentative: …" until then."""
    rows = (
        HeadsUp.objects.visible_to(viewer.person)
        .open()
        .filter(due_at__gte=window.starts_at, due_at__lt=window.ends_at)
        .order_by("due_at", "id")
        .values_list(*COLUMNS)[:limit]
    )
    list_name = "planning:portal-heads-ups" if viewer.is_client_side else "planning:heads-ups"
    url = absolute(viewer.practice, link(list_name))
    return [
        FeedEvent(
            uid=f"heads-up-{pk}@tandem",
            summary=(
                f"{'Reserved' if state == HeadsUp.State.CONFIRMED else 'Tentative'}: "
                f"{what} ({client_name})"
            ),
            starts_at=due_at,
            time_zone=time_zone,
            changed_at=updated_at,
            url=url,
            description=f"A heads-up: about {describe_minutes(minutes)}, due then.\n{url}",
        )
        for pk, what, state, minutes, due_at, updated_at, client_name, time_zone in rows
    ]
