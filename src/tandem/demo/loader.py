"""The demo practice that `make run` starts with: built through the same services users use."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients import invitations, services
from tandem.clients.models import Client, ClientContact
from tandem.core import access
from tandem.core import services as core_services
from tandem.core.models import Membership, Practice
from tandem.core.roles import Capability, Role
from tandem.demo import (
    agreements,
    check_ins,
    face,
    heads_ups,
    phases,
    planning_time,
    postmortems,
    references,
    vault,
)
from tandem.planning.models import Owed
from tandem.planning.owed import ask_client
from tandem.work import attachments, checklists, deliveries, repeating
from tandem.work import services as work
from tandem.work.deadlines import resolve_deadline
from tandem.work.editing import edit_task
from tandem.work.models import Project, Task
from tandem.work.services_projects import change_project_status, start_project
from tandem.work.workflow import Side, find_transition

PASSWORD = "tandem-demo-2026"  # noqa: S105 (printed for the demo on purpose)
OWNER = ("Olivia Hart", "owner@demo.example.com")
ASSISTANTS = [("Ada Brooks", "ada@demo.example.com"), ("Ben Okafor", "ben@demo.example.com")]
CLIENTS = [
    # (business, time zone, notes, contact name, contact e-mail, assistant e-mails)
    ("Bloom Florist", "Europe/London", "Weekly newsletter, supplier orders.", "Chloe Bloom",
     "chloe@bloom.example.com", ["ada@demo.example.com"]),
    ("Summit Coaching", "America/New_York", "Calendar and client onboarding.", "Marcus Reed",
     "marcus@summit.example.com", ["ada@demo.example.com", "ben@demo.example.com"]),
    ("Harbour Legal", "Australia/Sydney", "Confidential: handle with care.", "Priya Shah",
     "priya@harbour.example.com", ["ben@demo.example.com"]),
]  # fmt: skip
SETTINGS: dict[str, Any] = {
    "name": "Northwind Virtual Assistance", "time_zone": "Europe/London", "currency": "GBP",
    "working_days": [0, 1, 2, 3, 4], "work_starts_at": time(9), "work_ends_at": time(17, 30),
}  # fmt: skip
PENDING = [("Dana Lopez", "dana@demo.example.com", Role.ASSISTANT, None),
           ("Sam Ito", "sam@summit.example.com", Role.CONTACT, "Summit Coaching")]  # fmt: skip


def _person(name: str, email: str, time_zone: str = "Europe/London") -> User:
    user = User.objects.create_user(email, PASSWORD, name=name, time_zone=time_zone)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def load() -> bool:
    """Create the demo practice once. Returns False when it was already there (given its
    face if it was loaded before it had one: see ``face.give_face``)."""
    owner = User.objects.filter(email=OWNER[1]).first()
    if owner is not None:
        _face_of_existing(owner)
        return False
    with transaction.atomic():
        owner = _person(*OWNER)
        practice = core_services.create_practice(owner=owner, **SETTINGS)
        # England's bank holidays are days off, set as an owner sets them in Settings.
        core_services.update_practice(
            practice, actor=owner, **SETTINGS, country="GB", subdivision="ENG",
            requires_two_factor=False,
        )  # fmt: skip
        owner.membership = Membership.objects.get(user=owner)
        for name, email in ASSISTANTS:
            Membership.objects.create(
                practice=practice, user=_person(name, email), role=Role.ASSISTANT
            )
        by_name: dict[str, Client] = {}
        for business, tz, notes, contact, contact_email, helpers in CLIENTS:
            client = services.create_client(actor=owner, name=business, time_zone=tz, notes=notes)
            by_name[business] = client
            # A contact reads times on their client's clock, as an accepted invitation sets it.
            user = _person(contact, contact_email, time_zone=tz)
            Membership.objects.create(practice=practice, user=user, role=Role.CONTACT)
            ClientContact.objects.create(practice=practice, client=client, user=user)
            for helper in helpers:
                services.assign_assistant(
                    client, assistant=User.objects.get(email=helper), actor=owner
                )
        _contact_details(by_name, owner)
        projects = _projects(by_name)
        _requests(by_name, projects)
        _delivery_awaiting_review(by_name["Bloom Florist"])
        _edited_requests()
        _settle_projects(projects)
        _missed_promise(practice)
        _repeating_work(by_name, owner=owner)
        face.give_face(practice, owner=owner)
        _owed_by_a_client()
        planning_time.plan(practice, owner=owner)
        heads_ups.add_heads_ups(by_name)
        check_ins.seed_check_ins(practice)
        phases.trust_in_phases(by_name, owner)
        phases.praise()
        phases.honest_way_out(owner)
        postmortems.harbour_postmortem(by_name, owner)
        vault.bloom_vault(by_name, password=PASSWORD)
        agreements.seed_agreements(by_name, owner)
        references.references(by_name, owner)
        for name, email, role, client_name in PENDING:
            invitations.invite(
                actor=owner, email=email, name=name, role=role,
                client=by_name[client_name] if client_name else None,
            )  # fmt: skip
    return True


# Contact details and main contacts (issue 11, part 11): (phone, postal address, website).
DETAILS = {
    "Bloom Florist": ("+44 20 7946 0321", "12 Market Row\nLondon SE1 9AB",
                      "https://bloom.example.com"),
    "Summit Coaching": ("+1 212 555 0148", "350 Fifth Avenue, Suite 4100\nNew York, NY 10118",
                        "https://summit.example.com"),
    "Harbour Legal": ("+61 2 5550 1234", "", "https://harbour.example.com"),
}  # fmt: skip


def _contact_details(by_name: dict[str, Client], owner: User) -> None:
    for business, (phone, address, website) in DETAILS.items():
        client = by_name[business]
        services.update_client(
            client, actor=owner, name=client.name, time_zone=client.time_zone,
            notes=client.notes, phone=phone, address=address, website=website,
            main_contact=ClientContact.objects.filter(client=client).first(),
        )  # fmt: skip


def _face_of_existing(owner: User) -> None:
    membership = Membership.objects.select_related("practice").filter(user=owner).first()
    if membership is None or not access.allows(owner, Capability.MANAGE_PRACTICE):
        return  # no longer the demo's owner: its look is someone else's to choose
    face.give_face(membership.practice, owner=owner)


def logins() -> list[tuple[str, str, str]]:
    rows = [("Owner", OWNER[1], PASSWORD)]
    rows += [("Assistant", email, PASSWORD) for _, email in ASSISTANTS]
    rows += [(f"Client contact ({c[0]})", c[4], PASSWORD) for c in CLIENTS]
    return rows


# (client, contact, assistant, title, expectations, deadline as a client would write it
#  (None: e-mailed without one), moves made so far; the client's own moves are made by the
#  contact, the rest by the assistant)
REQUESTS: list[tuple[str, str, str, str, str, str | None, list[tuple[str, dict[str, Any]]]]] = [
    ("Bloom Florist", "chloe@bloom.example.com", "ada@demo.example.com",
     "December newsletter", "Sent to the whole list by the 1st, with the wreath offer.",
     "in 5 working days",
     [("accepted", {}), ("in_progress", {})]),
    ("Bloom Florist", "chloe@bloom.example.com", "ada@demo.example.com",
     "Order ribbon from the wholesaler", "Two rolls of red satin ribbon, delivered to the shop.",
     "in 2 working days", []),
    ("Bloom Florist", "chloe@bloom.example.com", "ada@demo.example.com",
     "Update the opening hours on Google", "Christmas and New Year hours shown on the listing.",
     "tomorrow 5pm", [("accepted", {})]),
    ("Bloom Florist", "chloe@bloom.example.com", "ada@demo.example.com",
     "Price list for wedding bouquets", "A one-page PDF the shop can send to couples.",
     None, []),
    ("Bloom Florist", "chloe@bloom.example.com", "ada@demo.example.com",
     "Reorder business cards", "500 cards with the new logo, delivered to the shop.",
     "end of month",
     [("accepted", {}), ("in_progress", {}),
      ("delivered", {"message": "The cards are printed and at the shop's counter."}),
      ("done", {"note": "Thank you, they look lovely!"})]),
    ("Summit Coaching", "marcus@summit.example.com", "ben@demo.example.com",
     "Onboard three new coaching clients", "Welcome packs sent and first calls in the calendar.",
     "in 8 working days", [("accepted", {}), ("in_progress", {}),
         ("waiting_on_client", {"waiting_for": "The three clients' e-mail addresses"})]),
    ("Summit Coaching", "marcus@summit.example.com", "ben@demo.example.com",
     "Redesign the website", "A new site live with booking and payments.",
     "in 10 working days", []),
    ("Summit Coaching", "marcus@summit.example.com", "ben@demo.example.com",
     "Book the January workshop venue", "A room for 20 people booked for 14 January.",
     "in 4 working days",
     [("accepted", {}), ("cancelled", {"note": "The workshop moved online."})]),
    ("Harbour Legal", "priya@harbour.example.com", "ben@demo.example.com",
     "Tidy the client contact list", "Duplicates merged; every entry has a phone number.",
     "in 3 working days",
     [("accepted", {}), ("in_progress", {}),
      ("delivered", {"message": "Done: **212 duplicates** merged, and the 9 entries still "
                                "without a phone number are listed at the top of the sheet.",
                     "links": ["https://example.com/harbour/contacts-sheet"]})]),
    ("Harbour Legal", "priya@harbour.example.com", "ben@demo.example.com",
     "Transcribe the partners' meeting", "A typed transcript in the shared folder.",
     "in 6 working days",
     [("accepted", {}), ("in_progress", {}),
      ("delivered", {"message": "The transcript is in the shared folder."}),
      ("in_progress", {"note": "Please add the speakers' names to each paragraph."})]),
]  # fmt: skip

COMMENTS = [
    ("December newsletter", "chloe@bloom.example.com",
     "Could you put the **wreath workshop** first? It sells out every year."),
    ("December newsletter", "ada@demo.example.com",
     "Will do. I'll send you a draft on Thursday so you can check the prices."),
    ("Onboard three new coaching clients", "marcus@summit.example.com",
     "I'll dig the addresses out of my inbox tonight."),
]  # fmt: skip


def _requests(clients: dict[str, Client], projects: dict[str, Project]) -> None:
    """Requests in every state, written by the contacts and moved by the side whose move it is.
    A request named in a project's list of ``PROJECTS`` is written in that project."""
    now = timezone.now()
    by_title: dict[str, Any] = {}
    for client_name, contact_email, assistant, title, done, phrase, moves in REQUESTS:
        client, helper = clients[client_name], User.objects.get(email=assistant)
        contact = User.objects.get(email=contact_email)
        deadline = None
        if phrase is not None:
            deadline = resolve_deadline(
                phrase, time_zone=client.time_zone, now=now, calendar=client.practice.calendar()
            ).at
        task = work.create_task(
            client, actor=contact, title=title, expectations=done, deadline_at=deadline,
            assignee=helper, allow_missing_deadline=deadline is None,
            project=_project_of(title, projects),
        )  # fmt: skip
        for to, extra in moves:
            if to == "waiting_on_client" and deadline is not None:
                extra = {**extra, "waiting_until": deadline - timedelta(days=2)}
            if to == "delivered":
                deliveries.deliver_task(task, actor=helper, **extra)
                continue
            transition = find_transition(task.status, to)
            by_client = transition is not None and Side.PRACTICE not in transition.sides
            task = work.move_task(task, to=to, actor=contact if by_client else helper, **extra)
        by_title[title] = task
    # A deadline in the past cannot be entered, only reached: age one accepted request so
    # the dashboard has something overdue to show.
    overdue = by_title["Update the opening hours on Google"]
    Task.objects.filter(pk=overdue.pk).update(
        deadline_at=now - timedelta(hours=20), created_at=now - timedelta(days=3)
    )
    for title, author, body in COMMENTS:
        work.add_comment(by_title[title], actor=User.objects.get(email=author), body_markdown=body)


# A delivery awaiting review (issue 11): the client's page opens on it, highlighted, with
# its message, file and link, and "Accept the work" (with an optional thank-you).
def _delivery_awaiting_review(client: Client) -> None:
    contact = User.objects.get(email="chloe@bloom.example.com")
    ada = User.objects.get(email="ada@demo.example.com")
    deadline = resolve_deadline(
        "in 3 working days", time_zone=client.time_zone, now=timezone.now(),
        calendar=client.practice.calendar(),
    ).at  # fmt: skip
    task = work.create_task(
        client, actor=contact, title="Christmas opening hours poster",
        expectations="An A4 poster for the shop window with the hours from 20 Dec to 2 Jan.",
        request_markdown="Same style as last year's, please, with the **new logo**.",
        deadline_at=deadline, assignee=ada,
    )  # fmt: skip
    work.move_task(task, to="accepted", actor=ada)
    work.move_task(task, to="in_progress", actor=ada)
    work.add_comment(
        task, actor=contact, body_markdown="We close at 2pm on Christmas Eve, by the way."
    )
    work.add_comment(task, actor=ada, body_markdown="Noted, thanks! I'll put that in bold.")
    poster = attachments.store_attachment(
        client=client, uploaded_by=ada, name="christmas-hours.csv",
        content=b"day,opens,closes\n24 Dec,09:00,14:00\n25 Dec,closed,\n26 Dec,closed,\n",
    )  # fmt: skip
    deliveries.deliver_task(
        task, actor=ada,
        message="Here is the poster text, with Christmas Eve's early closing in bold. "
        "The print-ready file is in the shared folder.",
        links=["https://example.com/bloom/christmas-poster"], uploads=[poster.pk],
    )  # fmt: skip


# Issue 11, part 6: the dashboard's "No answer yet". A promise cannot be missed at once, only
# over time: age one unanswered request until the promise made when it arrived has passed
# (two days back, further over a weekend or bank holidays).
MISSED_PROMISE = "Order ribbon and tissue paper from the wholesaler"  # as its client reworded it


def _missed_promise(practice: Practice) -> None:
    now = timezone.now()
    arrived = now - timedelta(days=2)
    while practice.respond_by(arrived) >= now:
        arrived -= timedelta(days=1)
    Task.objects.filter(title=MISSED_PROMISE, practice=practice).update(
        created_at=arrived, respond_by=practice.respond_by(arrived)
    )


# (client, who starts it (an assistant creates a project, a contact proposes one), title, goal,
#  what done looks like, days until its target, its requests, the status it is left in)
PROJECTS: list[tuple[str, str, str, str, str, int, list[str], str]] = [
    ("Bloom Florist", "ada@demo.example.com", "Christmas season",
     "Make December the shop's best month: customers know the offers and the hours, and "
     "nothing runs out.",
     "The December newsletter is sent, the Christmas hours are on Google and the ribbon is "
     "in stock.",
     30, ["December newsletter", "Order ribbon from the wholesaler",
          "Update the opening hours on Google"], "active"),
    ("Summit Coaching", "ben@demo.example.com", "January workshop",
     "A one-day goal-setting workshop for twenty coaching clients.",
     "Venue, invitations and workbook ready, and twenty places booked.",
     50, ["Book the January workshop venue"], "on_hold"),
    ("Harbour Legal", "priya@harbour.example.com", "Document retention schedule",
     "Know which client files we keep, for how long, and when the rest are destroyed.",
     "A one-page schedule the partners have approved, and last year's closed files archived "
     "by it.",
     60, [], "active"),
]  # fmt: skip


def _projects(clients: dict[str, Client]) -> dict[str, Project]:
    """The projects, all active while their requests are written into them."""
    projects: dict[str, Project] = {}
    for client_name, starter, title, goal, done, days, _, _ in PROJECTS:
        client = clients[client_name]
        today = timezone.localdate(timezone=ZoneInfo(client.time_zone))
        projects[title] = start_project(
            client, actor=User.objects.get(email=starter), title=title, goal=goal,
            done_means=done, target_on=today + timedelta(days=days),
        )  # fmt: skip
    return projects


def _project_of(request_title: str, projects: dict[str, Project]) -> Project | None:
    """The demo project a demo request is written in, if any."""
    for _, _, title, _, _, _, requests, _ in PROJECTS:
        if request_title in requests:
            return projects[title]
    return None


def _settle_projects(projects: dict[str, Project]) -> None:
    """Leave each project in its status, moved by whoever started it."""
    for _, starter, title, *_, status in PROJECTS:
        project = projects[title]
        if project.status != status:
            change_project_status(project, actor=User.objects.get(email=starter), to=status)


# Changing a request after it is sent (issue 11): a contact reworded one request before the
# practice accepted it, so its timeline shows the edit and Ada has heard of it.
def _edited_requests() -> None:
    task = Task.objects.select_related("client__practice").get(
        title="Order ribbon from the wholesaler"
    )
    edit_task(
        task,
        actor=User.objects.get(email="chloe@bloom.example.com"),
        title="Order ribbon and tissue paper from the wholesaler",
        expectations=(
            "Two rolls of red satin ribbon and a ream of white tissue paper, delivered to the shop."
        ),
    )


# Repeating work, a template and checklists (issue 11, part 9) ---------------------------------

NEWSLETTER_STEPS = [
    "Draft the month's offer",
    "Choose three photos",
    "Proofread with Chloe",
    "Schedule the send",
]
ONBOARDING_STEPS = [
    "Send the welcome pack",
    "Book the first call",
    "Add them to the invoicing system",
    "Share the goal-setting workbook",
]


def _repeating_work(clients: dict[str, Client], *, owner: User) -> None:
    """The December newsletter repeats monthly (itself the first copy, half its steps
    ticked), the practice keeps an onboarding template with a checklist, and Summit's
    onboarding request follows that checklist (one step done while Ben waits on Marcus)."""
    ada = User.objects.get(email="ada@demo.example.com")
    bloom = clients["Bloom Florist"]
    newsletter = Task.objects.get(client=bloom, title="December newsletter")
    steps = checklists.add_steps(newsletter, actor=ada, steps=NEWSLETTER_STEPS)
    for step in steps[:2]:
        checklists.tick_step(step, actor=ada, done=True)
    due = timezone.localtime(newsletter.deadline_at, ZoneInfo(bloom.time_zone))
    repeating.start_series(
        bloom, actor=ada, title="Monthly newsletter",
        request_markdown="The month's offer, three photos and the opening hours.",
        expectations="Sent to the whole list by the 1st.",
        frequency="monthly", day_of_month=1, starts_on=due.date() + timedelta(days=1),
        lead_days=7, assignee=ada, checklist="\n".join(NEWSLETTER_STEPS),
        source_task=newsletter,
    )  # fmt: skip
    checklists.save_template(
        None, actor=owner, title="Onboard a new coaching client",
        client=clients["Summit Coaching"],
        request_markdown="Name, e-mail and the package they bought.",
        expectations="Welcome pack sent and the first call in the calendar.",
        checklist="\n".join(ONBOARDING_STEPS),
    )  # fmt: skip
    ben = User.objects.get(email="ben@demo.example.com")
    onboarding = Task.objects.get(
        client=clients["Summit Coaching"], title="Onboard three new coaching clients"
    )
    onboarding_steps = checklists.add_steps(onboarding, actor=ben, steps=ONBOARDING_STEPS)
    checklists.tick_step(onboarding_steps[0], actor=ben, done=True)


# What a client owes (issue 12): Ada asked Bloom Florist for the wreath photos by yesterday's
# close, and they have not come: the dashboard's "Still waiting on the client", the portal's
# "Waiting on you" (late), and the reminder the worker's next scan sends Chloe.
def _owed_by_a_client() -> None:
    task = Task.objects.get(title="December newsletter")
    ada = User.objects.get(email="ada@demo.example.com")
    owed = ask_client(
        task, actor=ada, what="Photos of this year's wreaths",
        due_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    # A date in the past cannot be asked for, only reached: age it to yesterday's close.
    calendar = task.client.practice.calendar().in_time_zone(task.client.time_zone)
    yesterday = calendar.previous_working_day(timezone.localdate(timezone=calendar.zone))
    Owed.objects.filter(pk=owed.pk).update(due_at=calendar.closes_on(yesterday))
