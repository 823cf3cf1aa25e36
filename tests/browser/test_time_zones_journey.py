"""Everyone in their own time (issue 11, parts 5 and 11), in a real browser.

A London practice works for a New York client. The client's contact accepts their
invitation and so reads times in New York. On a Wednesday they write "next Friday 5pm":
the form does not guess which Friday, it offers both; sending the phrase as it is comes back
(400) with the two choices and everything typed. They pick this week's Friday, which fills
the field (the preview confirms it), and send. The portal and the task page show 17:00 with
no zone, as it is their own. The assistant, in London,
sees the same deadline as "17:00 New York time (22:00 your time)". The owner finds the
client's phone, website and address on its page, and the request flagged once it is late.

The clock is fixed (time-machine, ticking) for the live server, which runs in this process.
Every page visited is photographed at desktop and phone width under
var/test-output/browser/ and checked with axe (see conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients import invitations
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work.models import Task

from ..conftest import PASSWORD, join
from .conftest import Tour, london_practice_owner, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday morning in New York (15:00 in London): "next Friday" has two readings.
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK)
TITLE = "Book the January retreat venue"
BOTH_FRIDAYS = (
    "“next Friday 5pm” can mean Friday 4 December (this week) or Friday 11 December "
    "(next week). Pick the one you mean."
)


@dataclass
class Team:
    owner: User
    client: Client
    assistant: User
    invitation_url: str


@pytest.fixture
def team(clock: None) -> Team:
    owner = london_practice_owner()
    client = create_client(
        actor=owner,
        name="Summit Coaching",
        time_zone="America/New_York",
        phone="+1 212 555 0148",
        address="350 Fifth Avenue\nNew York, NY 10118",
        website="https://summit.example.com",
    )
    # The assistant joins the London practice: their clock is London's.
    assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Brooks")
    assign_assistant(client, assistant=assistant, actor=owner)
    invitation = invitations.invite(
        actor=owner, email="marcus@summit.example.com", role=Role.CONTACT, client=client
    )
    return Team(owner, client, assistant, f"/invite/{invitations.make_token(invitation)}/")


def test_a_new_york_contact_reads_their_own_time_and_the_london_va_sees_new_york_marked(
    tour: Tour, team: Team
) -> None:
    # The contact accepts the invitation: their account reads times in New York.
    contact = tour.new_page()
    contact.goto(team.invitation_url)
    contact.get_by_label("Your name").fill("Marcus Reed")
    contact.get_by_label("Choose a password").fill(PASSWORD)
    contact.get_by_label("Type it again").fill(PASSWORD)
    contact.get_by_role("button", name="Accept invitation").click()
    expect(contact).to_have_url(re.compile(r"/portal/$"))
    assert User.objects.get(email="marcus@summit.example.com").time_zone == "America/New_York"

    # "next Friday 5pm" on a Wednesday: the preview offers both Fridays, picking neither.
    contact.get_by_role("link", name="New request").first.click()
    expect(contact.get_by_text("Deadlines are read in New York time.")).to_be_visible()
    contact.get_by_label("Title").fill(TITLE)
    contact.get_by_label("What done looks like").fill("A venue for 12 people, booked and paid.")
    deadline = contact.get_by_role("textbox", name="Deadline")
    deadline.fill("next Friday 5pm")
    preview = contact.locator("#id_deadline_preview")
    expect(preview.get_by_text(BOTH_FRIDAYS)).to_be_visible()
    choices = preview.get_by_role("group", name="Pick a deadline").get_by_role("button")
    expect(choices).to_have_text(["Fri 4 Dec 5pm", "Fri 11 Dec 5pm"])
    tour.check(contact, "zones-two-fridays-offered")

    # Sending it anyway: 400, the sentence and both choices beside the field, nothing lost.
    with contact.expect_response(lambda r: r.request.method == "POST") as sent:
        contact.get_by_role("button", name="Send request").last.click()
    assert sent.value.status == 400
    expect(contact.get_by_label("Title")).to_have_value(TITLE)
    expect(deadline).to_have_value("next Friday 5pm")
    expect(preview.get_by_text(BOTH_FRIDAYS)).to_be_visible()
    assert not Task.objects.exists()
    tour.check(contact, "zones-two-fridays-refused")

    # They mean this week's: one click puts that Friday in the field, the preview confirms it
    # (nothing is sent yet), and they send the request.
    preview.get_by_role("button", name="Fri 4 Dec 5pm").click()
    expect(deadline).to_have_value("Fri 4 Dec 5pm")
    expect(deadline).to_be_focused()
    expect(preview).to_contain_text("Due Friday 4 December, 17:00")
    assert not Task.objects.exists()
    contact.get_by_role("button", name="Send request").last.click()
    expect(contact.get_by_role("heading", name=TITLE)).to_be_visible()
    task = Task.objects.get()
    assert task.deadline_at == datetime(2026, 12, 4, 17, tzinfo=NEW_YORK)
    # Their own zone: 17:00, with no zone named.
    header = contact.get_by_role("complementary", name="About this request")
    expect(header).to_contain_text("Friday 4 December 2026, 17:00")
    expect(header).not_to_contain_text("your time")
    expect(header).not_to_contain_text("New York")
    tour.check(contact, "zones-task-contact")

    contact.goto(reverse("home:portal-home"))
    row = contact.get_by_role("region", name="With your assistant").get_by_role("listitem")
    expect(row).to_contain_text("due Fri 4 Dec, 17:00")
    expect(row).not_to_contain_text("your time")
    tour.check(contact, "zones-portal-contact")

    # The assistant in London: the client's 17:00 named as New York's, and their own 22:00.
    assistant = tour.page_as(team.assistant.email)
    assistant.goto(reverse("work:task-detail", args=[task.pk]))
    header = assistant.get_by_role("complementary", name="About this request")
    expect(header).to_contain_text("Friday 4 December 2026, 17:00 New York time (22:00 your time)")
    expect(assistant.get_by_role("region", name="Next step")).to_contain_text(
        "Friday 4 Dec, 17:00 New York time (22:00 your time)"
    )
    tour.check(assistant, "zones-task-assistant")

    # The owner's page of the client: how to reach them, and later, what is late.
    owner = tour.page_as(team.owner.email)
    owner.goto(reverse("home:client-detail", args=[team.client.pk]))
    details = owner.get_by_role("region", name="Contact details")
    expect(details.get_by_role("link", name="+1 212 555 0148")).to_have_attribute(
        "href", "tel:+12125550148"
    )
    expect(details.get_by_role("link", name=re.compile("summit.example.com"))).to_have_attribute(
        "href", "https://summit.example.com"
    )
    expect(owner.get_by_text("Nothing is overdue or waiting on the client.")).to_be_visible()
    tour.check(owner, "zones-client-page")

    # The owner makes Marcus the main contact; a website that is not one is refused first.
    owner.get_by_role("link", name="Edit").click()
    owner.get_by_label("Main contact").select_option(label="Marcus Reed")
    owner.get_by_label("Website (optional)").fill("ftp://files.summit.example.com")
    owner.get_by_role("button", name="Save changes").click()
    expect(
        owner.get_by_text("Enter the website's address, such as https://example.com.")
    ).to_be_visible()
    expect(owner.get_by_label("Phone (optional)")).to_have_value("+1 212 555 0148")
    tour.check(owner, "zones-client-form-refused")
    owner.get_by_label("Website (optional)").fill("summit.example.com")
    owner.get_by_role("button", name="Save changes").click()
    contacts = owner.get_by_role("region", name="Contacts")
    expect(contacts.get_by_role("listitem").first).to_contain_text("Marcus Reed Main contact")
    details = owner.get_by_role("region", name="Contact details")
    expect(details.get_by_role("definition").first).to_contain_text("Marcus Reed")
    expect(details.get_by_role("link", name="marcus@summit.example.com")).to_be_visible()

    Task.objects.filter(pk=task.pk).update(deadline_at=NOW - timedelta(hours=2))
    owner.reload()
    flags = owner.get_by_role("region", name="Needs attention")
    expect(flags).to_contain_text("1 overdue")
    expect(flags.get_by_role("link", name=TITLE)).to_be_visible()
    tour.check(owner, "zones-client-page-flagged")

    refused = [("/requests/new/", 400), ("/edit/", 400)]
    problems = without_expected_refusals(tour.problems, refused)
    assert not problems, "\n".join(problems)
