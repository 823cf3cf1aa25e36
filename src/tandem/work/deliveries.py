"""Delivering work for review: the practice hands the client what was asked for.

A delivery is a move (In progress → Delivered for review) with more to it: a message
saying what was done (required; it is the move's note on the timeline, so notifications
quote it), optional files (the deliverer's pending uploads, as comments take them) and
optional links (http and https only). The client then accepts it, optionally with a
thank-you note, or sends it back saying what is missing: both are ordinary moves
(``services.move_task``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from tandem.core.errors import DomainError
from tandem.work import attachments, services
from tandem.work.models import LINK_MAX, LINKS_MAX, Delivery, Task, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User

MESSAGE_MISSING = "Say what you are delivering, so the client knows what to look at."
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def deliver_task(
    task: Task,
    *,
    actor: User,
    message: str,
    links: Sequence[str] = (),
    uploads: Sequence[int] = (),
) -> Delivery:
    """Deliver ``task`` (in progress) for the client's review, as the practice.

    Refused with a sentence (``field`` names the form field) when the actor may not
    deliver it, the task is not in progress (or someone moved it meanwhile), the message
    is empty, a link is not an http(s) address, or a file is not the actor's pending
    upload for the task's client. Nothing is written unless everything is accepted.
    """
    transition = services.check_move(task, to=TaskStatus.DELIVERED, actor=actor)
    message = services.require_text(
        message, field="message", message=MESSAGE_MISSING, limit=services.COMMENT_MAX
    )
    checked_links = check_links(links)
    with transaction.atomic():
        event = services.apply_move(task, transition, actor=actor, changes={}, note=message)
        delivery = Delivery.objects.create(
            practice_id=task.practice_id,
            client_id=task.client_id,
            task=task,
            event=event,
            links=checked_links,
        )
        attachments.link_uploads(uploads, actor=actor, task=task, delivery=delivery)
    return delivery


def check_links(links: Sequence[str]) -> list[str]:
    """The links without blanks and repeats, each a full http or https address; refused
    (``field="links"``) with a sentence naming the first one that is not."""
    kept = list(dict.fromkeys(link.strip() for link in links if link.strip()))
    if len(kept) > LINKS_MAX:
        raise DomainError(f"Give at most {LINKS_MAX} links; put the rest in a file.", field="links")
    for link in kept:
        _check_link(link)
    return kept


def _check_link(link: str) -> None:
    shown = link if len(link) <= 60 else link[:59] + "…"
    if len(link) > LINK_MAX:
        raise DomainError(f"“{shown}” is too long for a link.", field="links")
    scheme = urlsplit(link).scheme.lower() if ":" in link else ""
    if scheme and scheme not in ("http", "https"):
        raise DomainError(
            f"Links must start with http:// or https://; “{shown}” does not.", field="links"
        )
    try:
        _WEB_ADDRESS(link)
    except ValidationError:
        raise DomainError(
            f"“{shown}” is not a web address; paste the whole link, starting with https://.",
            field="links",
        ) from None
