"""One raw RFC 5322 message as the parts Tandem uses: who, to whom, subject, text, files.

Pure: no models and no database. Real mail is messy, so parsing is tolerant (a missing
closing boundary, an unknown charset, a lying Content-Transfer-Encoding) and refuses only
what is not mail at all, with a sentence that says why (``MalformedMessage``).
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

from inscriptis import get_text  # type: ignore[import-untyped]
from inscriptis.css_profiles import CSS_PROFILES  # type: ignore[import-untyped]
from inscriptis.model.config import ParserConfig  # type: ignore[import-untyped]

from tandem.inbound.trimming import trim_reply

# Headers a mail server writes with the address it delivered to, most reliable first.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
# A header block this large is an attack or a broken client; real ones are a few KB.
MAX_HEADER_BYTES = 256 * 1024
HEADER_VALUE_MAX = 4096
_UNQUOTED_BOUNDARY = re.compile(rb'(boundary\s*=\s*)(?!")([^;\s"]+)', re.IGNORECASE)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = ParserConfig(css=CSS_PROFILES["strict"], display_links=False)


class MalformedMessage(ValueError):  # noqa: N818 - reads better at the call sites
    """Not a usable RFC 5322 message; the text says what is wrong, in one sentence."""


class MessageTooLarge(ValueError):  # noqa: N818
    """Bigger than TANDEM_INBOUND_MAX_MB."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    sender: str  # the From address, lower-cased; "" when there is none
    sender_name: str
    recipients: tuple[str, ...]  # candidate addresses from the headers, in RECIPIENT_HEADERS order
    subject: str  # decoded, whitespace collapsed
    text: str  # the new text only: quotes, signatures and disclaimers trimmed
    attachments: tuple[Attachment, ...] = field(default=())
    is_automatic: bool = False  # bounce, auto-reply, read receipt, list mail
    fingerprint: str = ""  # sha256 of the raw bytes


def parse_message(raw: bytes, *, max_bytes: int) -> ParsedMessage:
    """Parse ``raw``; raises MessageTooLarge or MalformedMessage (both with a sentence)."""
    if len(raw) > max_bytes:
        raise MessageTooLarge(
            f"The message is {_megabytes(len(raw))}, over the limit of "
            f"{_megabytes(max_bytes)}; send large files as links instead."
        )
    raw = _without_mbox_line(raw)
    _check_looks_like_mail(raw)
    message = _read(raw)
    sender_name, sender = _sender(message)
    if not message.keys() or not sender:
        raise MalformedMessage("The message has no From address, so it cannot be answered.")
    body_part = _body_part(message)
    return ParsedMessage(
        message_id=_header(message, "Message-ID").strip()[:255],
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        subject=" ".join(_header(message, "Subject").split()),
        text=_text(message, body_part),
        attachments=tuple(_attachments(message, body_part)),
        is_automatic=_is_automatic(message, sender),
        fingerprint=hashlib.sha256(raw).hexdigest(),
    )


def _read(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    if any(isinstance(d, errors.StartBoundaryNotFoundDefect) for d in message.defects):
        # Outlook Express wrote boundaries with "=" unquoted, which the modern header parser
        # cuts short; quoted, the same boundary is found.
        message = email.message_from_bytes(
            _UNQUOTED_BOUNDARY.sub(rb'\1"\2"', raw), policy=policy.default
        )
    assert isinstance(message, EmailMessage)
    return message


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _without_mbox_line(raw: bytes) -> bytes:
    """Drop the "From sender date" line that mbox files and some pipes (Postfix's F flag)
    put before the headers; it is not a header."""
    if raw.startswith(b"From "):
        return raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    return raw


def _check_looks_like_mail(raw: bytes) -> None:
    if not raw.strip():
        raise MalformedMessage("The message is empty.")
    if raw.startswith(OLE_MAGIC):
        raise MalformedMessage(
            "This is an Outlook .msg file, not an RFC 5322 message; forward it as ordinary mail."
        )
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    if len(head) > MAX_HEADER_BYTES:
        raise MalformedMessage(
            f"The message's headers are over {MAX_HEADER_BYTES // 1024} KB; "
            "that is not a message a person wrote."
        )
    if b"\x00" in head or not re.match(rb"^[!-9;-~]+:", head):
        raise MalformedMessage("This is not an RFC 5322 message: it does not start with headers.")


def _raw_headers(message: Message, name: str) -> list[str]:
    """A header's values as sent, unfolded and cut to HEADER_VALUE_MAX characters.

    Read raw, not through the stdlib's modern header parser: that one takes seconds on a
    folded 200 KB Subject, and a title needs 200 characters of it.
    """
    wanted = name.lower()
    return [
        re.sub(r"\r?\n(?=[ \t])", "", _eight_bit(str(value)))[:HEADER_VALUE_MAX]
        for key, value in message.raw_items()
        if key.lower() == wanted
    ]


def _eight_bit(value: str) -> str:
    """Raw 8-bit header bytes (sent without RFC 2047, as many clients do) come back from the
    parser as surrogate escapes; read them as UTF-8, or Latin-1 when they are not."""
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header(message: Message, name: str) -> str:
    """A header's first value with RFC 2047 words decoded; "" when missing. Never raises:
    an unknown charset or a broken encoded word leaves the raw text."""
    values = _raw_headers(message, name)
    if not values:
        return ""
    try:
        return str(make_header(decode_header(values[0])))
    except (HeaderParseError, LookupError, UnicodeDecodeError, ValueError):
        return values[0]


def _sender(message: Message) -> tuple[str, str]:
    # The address is read from the raw value: a decoded display name may hold a comma.
    values = _raw_headers(message, "From")
    name, address = parseaddr(values[0] if values else "")
    if "@" not in address:
        return name, ""
    return name, address.strip().lower()


def _recipients(message: Message) -> tuple[str, ...]:
    found: list[str] = []
    for name in RECIPIENT_HEADERS:
        for _, address in getaddresses(_raw_headers(message, name)):
            if "@" in address and address.lower() not in found:
                found.append(address.lower())
    return tuple(found)


def _is_automatic(message: Message, sender: str) -> bool:
    """Bounces, auto-replies, read receipts and list mail: never a task, never answered
    (answering one could start a mail loop)."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    precedence = _header(message, "Precedence").strip().lower()
    return_path = _header(message, "Return-Path").strip()
    local_part = sender.split("@", 1)[0]
    return (
        auto_submitted not in ("", "no")
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or return_path == "<>"
        or message.get_content_type() == "multipart/report"
        or bool(_header(message, "X-Autoreply") or _header(message, "X-Autorespond"))
        or local_part in ("mailer-daemon", "postmaster")
    )


# Body --------------------------------------------------------------------------------------


def _body_part(message: EmailMessage) -> Message | None:
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except (KeyError, ValueError, IndexError):
        return None


def _text(message: EmailMessage, body_part: Message | None) -> str:
    """The new text of the message, or of a message forwarded as an attachment when the
    sender wrote nothing of their own (the forwarded mail is then the request)."""
    text = _part_text(body_part) if body_part is not None else ""
    if not text.strip():
        forwarded = _forwarded_message(message)
        if forwarded is not None:
            text = _part_text(_body_part(forwarded))
    return trim_reply(text)


def _part_text(part: Message | None) -> str:
    if part is None:
        return ""
    content = decode_text(part)
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content


def decode_text(part: Message) -> str:
    """A text part as str. Tries the declared charset, then UTF-8, then Latin-1 (which
    never fails), so an unknown or wrong charset gives readable text, not an error."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    charsets = [part.get_content_charset() or "", "utf-8", "latin-1"]
    for charset in charsets:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")  # pragma: no cover - latin-1 decodes every byte


def html_to_text(html: str) -> str:
    """Readable text from an HTML mail: no tags, no styles or scripts, paragraphs kept."""
    if not html.strip():
        return ""
    text = get_text(html, _HTML)
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _forwarded_message(message: Message) -> EmailMessage | None:
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], EmailMessage):
                return inner[0]
    return None


# Attachments -------------------------------------------------------------------------------


def _attachments(message: Message, body_part: Message | None) -> list[Attachment]:
    found: list[Attachment] = []
    _collect(message, body_part, found)
    return found


def _collect(part: Message, body_part: Message | None, found: list[Attachment]) -> None:
    """Every file in the message, depth first. A forwarded message is one file (.eml),
    not opened: its own attachments belong to it."""
    if part is body_part:
        return
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            name = part.get_filename() or "forwarded message.eml"
            found.append(Attachment(name, content_type, inner[0].as_bytes()))
        return
    children = part.get_payload() if part.is_multipart() else None
    if isinstance(children, list):
        for child in children:
            if isinstance(child, Message):
                _collect(child, body_part, found)
        return
    filename = _filename(part)
    if filename is None:
        return  # the other alternative of the body, an inline style part, …
    content = part.get_payload(decode=True)
    if isinstance(content, bytes):
        found.append(Attachment(filename, content_type, content))


def _filename(part: Message) -> str | None:
    """The decoded file name, or a made-up one for an unnamed attached file; None for parts
    that are not files (the text and HTML alternatives of the body)."""
    try:
        name = part.get_filename()
    except (ValueError, LookupError):
        name = None
    if name:
        return " ".join(_eight_bit(str(name)).split())[:255]
    if part.get_content_type() == "text/calendar":
        return "invitation.ics"
    if part.get_content_maintype() == "multipart":
        return None  # a broken multipart the parser could not open
    is_text = part.get_content_maintype() == "text"
    if part.get_content_disposition() == "attachment" or not is_text:
        extension = part.get_content_subtype() if not is_text else "txt"
        return f"attachment.{extension}"
    return None
