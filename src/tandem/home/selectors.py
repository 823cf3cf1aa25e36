"""The pages that gather several apps' work, each composed into one typed value.

Every query of the dashboard, the portal home and a client's page runs here, called by the
view before anything renders; the templates only write out what they are given. So each
page's cost is read in one function, and a JSON twin of a page can reuse it as it is.

``home`` sits above the capability apps: it reads ``clients``, ``work`` and ``inbound``
through their selectors, and nothing below imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from tandem.agreements.selectors import AgreementsStatus, agreements_status
from tandem.clients import selectors as clients
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.roles import Capability
from tandem.inbound.addresses import client_address
from tandem.planning import selectors_checkins, selectors_headsups, selectors_owed
from tandem.planning.models_checkins import CheckIn
from tandem.planning.models_headsups import HeadsUp
from tandem.planning.models_owed import Owed
from tandem.references import selectors as reference_selectors
from tandem.references.models import Check as ReferenceCheck
from tandem.trust import promotion
from tandem.trust.models_track import PhaseSuggestion
from tandem.work import selectors_day, selectors_flags, selectors_lists
from tandem.work.models import Project, Task
from tandem.work.selectors import open_requests
from tandem.work.selectors_projects import client_projects

if TYPE_CHECKING:
    from tandem.accounts.models import User

# The dashboard's cards of clients; "All clients" opens the rest.
DASHBOARD_CLIENTS = 8

# A dashboard section's "N more" opens the request list filtered like the section, so it
# shows exactly what the section counted ("active" is requested, accepted or in progress).
SECTION_FILTERS: dict[str, dict[str, str]] = {
    "overdue": {"status": "active", "due": "overdue", "sort": "deadline"},
    "today": {"status": "active", "due": "today", "sort": "deadline"},
    "week": {"status": "active", "due": "week", "sort": "deadline"},
    "waiting": {"status": "waiting_on_client", "sort": "deadline"},
}


def request_list_url(**filters: str) -> str:
    """The request list filtered by ``filters`` (see work/forms_lists.py for their values)."""
    return f"{reverse('work:request-list')}?{urlencode(filters)}"


# The practice's dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPage:
    day: selectors_day.Day
    # Each of the day's sections with the link of its "N more".
    day_sections: list[tuple[selectors_day.Section, str]]
    # What a new practice still has to do; None for those who do not run the practice.
    onboarding: clients.Onboarding | None
    # The first of the viewer's active clients by name, each with a contact count.
    clients: list[Client]
    # Requests not answered by the time the practice promised the client.
    unanswered: selectors_day.Unanswered | None = None
    # What clients owe and have not sent by the date asked (planning).
    still_waiting: selectors_owed.StillWaiting | None = None


def dashboard_page(*, viewer: User, now: datetime, zone: tzinfo) -> DashboardPage:
    """The practice side's dashboard: the viewer's day across their clients (two queries),
    the onboarding checklist for those who run the practice (one), and their first clients
    (one), the requests not answered by the time promised (one) and what clients owe past
    its date (one). Scoped to the clients the viewer sees; the view lets only the practice
    side in."""
    day = selectors_day.day_dashboard(viewer=viewer, now=now, zone=zone)
    runs_practice = access.allows(viewer, Capability.MANAGE_PRACTICE)
    return DashboardPage(
        day=day,
        day_sections=[
            (section, request_list_url(**SECTION_FILTERS[section.key])) for section in day.sections
        ],
        onboarding=clients.onboarding(viewer=viewer) if runs_practice else None,
        clients=clients.first_clients(viewer=viewer, limit=DASHBOARD_CLIENTS),
        unanswered=selectors_day.unanswered(viewer=viewer, now=now),
        still_waiting=selectors_owed.still_waiting(viewer=viewer, now=now),
    )


# The client portal's home -------------------------------------------------------------------


@dataclass(frozen=True)
class PortalPage:
    # The contact's client; None once it is archived: their access has ended.
    client: Client | None
    assistants: list[clients.PortalPerson]
    contacts: list[clients.PortalPerson]
    # Waiting on the client, delivered for their review, in progress: a few rows and a total.
    sections: dict[str, selectors_lists.PortalSection]
    activity: list[selectors_lists.Activity]
    projects: list[Project]
    # Where the client's contacts send requests by e-mail.
    inbound_address: str
    now: datetime
    # What the practice asked the client for on its requests, beside "Waiting on you".
    owed: list[Owed] = field(default_factory=list)
    # The client's heads-ups still coming (planning), a few.
    heads_ups: list[HeadsUp] = field(default_factory=list)
    # The client's latest weekly check-in, to read and answer (planning).
    check_in: CheckIn | None = None
    # Requests above the client's phase waiting for its go-ahead (issue 13), a few.
    go_aheads: list[Task] = field(default_factory=list)
    # The next phase its track record suggests, waiting for the client's answer (issue 13).
    suggestion: PhaseSuggestion | None = None
    # Its agreements waiting for a signature or in force, and what is missing (issue 14).
    agreements: AgreementsStatus | None = None


def portal_page(*, viewer: User, now: datetime) -> PortalPage:
    """A contact's portal home: their client with its people (three queries), its work in
    sections (two), its recent activity (two), its projects (one), what it owes the
    practice (one), its heads-ups still coming (one), its latest weekly check-in (one) and
    its requests waiting for its go-ahead (one) and the next phase suggested to it (one).
    When their client is archived, only
    the first query runs and ``client`` is None."""
    portal = clients.portal_home(viewer=viewer)
    client = portal.client
    if client is None:
        return PortalPage(None, [], [], {}, [], [], "", now)
    work = selectors_lists.portal_work(viewer=viewer, client=client)
    return PortalPage(
        client=client,
        assistants=portal.assistants,
        contacts=portal.contacts,
        sections=work.sections,
        activity=selectors_lists.recent_activity(viewer=viewer, client=client),
        projects=client_projects(viewer=viewer, client=client),
        inbound_address=client_address(client),
        now=now,
        owed=selectors_owed.portal_owed(viewer=viewer, client_id=client.pk),
        heads_ups=selectors_headsups.portal_heads_ups(viewer=viewer, client_id=client.pk),
        check_in=selectors_checkins.portal_check_in(viewer=viewer, client_id=client.pk, now=now),
        go_aheads=work.go_aheads,
        suggestion=promotion.open_suggestion(client, viewer=viewer),
        agreements=agreements_status(viewer=viewer, client=client),
    )


# A client's page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientPage:
    client: Client
    # Its contacts, assistants, open invitations and who else could be assigned.
    detail: clients.ClientDetail
    # Its open requests the viewer sees, soonest deadline first.
    requests: list[Task]
    # Of those, the overdue ones and the ones waiting on the client.
    flags: selectors_flags.ClientFlags
    projects: list[Project]
    inbound_address: str
    # The practice side gets the links only the practice follows (the mail log).
    is_practice_side: bool
    # Its agreements waiting for a signature or in force, and what is missing (issue 14).
    agreements: AgreementsStatus | None = None
    # References the practice checked about the client (issue 14; the practice side only).
    reference_checks: list[ReferenceCheck] = field(default_factory=list)


def client_page(*, viewer: User, client: Client, now: datetime) -> ClientPage:
    """``client``'s page for the practice side: its people (four queries; the main contact
    first), its open requests (one) flagged overdue or waiting (one: since when each has
    waited), its projects (one) and the references the practice checked about it (one).
    ``client`` must come from ``visible_to(viewer)``."""
    requests = open_requests(viewer=viewer, client=client)
    return ClientPage(
        client=client,
        detail=clients.client_detail(viewer=viewer, client=client),
        requests=requests,
        flags=selectors_flags.client_flags(
            viewer=viewer, client=client, open_tasks=requests, now=now
        ),
        projects=client_projects(viewer=viewer, client=client),
        inbound_address=client_address(client),
        is_practice_side=access.is_practice_side(access.member(viewer)),
        agreements=agreements_status(viewer=viewer, client=client),
        reference_checks=reference_selectors.checks_of(client, viewer=viewer),
    )
