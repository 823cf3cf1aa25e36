"""Outgoing e-mail: rendered in the request, stored with a unique key, sent by a job."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.core.models import OutboundEmail, Practice

logger = logging.getLogger(__name__)


class MailBusy(Exception):  # noqa: N818 (not an error: the job wrapper just tries later)
    """Another worker holds the message's claim; try again once its lease may have run out."""


def claim_lease() -> timedelta:
    """A claim older than this belongs to a worker that died mid-send; the next try may send.

    Keep it longer than EMAIL_TIMEOUT, so a slow but live send is never sent twice.
    """
    return timedelta(seconds=settings.TANDEM_MAIL_CLAIM_LEASE_SECONDS)


def render_email(template_prefix: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, plain text and HTML from ``<prefix>_subject.txt``, ``.txt`` and ``.html``.

    The subject and the text are plain text, rendered without HTML escaping (a name like
    "O'Brien & Sons" arrives as written, not as "O&#x27;Brien &amp; Sons"); the HTML part
    is escaped as every page is.
    """
    context = {"site_url": settings.SITE_URL, **context}
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
    """Keep the message under ``key``; a second call with the same key stores nothing new."""
    return OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "subject": subject[:255],
            "text_body": text_body,
            "html_body": html_body,
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
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        email.subject, email.text_body, settings.DEFAULT_FROM_EMAIL, [email.to], reply_to=reply_to
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    try:
        message.send()
    except Exception as exc:
        # Release the claim so the retry can send; the job wrapper schedules that retry.
        OutboundEmail.objects.filter(pk=email_id).update(claimed_at=None, last_error=str(exc))
        raise
    OutboundEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), last_error="")
    return True
