"""A time zone as people say it. Pure (no Django): the deadline resolver, which runs without
Django for ``tandem deadline``, words its refusals with it too."""

from __future__ import annotations

from datetime import tzinfo


def zone_name(zone: str | tzinfo) -> str:
    """A zone as people say it: "America/New_York" is "New York time"; "UTC" stays.

    Takes the key or the zone itself (``{% get_current_timezone %}`` gives a ZoneInfo)."""
    key = str(zone)
    if "/" not in key:
        return key
    return f"{key.rsplit('/', 1)[1].replace('_', ' ')} time"
