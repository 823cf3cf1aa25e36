"""What a mailed request says about its deadline and about what done looks like.

A deadline is taken only when it is unambiguous: the subject and the new text are searched
for cues ("by …", "due …", "deadline: …", "no later than …", "before …"), the words after
each cue are resolved with the same resolver the new-request form uses, and the deadline is
used only when every cue that resolves names the same instant. Anything else (no cue, a
vague "ASAP", two different dates) leaves the task needing a deadline, and the sender is
asked. A cue with two common readings ("by next Friday" written on a Wednesday: this week's
or next week's) is never settled by picking one: the task needs a deadline, and the mail
asking the sender offers those two days as its choices. Dates in quoted text, forwarded
headers or the Date header are never read: only the trimmed new text and the subject are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tandem.clients.models import Client
from tandem.work.deadline_phrases import resolve_for
from tandem.work.deadlines import AmbiguousDeadline, Suggestion, VagueDeadline

_CUE_RE = re.compile(
    r"\b(?:deadline|due(?:\s+(?:by|on|date))?|by|no\s+later\s+than|before)\b\s*:?\s*"
    # A lookahead, so the words after one cue can hold the next cue ("by noon or by Friday").
    r"(?=(?P<rest>[^\n.;!?()\[\]]{1,80}))",
    re.IGNORECASE,
)
_EXPECTATIONS_RE = re.compile(
    r"^\s*(?:expectations?|done\s+when|what\s+done\s+looks\s+like)\s*[:\-\u2013]\s*(?P<text>\S.*)$",
    re.IGNORECASE | re.MULTILINE,
)
# A phrase made of numbers alone ("by 2") is a quantity far more often than a date.
_HAS_WORD_RE = re.compile(r"[^\W\d_]", re.UNICODE)
MAX_WORDS = 6

DEFAULT_EXPECTATIONS = (
    "To be agreed in the comments: this request came by e-mail without a “Done when:” line."
)


@dataclass(frozen=True)
class DeadlineCue:
    """What the mail says about its deadline: one instant, or none (``readings`` then holds
    the two days a cue with two readings can mean, for the mail asking the sender)."""

    at: datetime | None
    readings: Sequence[Suggestion] = ()


def read_deadline(client: Client, *, subject: str, text: str) -> DeadlineCue:
    """The one instant the subject and text name as a deadline; none when they name none,
    more than one, or a day with two readings."""
    found: set[datetime] = set()
    for source in (subject, text):
        for match in _CUE_RE.finditer(source):
            resolved = _resolve_longest(client, match["rest"])
            if isinstance(resolved, AmbiguousDeadline):
                return DeadlineCue(at=None, readings=resolved.suggestions)
            if resolved is not None:
                found.add(resolved)
    return DeadlineCue(at=found.pop() if len(found) == 1 else None)


def find_deadline(client: Client, *, subject: str, text: str) -> datetime | None:
    """The one instant the subject and text name as a deadline, or None."""
    return read_deadline(client, subject=subject, text=text).at


def _resolve_longest(client: Client, rest: str) -> datetime | AmbiguousDeadline | None:
    """The longest run of words after a cue that resolves ("Friday 5pm please" → Friday
    5pm), tried from MAX_WORDS words down to one. A run with two readings ends the search:
    a shorter one ("next" of "next Friday") must not settle it."""
    words = rest.replace(",", " ").split()[:MAX_WORDS]
    for count in range(len(words), 0, -1):
        phrase = " ".join(words[:count])
        if not _HAS_WORD_RE.search(phrase) and not re.search(r"\d[:/]\d", phrase):
            continue
        try:
            return resolve_for(client, phrase).at
        except AmbiguousDeadline as ambiguous:
            return ambiguous
        except VagueDeadline:
            continue
    return None


def find_expectations(text: str) -> str:
    """The text of an "Expectations:" or "Done when:" line, or the default sentence."""
    match = _EXPECTATIONS_RE.search(text)
    return match["text"].strip() if match else DEFAULT_EXPECTATIONS
