"""What a calendar feed holds: a small registry of sources, and the iCalendar they become.

A **source** is a function that gives the events of one person between two instants::

    @feeds.source("time-off")
    def time_off(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
        ...

It reads through the person's ``visible_to`` scope (a contact's feed must never show another
client's work or the assistant's other commitments), runs a fixed number of queries whatever
the number of rows (one, usually), and returns at most ``limit`` events. Sources are
registered when their module is imported, from ``PlanningConfig.ready``; the feed view
knows none of them, so reservations, time off and check-ins join the feed by adding a
source, without touching the view. The ``name`` keeps the order sources are asked in stable;
each event's ``uid`` must be stable across requests (it is how a calendar app knows an event
it already has was moved rather than added).

The feed as a whole is bounded: the window is from 30 days ago to a year ahead, and at most
``MAX_EVENTS`` events are written, the earliest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from tandem.core import access

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.models import Practice

MAX_EVENTS = 500
LOOK_BACK = dt.timedelta(days=30)
LOOK_AHEAD = dt.timedelta(days=366)
PRODUCT_ID = "-//Tandem//Calendar feed//EN"
# How often calendar apps that honour it should fetch again (most choose their own pace:
# Google every few hours to a day, Apple and Outlook as the person sets it).
REFRESH_INTERVAL = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Viewer:
    """Whose feed it is: the person, their practice and the side they act on."""

    person: User
    practice: Practice
    side: access.Side

    @property
    def is_client_side(self) -> bool:
        return self.side == access.Side.CLIENT


@dataclass(frozen=True)
class Window:
    """The instants a feed covers: ``starts_at`` included, ``ends_at`` not."""

    starts_at: dt.datetime
    ends_at: dt.datetime

    @classmethod
    def around(cls, now: dt.datetime) -> Window:
        return cls(now - LOOK_BACK, now + LOOK_AHEAD)


@dataclass(frozen=True)
class FeedEvent:
    """One event of a feed, as a source gives it; ``feeds`` writes it as a VEVENT."""

    # Stable per thing and kind ("task-42-due@tandem"): a calendar app updates the event it
    # has instead of adding another.
    uid: str
    summary: str
    # Aware; written on ``time_zone``'s clock (TZID with its VTIMEZONE), as it was meant.
    starts_at: dt.datetime
    time_zone: str
    # The row's last change: DTSTAMP and LAST-MODIFIED, so an unchanged feed is
    # byte-for-byte the same (and its ETag too).
    changed_at: dt.datetime
    url: str = ""
    description: str = ""
    # None: an instant (a deadline), which calendar apps show at its start.
    ends_at: dt.datetime | None = None
    is_cancelled: bool = False


class Source(Protocol):
    def __call__(self, viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]: ...


_SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    """Register a source of feed events under ``name`` (see the module's docstring)."""

    def register(function: Source) -> Source:
        if _SOURCES.get(name, function) is not function:
            raise ValueError(f"A calendar feed source is already named {name!r}.")
        _SOURCES[name] = function
        return function

    return register


def sources() -> Mapping[str, Source]:
    return MappingProxyType(_SOURCES)


def events_for(viewer: Viewer, window: Window, *, limit: int = MAX_EVENTS) -> list[FeedEvent]:
    """Every source's events for ``viewer`` in ``window``, earliest first, at most ``limit``."""
    events = [
        event
        for name in sorted(_SOURCES)
        for event in _SOURCES[name](viewer, window, limit=limit)
        if window.starts_at <= event.starts_at < window.ends_at
    ]
    events.sort(key=lambda event: (event.starts_at, event.uid))
    return events[:limit]


# Writing iCalendar ---------------------------------------------------------------------------


def to_ical(viewer: Viewer, events: Iterable[FeedEvent], window: Window) -> bytes:
    """The feed as iCalendar text: VTIMEZONE components for every zone its events are on
    (over the window's years), then one VEVENT per event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{viewer.practice.name} · Tandem")
    calendar.add("x-wr-timezone", viewer.person.time_zone)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # An X- property is text unless told otherwise: written as a duration ("PT1H").
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    events = list(events)
    zones = sorted({event.time_zone for event in events if _zone(event.time_zone) is not None})
    for name in zones:
        calendar.add_component(_vtimezone(name, window.starts_at.year, window.ends_at.year + 1))
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return b"".join([head.removesuffix(end), *map(_vevent_ical, events), end])


# icalendar takes about a millisecond to write one event (most of it folding lines), so a
# full feed took half a second. An event's text depends only on the event (a frozen value),
# so each process keeps the latest ones written: a feed fetched again, changed or not, only
# writes the events that changed. About 400 bytes each.
@lru_cache(maxsize=20_000)
def _vevent_ical(event: FeedEvent) -> bytes:
    return _vevent(event).to_ical()


def _vevent(event: FeedEvent) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.changed_at.astimezone(dt.UTC))
    vevent.add("last-modified", event.changed_at.astimezone(dt.UTC))
    vevent.add("dtstart", _on_clock(event.starts_at, event.time_zone))
    if event.ends_at is not None:
        vevent.add("dtend", _on_clock(event.ends_at, event.time_zone))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    # A deadline is not a meeting: it must not make the person look busy to schedulers.
    vevent.add("transp", "TRANSPARENT")
    return vevent


def _on_clock(instant: dt.datetime, time_zone: str) -> dt.datetime:
    """``instant`` on ``time_zone``'s clock; in UTC (written with Z, no VTIMEZONE needed)
    for UTC itself or a zone this machine does not know."""
    zone = _zone(time_zone)
    return instant.astimezone(zone if zone is not None else dt.UTC)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo | None:
    if name in {"UTC", "Etc/UTC", ""}:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=512)
def _vtimezone(name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The zone's rules over whole years (so feeds share one cached component a year); it
    costs milliseconds to build. Never changed after it is made: shared across feeds."""
    zone = _zone(name)
    assert zone is not None, name
    return icalendar.Timezone.from_tzinfo(
        zone, tzid=name, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 1, 1)
    )
