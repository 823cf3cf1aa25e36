"""Reads of the honest ways out (issue 13)."""

from __future__ import annotations

from tandem.trust.models_way_out import WayOut


def honest_way_outs(client_id: int) -> int:
    """How often the practice said honestly that a request of the client was beyond it (one
    query on the (client, created_at) index): the track record counts it as honesty."""
    return WayOut.objects.filter(client_id=client_id).count()
