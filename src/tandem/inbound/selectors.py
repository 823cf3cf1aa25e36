"""Reads for the mail log page: what arrived by e-mail and what became of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator

from tandem.inbound.models import InboundMessage

if TYPE_CHECKING:
    from tandem.accounts.models import User

MESSAGES_PER_PAGE = 25


def message_page(
    *, viewer: User, outcome: str = "", page_number: str | None = None
) -> Page[InboundMessage]:
    """One page of the messages ``viewer`` may read (``InboundMessage.visible_to``), newest
    first, narrowed to one outcome when given: a count and the page's rows, two queries.

    A page number that is not one (a word, past the end) gives the nearest real page."""
    messages = (
        InboundMessage.objects.visible_to(viewer)
        .select_related("client", "task")
        # The task's request text can be long; the page shows only its title.
        .only(
            "received_at",
            "sender",
            "subject",
            "outcome",
            "note",
            "comment_id",
            "client__name",
            "task__title",
        )
        .order_by("-received_at", "-pk")
    )
    if outcome:
        messages = messages.filter(outcome=outcome)
    return Paginator(messages, MESSAGES_PER_PAGE).get_page(page_number)


def has_any_message(*, viewer: User) -> bool:
    """Whether the viewer can read any message at all (for the empty state only)."""
    return InboundMessage.objects.visible_to(viewer).exists()
