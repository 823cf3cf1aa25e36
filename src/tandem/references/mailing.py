"""The mail references send: one message per person and event, under a key, through
``core.mail`` (stored with the change, sent by a job, never twice)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tandem.accounts.models import User
from tandem.clients.models import Client, ClientContact
from tandem.core import mail
from tandem.core.models import Practice


def contacts_of(client: Client) -> list[User]:
    """The people who speak for ``client`` and can still sign in."""
    rows = ClientContact.objects.filter(client=client, user__is_active=True).select_related("user")
    return [row.user for row in rows.order_by("user__name", "pk")]


def send(
    template: str,
    *,
    key: str,
    to: Iterable[tuple[str, str]],
    context: dict[str, Any],
    practice: Practice,
) -> None:
    """Queue ``template`` to each (key suffix, address) of ``to``, inside the caller's
    transaction; each message is stored once under ``key:<suffix>``."""
    for suffix, address in to:
        subject, text, html = mail.render_email(
            f"references/email/{template}", {**context, "practice": practice}, practice=practice
        )
        mail.queue_email(
            key=f"{key}:{suffix}",
            to=address,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=practice,
        )


def send_to_people(
    template: str, *, key: str, people: Iterable[User], context: dict[str, Any], practice: Practice
) -> None:
    """``send`` to each of ``people``, with ``person`` in the context of their own message."""
    for person in people:
        send(
            template,
            key=key,
            to=[(str(person.pk), person.email)],
            context={**context, "person": person},
            practice=practice,
        )
