"""The new text of a mail: quoted replies, attributions, signatures and disclaimers trimmed.

mail-parser-reply does the main work: it splits a body at the reply headers that mail
clients write ("On … wrote:", Outlook's "From:/Sent:" block, "-----Original Message-----")
in a dozen languages, and finds signatures and disclaimers. It was chosen over
email-reply-parser (English only, unmaintained since 2020) and talon (needs scikit-learn,
unmaintained since 2017). Our own rules cover what it leaves:

* it treats any line starting with "- " as a signature; requests are full of such lists, so
  that rule is off (``keep_hyphen_lists``);
* a trailing block of ">"-quoted lines and the attribution line above it, when the client
  wrote no recognisable header (Hotmail, wrapped attributions in other languages);
* a "-- " signature delimiter, and "Sent from my …" lines;
* a forwarded message is kept: when someone forwards a mail to their assistant, the
  forwarded mail is the request, so only the sender's own text above it is trimmed.
"""

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage  # type: ignore[import-untyped]

LANGUAGES = ["en", "de", "fr", "it", "es", "nl", "da", "sv", "pl", "cs", "ja", "ko", "zh"]

_FORWARD_RE = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:Forwarded message|Forwarded Message|Weitergeleitete Nachricht|"
    r"Message transféré|Mensaje reenviado|Doorgestuurd bericht)\s*-{2,}|Begin forwarded message:)",
    re.MULTILINE | re.IGNORECASE,
)
# "-- " starts a signature; a long rule usually starts a disclaimer or a gateway footer.
_SIGNATURE_RE = re.compile(r"^(?:--[ \t]?|[-_=*]{20,}[ \t]*)$", re.MULTILINE)
_SENT_FROM_RE = re.compile(
    r"^(?:Sent from my \w[\w ]{0,30}|Sent from (?:Outlook|Mail) for \w+|Get Outlook for \w+"
    r"|Sent with \w+|Sent via \w[\w ]{0,30}'s)\b.*$",
    re.MULTILINE | re.IGNORECASE,
)
# The line that introduces a quote usually ends with a colon ("… wrote:", "… написал:").
_ATTRIBUTION_RE = re.compile(r":\s*$")
_ATTRIBUTION_START_RE = re.compile(r"^\s*(?:On|Am|Le|El|Il|Op|Den|Dne|W dniu)\s", re.IGNORECASE)


def trim_reply(text: str) -> str:
    """The text the sender wrote themselves, with a forwarded message kept below it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    forward = _FORWARD_RE.search(text)
    if forward is None:
        return _own_text(text)
    own, forwarded = text[: forward.start()], text[forward.start() :]
    return "\n\n".join(part for part in (_own_text(own), forwarded.strip()) if part)


def _own_text(text: str) -> str:
    text = _cut_at(_SIGNATURE_RE, text)
    text = _cut_at(_SENT_FROM_RE, text)
    text = _drop_trailing_quote(text)
    if not text.strip():
        return ""
    message = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    replies = [reply for reply in message.replies if reply.body.strip()]
    body = replies[0].body if replies else text
    return _tidy(_drop_trailing_quote(body))


def _cut_at(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return text[: match.start()] if match else text


def _drop_trailing_quote(text: str) -> str:
    """Drop the block of ">" lines at the end and the attribution line(s) just above it."""
    lines = text.rstrip().split("\n")
    end = len(lines)
    while end and (lines[end - 1].lstrip().startswith(">") or not lines[end - 1].strip()):
        end -= 1
    if end == len(lines):
        return text
    if end and _ATTRIBUTION_RE.search(lines[end - 1]):
        end -= 1
        # An attribution may wrap over two lines ("On Mon, … Ann <ann@…>\nwrote:").
        above = lines[end - 1] if end else ""
        if _ATTRIBUTION_START_RE.match(above) or "@" in above:
            end -= 1
    return "\n".join(lines[:end])


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
