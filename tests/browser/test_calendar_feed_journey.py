"""A client contact puts their requests in their own calendar app, in a real browser.

From the profile she opens "Calendar address", makes her address, copies it with the copy
button (copy.js) and the feed at that address holds her request's deadline on her client's
clock, New York's. She then replaces the address (the tick first: without it the page says
why) and turns it off; the old addresses answer 404.

The calendar page is checked with axe and photographed at 1280x800 and 390x844 by the tour
(var/test-output/browser/).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients.services import create_client
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tandem.work import services

from ..conftest import PASSWORD, join, make_owner
from .conftest import DESKTOP, Tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL_LABEL = re.compile(r"^e-?mail", re.I)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def contact_with_a_request() -> tuple[User, datetime]:
    """Harbor Books (New York) of a London practice, with a request due at 17:00 New York."""
    owner = make_owner("olivia@northwind.example.com", name="Olivia Owner")
    create_practice(
        owner=owner,
        name="Northwind Virtual Assistance",
        time_zone="Europe/London",
        currency="GBP",
        working_days=[0, 1, 2, 3, 4],
        work_starts_at=time(9),
        work_ends_at=time(17, 30),
    )
    owner = User.objects.select_related("membership").get(pk=owner.pk)
    client = create_client(actor=owner, name="Harbor Books", time_zone="America/New_York")
    nora = join(owner, "nora@harbor.example.com", role=Role.CONTACT, client=client, name="Nora")
    due_on = (timezone.now() + timedelta(days=5)).astimezone(NEW_YORK).date()
    due = datetime(due_on.year, due_on.month, due_on.day, 17, 0, tzinfo=NEW_YORK)
    services.create_task(
        client, actor=nora, title="Spring catalogue", expectations="Printed", deadline_at=due
    )
    return nora, due


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url


def test_a_contact_adds_her_requests_to_her_calendar_app(
    tour: Tour, contact_with_a_request: tuple[User, datetime]
) -> None:
    nora, due = contact_with_a_request
    context = tour.browser.new_context(
        base_url=tour.base_url, viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    context.set_default_timeout(10_000)
    tour.contexts.append(context)
    page = context.new_page()
    page.on("pageerror", lambda error: tour.problems.append(f"{page.url}: JS error {error}"))
    sign_in(page, nora.email)

    page.goto("/profile/")
    page.get_by_role("link", name="Calendar address").click()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_text("Your calendar address is ready.")).to_be_visible()
    address = page.get_by_label("Calendar address").input_value()
    tour.check(page, "calendar-feed")

    page.get_by_role("button", name="Copy address").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address

    feed = page.request.get(address)
    assert feed.status == 200
    (event,) = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Due: Spring catalogue (Harbor Books)"
    assert event.decoded("DTSTART") == due
    assert event.decoded("DTSTART").tzinfo.key == "America/New_York"

    page.get_by_role("button", name="Make a new address").click()
    expect(page.locator("#id_new-confirm_error")).to_contain_text("Tick the box to confirm")
    page.get_by_role("region", name="Make a new address").get_by_label(
        "I understand that calendars using the current address stop updating."
    ).check()
    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_text("Here is your new calendar address.")).to_be_visible()
    new_address = page.get_by_label("Calendar address").input_value()
    assert new_address != address
    assert page.request.get(address).status == 404

    page.get_by_role("region", name="Turn off").get_by_label(
        "I understand that calendars using the current address stop updating."
    ).check()
    page.get_by_role("button", name="Turn off my calendar address").click()
    expect(page.get_by_text("Your calendar address is off.")).to_be_visible()
    assert page.request.get(new_address).status == 404

    assert not tour.problems, "\n".join(tour.problems)
