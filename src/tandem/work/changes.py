"""What an edit of a request changed, as data and in words.

An edit (``work.editing.edit_task``) or a reassignment stores its changes on its timeline
line (``TaskEvent.changes``) as data: ``{"title": {"from": "…", "to": "…"}, …}`` with instants
in ISO 8601 UTC. Words are made when the line is read, so each reader sees the deadline in
their own time zone: the timeline (``{{ event|change_words }}``) and the notifications both
call ``describe``. A repeating series' start, edits, pauses and end are told the same way
on the timeline of the request it was made from (``"series"``, below). Pure: no models, no
queries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.core.templatetags.when import zone_name
from tandem.work.recurrence import rule_words

# A change as stored: the value before and after (either may be None).
Change = Mapping[str, Any]

PRIORITY_WORDS = {"low": "low", "normal": "normal", "high": "high"}


def deadline_phrase(instant: datetime, zone: ZoneInfo) -> str:
    """``instant`` as a short phrase in ``zone`` that the deadline resolver reads back as
    the same minute: "Fri 4 Dec 17:00", with the year when it is not this year's."""
    local = instant.astimezone(zone)
    this_year = timezone.now().astimezone(zone).year
    day = f"{local:%a} {local.day} {local:%b}"
    if local.year != this_year:
        day += f" {local.year}"
    return f"{day} {local:%H:%M}"


def as_stored(value: Any) -> Any:
    """A field's value as the changes store it: instants as UTC ISO text, hours as text."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo("UTC")).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _instant(value: Any, zone: ZoneInfo) -> str:
    return deadline_phrase(datetime.fromisoformat(str(value)), zone)


def _quoted(value: Any) -> str:
    return f"“{value}”"


def _title(change: Change, zone: ZoneInfo) -> str:
    return f"changed the title from {_quoted(change['from'])} to {_quoted(change['to'])}"


def _text(what: str) -> Callable[[Change, ZoneInfo], str]:
    def words(change: Change, zone: ZoneInfo) -> str:
        if not change.get("from"):
            return f"added {what}"
        if not change.get("to"):
            return f"removed {what}"
        return f"edited {what}"

    return words


def _deadline(change: Change, zone: ZoneInfo) -> str:
    before, after = change.get("from"), change.get("to")
    if not before:
        return f"set the deadline to {_instant(after, zone)}"
    return f"moved the deadline from {_instant(before, zone)} to {_instant(after, zone)}"


def _priority(change: Change, zone: ZoneInfo) -> str:
    before = PRIORITY_WORDS.get(change["from"], change["from"])
    after = PRIORITY_WORDS.get(change["to"], change["to"])
    return f"changed the priority from {before} to {after}"


def _project(change: Change, zone: ZoneInfo) -> str:
    before, after = change.get("from"), change.get("to")
    if not before:
        return f"put it in the project {_quoted(after)}"
    if not after:
        return f"took it out of the project {_quoted(before)}"
    return f"moved it from the project {_quoted(before)} to {_quoted(after)}"


def _estimate(change: Change, zone: ZoneInfo) -> str:
    before, after = change.get("from"), change.get("to")
    if before is None:
        return f"set the estimate to {after} h"
    if after is None:
        return "removed the estimate"
    return f"changed the estimate from {before} h to {after} h"


def _files(verb: str) -> Callable[[Any, ZoneInfo], str]:
    def words(names: list[str], zone: ZoneInfo) -> str:
        if len(names) == 1:
            return f"{verb} the file {_quoted(names[0])}"
        return f"{verb} {len(names)} files ({', '.join(names)})"

    return words


def _assignee(change: Change, zone: ZoneInfo) -> str:
    before, after = change.get("from"), change.get("to")
    if not before:
        return f"assigned it to {after}"
    if not after:
        return f"unassigned {before}"
    return f"reassigned it from {before} to {after}"


# A repeating series' change, told on the timeline of the request it was made from
# (``work.repeating``): {"did": "started" | "edited" | "paused" | "resumed" | "ended",
# "rule": {"frequency", "weekday", "day_of_month", "due": "17:00", "zone": the client's},
# "parts": the other parts an edit changed}. The rule's time is a wall time on the client's
# clock, not an instant: a reader elsewhere is told whose clock it is.
SERIES_PARTS = {
    "title": "the title",
    "request_markdown": "the request text",
    "expectations": "what done looks like",
    "assignee": "who does it",
    "priority": "the priority",
    "checklist": "the checklist",
    "lead_days": "how early each copy is made",
}


def _rule(rule: Mapping[str, Any], zone: ZoneInfo) -> str:
    words = rule_words(
        rule["frequency"], weekday=rule.get("weekday"), day_of_month=rule.get("day_of_month")
    )
    clock = rule.get("zone") or zone.key
    whose = "" if clock == zone.key else f" {zone_name(clock)}"
    return f"{words}, due {rule.get('due')}{whose}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _series(change: Change, zone: ZoneInfo) -> str:
    did, rule = change.get("did"), change.get("rule")
    if did == "started" and rule:
        return f"made this repeat {_rule(rule, zone)}"
    if did == "paused":
        return "paused its repeats"
    if did == "resumed":
        return f"resumed its repeats, {_rule(rule, zone)}" if rule else "resumed its repeats"
    if did == "ended":
        return "stopped its repeats; the copies already made stay"
    parts = [SERIES_PARTS[part] for part in change.get("parts", []) if part in SERIES_PARTS]
    said = f"changed its repeating series ({_and(parts)})" if parts else "changed how it repeats"
    return f"{said}: now {_rule(rule, zone)}" if rule else said


def _kind(change: Change, zone: ZoneInfo) -> str:
    before, after = change.get("from"), change.get("to")
    phase = f" ({change['phase']})" if change.get("phase") else ""
    if not after:
        return f"took away its kind of work {_quoted(before)}"
    if not before:
        return f"named its kind of work {_quoted(after)}{phase}"
    return f"changed its kind of work from {_quoted(before)} to {_quoted(after)}{phase}"


def _go_ahead(change: Change, zone: ZoneInfo) -> str:
    what = f"this {change['phase']} work" if change.get("phase") else "this work"
    said = f"gave the go-ahead for {what}"
    if change.get("standing") and change.get("kind"):
        return f"{said}, and for every request of {_quoted(change['kind'])} from now on"
    return said


# In the order a reader wants them: the words first, then when, then the rest.
WORDS: dict[str, Callable[[Any, ZoneInfo], str]] = {
    "title": _title,
    "request_markdown": _text("the request text"),
    "expectations": _text("what done looks like"),
    "deadline_at": _deadline,
    "priority": _priority,
    "project": _project,
    "estimate_hours": _estimate,
    "files_added": _files("added"),
    "files_removed": _files("removed"),
    "assignee": _assignee,
    "series": _series,
    "kind": _kind,
    "go_ahead": _go_ahead,
}


def phrases(changes: Mapping[str, Any], zone: ZoneInfo) -> list[str]:
    """One phrase per change, in ``WORDS``' order; keys it does not know are left out."""
    return [words(changes[key], zone) for key, words in WORDS.items() if changes.get(key)]


def describe(changes: Mapping[str, Any], zone: ZoneInfo) -> str:
    """The changes as the end of a sentence after someone's name: "changed the title from
    “A” to “B” and moved the deadline from Fri 4 Dec 17:00 to Mon 7 Dec 12:00"."""
    parts = phrases(changes, zone)
    if not parts:
        return "changed the request"
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} and {parts[-1]}"
