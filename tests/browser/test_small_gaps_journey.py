"""Small things a VA or a client notices, in a real browser.

On a phone the assistant opens the menu: the work's links in two columns, "Templates" among
them, the person's own links below; it leads to the request templates. The request list and
the board show a request's checklist progress ("☑ 2/4"), the client's page whose clock it is
and the time there now, and the contact's portal says "2 of 4 steps done".

Every page visited is photographed at desktop and phone width under
var/test-output/browser/ and checked with axe (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tandem.work import services

from ..checklist_steps import with_steps
from ..conftest import PASSWORD, join, make_owner
from .conftest import PHONE, Tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday 12 June 2030, 14:30 in London: 09:30 in New York.
NOW = datetime(2030, 6, 12, 14, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(clock: None) -> dict[str, Any]:
    """A London practice with a New York client whose newsletter is half done."""
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
    summit = create_client(actor=owner, name="Summit Coaching", time_zone="America/New_York")
    assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Brooks")
    assign_assistant(summit, assistant=assistant, actor=owner)
    contact = join(
        owner, "marcus@summit.example.com", role=Role.CONTACT, client=summit, name="Marcus Reed"
    )
    task = services.create_task(
        summit,
        actor=contact,
        title="June newsletter",
        expectations="Sent to the whole list",
        deadline_at=NOW + timedelta(days=5),
    )
    with_steps(task, actor=assistant, total=4, done=2)
    return {"assistant": assistant, "contact": contact, "summit": summit}


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url


def test_small_gaps_closed(tour: Tour, people: dict[str, Any]) -> None:
    va = tour.new_page()
    sign_in(va, "ada@northwind.example.com")

    va.set_viewport_size(PHONE)
    menu = va.get_by_role("navigation", name="Main")
    va.get_by_role("button", name="Menu").click()
    templates = menu.get_by_role("link", name="Templates")
    requests = menu.get_by_role("link", name="Requests")
    expect(templates).to_be_visible()
    # Two columns: Templates sits beside Requests, not under it.
    assert templates.bounding_box()["y"] == requests.bounding_box()["y"]  # type: ignore[index]
    sign_out = menu.get_by_role("button", name="Sign out")
    assert sign_out.bounding_box()["y"] > templates.bounding_box()["y"]  # type: ignore[index]
    templates.click()
    expect(va.get_by_role("heading", name="Request templates")).to_be_visible()
    tour.check(va, "gaps-templates")

    va.goto("/requests/")
    row = va.get_by_role("row", name=re.compile("June newsletter"))
    expect(row).to_contain_text("☑ 2/4")
    expect(row).to_contain_text("2 of 4 checklist steps done")
    tour.check(va, "gaps-request-list")

    va.goto("/board/")
    expect(va.locator(".board-card", has_text="June newsletter")).to_contain_text("☑ 2/4")
    tour.check(va, "gaps-board")

    va.goto(f"/clients/{people['summit'].pk}/")
    expect(va.get_by_text("New York time, now 09:30")).to_be_visible()
    tour.check(va, "gaps-client")

    client = tour.new_page()
    sign_in(client, "marcus@summit.example.com")
    expect(client.get_by_text("2 of 4 steps done")).to_be_visible()
    tour.check(client, "gaps-portal")

    assert not tour.problems, "\n".join(tour.problems)
