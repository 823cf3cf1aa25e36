"""Page-shaped reads for clients, people and the portal. All scoped to the viewer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from tandem.clients.models import (
    Assignment,
    Client,
    ClientContact,
    Invitation,
    compiled_rows_for,
)
from tandem.core import access
from tandem.core.access import Reach, Side
from tandem.core.compiled import compiled_rows
from tandem.core.models import Membership, Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User

CLIENTS_PER_PAGE = 50


def clients_for_list(*, viewer: User, search: str = "", archived: bool = False) -> QuerySet[Client]:
    """The viewer's clients with their assistants and a contact count: two queries a page."""
    clients = Client.objects.visible_to(viewer).filter(archived_at__isnull=not archived)
    if search:
        clients = clients.filter(name__icontains=search)
    return (
        clients.annotate(contact_count=Count("contacts", distinct=True))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("user").order_by(
                    "user__name", "user__email"
                ),
            )
        )
        .order_by("name", "id")
    )


def first_clients(*, viewer: User, limit: int) -> list[Client]:
    """The viewer's first active clients by name with a contact count, for the dashboard
    (one query, compiled once per member: its cards show no assistants)."""
    return compiled_rows_for(viewer, _first_clients, limit)


def _first_clients(
    practice_id: int, reach: Reach, user_id: int, limit: int
) -> QuerySet[Client, Client]:
    clients = Client.objects.seen_by(practice_id, reach, user_id).filter(archived_at__isnull=True)
    # The first few are picked before their contacts are counted: counting every client's
    # and then keeping eight took a millisecond for a practice of 500 clients.
    first = clients.order_by("name", "id").values("pk")[:limit]
    counted = Client.objects.filter(pk__in=first).annotate(
        contact_count=Count("contacts", distinct=True)
    )
    return counted.order_by("name", "id")


def client_page(
    *, viewer: User, search: str, archived: bool, page_number: str | None
) -> Page[Client]:
    paginator = Paginator(
        clients_for_list(viewer=viewer, search=search, archived=archived), CLIENTS_PER_PAGE
    )
    return paginator.get_page(page_number)


@dataclass(frozen=True)
class ClientDetail:
    client: Client
    contacts: list[ClientContact]
    assignments: list[Assignment]
    pending_invitations: list[Invitation]
    assignable: list[Membership]

    @property
    def main_contact(self) -> ClientContact | None:
        """The main contact, from the contacts already loaded (first when there is one)."""
        first = self.contacts[0] if self.contacts else None
        return first if first is not None and first.pk == self.client.main_contact_id else None


def client_detail(*, viewer: User, client: Client) -> ClientDetail:
    contacts = list(client.contacts.select_related("user").order_by("user__name", "user__email"))
    # The main contact first: the one the practice asks first.
    contacts.sort(key=lambda contact: contact.pk != client.main_contact_id)
    assignments = list(
        client.assignments.select_related("user").order_by("user__name", "user__email")
    )
    pending = list(
        Invitation.objects.visible_to(viewer).filter(client=client).pending().order_by("email")
    )
    assigned_ids = {a.user_id for a in assignments}
    assignable = [
        m
        for m in Membership.objects.visible_to(viewer)
        .active()
        .filter(role__in=access.roles_on_side(Side.PRACTICE))
        .select_related("user")
        .order_by("user__name", "user__email")
        if m.user_id not in assigned_ids
    ]
    return ClientDetail(client, contacts, assignments, pending, assignable)


@dataclass(frozen=True)
class PeoplePage:
    members: Sequence[Membership]
    invitations: list[Invitation]


def people_page(*, viewer: User) -> PeoplePage:
    """The practice's owners and assistants, with how many clients each works on, and the
    invitations still open. Contacts are listed on each client's page instead."""
    members = list(
        Membership.objects.visible_to(viewer)
        .filter(role__in=access.roles_on_side(Side.PRACTICE))
        .select_related("user")
        .annotate(
            client_count=Count(
                "user__assignments",
                filter=Q(user__assignments__client__archived_at__isnull=True),
                distinct=True,
            )
        )
        .order_by("-is_active", "role", "user__name", "user__email")
    )
    invitations = list(
        Invitation.objects.visible_to(viewer)
        .pending()
        .select_related("client", "invited_by")
        .order_by("-sent_at")
    )
    return PeoplePage(members, invitations)


@dataclass(frozen=True)
class Onboarding:
    """A new practice's first steps, in the order a solo VA works: add a client, invite
    their contact, then (optionally) an assistant."""

    has_client: bool
    has_contact: bool
    has_teammate: bool
    # The practice's first active client: where "Invite their contact" leads.
    first_client_id: int | None = None

    @property
    def is_done(self) -> bool:
        """Done once a client and its contact are in; an assistant is optional (many VAs
        work alone), so it never keeps the checklist open."""
        return self.has_client and self.has_contact


def either(first: QuerySet[Any], second: QuerySet[Any]) -> ExpressionWrapper:
    return ExpressionWrapper(Q(Exists(first)) | Q(Exists(second)), output_field=BooleanField())


def onboarding(*, viewer: User) -> Onboarding:
    """What a new practice still has to do, in one query of three EXISTS and a subquery,
    compiled once per practice (``core.compiled``)."""
    (flags,) = compiled_rows(_onboarding_flags, viewer.membership.practice_id)
    return Onboarding(**flags)


def _onboarding_flags(practice_id: int) -> QuerySet[Any, Any]:
    open_invitations = Invitation.objects.filter(practice_id=practice_id, revoked_at__isnull=True)
    # A teammate is someone who works on assigned clients; a contact speaks for a client.
    teammate_roles = access.roles_reaching(Reach.ASSIGNED)
    contact_roles = access.roles_on_side(Side.CLIENT)
    teammates = Membership.objects.filter(practice_id=practice_id, role__in=teammate_roles)
    contacts = Membership.objects.filter(practice_id=practice_id, role__in=contact_roles)
    clients = Client.objects.filter(practice_id=practice_id)
    oldest_active = clients.filter(archived_at__isnull=True).order_by("created_at", "pk")
    return (
        Practice.objects.filter(pk=practice_id)
        .annotate(
            has_teammate=either(teammates, open_invitations.exclude(role__in=contact_roles)),
            has_client=Exists(clients),
            has_contact=either(contacts, open_invitations.filter(role__in=contact_roles)),
            first_client_id=Subquery(oldest_active.values("pk")[:1]),
        )
        .values("has_teammate", "has_client", "has_contact", "first_client_id")
    )


@dataclass(frozen=True)
class PortalPerson:
    """Someone the portal names: an assistant of the client or one of its contacts."""

    user_id: int
    display_name: str


@dataclass(frozen=True)
class Portal:
    client: Client | None
    # By name; the contacts with the main contact first.
    assistants: list[PortalPerson]
    contacts: list[PortalPerson]


def portal_home(*, viewer: User) -> Portal:
    """The contact's client (one query) and its people (one: its assistants and contacts
    together, for a name is all the portal shows of each). Both compiled once per contact
    (``core.compiled``): the portal is a contact's every visit."""
    found = compiled_rows_for(viewer, _portal_client)
    if not found:
        return Portal(None, [], [])
    client = found[0]
    # The viewer's own practice, read with their membership: visible_to keeps to it.
    client.practice = viewer.membership.practice
    people = compiled_rows(_portal_people, client.pk)
    assistants = [
        PortalPerson(user, name or email) for side, _, user, name, email in people if not side
    ]
    main_first = sorted(
        (row for row in people if row[0]), key=lambda row: row[1] != client.main_contact_id
    )
    contacts = [PortalPerson(user, name or email) for _, _, user, name, email in main_first]
    return Portal(client, assistants, contacts)


def _portal_client(practice_id: int, reach: Reach, user_id: int) -> QuerySet[Client, Client]:
    return Client.objects.seen_by(practice_id, reach, user_id).order_by("pk")[:1]


def _portal_people(client_id: int) -> QuerySet[Assignment, tuple[Any, ...]]:
    """The client's assistants and contacts by name, each row (is a contact, its own id,
    the user's id, name, e-mail): the main contact is known by its contact row's id."""
    person = ("pk", "user_id", "user__name", "user__email")
    assisting = (
        Assignment.objects.filter(client_id=client_id)
        .annotate(is_contact=Value(False))
        .values_list("is_contact", *person)
    )
    speaking = (
        ClientContact.objects.filter(client_id=client_id)
        .annotate(is_contact=Value(True))
        .values_list("is_contact", *person)
    )
    return assisting.union(speaking, all=True).order_by("user__name", "user_id")
