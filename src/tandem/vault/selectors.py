"""The vault as its pages read it (issue 14). Each is a fixed number of queries, whatever
the number of credentials, grants or reveals; none opens a sealed value."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max, OuterRef, Subquery

from tandem.core import access
from tandem.core.roles import Capability
from tandem.vault.models import AccessEnded, Credential, Grant, Reveal, ShareLink
from tandem.vault.reveals import Facts, grant_state

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.clients.models import Client

C = Capability
LOG_PAGE = 50
RECENT_LINKS = 10


@dataclass
class Row:
    """One credential in the list: who may see it (the client's side), or whether the
    viewer may reveal it and why not (the practice's side)."""

    credential: Credential
    named: list[Grant] = field(default_factory=list)
    refusal: str | None = None


@dataclass(frozen=True)
class Seen:
    """A secret a leaver had revealed, and whether it was changed since."""

    credential_id: int
    name: str
    last_revealed_at: datetime
    changed_since: bool


@dataclass
class Notice:
    notice: AccessEnded
    seen: list[Seen] = field(default_factory=list)

    @property
    def to_change(self) -> list[Seen]:
        return [item for item in self.seen if not item.changed_since]


@dataclass(frozen=True)
class VaultPage:
    client: Client
    is_client_side: bool
    rows: list[Row]
    notices: list[Notice]
    links: list[ShareLink]


def _last_revealed() -> Subquery:
    # One index seek per credential on (credential, id): no aggregate over every reveal.
    newest = Reveal.objects.filter(credential=OuterRef("pk")).order_by("-id")
    return Subquery(newest.values("revealed_at")[:1])


def vault_page(client: Client, *, viewer: User) -> VaultPage:
    """The client's credentials (not deleted), by name. The client's side also gets who is
    named on each, the notices of people who stopped working on it and its recent share
    links (five queries); the practice's side its own standing on each (two)."""
    standing = access.standing_of_visible(viewer, client)
    credentials = list(
        Credential.objects.visible_to(viewer)
        .filter(client=client)
        .kept()
        # What the list shows: never the sealed values, which a row need not carry.
        .only("client_id", "name", "url", "username", "minimum_phase", "deleted_at")
        .annotate(last_revealed_at=_last_revealed())
        .order_by("name", "pk")
    )
    is_client_side = standing.side == access.Side.CLIENT
    if is_client_side:
        rows = _with_named(credentials)
        return VaultPage(client, True, rows, notices_of(client), _recent_links(client))
    latest = _latest_grants(client, viewer)
    rows = [
        Row(
            credential,
            refusal=access.reveal_refusal(
                standing,
                Facts(credential.minimum_phase, False, grant_state(latest.get(credential.pk))),
            ),
        )
        for credential in credentials
    ]
    return VaultPage(client, False, rows, [], [])


def _with_named(credentials: Sequence[Credential]) -> list[Row]:
    grants = (
        Grant.objects.filter(credential__in=[c.pk for c in credentials], ended_at__isnull=True)
        .select_related("user")
        .only("credential_id", "granted_at", "user__name", "user__email")
    )
    by_credential: dict[int, list[Grant]] = defaultdict(list)
    for grant in grants.order_by("granted_at", "pk"):
        by_credential[grant.credential_id].append(grant)
    return [Row(c, named=by_credential[c.pk]) for c in credentials]


def _latest_grants(client: Client, viewer: User) -> dict[int, Grant]:
    """The viewer's latest grant on each of the client's credentials: one query."""
    latest: dict[int, Grant] = {}
    rows = Grant.objects.filter(client=client, user=viewer).order_by("granted_at", "pk")
    for grant in rows:
        latest[grant.credential_id] = grant
    return latest


def _recent_links(client: Client) -> list[ShareLink]:
    rows = ShareLink.objects.filter(client=client).select_related("opened_by", "made_by")
    return list(rows.order_by("-created_at", "-pk")[:RECENT_LINKS])


def notices_of(client: Client) -> list[Notice]:
    """People who stopped working on the client (not dismissed), each with the secrets they
    had revealed and whether each changed since: two queries."""
    notices = [
        Notice(row)
        for row in AccessEnded.objects.filter(client=client, dismissed_at__isnull=True)
        .select_related("user")
        .order_by("-ended_at", "-pk")
    ]
    if not notices:
        return []
    by_person: dict[int, Notice] = {n.notice.user_id: n for n in notices}
    seen = (
        Reveal.objects.filter(client=client, user_id__in=list(by_person))
        .values(
            "user_id",
            "credential_id",
            "credential__name",
            "credential__secret_changed_at",
            "credential__deleted_at",
        )
        .annotate(last=Max("revealed_at"))
        .order_by("credential__name")
    )
    for item in seen:
        changed = item["credential__secret_changed_at"] > item["last"] or bool(
            item["credential__deleted_at"]
        )
        by_person[item["user_id"]].seen.append(
            Seen(item["credential_id"], item["credential__name"], item["last"], changed)
        )
    return notices


@dataclass(frozen=True)
class CredentialPage:
    credential: Credential
    grants: list[Grant]
    reveals: list[Reveal]
    refusal: str | None


def credential_page(credential: Credential, *, viewer: User) -> CredentialPage:
    """One credential: its grants, open and ended, with their people (the client's side and
    whoever reads the log), its latest reveals, and the viewer's own answer: three queries."""
    standing = access.standing_of_visible(viewer, credential.client)
    grants = list(
        Grant.objects.filter(credential=credential)
        .select_related("user", "ended_by")
        .order_by("ended_at", "-granted_at", "-pk")
    )
    mine = [g for g in grants if g.user_id == viewer.pk]
    latest = max(mine, key=lambda g: (g.granted_at, g.pk)) if mine else None
    facts = Facts(credential.minimum_phase, credential.is_deleted, grant_state(latest))
    reveals: list[Reveal] = []
    if standing.allows(C.READ_REVEAL_LOG):
        rows = Reveal.objects.filter(credential=credential).select_related("user")
        reveals = list(rows.order_by("-id")[:10])
    if standing.side != access.Side.CLIENT:
        grants = mine
    return CredentialPage(credential, grants, reveals, access.reveal_refusal(standing, facts))


@dataclass(frozen=True)
class LogPage:
    reveals: list[Reveal]
    # The id to ask for the next, older page with (``?before=``); None on the last page.
    older_than: int | None


def reveal_log(
    client: Client, *, viewer: User, credential_id: int | None = None, before: int | None = None
) -> LogPage:
    """The client's reveals, newest first, ``LOG_PAGE`` at a time from ``before`` (an id):
    one query on the (client, id) or (credential, id) index, whatever the log's length."""
    rows = Reveal.objects.visible_to(viewer).filter(client=client)
    if credential_id is not None:
        rows = rows.filter(credential_id=credential_id)
    if before is not None:
        rows = rows.filter(id__lt=before)
    found = list(rows.select_related("user", "credential").order_by("-id")[: LOG_PAGE + 1])
    older = found[LOG_PAGE - 1].pk if len(found) > LOG_PAGE else None
    return LogPage(found[:LOG_PAGE], older)
