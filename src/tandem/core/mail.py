"""Outgoing e-mail: rendered in the request, stored with a unique key, sent by a job.

The stored bodies are sealed (``core.crypto``) until the message is sent, so a copy of the
database cannot read a password-reset, confirmation or invitation link out of the queue.
Once sent, the copy kept for support is in the clear with every web address and every
``one_time`` value replaced by a marker: it no longer holds a working link or code.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.core import branding, crypto, rotation, site
from tandem.core.models import OutboundEmail, Practice

logger = logging.getLogger(__name__)

LINK_REMOVED = "[link removed after sending]"
CODE_REMOVED = "[code removed after sending]"
# Every web address goes after sending, not only those with a token: one rule cannot miss a
# new kind of mail, and a task's link is no loss to the copy support reads.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+")
# one_time() wraps a value in two private-use characters, which templates do not escape and
# people do not type; the mark is taken off before sending.
_ONE_TIME = re.compile("\ue000(.*?)\ue001", re.DOTALL)


class MailBusy(Exception):  # noqa: N818 (not an error: the job wrapper just tries later)
    """Another worker holds the message's claim; try again once its lease may have run out."""


def claim_lease() -> timedelta:
    """A claim older than this belongs to a worker that died mid-send; the next try may send.

    Keep it longer than EMAIL_TIMEOUT, so a slow but live send is never sent twice.
    """
    return timedelta(seconds=settings.TANDEM_MAIL_CLAIM_LEASE_SECONDS)


def one_time(value: str) -> str:
    """Mark a value put into a mail (a sign-in code) that must reach the reader but must not
    stay in the stored copy once sent. Web addresses are removed without a mark."""
    return f"\ue000{value}\ue001"


def for_sending(body: str) -> str:
    return _ONE_TIME.sub(lambda found: found.group(1), body)


def redact(body: str) -> str:
    """The body as kept after sending: no web address and no one-time value left."""
    body = _ONE_TIME.sub(
        lambda found: LINK_REMOVED if _WEB_ADDRESS.match(found.group(1)) else CODE_REMOVED, body
    )
    return _WEB_ADDRESS.sub(LINK_REMOVED, body)


def body_context(key: str, field: str) -> str:
    """What a sealed body is bound to: its field and the message's unique key, which is set
    before the row is inserted (the primary key is not) and never changes."""
    return f"core.OutboundEmail.{field}:{key}"


def seal_body(body: str, *, key: str, field: str) -> str:
    return crypto.seal(body, context=body_context(key, field)) if body else ""


def open_body(stored: str, *, key: str, field: str) -> str:
    """An unsent body. One not in the sealed format was stored by a process still running
    older code during a deploy; it is sent as it is (rotate_keys seals such rows)."""
    if not crypto.is_sealed(stored):
        return stored
    return crypto.unseal_text(stored, context=body_context(key, field))


def readable_bodies(email: OutboundEmail) -> tuple[str, str]:
    """Text and HTML: as they will be sent (unsent mail), or as kept after sending."""
    if email.sent_at is not None:
        return email.text_body, email.html_body
    return (
        for_sending(open_body(email.text_body, key=email.key, field="text_body")),
        for_sending(open_body(email.html_body, key=email.key, field="html_body")),
    )


def render_email(
    template_prefix: str, context: dict[str, Any], *, practice: Practice | None = None
) -> tuple[str, str, str]:
    """Subject, plain text and HTML from ``<prefix>_subject.txt``, ``.txt`` and ``.html``.

    The subject and the text are plain text, rendered without HTML escaping (a name like
    "O'Brien & Sons" arrives as written, not as "O&#x27;Brien &amp; Sons"); the HTML part
    is escaped as every page is. ``practice`` is the one the mail speaks for: its address
    (``site_url``) and its face (``brand``: name, logo, accent colour) for the HTML.
    """
    base = site.base_url(practice)
    context = {
        "site_url": base,
        "brand": branding.mail_brand(practice, base_url=base),
        **context,
    }
    subject = " ".join(render_plain_text(f"{template_prefix}_subject.txt", context).split())
    text = render_plain_text(f"{template_prefix}.txt", context).strip()
    html = render_to_string(f"{template_prefix}.html", context).strip()
    return subject, text, html


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """A template that is not HTML, rendered without escaping (and without context
    processors: a mail has no request), by the project's own template engine."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def store_email(
    *,
    key: str,
    to: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    practice: Practice | None = None,
) -> tuple[OutboundEmail, bool]:
    """Keep the message under ``key``, its bodies sealed; a second call with the same key
    stores nothing new."""
    return OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "subject": subject[:255],
            "text_body": seal_body(text_body, key=key, field="text_body"),
            "html_body": seal_body(html_body, key=key, field="html_body"),
            "practice": practice,
        },
    )


def queue_email(
    *,
    key: str,
    to: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    practice: Practice | None = None,
) -> OutboundEmail:
    """Store the message and queue its sending, once per key.

    Call it inside the caller's transaction: the message and its job commit with the change
    (the queue lives in the same database, so neither can exist without the other).
    """
    from tandem.core.tasks import send_outbound_email

    email, created = store_email(
        key=key,
        to=to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        practice=practice,
    )
    if created:
        send_outbound_email.enqueue(email.pk)
    return email


# A display name longer than this is cut: it is a name, and header lines are kept short.
FROM_NAME_MAX = 64


def display_name(name: str) -> str:
    """A practice's name as a From display name: no line breaks or other control or format
    characters (a name cannot add a header), spaces collapsed, at most FROM_NAME_MAX long."""
    printable = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in name
    )
    return " ".join(printable.split())[:FROM_NAME_MAX].strip()


def sender(practice: Practice | None) -> str:
    """The From header: the practice's name over the configured sender's address.

    The address stays the operator's (DEFAULT_FROM_EMAIL), which their mail server may send
    for; only the name is the practice's. ``formataddr`` quotes commas and quotes and
    encodes non-ASCII, so "Bloom, \"Best\" & Co" arrives as typed. Mail of no practice
    (sign-in codes, password resets) goes out under the configured name.
    """
    configured_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = display_name(practice.name) if practice is not None else ""
    name = name or configured_name
    return formataddr((name, address)) if name else address


def claim(email_id: int) -> bool:
    """Take the message for sending, unless it is sent or another worker holds it."""
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease())
    return bool(
        OutboundEmail.objects.filter(claimable, pk=email_id, sent_at__isnull=True).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(email_id: int, *, reply_to: list[str] | None = None) -> bool:
    """Send one stored message once. Returns False when there was nothing to send.

    ``reply_to`` is derived by the caller each time (a notification's reply address), so
    it needs no column of its own.

    Raises MailBusy when another worker holds the claim: that worker may have died mid-send,
    so this job must not finish as if the message were sent; its retry sends it if need be.
    """
    if not claim(email_id):
        if OutboundEmail.objects.filter(pk=email_id, sent_at__isnull=True).exists():
            raise MailBusy(f"Message {email_id} is claimed by another worker.")
        return False
    email = OutboundEmail.objects.select_related("practice").get(pk=email_id)
    try:
        # Opening fails when the master key that sealed the body is not configured: like a
        # mail server error, the claim is released and the job tries again later.
        text = open_body(email.text_body, key=email.key, field="text_body")
        html = open_body(email.html_body, key=email.key, field="html_body")
        message = EmailMultiAlternatives(
            email.subject,
            for_sending(text),
            sender(email.practice),
            [email.to],
            reply_to=reply_to,
        )
        if html:
            message.attach_alternative(for_sending(html), "text/html")
        message.send()
    except Exception as exc:
        # Release the claim so the retry can send; the job wrapper schedules that retry.
        OutboundEmail.objects.filter(pk=email_id).update(claimed_at=None, last_error=str(exc))
        raise
    # From here the stored copy holds no working link or code, and nothing sealed.
    OutboundEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), last_error="", text_body=redact(text), html_body=redact(html)
    )
    return True


def reseal_unsent_mail(batch_size: int) -> rotation.Tally:
    """Re-seal the bodies of unsent mail under the newest master key (``rotate_keys``).

    Sent mail holds nothing sealed. Each row is written only if it is still unsent and
    unchanged, so a message sent meanwhile keeps its redacted copy.
    """
    tally = rotation.Tally("Unsent mail")
    unsent = OutboundEmail.objects.filter(sent_at__isnull=True).order_by("pk")
    last_pk = 0
    while batch := list(
        unsent.filter(pk__gt=last_pk).values_list("pk", "key", "text_body", "html_body")[
            :batch_size
        ]
    ):
        for pk, key, text, html in batch:
            try:
                tally.add(reseal_message(pk, key=key, text_body=text, html_body=html))
            except crypto.UnsealError as error:
                tally.add_unreadable(f"OutboundEmail {pk}", error)
        last_pk = batch[-1][0]
    return tally


def reseal_message(pk: int, *, key: str, text_body: str, html_body: str) -> rotation.Outcome:
    """Write one message's bodies re-sealed, if the row still holds exactly what was read."""
    outcomes, fresh = [], {}
    for field, stored in (("text_body", text_body), ("html_body", html_body)):
        fresh[field], outcome = (
            rotation.reseal_value(stored, context=body_context(key, field))
            if stored
            else (stored, rotation.Outcome.CURRENT)
        )
        outcomes.append(outcome)
    if fresh == {"text_body": text_body, "html_body": html_body}:
        return rotation.Outcome.CURRENT
    written = OutboundEmail.objects.filter(
        pk=pk, sent_at__isnull=True, text_body=text_body, html_body=html_body
    ).update(**fresh)
    return rotation.row_outcome(outcomes) if written else rotation.Outcome.CHANGED_MEANWHILE
