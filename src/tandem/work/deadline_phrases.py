"""A deadline phrase resolved for one client: the bridge from a client row to the pure resolver.

``deadlines`` is pure (no models, no clock of its own) so that ``tandem deadline`` runs without
Django; this module supplies what it needs from the database and the clock: the client's time
zone, its practice's calendar (working days and hours, bank holidays) and the current instant.
The new-request form, the task page and mailed requests (``inbound``) all resolve through it,
so a phrase means the same instant wherever it is written.
"""

from __future__ import annotations

from django.utils import timezone

from tandem.clients.models import Client
from tandem.work.deadlines import Deadline, resolve_deadline

# The longest phrase read; the forms' fields stop there too.
PHRASE_MAX = 100


def resolve_for(client: Client, phrase: str) -> Deadline:
    """``phrase`` as one instant for ``client``; raises VagueDeadline with three choices."""
    return resolve_deadline(
        phrase[:PHRASE_MAX],
        time_zone=client.time_zone,
        now=timezone.now(),
        calendar=client.practice.calendar(),
    )
