"""Changing a request after it is sent, in a real browser.

A client's contact opens their request before the practice has accepted it, changes its
title and deadline on the edit page (a deadline the resolver refuses comes back beside the
field with the new title still typed), saves, and reads on the timeline what changed, the
deadline in their own time zone. The assistant then gives the request to a colleague from
the task page's reassign form, accepts it for them, and the contact can no longer edit it:
the edit page says why and what to do instead.

Every page is photographed at desktop and phone width under var/test-output/browser/ and
checked with axe (see conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work import services
from tandem.work.attachments import link_uploads, store_attachment
from tandem.work.models import Task, TaskStatus
from tandem.work.workflow import ACCEPTED_ALREADY

from ..conftest import join
from .conftest import Tour, london_practice_owner, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning in December (London is on UTC).
NOW = datetime(2030, 12, 4, 9, 30, tzinfo=LONDON)
FRIDAY_5PM = datetime(2030, 12, 6, 17, 0, tzinfo=LONDON)
MONDAY_NOON = datetime(2030, 12, 9, 12, 0, tzinfo=LONDON)
TITLE = "Update the winter price list"
NEW_TITLE = "Update the winter and spring price lists"


@dataclass
class Team:
    contact: User
    ada: User
    ben: User
    task: Task


@pytest.fixture
def team(clock: None, media: Path) -> Team:
    """A London practice and client with two assistants, and a request from its contact
    that Ada has been given but nobody has accepted yet."""
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florists", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    ben = join(owner, "ben@northwind.example.com", role=Role.ASSISTANT, name="Ben Assistant")
    for assistant in (ada, ben):
        assign_assistant(client, assistant=assistant, actor=owner)
    contact = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, ben.pk, contact.pk]).update(time_zone="Europe/London")
    task = services.create_task(
        client,
        actor=contact,
        title=TITLE,
        request_markdown="New prices from **January**.",
        expectations="The price list on the website is updated.",
        deadline_at=FRIDAY_5PM,
    )
    brief = store_attachment(
        client=client, uploaded_by=contact, name="prices-2030.csv", content=b"rose,4.50\n"
    )
    link_uploads([brief.pk], actor=contact, task=task)
    services.assign_task(task, actor=owner, assignee=ada)
    return Team(contact=contact, ada=ada, ben=ben, task=task)


def test_contact_edits_a_request_and_the_assistant_gives_it_to_a_colleague(
    tour: Tour, team: Team
) -> None:
    task_url = f"/tasks/{team.task.pk}/"
    edit_url = f"/tasks/{team.task.pk}/edit/"

    # The contact opens their request and chooses "Edit request".
    contact = tour.page_as(team.contact.email)
    contact.goto(task_url)
    contact.get_by_role("link", name="Edit request").click()
    expect(contact.get_by_role("heading", name="Edit request")).to_be_visible()
    # The current values are filled in; the deadline as a phrase the resolver reads back.
    expect(contact.get_by_label("Title")).to_have_value(TITLE)
    deadline = contact.get_by_role("textbox", name="Deadline")
    expect(deadline).to_have_value("Fri 6 Dec 17:00")
    # A client does not set the practice's priority or estimate.
    expect(contact.get_by_label("Priority")).to_have_count(0)
    tour.check(contact, "task-edit")

    # A deadline the resolver refuses comes back beside the field; the new title is kept.
    contact.get_by_label("Title").fill(NEW_TITLE)
    deadline.fill("ASAP")
    contact.get_by_role("button", name="Save changes").last.click()
    expect(deadline).to_have_attribute("aria-invalid", "true")
    expect(contact.locator("#id_deadline_preview")).to_contain_text(
        "“ASAP” means something different to everyone"
    )
    expect(contact.get_by_label("Title")).to_have_value(NEW_TITLE)
    assert Task.objects.get().title == TITLE
    tour.check(contact, "task-edit-refused")

    # A real deadline is read back before saving; saved, the timeline says what changed.
    deadline.fill("Mon 9 Dec 12:00")
    expect(contact.locator("#id_deadline_preview")).to_contain_text("Monday 9 December, 12:00")
    contact.get_by_role("button", name="Save changes").last.click()
    expect(contact.get_by_text("Saved your changes.")).to_be_visible()
    expect(contact.get_by_role("heading", name=NEW_TITLE)).to_be_visible()
    task = Task.objects.get()
    assert (task.title, task.deadline_at) == (NEW_TITLE, MONDAY_NOON)
    timeline = contact.get_by_role("region", name="Conversation").locator("ol.entries > li")
    expect(timeline.last).to_contain_text("Chloe Contact")
    expect(timeline.last).to_contain_text(
        f"Changed the title from “{TITLE}” to “{NEW_TITLE}” and moved the deadline "
        "from Fri 6 Dec 17:00 to Mon 9 Dec 12:00."
    )
    tour.check(contact, "task-edited-contact")

    # Ada, in her own browser, gives the request to Ben from the task page.
    ada = tour.page_as(team.ada.email)
    ada.goto(task_url)
    reassign = ada.get_by_role("region", name="Who works on it")
    expect(reassign.get_by_label("Assignee")).to_have_value(str(team.ada.pk))
    tour.check(ada, "task-reassign")
    reassign.get_by_label("Assignee").select_option(label="Ben Assistant")
    reassign.get_by_role("button", name="Reassign").click()
    expect(ada.get_by_text("Ben Assistant works on it now.")).to_be_visible()
    ada_timeline = ada.get_by_role("region", name="Conversation").locator("ol.entries > li")
    expect(ada_timeline.last).to_contain_text("Reassigned it from Ada Assistant to Ben Assistant.")
    assert Task.objects.get().assignee == team.ben
    tour.check(ada, "task-reassigned")

    # The practice may change every part, its priority and estimate too, and its files.
    ada.get_by_role("link", name="Edit request").click()
    expect(ada.get_by_label("Priority")).to_have_value("normal")
    expect(ada.get_by_role("checkbox", name="prices-2030.csv")).not_to_be_checked()
    tour.check(ada, "task-edit-practice")
    ada.get_by_role("link", name="Cancel").click()

    # Once the practice accepts it, the contact is told why they cannot edit it any more.
    ada.get_by_role("button", name="Accept", exact=True).click()
    expect(ada.get_by_text("Moved to “Accepted”.")).to_be_visible()
    assert Task.objects.get().status == TaskStatus.ACCEPTED
    contact.goto(task_url)
    expect(contact.get_by_role("link", name="Edit request")).to_have_count(0)
    contact.goto(edit_url)
    expect(contact.get_by_role("alert")).to_have_text(ACCEPTED_ALREADY)
    tour.check(contact, "task-edit-after-acceptance")

    assert without_expected_refusals(tour.problems, [(edit_url, 400), (edit_url, 403)]) == []
