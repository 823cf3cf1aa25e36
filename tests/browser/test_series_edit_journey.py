"""A VA edits a series' day and sees the next dates move, in a real browser.

The June newsletter of a New York bakery (the practice is in London) was made to repeat on
the 1st of each month. The client now wants it mid-month: the assistant opens the June
request, sees on its timeline that it repeats and, from its badge's line, edits the series.
The preview moves the next dates to the 15th (July's first: June has its copy), the list of
the client's repeating work shows them after saving, and the June request's timeline says
what changed, for the assistant and for the client's contact alike.

Every page visited is photographed at desktop and phone width under var/test-output/browser/
and checked with axe (see conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tandem.work import repeating, services
from tandem.work.models import RepeatingRequest, Task

from ..conftest import join, make_owner
from .conftest import Tour, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday morning in June.
NOW = datetime(2030, 6, 12, 9, 30, tzinfo=LONDON)


@dataclass
class Bakery:
    florist: Client
    contact: User
    assistant: User
    june: Task
    series: RepeatingRequest


@pytest.fixture
def bakery() -> Iterator[Bakery]:
    """A London practice; a New York client whose June newsletter repeats on the 1st."""
    with time_machine.travel(NOW, tick=True):
        owner = make_owner("olivia@northwind.example.com", name="Olivia Owner")
        create_practice(
            owner=owner,
            name="Northwind Virtual Assistance",
            time_zone="Europe/London",
            currency="GBP",
            working_days=[0, 1, 2, 3, 4],
            work_starts_at=time(9),
            work_ends_at=time(17),
        )
        owner = User.objects.select_related("membership").get(pk=owner.pk)
        client = create_client(actor=owner, name="Hudson Bakery", time_zone="America/New_York")
        assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Brooks")
        assign_assistant(client, assistant=assistant, actor=owner)
        florist = create_client(actor=owner, name="Bloom Florist", time_zone="America/New_York")
        assign_assistant(florist, assistant=assistant, actor=owner)
        contact = join(
            owner, "maria@hudson.example.com", role=Role.CONTACT, client=client, name="Maria Lopez"
        )
        User.objects.filter(pk__in=[assistant.pk, contact.pk]).update(time_zone="America/New_York")
        june = services.create_task(
            client,
            actor=assistant,
            title="Monthly newsletter",
            expectations="Sent to the whole list, with the month's special.",
            deadline_at=datetime(2030, 6, 14, 17, 0, tzinfo=NEW_YORK),
            assignee=assistant,
        )
        series = repeating.start_series(
            client,
            actor=assistant,
            title=june.title,
            expectations=june.expectations,
            frequency="monthly",
            day_of_month=1,
            starts_on=date(2030, 6, 15),
            due_time=time(17),
            assignee=assistant,
            checklist="Write the special\nSend",
            source_task=june,
        )
        yield Bakery(
            florist=florist, contact=contact, assistant=assistant, june=june, series=series
        )


def test_a_va_moves_the_series_to_the_15th_and_the_dates_follow(tour: Tour, bakery: Bakery) -> None:
    va = tour.new_page()
    sign_in(va, bakery.assistant.email)

    # The June request says it repeats, and leads to the series.
    va.goto(reverse("work:task-detail", args=[bakery.june.pk]))
    expect(va.get_by_text("Made this repeat every month on the 1st, due 17:00.")).to_be_visible()
    expect(va.get_by_role("link", name="Repeats monthly on the 1st")).to_be_visible()
    tour.check(va, "series-source-task")
    va.get_by_role("link", name="Edit the series").click()

    # The edit page: the series filled in, its next date the 1st of July.
    expect(va.get_by_role("heading", name="Edit repeating request")).to_be_visible()
    schedule = va.get_by_role("region", name="Schedule")
    expect(schedule).to_contain_text("Every month on the 1st, due 17:00 New York time")
    expect(schedule).to_contain_text("Due Mon 1 Jul 2030, 17:00")
    expect(va.get_by_label("Title")).to_have_value("Monthly newsletter")
    tour.check(va, "series-edit")

    # The 15th instead: June has its copy, so July's is the first to move.
    va.get_by_label("Day of the month (monthly and quarterly)").select_option(label="15th")
    va.get_by_role("button", name="Preview the dates").click()
    schedule = va.get_by_role("region", name="Schedule")
    expect(schedule).to_contain_text("Every month on the 15th, due 17:00 New York time")
    expect(schedule).to_contain_text("Due Mon 15 Jul 2030, 17:00")
    expect(schedule).not_to_contain_text("1 Jul")
    tour.check(va, "series-edit-preview")

    va.get_by_role("button", name="Save changes").click()
    expect(va.get_by_role("heading", name="Repeating work")).to_be_visible()
    expect(va.get_by_text("“Monthly newsletter” saved: every month on the 15th")).to_be_visible()
    row = va.locator(f"#series-{bakery.series.pk}")
    # 15 September is a Sunday: that copy is due the Monday after.
    expect(row).to_contain_text("Due next: Mon 15 Jul · Thu 15 Aug · Mon 16 Sep · Tue 15 Oct")
    tour.check(va, "series-list-after-edit")

    # The June request's timeline says what changed, to both sides.
    va.goto(reverse("work:task-detail", args=[bakery.june.pk]))
    changed = "Changed how it repeats: now every month on the 15th, due 17:00."
    expect(va.get_by_text(changed)).to_be_visible()
    expect(va.get_by_role("link", name="Repeats monthly on the 15th")).to_be_visible()

    contact = tour.new_page()
    sign_in(contact, bakery.contact.email)
    contact.goto(reverse("work:task-detail", args=[bakery.june.pk]))
    expect(contact.get_by_text(changed)).to_be_visible()
    expect(contact.get_by_text("Repeats monthly on the 15th", exact=True)).to_be_visible()
    expect(contact.get_by_role("link", name="Edit the series")).to_have_count(0)
    tour.check(contact, "series-source-task-client")

    # Another client has nothing repeating yet: the page says how to start.
    va.goto(reverse("work:repeating-list", args=[bakery.florist.pk]))
    expect(va.get_by_text("Nothing repeats for Bloom Florist yet")).to_be_visible()
    expect(va.get_by_role("link", name="Start a repeating request")).to_be_visible()
    tour.check(va, "series-list-empty")

    assert not tour.problems, "\n".join(tour.problems)
