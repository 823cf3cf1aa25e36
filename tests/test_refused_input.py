"""Refused input looks the same in every form of the product.

The convention (docs/architecture.md, "Refused input"): a form sent with a mistake, or
refused by a service, comes back as the same page with status 400, what was typed still in
its inputs and the sentence beside its field (at the top of the form when no field is to
blame). A form that is only a button (archive, resend, remove…) brings back the page it
lives on, with the sentence beside that button. An htmx request gets the same status and
the same sentence in the region it replaces (base.html lets htmx swap a 400 in). Never a
redirect with a flash message, which loses what was typed and says it somewhere else.

Each case names the form, the bad input it is sent, where the sentence must show and the
sentence itself.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tandem.clients import invitations
from tandem.clients.services import archive_client, unassign_assistant
from tandem.core.roles import Role
from tandem.notify.models import Channel, Kind
from tandem.planning.feed_addresses import make_calendar_feed
from tandem.planning.owed import answer_owed, ask_client, drop_owed
from tandem.work.attachments import link_uploads, store_attachment
from tandem.work.changes import deadline_phrase
from tandem.work.deliveries import deliver_task
from tandem.work.editing import edit_task
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tandem.work.services_projects import start_project
from tests.conftest import PASSWORD, Personas, PracticeWorld, make_owner, signed_in

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Sent:
    """What a case sends: where, the form's data, and ids the ``beside`` text refers to."""

    url: str
    data: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    form: str
    # Who sends it: a persona of practice A, or "newcomer" (signed up, no practice yet) or
    # "visitor" (not signed in).
    persona: str
    arrange: Callable[[PracticeWorld], Sent]
    # Where the sentence must be: "field:<id of the field>" (the error list beside it), or
    # "region:<pattern>" (a part of the page, its first group, holding it in an alert).
    beside: str
    sentence: str
    # Fragments of the page that show what was typed, back in its inputs.
    typed: tuple[str, ...] = ()
    method: str = "post"
    htmx: bool = False
    # Someone else's change the service meets while the form is on its way (a race).
    race: Callable[[PracticeWorld, pytest.MonkeyPatch], None] | None = None

    def __str__(self) -> str:
        return f"{self.form}{' (htmx)' if self.htmx else ''}"


def with_and_without_htmx(case: Refused) -> list[Refused]:
    """The case as a plain post and as an htmx request (the region it replaces)."""
    return [case, replace(case, htmx=True)]


# Where a sentence can be --------------------------------------------------------------------


def beside_field(field_id: str) -> str:
    return f"field:{field_id}"


def in_section(heading_id: str) -> str:
    """The section of the page headed by ``heading_id``."""
    return rf'region:aria-labelledby="{heading_id}">(.*?)</section>'


# The top of the page, under its title and buttons, above its first section.
AT_THE_TOP = r'region:<main id="main">(.*?)<section'
PENDING_INVITATIONS = (
    r'region:<h2 id="invitations-h">Pending invitations</h2>(.*?)(?:</table>|<div class="empty")'
)
WATCHERS = r'region:id="watchers"[^>]*>(.*)'


def in_row(text: str) -> str:
    """The table row that shows ``text``."""
    return rf"region:<tr[^>]*>((?:(?!</tr>).)*?{re.escape(text)}.*?)</tr>"


# What the cases start from ------------------------------------------------------------------


def a_request(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=timezone.now() + timedelta(days=3),
    )


def in_progress(world: PracticeWorld) -> Task:
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    return task


def delivered(world: PracticeWorld) -> Task:
    task = in_progress(world)
    deliver_task(task, actor=world.assistant, message="The menu, ready to print.")
    return task


def a_project(world: PracticeWorld) -> Any:
    return start_project(world.client1, actor=world.owner, title="Spring launch", goal="Launch")


def a_proposal(world: PracticeWorld) -> Any:
    return start_project(world.client1, actor=world.contact1, title="Podcast", goal="Ten talks")


def a_revoked_invitation(world: PracticeWorld) -> Any:
    invitation = world.pending_invitation
    invitations.revoke_invitation(invitation, actor=world.owner)
    return invitation


def a_revoked_contact_invitation(world: PracticeWorld) -> Any:
    invitation = invitations.invite(
        actor=world.owner, email="new@a.example.com", role=Role.CONTACT, client=world.client1
    )
    invitations.revoke_invitation(invitation, actor=world.owner)
    return invitation


def archived_client1(world: PracticeWorld) -> Any:
    archive_client(world.client1, actor=world.owner)
    return world.client1


def declined_in_the_inbox(world: PracticeWorld, *, note: str) -> Sent:
    task = a_request(world)
    data = {"from": "requested", "to": "declined", "note": note}
    return Sent(url("work:inbox-move", task.pk), data, ids={"task": task.pk})


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def client_form(**overrides: str) -> dict[str, str]:
    return {"name": "", "time_zone": "UTC", "notes": "Prefers calls on Tuesdays"} | overrides


def practice_form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Typed Practice",
        "time_zone": "UTC",
        "currency": "USD",
        "working_days": [0, 1],
        "work_starts_at": "17:00",
        "work_ends_at": "09:00",
    } | overrides


def request_form(**overrides: str) -> dict[str, str]:
    return {
        "title": "Call the caterer",
        "request_markdown": "",
        "expectations": "A menu for 40 people",
        "deadline": "ASAP",
        "estimate_hours": "",
        "priority": "normal",
    } | overrides


def project_form(**overrides: str) -> dict[str, str]:
    return {"title": " ", "goal": "Launch the course in spring", "done_means": ""} | overrides


def preferences_form() -> dict[str, str]:
    data = dict.fromkeys(Kind.values, str(Channel.APP))
    return data | {"comment": "loud", "wants_digest": "on"}


def invitation_url(world: PracticeWorld, view: str) -> Sent:
    invitation = a_revoked_invitation(world)
    return Sent(url(f"clients:invitation-{view}", invitation.pk))


def contact_invitation_url(world: PracticeWorld, view: str) -> Sent:
    invitation = a_revoked_contact_invitation(world)
    return Sent(url(f"home:contact-invitation-{view}", world.client1.pk, invitation.pk))


def accept_url(world: PracticeWorld) -> str:
    return url("clients:invitation-accept", invitations.make_token(world.pending_invitation))


def colleague_unassigns_first(world: PracticeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """A colleague unassigned the same person a moment before this page's button is pressed
    (two owners on one client page)."""
    unassign_assistant(world.client1, assistant=world.assistant, actor=world.owner)


# Every form of the product ------------------------------------------------------------------

CASES = [
    # clients: a client's details, its contacts, its assistants; the people page.
    Refused(
        "add a client",
        "owner",
        lambda w: Sent(url("clients:client-create"), client_form()),
        beside_field("id_name"),
        "Enter the client's business name.",
        typed=("Prefers calls on Tuesdays</textarea>",),
    ),
    Refused(
        "edit a client",
        "owner",
        lambda w: Sent(url("clients:client-edit", w.client1.pk), client_form(time_zone="Mars/X")),
        beside_field("id_time_zone"),
        "Select a valid choice. Mars/X is not one of the available choices.",
        typed=("Prefers calls on Tuesdays</textarea>",),
    ),
    Refused(
        "edit a client's website",
        "owner",
        lambda w: Sent(
            url("clients:client-edit", w.client1.pk),
            client_form(name="Client A1", phone="+1 212 555 0100", website="ftp://files.example"),
        ),
        beside_field("id_website"),
        "Enter the website's address, such as https://example.com.",
        typed=('value="+1 212 555 0100"', 'value="ftp://files.example"'),
    ),
    Refused(
        "edit a client's phone (too long)",
        "owner",
        lambda w: Sent(
            url("clients:client-edit", w.client1.pk),
            client_form(name="Client A1", phone="0" * 41, address="5 Main Street"),
        ),
        beside_field("id_phone"),
        "Shorten this to 40 characters; it has 41.",
        typed=("5 Main Street</textarea>", "Prefers calls on Tuesdays</textarea>"),
    ),
    Refused(
        "archive a client (already archived)",
        "owner",
        lambda w: Sent(url("home:client-archive", archived_client1(w).pk)),
        AT_THE_TOP,
        "Client A1 is already archived.",
    ),
    Refused(
        "restore a client (not archived)",
        "owner",
        lambda w: Sent(url("home:client-restore", w.client1.pk)),
        AT_THE_TOP,
        "Client A1 is not archived.",
    ),
    Refused(
        "assign an assistant (nobody picked)",
        "owner",
        lambda w: Sent(url("home:client-assign", w.client2.pk), {"assistant": ""}),
        beside_field("id_assistant"),
        "Pick who should work on this client.",
    ),
    Refused(
        "assign an assistant (a contact picked)",
        "owner",
        lambda w: Sent(url("home:client-assign", w.client2.pk), {"assistant": w.contact1.pk}),
        beside_field("id_assistant"),
        "Pick someone from the list: the owners and assistants of your practice.",
    ),
    Refused(
        "unassign an assistant (a colleague did it a moment before)",
        "owner",
        lambda w: Sent(url("home:client-unassign", w.client1.pk, w.assistant.pk)),
        in_section("team-h"),
        "assistant is not assigned to Client A1.",
        race=colleague_unassigns_first,
    ),
    Refused(
        "invite a contact",
        "owner",
        lambda w: Sent(
            url("clients:contact-invite", w.client1.pk), {"email": "nope", "name": "Cleo Typed"}
        ),
        beside_field("id_email"),
        "Enter a whole e-mail address, like sam@example.com.",
        typed=('value="Cleo Typed"', 'value="nope"'),
    ),
    Refused(
        "resend a contact's invitation from the client's page",
        "owner",
        lambda w: contact_invitation_url(w, "resend"),
        in_section("contacts-h"),
        "Only invitations that are still open can be resent.",
    ),
    Refused(
        "revoke a contact's invitation from the client's page",
        "owner",
        lambda w: contact_invitation_url(w, "revoke"),
        in_section("contacts-h"),
        "This invitation was already used or withdrawn.",
    ),
    Refused(
        "invite a member",
        "owner",
        lambda w: Sent(
            url("clients:member-invite"),
            {"email": "sam-at-example", "name": "Sam Typed", "role": "owner"},
        ),
        beside_field("id_email"),
        "Enter a whole e-mail address, like sam@example.com.",
        typed=('value="Sam Typed"', 'value="sam-at-example"', 'value="owner" selected'),
    ),
    Refused(
        "resend an invitation from the people page",
        "owner",
        lambda w: invitation_url(w, "resend"),
        PENDING_INVITATIONS,
        "Only invitations that are still open can be resent.",
    ),
    Refused(
        "revoke an invitation from the people page",
        "owner",
        lambda w: invitation_url(w, "revoke"),
        PENDING_INVITATIONS,
        "This invitation was already used or withdrawn.",
    ),
    Refused(
        "change a member's role (to one a member cannot have)",
        "owner",
        lambda w: Sent(url("clients:member-role", w.assistant_membership.pk), {"role": "contact"}),
        in_row("assistant@a.example.com"),
        "Pick owner or assistant.",
    ),
    Refused(
        "change a member's role (the last owner steps down)",
        "owner",
        lambda w: Sent(url("clients:member-role", w.owner.membership.pk), {"role": "assistant"}),
        in_row("owner@a.example.com"),
        "Make someone else an owner first: a practice needs one.",
    ),
    Refused(
        "remove a member (oneself)",
        "owner",
        lambda w: Sent(url("clients:member-remove", w.owner.membership.pk)),
        in_row("owner@a.example.com"),
        "You cannot remove yourself. Ask another owner to do it.",
    ),
    Refused(
        "accept an invitation",
        "visitor",
        lambda w: Sent(
            accept_url(w), {"name": "Pat Typed", "password1": PASSWORD, "password2": "other"}
        ),
        beside_field("id_password2"),
        "The two passwords differ. Type the same one twice.",
        typed=('value="Pat Typed"',),
    ),
    # core and accounts: the practice, one's profile.
    Refused(
        "name a new practice",
        "newcomer",
        lambda w: Sent(url("accounts:practice-create"), practice_form()),
        beside_field("id_work_ends_at"),
        "The working day must end after it starts, for example 09:00 to 17:00.",
        typed=('value="Typed Practice"', 'value="17:00"'),
    ),
    Refused(
        "practice settings",
        "owner",
        lambda w: Sent(url("core:practice-settings"), practice_form(working_days=[])),
        beside_field("id_working_days"),
        "Pick at least one working day.",
        typed=('value="Typed Practice"', 'value="09:00"'),
    ),
    # The response time the acknowledgement promises (issue 11, part 6).
    Refused(
        "practice settings: a response time that is not offered",
        "owner",
        lambda w: Sent(
            url("core:practice-settings"),
            practice_form(work_starts_at="09:00", work_ends_at="17:00", response_time="3w"),
        ),
        beside_field("id_response_time"),
        "Pick how soon you respond from the list.",
        typed=('value="Typed Practice"', 'value="17:00"'),
    ),
    Refused(
        "filter the audit log",
        "owner",
        lambda w: Sent(url("core:audit-log"), {"since": "2031-03-10", "until": "2031-03-01"}),
        beside_field("id_until"),
        "The end date must be on or after the start date.",
        typed=('value="2031-03-10"',),
        method="get",
    ),
    Refused(
        "filter the audit log",
        "owner",
        lambda w: Sent(url("core:audit-log"), {"who": "nobody@b.example.com"}),
        r'region:<div id="entries">(.*)',
        "No one with that e-mail address is in your practice.",
        method="get",
        htmx=True,
    ),
    Refused(
        "profile",
        "assistant",
        lambda w: Sent(url("accounts:profile"), {"name": "Ada Typed", "time_zone": "Nowhere/X"}),
        beside_field("id_time_zone"),
        "Select a valid choice. Nowhere/X is not one of the available choices.",
        typed=('value="Ada Typed"',),
    ),
    # notify
    Refused(
        "notification preferences",
        "contact1",
        lambda w: Sent(url("notify:preferences"), preferences_form()),
        beside_field("id_comment"),
        "Pick one: in the app and by e-mail, in the app only, or off.",
        typed=('id="id_wants_digest" checked',),
    ),
    # work: requests, their moves, comments, files, watchers, projects, the day's pages.
    Refused(
        "new request",
        "contact1",
        lambda w: Sent(url("work:task-create", w.client1.pk), request_form()),
        beside_field("id_deadline"),
        "“ASAP” means something different to everyone, so it cannot be a deadline.",
        typed=('value="Call the caterer"', "A menu for 40 people</textarea>"),
    ),
    Refused(
        "move a request (decline without a reason)",
        "assistant",
        lambda w: Sent(url("work:task-move", a_request(w).pk), {"to": "declined", "note": " "}),
        beside_field("id_declined_note"),
        "Say why you are declining this request.",
    ),
    Refused(
        "move a request (one the workflow lacks)",
        "assistant",
        lambda w: Sent(url("work:task-move", a_request(w).pk), {"to": "done"}),
        in_section("moves-h"),
        "A task in “Requested” cannot be moved to “Done”.",
    ),
    # Delivering and reviewing (issue 11, the task page).
    Refused(
        "deliver (no message)",
        "assistant",
        lambda w: Sent(
            url("work:task-deliver", in_progress(w).pk),
            {"message": " ", "links": "https://example.com/folder"},
        ),
        beside_field("id_delivery_message"),
        "Say what you are delivering, so the client knows what to look at.",
        typed=("https://example.com/folder</textarea>",),
    ),
    Refused(
        "deliver (a link that is not http)",
        "assistant",
        lambda w: Sent(
            url("work:task-deliver", in_progress(w).pk),
            {"message": "The menu, ready to print.", "links": "javascript:alert(1)"},
        ),
        beside_field("id_delivery_links"),
        "Links must start with http:// or https://; “javascript:alert(1)” does not.",
        typed=("The menu, ready to print.</textarea>", "javascript:alert(1)</textarea>"),
    ),
    Refused(
        "deliver (by the client)",
        "contact1",
        lambda w: Sent(url("work:task-deliver", in_progress(w).pk), {"message": "Here"}),
        in_section("moves-h"),
        "Only the practice can deliver work for review; ask your assistant.",
    ),
    Refused(
        "send delivered work back without saying what is missing",
        "contact1",
        lambda w: Sent(url("work:task-move", delivered(w).pk), {"to": "in_progress", "note": " "}),
        beside_field("id_in_progress_note"),
        "Say what still needs doing before sending the work back.",
    ),
    Refused(
        "cancel without confirming",
        "contact1",
        lambda w: Sent(
            url("work:task-move", a_request(w).pk), {"to": "cancelled", "note": "Not needed."}
        ),
        beside_field("id_cancelled_confirm"),
        "Tick the box to confirm: a cancelled request cannot be reopened.",
        typed=("Not needed.</textarea>",),
    ),
    Refused(
        "comment",
        "contact1",
        lambda w: Sent(url("work:task-comment", a_request(w).pk), {"body_markdown": " "}),
        beside_field("id_body_markdown"),
        "Write something before posting the comment.",
    ),
    Refused(
        "add files",
        "contact1",
        lambda w: Sent(url("work:attachment-add", a_request(w).pk)),
        beside_field("id_files_attachments"),
        "Choose at least one file to add.",
    ),
    *with_and_without_htmx(
        Refused(
            "add a watcher",
            "assistant",
            lambda w: Sent(url("work:watcher-add", a_request(w).pk), {"user": "../1"}),
            WATCHERS,
            "Pick someone from the list: people who can see this request.",
        )
    ),
    Refused(
        "stop someone watching",
        "assistant",
        lambda w: Sent(url("work:watcher-remove", a_request(w).pk), {"user": "../1"}),
        WATCHERS,
        "That person is not watching this request.",
    ),
    Refused(
        "decline from the inbox",
        "owner",
        lambda w: declined_in_the_inbox(w, note=""),
        beside_field("decline-note-{task}"),
        "Say why you are declining this request.",
    ),
    Refused(
        "decline from the inbox",
        "owner",
        lambda w: declined_in_the_inbox(w, note="  "),
        beside_field("decline-note-{task}"),
        "Say why you are declining this request.",
        htmx=True,
    ),
    Refused(
        "move a card on the board",
        "contact1",
        lambda w: Sent(
            url("work:board-move", w.client1.pk, a_request(w).pk),
            {"from": "requested", "to": "accepted"},
        ),
        r'region:(<p id="board-live".*?</p>)',
        "Only the practice can accept a request",
    ),
    Refused(
        "filter the requests",
        "contact1",
        lambda w: Sent(url("work:request-list"), {"status": "lost", "q": "venue"}),
        r'region:<div id="results"[^>]*>(.*)',
        "That status is not in the list",
        typed=('value="venue"',),
        method="get",
    ),
    Refused(
        "filter the requests",
        "contact1",
        lambda w: Sent(url("work:request-list"), {"status": "lost"}),
        r"region:(.*)",
        "That status is not in the list",
        method="get",
        htmx=True,
    ),
    Refused(
        "new project",
        "owner",
        lambda w: Sent(url("work:project-create", w.client1.pk), project_form()),
        beside_field("id_title"),
        "Give the project a title.",
        typed=("Launch the course in spring</textarea>",),
    ),
    Refused(
        "edit a project",
        "owner",
        lambda w: Sent(url("work:project-edit", a_project(w).pk), project_form()),
        beside_field("id_title"),
        "Give the project a title.",
        typed=("Launch the course in spring</textarea>",),
    ),
    Refused(
        "edit a proposal",
        "contact1",
        lambda w: Sent(url("work:proposal-edit", a_proposal(w).pk), project_form()),
        beside_field("id_title"),
        "Give the project a title.",
        typed=("Launch the course in spring</textarea>",),
    ),
    Refused(
        "change a project's status",
        "owner",
        lambda w: Sent(url("work:project-status", a_project(w).pk), {"to": "active"}),
        AT_THE_TOP,
        "This project is already active.",
    ),
    Refused(
        "take on a proposal (none to answer)",
        "owner",
        lambda w: Sent(url("work:project-take-on", a_project(w).pk)),
        AT_THE_TOP,
        "This project is already under way; there is no proposal to answer.",
    ),
    Refused(
        "turn down a proposal",
        "owner",
        lambda w: Sent(url("work:project-turn-down", a_proposal(w).pk), {"reason": " "}),
        beside_field("id_reason"),
        "Say why you are turning this proposal down, so the client knows.",
    ),
    # inbound
    Refused(
        "filter the mail received",
        "owner",
        lambda w: Sent(url("inbound:message-list"), {"outcome": "exploded"}),
        r'region:<div id="messages"[^>]*>(.*)',
        "That outcome is not in the list; choose one from the list or clear it.",
        method="get",
    ),
]


# work: changing a request after it is sent (issue 11) ----------------------------------------

# The edit page's form, where a refused post's sentence at the top of the form shows.
EDIT_FORM_TOP = r'region:<form method="post" class="card"(.*?)</form>'


def edit_form(task: Task, **overrides: str) -> dict[str, str]:
    """The edit form as the page filled it in, with a new title and request text typed."""
    return {
        "title": "Book the bigger venue",
        "request_markdown": "Typed details",
        "expectations": "A signed booking",
        "deadline": deadline_phrase(task.deadline_at, ZoneInfo(task.client.time_zone)),
        "priority": task.priority,
        "estimate_hours": "",
        "seen": task.updated_at.isoformat(),
    } | overrides


def edit_sent(world: PracticeWorld, **overrides: str) -> Sent:
    task = a_request(world)
    return Sent(url("work:task-edit", task.pk), edit_form(task, **overrides))


def edit_with_a_project(world: PracticeWorld, **overrides: str) -> Sent:
    a_project(world)
    return edit_sent(world, **overrides)


def edit_with_a_file(world: PracticeWorld, **overrides: str) -> Sent:
    task = a_request(world)
    upload = store_attachment(
        client=world.client1, uploaded_by=world.contact1, name="brief.txt", content=b"The brief"
    )
    link_uploads([upload.pk], actor=world.contact1, task=task)
    return Sent(url("work:task-edit", task.pk), edit_form(task, **overrides))


def owner_edits_first(world: PracticeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """The owner changes the request's priority while the contact's edit is on its way."""
    task = Task.objects.get(title="Book the venue")
    edit_task(task, actor=world.owner, priority="high")


def reassign_sent(world: PracticeWorld, assignee: str) -> Sent:
    return Sent(url("work:task-assign", a_request(world).pk), {"assignee": assignee})


TYPED_EDITS = ('value="Book the bigger venue"', "Typed details</textarea>")

CASES += [
    Refused(
        "edit a request (title emptied)",
        "contact1",
        lambda w: edit_sent(w, title=" "),
        beside_field("id_title"),
        "Give the request a short title.",
        typed=("Typed details</textarea>",),
    ),
    Refused(
        "edit a request (what done looks like emptied)",
        "contact1",
        lambda w: edit_sent(w, expectations=""),
        beside_field("id_expectations"),
        "Say what done looks like, so everyone knows when it is.",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (a deadline the resolver refuses)",
        "contact1",
        lambda w: edit_sent(w, deadline="ASAP"),
        beside_field("id_deadline"),
        "“ASAP” means something different to everyone, so it cannot be a deadline.",
        typed=(*TYPED_EDITS, 'value="ASAP"'),
    ),
    Refused(
        "edit a request (deadline emptied)",
        "contact1",
        lambda w: edit_sent(w, deadline=""),
        beside_field("id_deadline"),
        "A request keeps a deadline; give a new one, such as “Friday 5pm”.",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (a deadline already past)",
        "owner",
        lambda w: edit_sent(w, deadline="2020-01-06 09:00"),
        beside_field("id_deadline"),
        "already passed",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (an estimate that is not a number)",
        "owner",
        lambda w: edit_sent(w, estimate_hours="lots"),
        beside_field("id_estimate_hours"),
        "Give the estimate as a number of hours, such as 1.5.",
        typed=(*TYPED_EDITS, 'value="lots"'),
    ),
    Refused(
        "edit a request (a priority that is not one)",
        "owner",
        lambda w: edit_sent(w, priority="urgent"),
        beside_field("id_priority"),
        "Select a valid choice. urgent is not one of the available choices.",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (a project that is not the client's)",
        "owner",
        lambda w: edit_with_a_project(w, project="999999"),
        beside_field("id_project"),
        "Pick one of this client's active projects, or none.",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (a file to remove that is not on it)",
        "contact1",
        lambda w: edit_with_a_file(w, remove_files="999999"),
        beside_field("id_remove_files"),
        "That file is no longer on this request; reload it.",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (a form from nowhere)",
        "contact1",
        lambda w: edit_sent(w, seen="yesterday"),
        EDIT_FORM_TOP,
        "This form is out of date; open the request again and make your changes there.",
        typed=TYPED_EDITS,
    ),
    Refused(
        "edit a request (the owner changed it meanwhile)",
        "contact1",
        lambda w: edit_sent(w),
        EDIT_FORM_TOP,
        "Owner A changed this request while you were editing it.",
        typed=TYPED_EDITS,
        race=owner_edits_first,
    ),
    Refused(
        "reassign a request (to someone not on the client)",
        "owner",
        lambda w: reassign_sent(w, str(w.unassigned.pk)),
        beside_field("id_reassign_assignee"),
        "unassigned does not work on Client A1; pick an assistant assigned to this client.",
    ),
    Refused(
        "reassign a request (to no one anyone knows)",
        "owner",
        lambda w: reassign_sent(w, "nobody-at-all"),
        beside_field("id_reassign_assignee"),
        "Pick an assistant assigned to this client, or nobody.",
    ),
]


# Repeating work, request templates and checklists (issue 11, part 9) -------------------------


def repeat_form(**overrides: str) -> dict[str, str]:
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {
        "title": "Monthly newsletter",
        "request_markdown": "The usual recipe",
        "expectations": "Sent to the whole list",
        "frequency": "monthly",
        "day_of_month": "1",
        "weekday": "",
        "starts_on": tomorrow.isoformat(),
        "due_time": "",
        "lead_days": "7",
        "assignee": "",
        "priority": "normal",
        "checklist": "Draft the issue\nSend it",
    }
    return data | overrides


def template_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Onboard a new hire",
        "request_markdown": "Accounts for everything",
        "expectations": "They can sign in everywhere",
        "checklist": "Order the laptop",
        "client": "",
    }
    return data | overrides


def a_series(world: PracticeWorld) -> Any:
    from tandem.work.repeating import change_series, start_series

    series = start_series(
        world.client1,
        actor=world.owner,
        title="Newsletter",
        expectations="Sent",
        frequency="monthly",
        day_of_month=1,
        starts_on=timezone.localdate() + timedelta(days=1),
    )
    return change_series(series, actor=world.owner, to="paused")


def a_step(world: PracticeWorld) -> tuple[Task, Any]:
    from tandem.work.checklists import add_steps

    task = a_request(world)
    (step,) = add_steps(task, actor=world.owner, steps=["Draft"])
    return task, step


def repeat_case(name: str, field_id: str, sentence: str, **overrides: str) -> Refused:
    return Refused(
        f"make a request repeat ({name})",
        "assistant",
        lambda w: Sent(url("work:repeating-new", w.client1.pk), repeat_form(**overrides)),
        beside_field(field_id),
        sentence,
        typed=(
            "Sent to the whole list</textarea>",
            f"{repeat_form(**overrides)['checklist']}</textarea>",
        ),
    )


LONG_STEP = "x" * 201
TOO_MANY_STEPS = "\n".join(f"Step {n}" for n in range(31))

CASES += [
    repeat_case("no title", "id_title", "Give the request a short title.", title=""),
    Refused(
        "make a request repeat (nothing says what done is)",
        "assistant",
        lambda w: Sent(url("work:repeating-new", w.client1.pk), repeat_form(expectations=" ")),
        beside_field("id_expectations"),
        "Say what done looks like",
        typed=('value="Monthly newsletter"',),
    ),
    repeat_case("unknown frequency", "id_frequency", "Pick how often", frequency="daily"),
    repeat_case("no day", "id_day_of_month", "Pick the day of the month", day_of_month=""),
    repeat_case("day 32", "id_day_of_month", "Pick a day of the month", day_of_month="32"),
    repeat_case("weekly, no weekday", "id_weekday", "Pick the weekday", frequency="weekly"),
    repeat_case("weekday 9", "id_weekday", "Pick a weekday from the list", weekday="9"),
    repeat_case("no first date", "id_starts_on", "Give the first date", starts_on=""),
    repeat_case("a first date that is no date", "id_starts_on", "as a date", starts_on="soon"),
    repeat_case(
        "a first date already past", "id_starts_on", "already passed", starts_on="2020-01-01"
    ),
    repeat_case("a time that is no time", "id_due_time", "such as 17:00", due_time="5ish"),
    repeat_case("no lead time", "id_lead_days", "how many days ahead", lead_days=""),
    repeat_case("a lead time of a year", "id_lead_days", "at most 90 days", lead_days="365"),
    repeat_case("a negative lead time", "id_lead_days", "0 or more", lead_days="-1"),
    repeat_case("a stranger assigned", "id_assignee", "Pick an assistant", assignee="999999"),
    repeat_case("unknown priority", "id_priority", "Pick a priority", priority="urgent"),
    repeat_case("a step too long", "id_checklist", "under 200 characters", checklist=LONG_STEP),
    repeat_case("too many steps", "id_checklist", "30 steps", checklist=TOO_MANY_STEPS),
    Refused(
        "make this request repeat (no day)",
        "owner",
        lambda w: Sent(url("work:repeat-task", a_request(w).pk), repeat_form(day_of_month="")),
        beside_field("id_day_of_month"),
        "Pick the day of the month each copy is due.",
        typed=("Sent to the whole list</textarea>",),
    ),
    Refused(
        "resume a repeating request (already going)",
        "owner",
        lambda w: (
            lambda series: Sent(
                url("work:repeating-change", series.pk), {"to": "paused"}, {"series": series.pk}
            )
        )(a_series(w)),
        r'region:id="series-{series}"(.*?)</li>',
        "“Newsletter” is already paused.",
    ),
    Refused(
        "keep a template (no title)",
        "assistant",
        lambda w: Sent(url("work:template-create"), template_form(title="")),
        beside_field("id_title"),
        "Give the template a title.",
        typed=("They can sign in everywhere</textarea>", "Order the laptop</textarea>"),
    ),
    Refused(
        "keep a template (nothing says what done is)",
        "owner",
        lambda w: Sent(url("work:template-create"), template_form(expectations="")),
        beside_field("id_expectations"),
        "Say what done looks like",
        typed=('value="Onboard a new hire"',),
    ),
    Refused(
        "keep a template (a client not theirs)",
        "assistant",
        lambda w: Sent(url("work:template-create"), template_form(client=str(w.client2.pk))),
        beside_field("id_client"),
        "Pick one of your clients, or every client.",
        typed=('value="Onboard a new hire"',),
    ),
    Refused(
        "keep a template (too many steps)",
        "owner",
        lambda w: Sent(url("work:template-create"), template_form(checklist=TOO_MANY_STEPS)),
        beside_field("id_checklist"),
        "Keep the checklist to 30 steps; it has 31.",
        typed=('value="Onboard a new hire"',),
    ),
    Refused(
        "send a request with a checklist (a step too long)",
        "assistant",
        lambda w: Sent(
            url("work:task-create", w.client1.pk),
            request_form() | {"list-checklist": f"Draft\n{LONG_STEP}"},
        ),
        beside_field("id_list-checklist"),
        "Keep each step under 200 characters",
        typed=(f"Draft\n{LONG_STEP}</textarea>",),
    ),
    *with_and_without_htmx(
        Refused(
            "tick a step (no value)",
            "assistant",
            lambda w: (lambda pair: Sent(url("work:checklist-tick", pair[0].pk, pair[1].pk), {}))(
                a_step(w)
            ),
            r'region:id="checklist"(.*?)</section>',
            "Say whether the step is done.",
        )
    ),
]


# The practice's face (core/branding.py): the settings page's "How your practice looks" form.
# A file cannot be put back into a file input; the typed colour comes back with it.


def png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#2f5d8a").save(out, format="PNG")
    return out.getvalue()


def look_form(colour: str = "#2F5D8A", logo: SimpleUploadedFile | None = None) -> dict[str, Any]:
    return {"accent_colour": colour} | ({"logo": logo} if logo else {})


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)

CASES += [
    Refused(
        "practice look (a colour white text cannot be read on)",
        "owner",
        lambda w: Sent(url("core:practice-branding"), look_form("#F5D000")),
        beside_field("id_accent_colour"),
        "#F5D000 with white text is 1.5:1; text needs at least 4.5:1. Pick a darker colour.",
        typed=('value="#F5D000"',),
    ),
    Refused(
        "practice look (a colour too light for links on the page)",
        "owner",
        lambda w: Sent(url("core:practice-branding"), look_form("#767676")),
        beside_field("id_accent_colour"),
        "#767676 as link text on the page's background is 4.2:1; text needs at least 4.5:1.",
        typed=('value="#767676"',),
    ),
    Refused(
        "practice look (a colour that is not one)",
        "owner",
        lambda w: Sent(url("core:practice-branding"), look_form("dark teal")),
        beside_field("id_accent_colour"),
        "“dark teal” is not a colour we can read: write it as a hex code such as #2F5D8A.",
        typed=('value="dark teal"',),
    ),
    Refused(
        "practice look (a logo that is not an image)",
        "owner",
        lambda w: Sent(
            url("core:practice-branding"),
            look_form(logo=SimpleUploadedFile("logo.png", b"MZ\x90\x00 not a picture")),
        ),
        beside_field("id_logo"),
        "That file is not a PNG, JPEG or WebP image we can read: upload the logo as one of those.",
        typed=('value="#2F5D8A"',),
    ),
    Refused(
        "practice look (a logo over 1 MB)",
        "owner",
        lambda w: Sent(
            url("core:practice-branding"),
            look_form(logo=SimpleUploadedFile("logo.png", png_of(8, 8) + b"\0" * 1_200_000)),
        ),
        beside_field("id_logo"),
        "That logo is 1.1 MB; a logo can be at most 1 MB.",
        typed=('value="#2F5D8A"',),
    ),
    Refused(
        "practice look (a logo of too many pixels)",
        "owner",
        lambda w: Sent(
            url("core:practice-branding"),
            look_form(logo=SimpleUploadedFile("wide.png", png_of(2400, 10))),
        ),
        beside_field("id_logo"),
        "That logo is 2400 by 10 pixels; it can be at most 2000 by 2000. Save it smaller.",
        typed=('value="#2F5D8A"',),
    ),
    Refused(
        "practice look (an SVG logo with a script)",
        "owner",
        lambda w: Sent(
            url("core:practice-branding"),
            look_form(logo=SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")),
        ),
        beside_field("id_logo"),
        "SVG logos are not shown by most mail programs (Gmail, Outlook): upload the logo as "
        "a PNG, JPEG or WebP instead.",
        typed=('value="#2F5D8A"',),
    ),
]


# Editing a repeating series (work:repeating-edit): the new-series form filled in, with the
# version its editor saw. A refusal keeps every part typed.

TYPED_STEPS = "Draft it again\nSend it"
SERIES_FORM_TOP = r'region:<form method="post" class="card repeat-form"[^>]*>(.*?)</form>'


def series_edit_sent(world: PracticeWorld, **overrides: str) -> Sent:
    """The edit form of client 1's newsletter series, a new checklist typed in."""
    from tandem.work.repeating import start_series

    series = start_series(
        world.client1,
        actor=world.owner,
        title="Newsletter",
        expectations="Sent to the whole list",
        frequency="monthly",
        day_of_month=1,
        starts_on=timezone.localdate() + timedelta(days=1),
        assignee=world.assistant,
    )
    data = repeat_form(
        title="Newsletter",
        assignee=str(world.assistant.pk),
        checklist=TYPED_STEPS,
    ) | {"seen": series.updated_at.isoformat()}
    return Sent(url("work:repeating-edit", series.pk), data | overrides)


def assistant_edits_the_series_first(world: PracticeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    from tandem.work.models import RepeatingRequest
    from tandem.work.repeating import edit_series

    series = RepeatingRequest.objects.select_related("client__practice").get(title="Newsletter")
    edit_series(series, actor=world.assistant, lead_days=3)


def series_edit_case(name: str, field_id: str, sentence: str, **overrides: str) -> Refused:
    return Refused(
        f"edit a repeating request ({name})",
        "assistant",
        lambda w: series_edit_sent(w, **overrides),
        beside_field(field_id),
        sentence,
        typed=(
            "Sent to the whole list</textarea>",
            overrides.get("checklist", TYPED_STEPS) + "</textarea>",
        ),
    )


CASES += [
    series_edit_case("title emptied", "id_title", "Give the request a short title.", title=" "),
    series_edit_case(
        "weekly, no weekday", "id_weekday", "Pick the weekday each copy is due.", frequency="weekly"
    ),
    series_edit_case("a lead time of 500 days", "id_lead_days", "at most 90 days", lead_days="500"),
    series_edit_case(
        "an assistant not on the client",
        "id_assignee",
        "Pick an assistant assigned to this client.",
        assignee="999999",
    ),
    series_edit_case(
        "a first date moved into the past", "id_starts_on", "already passed", starts_on="2020-01-01"
    ),
    series_edit_case(
        "a step too long", "id_checklist", "under 200 characters", checklist=LONG_STEP
    ),
    Refused(
        "edit a repeating request (someone changed it meanwhile)",
        "owner",
        lambda w: series_edit_sent(w, title="Typed newsletter"),
        SERIES_FORM_TOP,
        "changed this series while you were editing it. Your edits are still in the form",
        typed=('value="Typed newsletter"', f"{TYPED_STEPS}</textarea>"),
        race=assistant_edits_the_series_first,
    ),
    Refused(
        "edit a repeating request (a form without its version)",
        "owner",
        lambda w: series_edit_sent(w, seen="last week"),
        SERIES_FORM_TOP,
        "This form is out of date",
        typed=('value="Newsletter"',),
    ),
]


# Private calendar feeds (issue 12, planning): replacing or turning off an address breaks the
# calendars using it, so each takes a tick; turning off an address that is already off says so.
def with_calendar_address(world: PracticeWorld, person: str, sent: Sent) -> Sent:
    who = world.persona(person)
    make_calendar_feed(who, actor=who)
    return sent


CASES += [
    Refused(
        "calendar address (a new one without the tick)",
        "assistant",
        lambda w: with_calendar_address(w, "assistant", Sent(url("planning:feed-make"))),
        beside_field("id_new-confirm"),
        "Tick the box to confirm: calendars using the current address stop updating until you "
        "give them the new one.",
    ),
    Refused(
        "calendar address (turned off with the tick refused)",
        "contact1",
        lambda w: with_calendar_address(
            w, "contact1", Sent(url("planning:feed-turn-off"), {"off-confirm": "false"})
        ),
        beside_field("id_off-confirm"),
        "Tick the box to confirm: calendars using this address stop updating, and the address "
        "cannot be turned back on.",
    ),
    Refused(
        "calendar address (turning off one that is already off)",
        "owner",
        lambda w: Sent(url("planning:feed-turn-off"), {"off-confirm": "on"}),
        in_section("off-h"),
        "Your calendar address is already off; there is nothing to turn off.",
    ),
]


# What the client owes (issue 12, planning): the request's "Needed from the client" panel, as
# the page it is without JavaScript, and the owner's reminder setting.


def asked(world: PracticeWorld) -> Any:
    """Something client 1 owes on a request in progress, asked for by the assistant."""
    return ask_client(
        in_progress(world),
        actor=world.assistant,
        what="The final copy",
        due_at=timezone.now() + timedelta(days=2),
    )


def ask_sent(world: PracticeWorld, **data: str) -> Sent:
    return Sent(url("planning:owed-ask", in_progress(world).pk), data)


def answered_already(world: PracticeWorld, **data: str) -> Sent:
    owed = asked(world)
    answer_owed(owed, actor=world.contact1)
    return Sent(url("planning:owed-answer", owed.pk), data, ids={"owed": owed.pk})


def dropped_already(world: PracticeWorld) -> Sent:
    owed = asked(world)
    drop_owed(owed, actor=world.owner)
    return Sent(url("planning:owed-receive", owed.pk), ids={"owed": owed.pk})


def answer_sent(world: PracticeWorld, **data: str) -> Sent:
    owed = asked(world)
    return Sent(url("planning:owed-answer", owed.pk), data, ids={"owed": owed.pk})


OWED_ROW = r'region:id="owed-{owed}"(.*?)</li>'
# The item's row down to the end of its "Here it is" form (its errors are lists of their own).
OWED_ANSWER = r'region:id="owed-{owed}"(.*?)</form>'

CASES += [
    Refused(
        "ask the client (nothing said)",
        "assistant",
        lambda w: ask_sent(w, waiting_for=" ", waiting_until="Friday 5pm"),
        beside_field("id_owed_waiting_for"),
        "Say what you need from the client, such as “the final copy”.",
        typed=('value="Friday 5pm"',),
    ),
    Refused(
        "ask the client (a date in the past)",
        "assistant",
        lambda w: ask_sent(w, waiting_for="The final copy", waiting_until="2020-01-01 10:00"),
        beside_field("id_owed_waiting_until"),
        "which has already passed. Write a time that is still ahead",
        typed=('value="The final copy"', 'value="2020-01-01 10:00"'),
    ),
    Refused(
        "ask the client (a phrase that does not resolve)",
        "assistant",
        lambda w: ask_sent(w, waiting_for="The final copy", waiting_until="ASAP"),
        beside_field("id_owed_waiting_until"),
        "“ASAP” means something different to everyone, so it cannot be a deadline.",
        typed=('value="The final copy"', 'value="ASAP"'),
    ),
    Refused(
        "answer what is owed (twice)",
        "contact1",
        lambda w: answered_already(w, note="Sending it again"),
        OWED_ANSWER,
        "already said this was sent",
        typed=("Sending it again</textarea>",),
    ),
    Refused(
        "answer what is owed (a note too long)",
        "contact1",
        lambda w: answer_sent(w, note="x" * 5001),
        "field:id_answer_{owed}_note",
        "Shorten this to 5000 characters; it has 5001.",
    ),
    Refused(
        "mark received (the practice dropped it a moment before)",
        "assistant",
        dropped_already,
        OWED_ROW,
        "said on",
    ),
    Refused(
        "remind again after (zero days)",
        "owner",
        lambda w: Sent(url("planning:reminder-settings"), {"remind_again_after_days": "0"}),
        beside_field("id_remind_again_after_days"),
        "Choose between 1 and 10 working days.",
        typed=('value="0"',),
    ),
    Refused(
        "planning settings (a notice of minus one day)",
        "owner",
        lambda w: Sent(
            url("planning:settings"),
            {
                "default_request_hours": "2",
                "small_hours": "1",
                "medium_hours": "4",
                "large_hours": "10",
                "notice_working_days": "-1",
                "rush_policy": "Rush work costs more.",
                "check_in_weekday": "0",
                "check_in_time": "09:00",
            },
        ),
        beside_field("id_notice_working_days"),
        "Give the notice as 0 to 20 working days",
        typed=('value="-1"', "Rush work costs more."),
    ),
]


# Working time (issue 12): the weekly hours with the share kept free, and time off. ---------

TIME_OFF_ON = timezone.localdate() + timedelta(days=10)
ADD_TIME_OFF = r'region:aria-labelledby="add-time-off-title">(.*?)</form>'


def day_words(day: Any) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def hours_form(**overrides: str) -> dict[str, str]:
    """Monday to Friday, 09:00 to 17:00, nothing kept free, with ``overrides``."""
    days: dict[str, str] = {}
    for key in ("mon", "tue", "wed", "thu", "fri"):
        days |= {f"{key}_works": "on", f"{key}_starts_at": "09:00", f"{key}_ends_at": "17:00"}
    return days | {"kept_free_percent": "0"} | overrides


def time_off_form(world: PracticeWorld, **overrides: str) -> Sent:
    data = {
        "first_day": TIME_OFF_ON.isoformat(),
        "last_day": "",
        "from_time": "",
        "until_time": "",
        "note": "Dentist",
    }
    return Sent(url("planning:time-off-add", world.assistant.pk), data | overrides)


def after_booking_a_day_off(world: PracticeWorld) -> Sent:
    from tandem.planning.services import add_time_off

    starts_at = timezone.make_aware(
        timezone.datetime.combine(TIME_OFF_ON, timezone.datetime.min.time())
    )
    add_time_off(
        world.assistant,
        actor=world.assistant,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=1),
    )
    return time_off_form(world, from_time="14:00", until_time="16:00")


CASES += [
    Refused(
        "weekly hours (a day that ends before it starts)",
        "assistant",
        lambda w: Sent(url("planning:working-time"), hours_form(mon_ends_at="08:00")),
        beside_field("id_mon_ends_at"),
        "Monday ends before it starts: make the end later than 09:00 (00:00 for midnight).",
        typed=('value="08:00"',),
    ),
    Refused(
        "weekly hours (a time outside 00:00 to 24:00)",
        "assistant",
        lambda w: Sent(url("planning:working-time"), hours_form(tue_starts_at="25:00")),
        beside_field("id_tue_starts_at"),
        "“25:00” is not a time of day: write Tuesday's start between 00:00 and 24:00, such as "
        "09:00.",
        typed=('value="25:00"',),
    ),
    Refused(
        "weekly hours (a day ticked without its hours)",
        "assistant",
        lambda w: Sent(url("planning:working-time"), hours_form(sat_works="on")),
        beside_field("id_sat_starts_at"),
        "Write when Saturday starts, such as 09:00, or untick Saturday.",
        typed=('id="id_sat_works" checked',),
    ),
    Refused(
        "weekly hours (95 % kept free)",
        "assistant",
        lambda w: Sent(url("planning:working-time"), hours_form(kept_free_percent="95")),
        beside_field("id_kept_free_percent"),
        "Keep at most 90 % of the day free, so some time is left to plan; 95 % leaves almost none.",
        typed=('value="95"',),
    ),
    Refused(
        "an assistant's weekly hours, by the owner (-5 % kept free)",
        "owner",
        lambda w: Sent(
            url("planning:member-working-time", w.assistant.pk),
            hours_form(kept_free_percent="-5", wed_starts_at="10:30"),
        ),
        beside_field("id_kept_free_percent"),
        "The share kept free cannot be below 0 %: write 0 to plan all of your time.",
        typed=('value="-5"', 'value="10:30"'),
    ),
    Refused(
        "time off (a last day before the first)",
        "assistant",
        lambda w: time_off_form(w, last_day=(TIME_OFF_ON - timedelta(days=2)).isoformat()),
        beside_field("id_last_day"),
        "The time off ends before it starts: pick a last day on or after "
        f"{day_words(TIME_OFF_ON)}.",
        typed=('value="Dentist"', f'value="{TIME_OFF_ON.isoformat()}"'),
    ),
    Refused(
        "time off (part of a day that ends before it starts)",
        "assistant",
        lambda w: time_off_form(w, from_time="15:00", until_time="11:00"),
        beside_field("id_until_time"),
        "The time off ends before it starts: make it end after 15:00.",
        typed=('value="15:00"', 'value="11:00"', 'value="Dentist"'),
    ),
    Refused(
        "time off (overlapping time off already booked)",
        "assistant",
        after_booking_a_day_off,
        ADD_TIME_OFF,
        f"This overlaps time off already booked ({day_words(TIME_OFF_ON)}): change the dates, "
        "or remove that one first.",
        typed=('value="14:00"', 'value="16:00"', 'value="Dentist"'),
    ),
]


# Weekly check-ins (issue 12, planning): the client's answer and the assistant's note, on the
# check-in's page. A check-in that has moved on (answered, sent) refuses with a sentence and
# keeps what was typed.
def a_check_in(world: PracticeWorld, *, sent: bool = True) -> Any:
    """Client 1's check-in, prepared to go in twelve hours or sent an hour ago, through the
    job's own steps."""
    from tandem.planning import check_in_job
    from tandem.planning.check_in_times import week_start
    from tandem.planning.models import CheckIn

    now = timezone.now()
    due = now + (-timedelta(hours=1) if sent else timedelta(hours=12))
    week = {world.client1.pk: (week_start(due.date()), due)}
    check_in_job.prepare_batch(world.practice.pk, week, now=now)
    check_in_job.send_practice(world.practice.pk, now=now)
    return CheckIn.objects.select_related("client").get(client=world.client1)


def check_in_answer_sent(world: PracticeWorld, *, answered: bool = False, **data: str) -> Sent:
    from tandem.planning.check_ins import answer_check_in

    check_in = a_check_in(world)
    if answered:
        answer_check_in(check_in, actor=world.contact1, answer="The spring catalogue.")
    url_ = url("planning:check-in-answer", check_in.pk)
    return Sent(url_, data, ids={"check_in": check_in.pk})


def check_in_note_sent(world: PracticeWorld, *, sent: bool = False, **data: str) -> Sent:
    check_in = a_check_in(world, sent=sent)
    return Sent(url("planning:check-in-note", check_in.pk), data, ids={"check_in": check_in.pk})


CHECK_IN_ANSWER_FORM = r'region:aria-labelledby="answer-form-h">(.*?)</form>'
CHECK_IN_NOTE_FORM = r'region:aria-labelledby="note-form-h">(.*?)</form>'

CASES += [
    Refused(
        "answer a check-in (nothing said)",
        "contact1",
        lambda w: check_in_answer_sent(w, answer="   "),
        "field:id_check_in_{check_in}_answer",
        "Write what is coming up, or “Nothing new this week”, then send it.",
    ),
    Refused(
        "answer a check-in (too long)",
        "contact1",
        lambda w: check_in_answer_sent(w, answer="x" * 5001),
        "field:id_check_in_{check_in}_answer",
        "Shorten this to 5000 characters; it has 5001.",
    ),
    Refused(
        "answer a check-in (answered already)",
        "contact1",
        lambda w: check_in_answer_sent(w, answered=True, answer="And a flyer in May."),
        CHECK_IN_ANSWER_FORM,
        "already answered this check-in on",
        typed=("And a flyer in May.</textarea>",),
    ),
    Refused(
        "note on a check-in (too long)",
        "assistant",
        lambda w: check_in_note_sent(w, note="x" * 2001),
        beside_field("id_note"),
        "Shorten this to 2000 characters; it has 2001.",
    ),
    Refused(
        "note on a check-in (it has gone)",
        "assistant",
        lambda w: check_in_note_sent(w, sent=True, note="Back on Thursday."),
        CHECK_IN_NOTE_FORM,
        "went to the client on",
        typed=("Back on Thursday.</textarea>",),
    ),
]


def sender(personas: Personas, persona: str) -> Any:
    match persona:
        case "visitor":
            return None
        case "newcomer":
            return make_owner("newcomer@example.com", name="New Comer")
        case _:
            return personas.a.persona(persona)


def sentence_at(response: Any, beside: str, ids: dict[str, Any]) -> str:
    """The text shown at ``beside`` (see ``Refused.beside``), tags removed."""
    content = response.content.decode()
    kind, _, where = beside.format(**ids).partition(":")
    if kind == "field":
        # Django names a field's error list "<field id>_error"; hand-written ones "-error".
        pattern = rf'<ul class="errorlist" id="{re.escape(where)}[_-]error">(.*?)</ul>'
    else:
        pattern = where
    match = re.search(pattern, content, re.DOTALL)
    assert match, f"nothing at {beside!r} in the page"
    part = match.group(1)
    if kind == "region":
        # In a region the sentence is said out loud: an alert, a live region or an error list.
        alerts = r'<(div|p)[^>]*role="(?:alert|status)"[^>]*>(.*?)</\1>'
        said = [text for _, text in re.findall(alerts, part, re.DOTALL)]
        said += re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', part, re.DOTALL)
        part = " ".join(said)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


# The notice agreed with a client (issue 12, short notice): 0 to 20 working days, or empty.


# References, both ways (issue 14). The public page a prospect asks through keeps what they
# typed; the consent page, the references checked about a client and the References page's
# buttons say what to fix beside the field or the button.
def reference_link(world: PracticeWorld) -> str:
    from tandem.references import links

    return links.make_link(actor=world.owner)[1]


def prospect_form(**changes: str) -> dict[str, str]:
    return {
        "name": "Pat Prospect",
        "email": "pat@prospect.example.com",
        "question": "How quickly do they answer?",
        **changes,
    }


def asked_already(world: PracticeWorld) -> Sent:
    from tandem.references import consents

    consents.ask_to_be_reference(world.client1, actor=world.owner)
    return Sent(url("references:ask", world.client1.pk))


def a_reference_request(world: PracticeWorld) -> Sent:
    from tandem.references import links, prospects

    link, _ = links.make_link(actor=world.owner)
    asked = prospects.ask_for_references(
        link, name="Pat", email="pat@example.com", question="Are they quick?"
    )
    return Sent(url("references:pass-on", asked.pk))


def check_form(**changes: str) -> dict[str, str]:
    return {
        "source": "Previous VA",
        "checked_on": "2020-05-04",
        "payment": "late",
        "notes": "Paid a month late",
        **changes,
    }


CASES += [
    Refused(
        "ask for references without a name",
        "visitor",
        lambda w: Sent(url("references:public", reference_link(w)), prospect_form(name=" ")),
        beside_field("id_name"),
        "Tell us your name",
        typed=('value="pat@prospect.example.com"', "How quickly do they answer?"),
    ),
    Refused(
        "ask for references with an address that is not one",
        "visitor",
        lambda w: Sent(url("references:public", reference_link(w)), prospect_form(email="pat@")),
        beside_field("id_email"),
        "That does not look like an e-mail address",
        typed=('value="Pat Prospect"', 'value="pat@"', "How quickly do they answer?"),
    ),
    Refused(
        "ask for references with too long a question",
        "visitor",
        lambda w: Sent(
            url("references:public", reference_link(w)), prospect_form(question="Why? " * 250)
        ),
        beside_field("id_question"),
        "Shorten this to 1000 characters",
        typed=('value="Pat Prospect"',),
    ),
    Refused(
        "agree to be a reference without ticking the box",
        "contact1",
        lambda w: Sent(url("references:consent"), {"note": "Always on time", "ask_by": "mail"}),
        beside_field("id_agree"),
        "Tick the box to agree",
        typed=("Always on time",),
    ),
    Refused(
        "agree to be a reference saying too much",
        "contact1",
        lambda w: Sent(
            url("references:consent"), {"note": "Great! " * 100, "ask_by": "mail", "agree": "on"}
        ),
        beside_field("id_note"),
        "Shorten this to 500 characters",
    ),
    Refused(
        "withdraw as a reference without having agreed",
        "contact1",
        lambda w: Sent(url("references:consent-withdraw")),
        in_section("agree-h"),
        "Client A1 is not a reference now",
    ),
    Refused(
        "a reference check without saying whom",
        "assistant",
        lambda w: Sent(url("references:checks", w.client1.pk), check_form(source="")),
        beside_field("id_source"),
        "Say whom you asked",
        typed=("Paid a month late", 'value="2020-05-04"'),
    ),
    Refused(
        "a reference check dated ahead",
        "owner",
        lambda w: Sent(url("references:checks", w.client1.pk), check_form(checked_on="2999-01-01")),
        beside_field("id_checked_on"),
        "That date is still ahead",
        typed=('value="Previous VA"', "Paid a month late"),
    ),
    Refused(
        "turn off a link for references there is none of",
        "owner",
        lambda w: Sent(url("references:link-off")),
        in_section("link-h"),
        "Your link for references is already off",
    ),
    Refused(
        "ask a client again within 90 days",
        "owner",
        asked_already,
        in_section("ask-h"),
        "You asked Client A1 on",
    ),
    Refused(
        "pass a request for references on to nobody",
        "owner",
        a_reference_request,
        in_section("requests-h"),
        "Pick at least one client who agreed to be a reference.",
    ),
]

CASES += [
    Refused(
        f"a client's notice of {days} working days",
        "owner",
        lambda w, days=days: Sent(
            url("clients:client-edit", w.client1.pk),
            client_form(name="Client A1", notice_working_days=days),
        ),
        beside_field("id_notice_working_days"),
        sentence,
        typed=(f'value="{days}"', "Prefers calls on Tuesdays</textarea>"),
    )
    for days, sentence in (
        ("-1", "Give the notice as 0 to 20 working days; it cannot be below 0."),
        ("21", "Give the notice as 0 to 20 working days; more is a plan, not notice."),
        ("two", "Give the notice as a whole number of working days, such as 2."),
    )
]


# Agreements (issue 14): a template or a draft with a placeholder Tandem cannot fill, an issue
# form without its terms, a signature without consent, with an empty or mismatched name, or
# with a code that is wrong, expired or used; a file on the verify page that is no PDF.
def _sent_agreement(world: PracticeWorld) -> Any:
    from tests import agreements_flow as flow

    return flow.issue_and_send(world.client1, world.owner)


def _signing(world: PracticeWorld, *, code: str | None = None, **typed: str) -> Sent:
    from tests import agreements_flow as flow

    agreement = _sent_agreement(world)
    real = flow.new_code(agreement, world.contact1)
    data = {"consent": "on", "typed_name": "contact1", "code": code or real} | typed
    return Sent(url("agreements:sign", agreement.pk), data)


def _code_then(world: PracticeWorld, **change: Any) -> Sent:
    """A sign-in with the real code, after its row was made expired or used."""
    from tandem.agreements.models import SigningCode

    sent = _signing(world)
    SigningCode.objects.update(**change)
    return sent


ISSUE_WITHOUT_RATE = {
    "kind": "service",
    "hourly_rate": "",
    "payment_terms": "within 7 days",
    "notice_period": "30 days'",
    "start_date": "2025-02-03",
}


def _draft_edit(world: PracticeWorld) -> Sent:
    from tests import agreements_flow as flow

    draft = flow.issue(world.client1, world.owner)
    return Sent(url("agreements:edit", draft.pk), {"title": "Service", "body": "At {{ fee }}"})


CASES += [
    Refused(
        "an agreement template with an unknown placeholder",
        "owner",
        lambda w: Sent(
            url("agreements:template", "service"),
            {"title": "Service", "body": "Rate {{ hourly_fee }}"},
        ),
        beside_field("id_body"),
        "Tandem does not know the placeholder {{hourly_fee}}.",
        typed=("Rate {{ hourly_fee }}</textarea>",),
    ),
    Refused(
        "a draft agreement with an unknown placeholder",
        "owner",
        _draft_edit,
        beside_field("id_body"),
        "Tandem does not know the placeholder {{fee}}.",
        typed=("At {{ fee }}</textarea>",),
    ),
    Refused(
        "an agreement issued without an hourly rate",
        "owner",
        lambda w: Sent(
            url("agreements:client", w.client1.pk),
            ISSUE_WITHOUT_RATE,
        ),
        beside_field("id_hourly_rate"),
        "Fill in your hourly rate, with its currency.",
        typed=('value="within 7 days"',),
    ),
    Refused(
        "a signature without consent",
        "contact1",
        lambda w: _signing(w, consent=""),
        beside_field("id_consent"),
        "Tick the box to agree to sign electronically.",
        typed=('value="contact1"',),
    ),
    Refused(
        "a signature with an empty name",
        "contact1",
        lambda w: _signing(w, typed_name="  "),
        beside_field("id_typed_name"),
        "Type your full name to sign.",
    ),
    Refused(
        "a signature with someone else's name",
        "contact1",
        lambda w: _signing(w, typed_name="Somebody Else"),
        beside_field("id_typed_name"),
        "Type your full name as your account has it (contact1).",
        typed=('value="Somebody Else"',),
    ),
    Refused(
        "a signature with a wrong code",
        "contact1",
        lambda w: _signing(w, code="000000x"),
        beside_field("id_code"),
        "Type the six digits from the e-mail.",
        typed=('value="contact1"',),
    ),
    Refused(
        "a signature with an expired code",
        "contact1",
        lambda w: _code_then(w, expires_at=timezone.now() - timedelta(minutes=1)),
        beside_field("id_code"),
        "That code has expired (codes last 15 minutes). Send a new code and use it.",
    ),
    Refused(
        "a signature with a code already used",
        "contact1",
        lambda w: _code_then(w, used_at=timezone.now()),
        beside_field("id_code"),
        "That code was already used. Send a new code to sign.",
    ),
    Refused(
        "a file on the verify page that is not a PDF",
        "visitor",
        lambda w: Sent(
            url("agreements:verify"), {"document": SimpleUploadedFile("a.pdf", b"not a pdf")}
        ),
        beside_field("id_document"),
        "This file is not a PDF. Choose the agreement's PDF as Tandem gave it to you.",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_refused_input_comes_back_with_400_the_sentence_beside_it_and_what_was_typed(
    personas: Personas, case: Refused, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = personas.a
    sent = case.arrange(world)
    if case.race is not None:
        case.race(world, monkeypatch)
    http = signed_in(sender(personas, case.persona))
    headers = {"HX-Request": "true"} if case.htmx else {}
    response = getattr(http, case.method)(sent.url, sent.data, headers=headers)

    assert response.status_code == 400, f"{case.form}: {response.status_code}"
    assert case.sentence in sentence_at(response, case.beside, sent.ids)
    content = response.content.decode()
    for fragment in case.typed:
        assert fragment in content, f"{case.form}: {fragment!r} is not in the page"
    if case.htmx:
        assert "<html" not in content  # the region, not the whole page


# allauth's pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data", "says"),
    [
        (
            "/accounts/login/",
            {"login": "owner@a.example.com", "password": "not-the-password"},
            "The email address and/or password you specified are not correct.",
        ),
        (
            "/accounts/signup/",
            {
                "name": "Nia",
                "email": "nia@example.com",
                "password1": "a-long-pass-1234",
                "password2": "another-pass-9876",
            },
            "You must type the same password each time.",
        ),
        ("/accounts/password/reset/", {"email": "not an address"}, "Enter a valid email address."),
    ],
    ids=["sign in", "sign up", "password reset"],
)
def test_allauth_pages_answer_refused_input_with_400_and_keep_what_was_typed(
    personas: Personas, path: str, data: dict[str, str], says: str
) -> None:
    response = signed_in(None).post(path, data)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert says in text
    typed = data.get("login") or data.get("email")
    assert f'value="{typed}"' in text


def test_an_allauth_page_shown_without_a_mistake_is_still_200(personas: Personas) -> None:
    assert signed_in(None).get("/accounts/login/").status_code == 200


# A deadline with two readings (issue 11, part 5) -----------------------------------------------
# "next Friday" on a Wednesday is this week's Friday to some, next week's to others: every
# form that takes a deadline refuses it with both days as choices, keeping what was typed.

WEDNESDAY = "2026-12-02T10:00:00+00:00"
BOTH_FRIDAYS = (
    "“next Friday 5pm” can mean Friday 4 December (this week) or Friday 11 December "
    "(next week). Pick the one you mean."
)


def choices_offered(response: Any, name: str = "deadline") -> list[str]:
    return re.findall(rf'<button[^>]*name="{name}" value="([^"]+)"', response.content.decode())


def test_a_new_request_with_a_two_way_deadline_offers_both_and_keeps_the_rest(
    personas: Personas,
) -> None:
    world = personas.a
    data = request_form(
        deadline="next Friday 5pm", request_markdown="Forty guests", estimate_hours="2"
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        response = signed_in(world.contact1).post(url("work:task-create", world.client1.pk), data)
        assert response.status_code == 400
        assert BOTH_FRIDAYS in sentence_at(response, beside_field("id_deadline"), {})
        assert choices_offered(response) == ["Fri 4 Dec 5pm", "Fri 11 Dec 5pm"]
        content = response.content.decode()
        for typed in ('value="Call the caterer"', "A menu for 40 people</textarea>",
                      "Forty guests</textarea>", 'value="next Friday 5pm"'):  # fmt: skip
            assert typed in content
        assert not Task.objects.exists()
        # Picking a choice sends the form again with that phrase: one reading, saved.
        picked = signed_in(world.contact1).post(
            url("work:task-create", world.client1.pk), data | {"deadline": "Fri 11 Dec 5pm"}
        )
    assert picked.status_code == 302
    assert Task.objects.get().deadline_at.date().isoformat() == "2026-12-11"


def test_setting_a_deadline_with_two_readings_offers_both(personas: Personas) -> None:
    world = personas.a
    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="A signed booking",
        deadline_at=None,
        allow_missing_deadline=True,
    )
    with time_machine.travel(WEDNESDAY, tick=False):
        response = signed_in(world.contact1).post(
            url("work:task-move", task.pk), {"to": "requested", "deadline": "next Friday 5pm"}
        )
    assert response.status_code == 400
    assert BOTH_FRIDAYS in sentence_at(response, beside_field("id_requested_deadline"), {})
    assert choices_offered(response) == ["Fri 4 Dec 5pm", "Fri 11 Dec 5pm"]
    assert 'value="next Friday 5pm"' in response.content.decode()
    task.refresh_from_db()
    assert task.deadline_at is None


def test_the_live_preview_offers_both_readings(personas: Personas) -> None:
    world = personas.a
    preview = url("work:deadline-preview", world.client1.pk)
    with time_machine.travel(WEDNESDAY, tick=False):
        response = signed_in(world.contact1).get(
            preview, {"deadline": "next Friday 5pm"}, headers={"HX-Request": "true"}
        )
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert BOTH_FRIDAYS in text
    assert choices_offered(response) == ["Fri 4 Dec 5pm", "Fri 11 Dec 5pm"]


# Heads-ups (issue 12, planning): "Tell us what's coming", and the practice's buttons. -------


def heads_up_form(world: PracticeWorld, **overrides: str) -> Sent:
    data = {
        "client": str(world.client1.pk),
        "what": "Spring newsletter",
        "details": "Four pages",
        "hours": "3",
        "size": "",
        "waiting_until": "",
        "deadline": "in 10 days",
        "repeats": "no",
    }
    return Sent(url("planning:heads-up-add"), data | overrides)


def a_heads_up(world: PracticeWorld) -> Any:
    from decimal import Decimal

    from tandem.planning.headsups import give_heads_up, size_of

    return give_heads_up(
        world.client1,
        actor=world.contact1,
        what="Spring newsletter",
        size=size_of(practice_id=world.practice.pk, hours=Decimal(3), letter=""),
        due_at=timezone.now() + timedelta(days=5),
    )


def withdrawn_heads_up(world: PracticeWorld, view: str) -> Sent:
    from tandem.planning.headsups import withdraw_heads_up

    heads_up = a_heads_up(world)
    withdraw_heads_up(heads_up, actor=world.contact1)
    return Sent(url(view, heads_up.pk), ids={"heads_up": heads_up.pk})


def decline_sent(world: PracticeWorld, **data: str) -> Sent:
    heads_up = a_heads_up(world)
    return Sent(url("planning:heads-up-decline", heads_up.pk), data, ids={"heads_up": heads_up.pk})


HEADS_UP_ROW = r'region:id="heads-up-{heads_up}"(.*?)</li>'
TYPED_HEADS_UP = ('value="Spring newsletter"', "Four pages</textarea>")

CASES += [
    Refused(
        "give a heads-up (nothing said)",
        "contact1",
        lambda w: heads_up_form(w, what="  "),
        beside_field("id_what"),
        "Say what is coming, such as “the spring newsletter”.",
        typed=("Four pages</textarea>", 'value="in 10 days"'),
    ),
    Refused(
        "give a heads-up (due in the past)",
        "contact1",
        lambda w: heads_up_form(w, deadline="2020-01-01 10:00"),
        beside_field("id_deadline"),
        "which has already passed. Write a time that is still ahead",
        typed=(*TYPED_HEADS_UP, 'value="2020-01-01 10:00"'),
    ),
    Refused(
        "give a heads-up (materials after it is due)",
        "contact1",
        lambda w: heads_up_form(w, deadline="in 3 days", waiting_until="in 10 days"),
        beside_field("id_waiting_until"),
        "The materials would arrive after it must be done",
        typed=(*TYPED_HEADS_UP, 'value="in 3 days"', 'value="in 10 days"'),
    ),
    Refused(
        "give a heads-up (zero hours)",
        "contact1",
        lambda w: heads_up_form(w, hours="0"),
        beside_field("id_hours"),
        "Give it some time: more than 0 hours, or pick small, medium or large.",
        typed=(*TYPED_HEADS_UP, 'value="0"'),
    ),
    Refused(
        "give a heads-up (negative hours)",
        "assistant",
        lambda w: heads_up_form(w, hours="-4"),
        beside_field("id_hours"),
        "Give it some time: more than 0 hours",
        typed=(*TYPED_HEADS_UP, 'value="-4"'),
    ),
    Refused(
        "give a heads-up (absurd hours)",
        "owner",
        lambda w: heads_up_form(w, hours="5000"),
        beside_field("id_hours"),
        "That is more than 200 hours: split it into smaller heads-ups",
        typed=(*TYPED_HEADS_UP, 'value="5000"'),
    ),
    Refused(
        "give a heads-up (no size at all)",
        "contact1",
        lambda w: heads_up_form(w, hours=""),
        beside_field("id_hours"),
        "Say roughly how big it is: a number of hours, or small, medium or large.",
        typed=TYPED_HEADS_UP,
    ),
    Refused(
        "give a heads-up (hours that are not a number)",
        "contact1",
        lambda w: heads_up_form(w, hours="a few"),
        beside_field("id_hours"),
        "Write the hours as a number, such as 3 or 1.5.",
        typed=(*TYPED_HEADS_UP, 'value="a few"'),
    ),
    Refused(
        "confirm a heads-up (withdrawn a moment before)",
        "assistant",
        lambda w: withdrawn_heads_up(w, "planning:heads-up-confirm"),
        HEADS_UP_ROW,
        "withdrew this heads-up on",
    ),
    Refused(
        "make a request of a heads-up (withdrawn a moment before)",
        "owner",
        lambda w: withdrawn_heads_up(w, "planning:heads-up-to-request"),
        HEADS_UP_ROW,
        "withdrew this heads-up on",
    ),
    Refused(
        "decline a heads-up (no reason)",
        "assistant",
        lambda w: decline_sent(w, reason=" "),
        "field:id_decline_{heads_up}_reason",
        "Say why you are declining it, so the client knows what to do instead.",
    ),
]


# The credential vault (issue 14). A secret typed into a refused form is not sent back (the
# form says to type it again); everything else is kept.
def a_credential(world: PracticeWorld) -> Any:
    from tandem.vault import credentials

    return credentials.store_credential(
        world.client1,
        actor=world.contact1,
        name="Mailchimp",
        secrets=credentials.Secrets(password="Zebra-Quartz-7731"),
        named=[world.assistant],
    )


def credential_form(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Mailchimp",
        "url": "https://mailchimp.com",
        "username": "news@client",
        "password": "Zebra-Quartz-7731",
        "minimum_phase": "1",
        **changes,
    }


CASES += [
    Refused(
        "store a credential with a web address that is not one",
        "contact1",
        lambda w: Sent(url("vault:credential-add", w.client1.pk), credential_form(url="not a url")),
        beside_field("id_url"),
        "Give the service's web address starting with https://",
        typed=('value="news@client"', 'value="Mailchimp"'),
    ),
    Refused(
        "store a credential without a password or TOTP seed",
        "contact1",
        lambda w: Sent(url("vault:credential-add", w.client1.pk), credential_form(password="")),
        beside_field("id_password"),
        "Give the password or a TOTP seed (or both)",
        typed=('value="news@client"',),
    ),
    Refused(
        "store a credential with a TOTP seed that is not one",
        "contact1",
        lambda w: Sent(
            url("vault:credential-add", w.client1.pk), credential_form(totp_seed="hello!")
        ),
        beside_field("id_totp_seed"),
        "This is not a TOTP seed",
        typed=('value="Mailchimp"', "type them again"),
    ),
    Refused(
        "reveal without a reason",
        "assistant",
        lambda w: Sent(
            url("vault:credential-reveal", a_credential(w).pk), {"reason": "", "password": PASSWORD}
        ),
        beside_field("id_reason"),
        "Say why you need it",
    ),
    Refused(
        "reveal with a wrong password",
        "assistant",
        lambda w: Sent(
            url("vault:credential-reveal", a_credential(w).pk),
            {"reason": "The newsletter", "password": "guess"},
        ),
        beside_field("id_password"),
        "That is not your password.",
        typed=('value="The newsletter"',),
    ),
    Refused(
        "reveal without being named on it",
        "owner",
        lambda w: Sent(
            url("vault:credential-reveal", a_credential(w).pk),
            {"reason": "The newsletter", "password": PASSWORD},
        ),
        in_section("reveal-h"),
        "Client A1 has not shared this credential with you.",
    ),
    Refused(
        "revoke someone not named on it",
        "contact1",
        lambda w: Sent(
            url("vault:credential-revoke", a_credential(w).pk), {"person": str(w.owner.pk)}
        ),
        in_section("access-h"),
        "Pick someone named on it.",
    ),
    Refused(
        "a share link without a secret",
        "contact1",
        lambda w: Sent(
            url("vault:share-new", w.client1.pk), {"label": "Wi-Fi", "secret": "", "lifetime": "1d"}
        ),
        beside_field("id_secret"),
        "Type or paste the secret to send.",
        typed=('value="Wi-Fi"',),
    ),
    Refused(
        "a share link for longer than a week",
        "contact1",
        lambda w: Sent(
            url("vault:share-new", w.client1.pk),
            {"label": "Wi-Fi", "secret": "w1f1", "lifetime": "30d"},
        ),
        beside_field("id_lifetime"),
        "Pick how long the link works",
        typed=('value="Wi-Fi"', "type them again"),
    ),
]
