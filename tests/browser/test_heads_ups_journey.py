"""Heads-ups in a real browser (issue 12): "if you know you have a project coming up, it's
always worth while letting your VA know in advance so they can put aside a block of time for
you" (article 002).

Chloe, of Bloom Florist, tells the practice from her portal that the summer wedding brochure
is coming: medium-sized, materials by the 17th, due on the 28th at 5pm. Ada, her assistant,
finds it on the heads-ups page as tentative and confirms it, which reserves the hours; when
the materials arrive she makes it a request in one click, and the request's timeline says it
came from Chloe's heads-up.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.planning.models import HeadsUp
from tandem.work.models import Task, TaskStatus

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
WHAT = "Summer wedding brochure"


@pytest.fixture
def people(clock: None) -> tuple[User, User]:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, chloe.pk]).update(time_zone="Europe/London")
    return ada, chloe


def test_a_contact_gives_a_heads_up_the_assistant_confirms_it_and_makes_it_a_request(
    tour: Tour, people: tuple[User, User]
) -> None:
    ada, chloe = people

    # Chloe's portal invites her to say what is coming.
    client = tour.page_as(chloe.email)
    coming = client.get_by_role("region", name=re.compile("^Coming up"))
    expect(coming).to_contain_text("Know of work coming up?")
    tour.check(client, "heads-up-portal-empty-client")
    coming.get_by_role("link", name="Tell us what's coming").click()

    client.get_by_label("What is coming").fill(WHAT)
    client.get_by_label("Details (optional)").fill("Twelve pages, with the new price list.")
    client.get_by_label(re.compile("Medium")).check()
    client.get_by_label("Materials arrive by (optional)").fill("17 June 9am")
    client.get_by_label("Must be done by").fill("28 June 5pm")
    expect(client.locator("#id_deadline_preview")).to_contain_text("Due Friday 28 June, 17:00")
    expect(client.locator("#id_waiting_until_preview")).to_contain_text("Monday 17 June, 09:00")
    tour.check(client, "heads-up-form-client")
    client.get_by_role("button", name="Send the heads-up").click()

    expect(client.get_by_text(f"knows “{WHAT}” is coming")).to_be_visible()
    row = client.locator(".heads-up-item", has_text=WHAT)
    expect(row).to_contain_text("Tentative")
    expect(row).to_contain_text("About 4 h (medium)")
    expect(row).to_contain_text("due Fri 28 Jun, 17:00")
    tour.check(client, "heads-up-list-client")

    # Ada finds it on the heads-ups page, tentative, and confirms it.
    va = tour.page_as(ada.email)
    va.get_by_role("navigation", name="Main").get_by_role("link", name="Planning").click()
    va.get_by_role("navigation", name="Planning").get_by_role("link", name="Heads-ups").click()
    row = va.locator(".heads-up-item", has_text=WHAT)
    expect(row).to_contain_text("Tentative")
    expect(row).to_contain_text("Bloom Florist")
    tour.check(va, "heads-up-list-va")
    row.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(va.get_by_text(f"Confirmed “{WHAT}”: its hours are reserved.")).to_be_visible()
    row = va.locator(".heads-up-item", has_text=WHAT)
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text("confirmed by Ada Assistant")
    tour.check(va, "heads-up-confirmed-va")

    # The capacity plan counts its hours as taken on for Bloom Florist, no longer tentative.
    va.get_by_role("navigation", name="Planning").get_by_role("link", name="Capacity").click()
    numbers = va.locator("details.capacity-numbers").filter(
        has=va.locator("caption", has_text="Bloom Florist: the next twelve weeks")
    )
    numbers.get_by_text("Week by week, in numbers").click()
    taken_on = numbers.locator("tbody tr td:nth-of-type(1)")
    expect(taken_on.filter(has_text=re.compile(r"^4 h$"))).to_have_count(1)
    tour.check(va, "heads-up-capacity-va")
    va.go_back()
    row = va.locator(".heads-up-item", has_text=WHAT)

    # Chloe's portal home shows the time is reserved.
    client.goto(reverse("home:portal-home"))
    coming = client.get_by_role("region", name=re.compile("^Coming up"))
    expect(coming).to_contain_text(WHAT)
    expect(coming).to_contain_text("Time is reserved for it.")
    tour.check(client, "heads-up-portal-client")

    # The materials are here: one click makes it a request, accepted with its hours.
    row.get_by_role("button", name=re.compile("^Make it a request")).click()
    expect(va.get_by_role("heading", name=WHAT)).to_be_visible()
    expect(va.get_by_text("From a heads-up Chloe Contact gave on 10 Jun.")).to_be_visible()
    tour.check(va, "heads-up-request-va")

    task = Task.objects.get()
    assert (task.status, task.assignee_id, str(task.estimate_hours)) == (
        TaskStatus.ACCEPTED,
        ada.pk,
        "4.00",
    )
    assert HeadsUp.objects.get().state == HeadsUp.State.BECAME_REQUEST
    assert not tour.problems, "\n".join(tour.problems)
