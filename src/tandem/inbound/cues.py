"""What a mailed request says about its deadline and about what done looks like.

A deadline is taken only when it is unambiguous: the subject and the new text are searched
for cues ("by …", "due …", "deadline: …", "no later than …", "before …"), the words after
each cue are resolved with the same resolver the new-request form uses, and the deadline is
used only when every cue that resolves names the same instant. Anything else (no cue, a
vague "ASAP", two different dates) leaves the task needing a deadline, and the sender is
asked. Dates in quoted text, forwarded headers or the Date header are never read: only the
trimmed new text and the subject are.
"""

from __future__ import annotations

import re
from datetime import datetime

from tandem.clients.models import Client
from tandem.work.deadline_phrases import resolve_for
from tandem.work.deadlines import VagueDeadline

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


def find_deadline(client: Client, *, subject: str, text: str) -> datetime | None:
    """The one instant the subject and text name as a deadline, or None when they name
    none or more than one."""
    found: set[datetime] = set()
    for source in (subject, text):
        for match in _CUE_RE.finditer(source):
            instant = _resolve_longest(client, match["rest"])
            if instant is not None:
                found.add(instant)
    return found.pop() if len(found) == 1 else None


def _resolve_longest(client: Client, rest: str) -> datetime | None:
    """The longest run of words after a cue that resolves ("Friday 5pm please" → Friday
    5pm), tried from MAX_WORDS words down to one."""
    words = rest.replace(",", " ").split()[:MAX_WORDS]
    for count in range(len(words), 0, -1):
        phrase = " ".join(words[:count])
        if not _HAS_WORD_RE.search(phrase) and not re.search(r"\d[:/]\d", phrase):
            continue
        try:
            return resolve_for(client, phrase).at
        except VagueDeadline:
            continue
    return None


def find_expectations(text: str) -> str:
    """The text of an "Expectations:" or "Done when:" line, or the default sentence."""
    match = _EXPECTATIONS_RE.search(text)
    return match["text"].strip() if match else DEFAULT_EXPECTATIONS
