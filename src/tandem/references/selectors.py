"""References as their pages read them (issue 14). Each page is a fixed number of queries,
whatever the number of clients, consents or requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Prefetch, Subquery

from tandem.clients.models import Client
from tandem.core import access
from tandem.references import links, prospects
from tandem.references.consents import wording_for
from tandem.references.models import (
    ASK_AGAIN_AFTER,
    Ask,
    Check,
    Consent,
    Link,
    PassOn,
    Request,
    RequestState,
    Settings,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

RECENT_REQUESTS = 20


@dataclass(frozen=True)
class NotYet:
    """An active client that has not agreed, and when the owner last asked it."""

    client: Client
    last_asked_at: datetime | None

    @property
    def may_ask_from(self) -> datetime | None:
        """When asking again is polite; None when it is now."""
        if self.last_asked_at is None:
            return None
        return self.last_asked_at + ASK_AGAIN_AFTER


@dataclass(frozen=True)
class ReferencesPage:
    agreed: list[Consent]
    not_yet: list[NotYet]
    link: Link | None
    # The link's token, derived again; None without a link (or made under a retired key).
    token: str | None
    settings: Settings
    waiting: list[Request]
    decided: list[Request]


def references_page(*, viewer: User, now: datetime) -> ReferencesPage:
    """The owner's References page: who agreed (one query), the active clients who have not,
    with when each was last asked (one), the live link (one), the settings (one), requests
    waiting (one) and the latest decided ones with where they went (two)."""
    membership = access.member(viewer)
    assert membership is not None
    practice_id = membership.practice_id
    agreed = list(
        Consent.objects.of_active_clients(practice_id)
        .select_related("client", "given_by")
        .order_by("client__name", "pk")
    )
    agreed_ids = {consent.client_id for consent in agreed}
    newest_ask = Ask.objects.filter(client=OuterRef("pk")).order_by("-asked_at", "-pk")
    others = (
        Client.objects.visible_to(viewer)
        .active()
        .annotate(last_asked_at=Subquery(newest_ask.values("asked_at")[:1]))
        .order_by("name", "pk")
    )
    not_yet = [
        NotYet(client, client.last_asked_at) for client in others if client.pk not in agreed_ids
    ]
    link = links.live_link_of(practice_id)
    requests = Request.objects.visible_to(viewer)
    waiting = list(requests.filter(state=RequestState.WAITING).order_by("-received_at", "-pk"))
    passed = Prefetch("pass_ons", PassOn.objects.select_related("client").order_by("client__name"))
    decided = list(
        requests.exclude(state=RequestState.WAITING)
        .select_related("decided_by")
        .prefetch_related(passed)
        .order_by("-decided_at", "-pk")[:RECENT_REQUESTS]
    )
    return ReferencesPage(
        agreed=agreed,
        not_yet=not_yet,
        link=link,
        token=links.token_of(link) if link is not None else None,
        settings=prospects.settings_of(practice_id),
        waiting=waiting,
        decided=decided,
    )


@dataclass(frozen=True)
class ConsentPage:
    client: Client
    current: Consent | None
    history: list[Consent]
    wording: str


def consent_page(client: Client, *, viewer: User) -> ConsentPage:
    """The client's side: whether it agrees now, what it agreed to, and its past consents
    (one query). ``client`` comes from ``visible_to(viewer)`` with its practice."""
    rows = list(
        Consent.objects.visible_to(viewer)
        .filter(client=client)
        .select_related("given_by", "withdrawn_by")
        .order_by("-given_at", "-pk")
    )
    current = next((row for row in rows if row.is_open), None)
    history = [row for row in rows if not row.is_open]
    return ConsentPage(client, current, history, wording_for(client))


def checks_of(client: Client, *, viewer: User) -> list[Check]:
    """The references the practice checked about ``client``, newest first (one query); none
    for anyone who may not read them."""
    rows = Check.objects.visible_to(viewer).filter(client=client).select_related("recorded_by")
    return list(rows.order_by("-checked_on", "-pk"))
