"""Repeating work and a template with a checklist, in a real browser.

The assistant opens a client's newsletter request and makes it repeat on the 1st of each
month: the form starts from the request, previews the dates in plain words on the client's
clock (the client is in New York, the practice in London) and lists the series with its next
copy. A week before the 1st the real worker runs the periodic job, and the next copy is there
with its own deadline. Then the assistant keeps a template with a checklist, starts a new
request from it, ticks two steps, and the client's contact sees "2 of 3 steps done" on the
request's page, with no buttons to tick.

Every page visited is photographed at desktop and phone width under var/test-output/browser/
and checked with axe (see conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work import services
from tandem.work.models import RepeatingRequest, Task
from tandem.work.tasks import make_repeating_copies
from tests.jobrunner import run_worker

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday morning in June.
NOW = datetime(2030, 6, 12, 9, 30, tzinfo=LONDON)
# The copy for 1 July is made a week before its deadline (17:00 New York, 22:00 London).
JOB_RUNS_AT = datetime(2030, 6, 24, 23, 0, tzinfo=LONDON)


@dataclass
class Team:
    client: Client
    contact: User
    assistant: User


@pytest.fixture
def team(clock: None) -> Team:
    """A London practice with a New York client, an assistant on it and one contact."""
    owner = london_practice_owner(work_ends_at=time(17))
    client = create_client(actor=owner, name="Hudson Bakery", time_zone="America/New_York")
    assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Brooks")
    assign_assistant(client, assistant=assistant, actor=owner)
    contact = join(
        owner, "maria@hudson.example.com", role=Role.CONTACT, client=client, name="Maria Lopez"
    )
    User.objects.filter(pk__in=[assistant.pk, contact.pk]).update(time_zone="America/New_York")
    return Team(client=client, contact=contact, assistant=assistant)


def test_a_request_repeats_monthly_and_a_template_checklist_shows_progress(
    tour: Tour, team: Team
) -> None:
    june = services.create_task(
        team.client,
        actor=team.assistant,
        title="Monthly newsletter",
        expectations="Sent to the whole list, with the month's special.",
        deadline_at=datetime(2030, 6, 14, 17, 0, tzinfo=NEW_YORK),
        assignee=team.assistant,
    )
    va = tour.page_as(team.assistant.email)

    # From the request's page: "Make this repeat…", a form that starts from the request.
    va.goto(reverse("work:task-detail", args=[june.pk]))
    tour.check(va, "repeat-task-page")
    va.get_by_role("link", name="Make this repeat…").click()
    expect(va.get_by_role("heading", name="Make this repeat")).to_be_visible()
    expect(va.get_by_label("Title")).to_have_value("Monthly newsletter")
    expect(va.get_by_text("Every month on the 14th, due 17:00 New York time")).to_be_visible()
    va.get_by_label("Day of the month (monthly and quarterly)").select_option(label="1st")
    va.get_by_label("Checklist (optional)").fill("Write the special\nPick the photo\nSend")
    va.get_by_role("button", name="Preview the dates").click()
    schedule = va.get_by_role("region", name="Schedule")
    expect(schedule).to_contain_text("Every month on the 1st, due 17:00 New York time")
    expect(schedule).to_contain_text("Due Mon 1 Jul 2030, 17:00")
    tour.check(va, "repeat-form-preview")

    va.get_by_role("button", name="Make it repeat").click()
    expect(va.get_by_role("heading", name="Repeating work")).to_be_visible()
    listed = va.locator(".repeat-series")
    expect(listed.get_by_text("next copy made Mon 24 Jun for Mon 1 Jul")).to_be_visible()
    tour.check(va, "repeat-list")

    # A week before the 1st the worker runs the periodic job; the copy is made once.
    with time_machine.travel(JOB_RUNS_AT, tick=True):
        make_repeating_copies.enqueue()
        make_repeating_copies.enqueue()
        run_worker()
    series = RepeatingRequest.objects.get()
    july = Task.objects.get(series=series, occurrence_on="2030-07-01")
    assert july.deadline_at == datetime(2030, 7, 1, 17, 0, tzinfo=NEW_YORK)
    assert Task.objects.filter(series=series).count() == 2  # June's and July's

    va.goto(reverse("work:task-detail", args=[july.pk]))
    expect(va.get_by_text("Repeats monthly")).to_be_visible()
    expect(va.get_by_text("0 of 3 steps done")).to_be_visible()
    tour.check(va, "repeat-copy")

    # A template with a checklist, used for a new request.
    va.goto(reverse("work:template-list"))
    expect(va.get_by_text("No templates yet.")).to_be_visible()
    tour.check(va, "templates-empty")
    va.get_by_role("link", name="New template").click()
    va.get_by_label("Title").fill("Holiday opening hours")
    va.get_by_label("What done looks like").fill("The hours are on Google, the site and the door.")
    va.get_by_label("Checklist (optional)").fill("Google listing\nWebsite banner\nDoor sign")
    va.get_by_label("For").select_option(label="Hudson Bakery")
    va.get_by_role("button", name="Save template").click()
    expect(va.get_by_role("link", name="Holiday opening hours", exact=True)).to_be_visible()
    tour.check(va, "templates")

    va.goto(reverse("work:task-create", args=[team.client.pk]))
    va.get_by_label("Template", exact=True).select_option(label="Holiday opening hours")
    va.get_by_role("button", name="Use template").click()
    expect(va.get_by_label("Title")).to_have_value("Holiday opening hours")
    expect(va.get_by_label("Checklist (optional)")).to_have_value(
        "Google listing\nWebsite banner\nDoor sign"
    )
    va.get_by_role("textbox", name="Deadline").fill("Friday 5pm")
    tour.check(va, "template-new-request")
    va.get_by_role("button", name="Send request").last.click()
    expect(va.get_by_role("heading", name=re.compile("Holiday opening hours"))).to_be_visible()

    # Ticking two steps (htmx swaps the checklist in place).
    checklist = va.locator("#checklist")
    checklist.get_by_role("button", name=re.compile("^Google listing")).click()
    expect(checklist.get_by_text("1 of 3 steps done")).to_be_visible()
    checklist.get_by_role("button", name=re.compile("^Website banner")).click()
    expect(checklist.get_by_text("2 of 3 steps done")).to_be_visible()
    tour.check(va, "checklist-ticked")
    hours = Task.objects.get(title="Holiday opening hours")

    # The client sees the progress, and nothing to tick.
    contact = tour.page_as(team.contact.email)
    contact.goto(reverse("work:task-detail", args=[hours.pk]))
    progress = contact.locator("#checklist")
    expect(progress.get_by_text("2 of 3 steps done")).to_be_visible()
    expect(progress.locator("progress")).to_have_attribute("value", "2")
    expect(progress.get_by_role("button")).to_have_count(0)
    tour.check(contact, "checklist-client")
    contact.goto(reverse("work:task-detail", args=[july.pk]))
    expect(contact.get_by_text("Repeats monthly")).to_be_visible()
    expect(contact.get_by_role("link", name="Make this repeat…")).to_have_count(0)

    assert not tour.problems, "\n".join(tour.problems)
