"""The VA's notifications, in a real browser (issue 11, parts 4 and 6).

Two days ago a client's contact sent two requests, and commented twice on the first; the
practice promised an answer within one working day and nobody has given one. The assistant
signs in: the dashboard flags both as "No answer yet", the bell says two requests have news,
the list shows one entry per request (the busy one "and 2 more updates"). Opening a request
from the list reads its news, and the bell goes down to one.

Every page visited is photographed at desktop and phone width under
var/test-output/browser/ and checked with axe (see conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work.models import Task
from tandem.work.services import add_comment, add_watcher, create_task

from ..conftest import join
from ..reactions import react_now
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
# Friday morning; the requests came on Wednesday morning, promised by Thursday's close.
NOW = datetime(2030, 6, 14, 10, 0, tzinfo=LONDON)
SENT = NOW - timedelta(days=2)


@dataclass
class Requests:
    assistant: User
    busy: Task
    quiet: Task


@pytest.fixture
def requests(clock: None) -> Requests:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florists", time_zone="Europe/London")
    assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Brooks")
    assign_assistant(client, assistant=assistant, actor=owner)
    contact = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[assistant.pk, contact.pk]).update(time_zone="Europe/London")
    with time_machine.travel(SENT, tick=False):
        busy = create_task(
            client,
            actor=contact,
            title="Update the summer price list",
            expectations="The website shows the new prices.",
            deadline_at=NOW + timedelta(days=5),
        )
        quiet = create_task(
            client,
            actor=contact,
            title="Order a banner for the shop window",
            expectations="A banner proof to approve.",
            deadline_at=NOW + timedelta(days=12),
        )
    # The assistant follows the price list (watching is not answering).
    add_watcher(busy, actor=assistant, user=assistant)
    with time_machine.travel(SENT + timedelta(hours=3), tick=False):
        add_comment(busy, actor=contact, body_markdown="The rose prices go up by 10%.")
        add_comment(busy, actor=contact, body_markdown="And tulips are now **3.50**.")
    react_now()
    return Requests(assistant=assistant, busy=busy, quiet=quiet)


def bell_count(page: Page) -> str:
    return page.locator(".bell .bell-count").inner_text().split()[0]


def test_the_va_opens_a_request_from_the_bell_and_the_badge_goes_down(
    tour: Tour, requests: Requests
) -> None:
    page = tour.page_as(requests.assistant.email)

    # The dashboard flags both requests: the client was promised an answer by Thursday.
    flagged = page.get_by_role("region", name=re.compile("^No answer yet"))
    expect(flagged.get_by_role("listitem")).to_have_count(2)
    expect(flagged).to_contain_text("No answer yet — promised by Thu 13 Jun, 17:30")
    expect(page.locator(".bell .bell-count")).to_contain_text("2")
    tour.check(page, "notifications-dashboard-no-answer")

    # The bell opens the list: one entry per request, the busy one with its two more.
    page.locator(".bell").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    entries = page.locator("ol.notifications > li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("Update the summer price list")
    expect(entries.first).to_contain_text("And tulips are now 3.50")
    expect(entries.first).to_contain_text("and 2 more updates")
    expect(entries.nth(1)).to_contain_text("Order a banner for the shop window")
    expect(entries.nth(1)).not_to_contain_text("more update")
    tour.check(page, "notifications-list")

    # Opening the busy request reads all three of its updates: the bell says one.
    entries.first.get_by_role("link", name="Update the summer price list").click()
    expect(page.get_by_role("heading", name="Update the summer price list")).to_be_visible()
    expect(page.locator(".bell .bell-count")).to_contain_text("1")
    assert bell_count(page) == "1"

    # Back on the list, that request is read; the other still waits.
    page.goto("/notifications/")
    expect(entries.first).not_to_have_class(re.compile(r"\bunread\b"))
    expect(entries.nth(1)).to_have_class(re.compile(r"\bunread\b"))
    tour.check(page, "notifications-list-after-opening")
    assert not tour.problems, "\n".join(tour.problems)
