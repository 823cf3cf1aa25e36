"""Short notice, said before it is sent, in a real browser (issue 12): "many clients often
realise at the last minute things that need to be done" (article 002).

Monday 10:00 in London. Chloe of Bloom Florist asks for a price list by tomorrow 3pm: the form
tells her, before she sends it, that this is short notice and the earliest the practice can
do it (Wednesday's close: two working days of notice). One click moves her deadline there;
she sends it, and it is not short notice. Her second request she keeps for tomorrow: the form
shows the practice's rush policy, and the request is marked short notice, which the owner
sees as a badge. The owner's capacity page shows Ben, busy with Cedar Law, over-booked this
week, and the week's requests behind it.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.planning.models_policy import PlanningPolicy
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task

from ..conftest import join
from .conftest import Tour, london_practice_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
RUSH = "Work at short notice is charged at 1.5 times the hourly rate."


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def practice(clock: time_machine.Traveller) -> tuple[User, Client, User, User]:
    """Northwind: Ada serves Bloom Florist (free this week); Ben serves Cedar Law and has
    taken on more than his week holds."""
    owner = london_practice_owner()
    PlanningPolicy.objects.create(practice_id=owner.membership.practice_id, rush_policy=RUSH)
    bloom = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    cedar = create_client(actor=owner, name="Cedar Law", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    ben = join(owner, "ben@northwind.example.com", role=Role.ASSISTANT, name="Ben Busy")
    assign_assistant(bloom, assistant=ada, actor=owner)
    assign_assistant(cedar, assistant=ben, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=bloom, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, ben.pk, chloe.pk]).update(time_zone="Europe/London")
    for title, hours in (("Contract review", "30"), ("Court bundle", "20")):
        task = create_task(
            cedar, actor=owner, title=title, expectations="Done", assignee=ben,
            deadline_at=MONDAY + timedelta(days=4, hours=7), estimate_hours=Decimal(hours),
        )  # fmt: skip
        move_task(task, to=TaskStatus.ACCEPTED, actor=ben)
    return owner, bloom, ada, chloe


def write_request(page: Page, client: Client, title: str, deadline: str) -> None:
    page.goto(reverse("work:task-create", args=[client.pk]))
    page.get_by_label("Title").fill(title)
    page.get_by_label("What done looks like").fill("The new price list in the shop window.")
    page.get_by_role("textbox", name="Deadline").fill(deadline)


def test_a_contact_hears_it_is_short_notice_and_moves_the_deadline_in_one_click(
    tour: Tour, practice: tuple[User, Client, User, User]
) -> None:
    owner, bloom, _ada, chloe = practice
    client = tour.new_page()
    sign_in(client, chloe.email)

    # Tomorrow 3pm is inside the two working days of notice: said before sending.
    write_request(client, bloom, "Price list", "tomorrow 3pm")
    preview = client.locator(".phrase-preview")
    expect(preview).to_contain_text("Short notice: the earliest we can do it is")
    expect(preview).to_contain_text("Wednesday 12 Jun, 17:30")
    expect(preview).to_contain_text(RUSH)
    # Only "fits" or the date: nothing of anyone's hours or other clients.
    expect(preview).not_to_contain_text("Ada")
    expect(preview).not_to_contain_text("Cedar")
    tour.check(client, "short-notice-form-client")

    # One click moves the deadline there, and the preview says it fits.
    preview.get_by_role("button", name=re.compile("^Move my deadline to")).click()
    expect(client.get_by_role("textbox", name="Deadline")).to_have_value("2030-06-12 17:30")
    expect(preview).to_contain_text("Due Wednesday 12 June, 17:30")
    expect(preview).to_contain_text("That gives enough notice, and it fits.")
    tour.check(client, "short-notice-moved-client")
    client.get_by_role("button", name="Send request").first.click()
    expect(client.get_by_text("Request sent.")).to_be_visible()
    moved = Task.objects.get(title="Price list")
    assert not moved.is_short_notice

    # Keeping her own deadline: the rush policy is shown, and the request is marked.
    write_request(client, bloom, "Window poster", "tomorrow 3pm")
    expect(preview).to_contain_text(RUSH)
    client.get_by_role("button", name="Send request").first.click()
    expect(client.get_by_text("It is marked short notice for the practice.")).to_be_visible()
    kept = Task.objects.get(title="Window poster")
    assert kept.is_short_notice
    tour.check(client, "short-notice-kept-client")

    # The owner sees the badge on the request, and the capacity plan.
    practice_side = tour.new_page()
    sign_in(practice_side, owner.email)
    practice_side.goto(reverse("work:task-detail", args=[kept.pk]))
    expect(practice_side.locator("h1 .short-notice-badge")).to_have_text("Short notice")
    tour.check(practice_side, "short-notice-task-owner")
    practice_side.goto(reverse("planning:capacity"))
    ben_row = practice_side.get_by_role("article", name=re.compile("^Ben Busy"))
    expect(ben_row).to_contain_text("1 week over-booked")
    expect(
        practice_side.get_by_role("img", name=re.compile("^Ben Busy: hours taken on"))
    ).to_be_visible()
    tour.check(practice_side, "capacity-owner", first_screen=True)
    ben_row.locator("summary").click()
    ben_row.get_by_role("link", name="Mon 10 Jun").click()
    expect(practice_side.get_by_role("heading", level=1)).to_contain_text("Ben Busy, week of")
    expect(practice_side.get_by_role("link", name="Court bundle")).to_be_visible()
    expect(practice_side.get_by_text("Will miss its deadline:")).to_be_visible()
    tour.check(practice_side, "capacity-week-owner")

    assert not tour.problems, "\n".join(tour.problems)
