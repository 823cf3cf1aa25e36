"""``{{ instant|time_tag:"D j M, H:i" }}``: a ``<time>`` element for a stored instant.

The element's ``datetime`` is the instant in UTC (ISO 8601); its text is the instant in the
viewer's time zone, in a Django date format. Lists show one or two per row, and Django's
``date`` filter looks up the language's formats on every call: a board of 70 cards spent
5 ms on its dates. Here each format is translated to ``strftime`` once.

``{% zoned_time instant zone "D j M, H:i" %}`` writes an instant that was meant in another
zone (a deadline is read on the client's clock): where the viewer's clock shows the same
wall time it is a plain ``time_tag``; otherwise it names the zone in words and adds the
viewer's own time, "Friday 4 December, 17:00 New York time (22:00 your time)". A time in the
viewer's own zone is never marked: a page says once which zone its lists are in.

``{{ key|zone_name }}`` says a zone as people do ("New York time", never "America/New_York"),
and ``{% zone_now client.time_zone %}`` adds its clock: "New York time, now 07:12".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from django import template
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

from tandem.core.zones import zone_name

register = template.Library()

# The Django format characters Tandem's pages use, as strftime directives (English names:
# Tandem is written in English, and Python's C locale names days and months in English).
STRFTIME = {
    "D": "%a",
    "l": "%A",
    "M": "%b",
    "F": "%B",
    "Y": "%Y",
    "H": "%H",
    "i": "%M",
}


@lru_cache(maxsize=64)
def formatter(django_format: str) -> Callable[[datetime], str]:
    """A function writing a local datetime in ``django_format``; Django's own ``dateformat``
    for a format using any letter beyond the ones above and "j"."""
    if any(char.isalpha() and char not in STRFTIME and char != "j" for char in django_format):
        return lambda moment: dateformat.format(moment, django_format)
    # "j" (the day without a leading zero) has no portable strftime directive: the format
    # is cut at each "j" and the day put back between the pieces.
    pieces = [
        "".join(STRFTIME.get(char, "%%" if char == "%" else char) for char in piece)
        for piece in django_format.split("j")
    ]

    def write(moment: datetime) -> str:
        return str(moment.day).join(moment.strftime(piece) for piece in pieces)

    return write


def time_html(instant: datetime, write: Callable[[datetime], str], zone: tzinfo) -> str:
    """What ``time_tag`` writes, for rows written in Python (a list's row tags): ``write``
    is a ``formatter``, ``zone`` the viewer's, looked up once per list rather than per row."""
    stamp = instant.astimezone(UTC).isoformat()
    return f'<time datetime="{stamp}">{escape(write(instant.astimezone(zone)))}</time>'


@register.filter
def time_tag(instant: datetime | None, django_format: str) -> SafeString | str:
    """``<time datetime="(UTC)">(local, formatted)</time>``; nothing for no instant."""
    if instant is None:
        return ""
    text = formatter(django_format)(timezone.localtime(instant))
    stamp = instant.astimezone(UTC).isoformat()
    return mark_safe(f'<time datetime="{stamp}">{escape(text)}</time>')  # noqa: S308


# ``{{ key|zone_name }}``: "America/New_York" is "New York time" (core/zones.py).
register.filter("zone_name", zone_name)


@register.simple_tag
def zone_now(zone: str) -> SafeString:
    """``zone`` in words with its clock's time now: "New York time, now 07:12" (a page
    header about someone on another clock, such as a client's)."""
    now = timezone.now()
    stamp = now.astimezone(UTC).isoformat()
    local = now.astimezone(ZoneInfo(zone))
    return mark_safe(  # noqa: S308 (the zone's name is escaped; the rest are digits)
        f'{escape(zone_name(zone))}, now <time datetime="{stamp}">{local:%H:%M}</time>'
    )


@register.simple_tag
def zoned_time(
    instant: datetime | None,
    zone: str,
    django_format: str,
    viewer: str | tzinfo | None = None,
    plain: bool = False,
) -> SafeString | str:
    """``instant`` as meant in ``zone``, marked with that zone only when the viewer's clock
    (``viewer``, by default the active zone) shows another wall time; ``plain`` for text mail.
    """
    if instant is None:
        return ""
    own = ZoneInfo(viewer) if isinstance(viewer, str) else viewer or timezone.get_current_timezone()
    meant, theirs = instant.astimezone(ZoneInfo(zone)), instant.astimezone(own)
    write = formatter(django_format)
    if meant.replace(tzinfo=None) == theirs.replace(tzinfo=None):
        text, suffix = write(theirs), ""
    else:
        yours = write(theirs) if theirs.date() != meant.date() else f"{theirs:%H:%M}"
        text, suffix = write(meant), f" {zone_name(zone)} ({yours} your time)"
    if plain:
        return text + suffix
    stamp = instant.astimezone(UTC).isoformat()
    return mark_safe(f'<time datetime="{stamp}">{escape(text)}</time>{escape(suffix)}')  # noqa: S308


@register.filter
def phrase_in(instant: datetime | None, zone: str) -> str:
    """The instant as a deadline phrase the resolver reads back exactly, on ``zone``'s
    clock: "2026-12-03 15:00" (a button that moves a deadline field there)."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
