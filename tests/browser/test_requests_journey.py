"""A request from start to work under way, in a real browser.

A client's contact writes a request with a deadline in words: "ASAP" is refused with three
one-click choices, "Friday 5pm" is shown back as the date and time it will be saved
as, a file is uploaded with a progress bar, and the request is sent. The assigned assistant,
in another browser, accepts it from the Inbox and starts work; the contact reloads their
task page and sees the new status and who did what when, without asking anyone.

The clock is fixed (time-machine, ticking) for the live server, which runs in this process,
so the resolved deadline can be checked against a concrete date. The fixed day is in
British Summer Time, so a wrong zone shows up as an hour's difference.

Every page visited is photographed at desktop and phone width under
var/test-output/browser/ and checked with axe (see conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work import services
from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus

from ..conftest import join
from .conftest import Tour, london_practice_owner, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning in summer time (UTC+1). "Friday 5pm" is two days later
# ("next Friday" would have two readings).
NOW = datetime(2030, 6, 12, 9, 30, tzinfo=LONDON)
NEXT_FRIDAY = "Due Friday 14 June, 17:00"
ASAP_REFUSAL = "“ASAP” means something different to everyone, so it cannot be a deadline."
# The practice closes at 17:30 on weekdays: today is still open, tomorrow, three days on.
CHOICES = ["End of today", "Tomorrow 5:30pm", "In 3 working days"]
TITLE = "Update the summer price list"


@dataclass
class Team:
    client: Client
    contact: User
    assistant: User


@pytest.fixture
def team(clock: None) -> Team:
    """A London practice and client, with an assistant assigned and one contact."""
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florists", time_zone="Europe/London")
    assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=assistant, actor=owner)
    contact = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    # Both read times in London, as the client's deadline is written.
    User.objects.filter(pk__in=[assistant.pk, contact.pk]).update(time_zone="Europe/London")
    return Team(client=client, contact=contact, assistant=assistant)


def preview(page: Page) -> Locator:
    return page.locator("#id_deadline_preview")


def expect_refusal_with_choices(region: Locator) -> None:
    expect(region.get_by_text(ASAP_REFUSAL)).to_be_visible()
    choices = region.get_by_role("group", name="Pick a deadline").get_by_role("button")
    expect(choices).to_have_text(CHOICES)


def watch_progress(page: Page) -> None:
    """Notes the upload's progress bar as it fills: upload.js removes it once the file is in.

    A progress element's ``value`` property is reflected in its attribute, so an observer
    sees every step. (Playwright's evaluate is not page script: the CSP does not apply.)
    """
    page.evaluate(
        """() => {
          window.progressSeen = {label: null, max: -1};
          const list = document.querySelector("[data-upload-list]");
          new MutationObserver((records) => {
            for (const record of records) {
              const bars = record.type === "attributes" ? [record.target]
                : [...record.addedNodes].flatMap((node) =>
                    node.querySelectorAll ? [...node.querySelectorAll("progress")] : []);
              for (const bar of bars) {
                if (bar.tagName !== "PROGRESS") continue;
                window.progressSeen.label = bar.getAttribute("aria-label");
                window.progressSeen.max = Math.max(window.progressSeen.max, bar.value);
              }
            }
          }).observe(list, {childList: true, subtree: true, attributes: true,
                            attributeFilter: ["value"]});
        }"""
    )


def test_contact_sends_a_request_and_sees_it_accepted_and_started(
    tour: Tour, team: Team, media: Path
) -> None:
    # The contact signs in, lands on the portal and opens "New request".
    contact = tour.page_as(team.contact.email)
    expect(contact).to_have_url(re.compile(r"/portal/$"))
    contact.get_by_role("link", name="New request").click()
    expect(contact.get_by_role("heading", name="New request")).to_be_visible()
    expect(contact.get_by_text("Deadlines are read in London time.")).to_be_visible()
    tour.check(contact, "request-new")

    contact.get_by_label("Title").fill(TITLE)
    contact.get_by_label("Request", exact=True).fill("New prices from **July**: see the file.")
    contact.get_by_label("What done looks like").fill("The price list on the website is updated.")

    # "ASAP" is refused as it is typed, with three deadlines to pick from.
    deadline = contact.get_by_role("textbox", name="Deadline")
    deadline.fill("ASAP")
    expect_refusal_with_choices(preview(contact))
    tour.check(contact, "request-new-asap-preview")

    # Sent anyway, the form comes back with the same sentence, the choices and the text kept.
    contact.get_by_role("button", name="Send request").last.click()
    expect(deadline).to_have_attribute("aria-invalid", "true")
    expect_refusal_with_choices(contact.locator("form"))
    expect(contact.get_by_label("Title")).to_have_value(TITLE)
    assert not Task.objects.exists()
    tour.check(contact, "request-new-asap-refused")

    # A date and time can be picked instead: it goes into the phrase box and is read back.
    contact.get_by_label("or pick a date and time").fill("2030-06-20T15:00")
    expect(deadline).to_have_value("2030-06-20 15:00")
    expect(preview(contact)).to_contain_text("Due Thursday 20 June, 15:00")
    # Years ahead, with nothing else planned: enough notice, and it fits (issue 12).
    expect(preview(contact)).to_contain_text("That gives enough notice, and it fits.")

    # "Friday 5pm" is shown back as the concrete date and time before saving.
    deadline.fill("Friday 5pm")
    expect(preview(contact)).to_contain_text(NEXT_FRIDAY)
    expect(preview(contact).get_by_role("group", name="Pick a deadline")).to_have_count(0)

    # A file is uploaded at once, with a progress bar, and listed ready to send.
    watch_progress(contact)
    contact.get_by_label("Files").set_input_files(
        {"name": "prices-2030.csv", "mimeType": "text/csv", "buffer": b"rose,4.50\ntulip,3.20\n"}
    )
    uploaded = contact.locator("[data-upload-list] li").filter(has_text="prices-2030.csv")
    expect(uploaded).to_have_class(re.compile(r"\bdone\b"))
    expect(uploaded).to_contain_text("ready to send")
    # A chip: the name, its size and a button that takes it off again.
    expect(uploaded.get_by_role("button", name="Remove prices-2030.csv")).to_be_visible()
    expect(uploaded.locator("progress")).to_have_count(0)
    assert contact.evaluate("window.progressSeen") == {
        "label": "Uploading prices-2030.csv",
        "max": 100,
    }
    tour.check(contact, "request-new-ready")

    contact.get_by_role("button", name="Send request").last.click()
    expect(contact.get_by_role("heading", name=TITLE)).to_be_visible()
    task = Task.objects.get()
    assert task.status == TaskStatus.REQUESTED
    assert task.deadline_at == datetime(2030, 6, 14, 17, tzinfo=LONDON)
    # On the client's clock, which is the contact's: no zone named.
    about = contact.get_by_role("complementary", name="About this request")
    expect(about).to_contain_text("Friday 14 June 2030, 17:00")
    expect(about).not_to_contain_text("Europe/London")
    files = contact.get_by_role("region", name="Files")
    expect(files.get_by_role("link", name="prices-2030.csv")).to_be_visible()
    tour.check(contact, "request-sent")

    # The assistant, in their own browser, finds it in the Inbox and accepts it in place.
    assistant = tour.page_as(team.assistant.email)
    assistant.goto(reverse("work:inbox"))
    row = assistant.locator(f"#inbox-task-{task.pk}")
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
    expect(row).to_contain_text("Bloom Florists · from Chloe Contact")
    expect(row).to_contain_text("Due Fri 14 Jun 2030, 17:00")
    tour.check(assistant, "inbox")
    inbox_url = assistant.url
    row.get_by_role("button", name=f"Accept “{TITLE}”").click()
    expect(row.get_by_role("status")).to_contain_text("Accepted")
    assert assistant.url == inbox_url  # accepted in place, no page load
    # The keyboard's place stays on the row: its link has the focus.
    expect(row.get_by_role("link", name="Open the task")).to_be_focused()
    tour.check(assistant, "inbox-accepted")

    # ... opens the task and starts work.
    row.get_by_role("link", name="Open the task").click()
    expect(assistant.get_by_role("heading", name=TITLE)).to_be_visible()
    tour.check(assistant, "task-accepted-assistant")
    assistant.get_by_role("button", name="Start work").click()
    expect(assistant.get_by_text("Moved to “In progress”.")).to_be_visible()
    tour.check(assistant, "task-in-progress-assistant")

    # The contact reloads their page: the new status, where it is on the way to done, and
    # who did what, when, in the conversation.
    contact.reload()
    expect(contact.get_by_role("heading", name=TITLE)).to_contain_text("In progress")
    progress = contact.get_by_role("list", name="Progress")
    expect(progress.locator('[aria-current="step"]')).to_contain_text("In progress")
    expect(contact.get_by_role("region", name="Next step")).to_contain_text(
        "Ada Assistant is working on it; it is due Friday 14 Jun, 17:00."
    )
    conversation = contact.get_by_role("region", name="Conversation")
    timeline = conversation.locator("ol.entries > li.entry")
    # Accepting an unassigned request gives it to the assistant who accepted it.
    expect(timeline).to_have_count(4)
    today = re.compile(r"^Chloe Contact · Wed 12 Jun, (09|1\d):\d\d$")
    expect(timeline.nth(0).locator(".event-who")).to_have_text(today)
    expect(timeline.nth(0)).to_contain_text("Created the request (requested).")
    expect(timeline.nth(1)).to_contain_text("Ada Assistant")
    expect(timeline.nth(1)).to_contain_text("Moved it from “Requested” to “Accepted”.")
    expect(timeline.nth(2)).to_contain_text("Ada Assistant")
    expect(timeline.nth(2)).to_contain_text("Took it on.")
    expect(timeline.nth(3)).to_contain_text("Ada Assistant")
    expect(timeline.nth(3)).to_contain_text("Moved it from “Accepted” to “In progress”.")
    for entry in range(4):
        expect(timeline.nth(entry).locator("time")).to_have_attribute(
            "datetime", re.compile(r"^2030-06-12T")
        )
    tour.check(contact, "task-in-progress-contact")

    problems = without_expected_refusals(tour.problems, [("/requests/new/", 400)])
    assert not problems, "\n".join(problems)


def test_portal_lists_the_request_with_its_status(tour: Tour, team: Team) -> None:
    task = services.create_task(
        team.client,
        actor=team.contact,
        title=TITLE,
        expectations="The price list is updated.",
        deadline_at=datetime(2030, 6, 14, 17, tzinfo=LONDON),
    )
    for status in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        services.move_task(task, to=status, actor=team.assistant)
    task_path = reverse("work:task-detail", args=[task.pk])

    contact = tour.page_as(team.contact.email)
    expect(contact).to_have_url(re.compile(r"/portal/$"))
    under_way = contact.get_by_role("region", name=re.compile(r"^With your assistant"))
    item = under_way.get_by_role("listitem").filter(has_text=TITLE)
    expect(item.get_by_role("link", name=TITLE)).to_have_attribute("href", task_path)
    expect(item).to_contain_text("Fri 14 Jun, 17:00")
    tour.check(contact, "portal-with-request")

    # "Requests" in the menu: every request of theirs, with its status and deadline.
    nav = contact.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Requests").click()
    expect(contact).to_have_url(re.compile(re.escape(reverse("work:request-list")) + "$"))
    table = contact.get_by_role("table", name="Requests")
    row = table.get_by_role("row").filter(has=contact.get_by_role("link", name=TITLE))
    expect(row.get_by_role("link", name=TITLE)).to_have_attribute("href", task_path)
    expect(row.get_by_role("cell", name="In progress", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="Fri 14 Jun 2030, 17:00")).to_be_visible()
    tour.check(contact, "request-list-contact")

    row.get_by_role("link", name=TITLE).click()
    expect(contact.get_by_role("heading", name=TITLE)).to_contain_text("In progress")

    # The board from the portal's top line: a card in a column past the page's right edge
    # scrolls with the columns, and does not widen the whole page.
    delivered = services.create_task(
        team.client,
        actor=team.contact,
        title="Send the summer newsletter",
        expectations="The newsletter is in every subscriber's inbox.",
        deadline_at=datetime(2030, 6, 13, 12, tzinfo=LONDON),
    )
    for status in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        services.move_task(delivered, to=status, actor=team.assistant)
    deliver_task(delivered, actor=team.assistant, message="The newsletter is ready to send.")
    contact.goto(reverse("home:portal-home"))
    contact.get_by_role("link", name="see them on a board by status").click()
    expect(contact.get_by_role("heading", name="Delivered for review")).to_be_visible()
    tour.check(contact, "board-contact")

    assert not tour.problems, "\n".join(tour.problems)
