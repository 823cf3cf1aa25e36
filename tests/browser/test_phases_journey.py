"""Trust in phases in a real browser (issue 13): "most will want to test the waters and
ease into the relationship -- relinquishing less important tasks at first and adding more
important ones as their trust and confidence in the relationship grows" (article 001).

Chloe's Bloom Florist is in Phase I. She asks Ada to run her calendar next week: Phase III
work. Ada sees it above the phase, waiting for the go-ahead, with nothing to accept; Chloe
gives the go-ahead from her portal in one click, and Ada accepts it and starts. Months of
good work later, the track record meets the practice's thresholds: Chloe's portal suggests
Phase II with the evidence, she reads her track record and moves up, and the phase page
logs the change for both sides. The owner keeps the catalogue behind it all.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.trust import promotion
from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
TITLE = "Run my calendar next week"


@pytest.fixture
def people(clock: None) -> tuple[User, User, User]:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, chloe.pk]).update(time_zone="Europe/London")
    return owner, ada, chloe


def months_of_good_work(client: Client, ada: User, chloe: User) -> None:
    """Five requests delivered on time and accepted, over four months together."""
    for number in range(5):
        task = create_task(
            client,
            actor=chloe,
            title=f"Mailing {number + 1}",
            expectations="Sent",
            deadline_at=timezone.now() + timedelta(days=2),
        )
        move_task(task, to=TaskStatus.ACCEPTED, actor=ada)
        move_task(task, to=TaskStatus.IN_PROGRESS, actor=ada)
        deliver_task(task, actor=ada, message="Sent to the whole list.")
        move_task(task, to=TaskStatus.DONE, actor=chloe)
    Client.objects.filter(pk=client.pk).update(created_at=timezone.now() - timedelta(days=125))


def test_a_phase_one_client_gives_the_go_ahead_and_later_moves_up(
    tour: Tour, people: tuple[User, User, User]
) -> None:
    owner, ada, chloe = people

    # Chloe asks for Phase III work, naming its kind.
    client = tour.page_as(chloe.email)
    client.get_by_role("link", name="New request").first.click()
    client.get_by_label("Title").fill(TITLE)
    client.get_by_label("What done looks like").fill("Every meeting confirmed in the calendar.")
    client.get_by_role("textbox", name="Deadline").fill("Friday 5pm")
    client.get_by_label("Kind of work").select_option(label="Running the calendar")
    tour.check(client, "phases-request-new-client")
    client.get_by_role("button", name="Send request").last.click()
    expect(client.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(client.get_by_text("Your go-ahead is needed.")).to_be_visible()
    tour.check(client, "phases-request-waiting-client")

    # Ada sees it above the phase, with nothing to accept or start.
    task = Task.objects.get(title=TITLE)
    va = tour.page_as(ada.email)
    va.goto(f"/tasks/{task.pk}/")
    expect(va.get_by_text("Above phase, waiting for the go-ahead.")).to_be_visible()
    expect(va.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)
    tour.check(va, "phases-request-waiting-va")

    # Chloe gives the go-ahead from her portal, in one click.
    client.get_by_role("link", name="Bloom Florist").first.click()
    waiting = client.get_by_role("region", name=re.compile("^Waiting for your go-ahead"))
    expect(waiting).to_contain_text(TITLE)
    expect(waiting).to_contain_text("Running the calendar")
    tour.check(client, "phases-portal-go-ahead-client")
    waiting.get_by_role("button", name=re.compile("^Give the go-ahead")).click()
    expect(client.get_by_text("Thank you: the practice can start this work now.")).to_be_visible()
    expect(
        client.get_by_text(re.compile("gave the go-ahead for this Phase III work", re.I))
    ).to_be_visible()

    # Ada accepts and starts it.
    va.reload()
    va.get_by_role("button", name="Accept").first.click()
    va.get_by_role("button", name="Start work").first.click()
    expect(va.get_by_role("heading", name=TITLE)).to_contain_text("In progress")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS

    # Months of good work later, the track record suggests Phase II.
    months_of_good_work(Client.objects.get(name="Bloom Florist"), ada, chloe)
    assert promotion.scan(now=timezone.now()) == 1
    client.goto("/portal/")
    suggestion = client.get_by_role("region", name="Your track record suggests Phase II")
    expect(suggestion).to_contain_text("At least 5 requests accepted as done (now 5)")
    tour.check(client, "phases-portal-suggestion-client")
    suggestion.get_by_role("link", name=re.compile("See the record")).click()
    expect(client.get_by_role("heading", name="Track record")).to_be_visible()
    expect(client.get_by_text("5 of 5 accepted requests")).to_be_visible()
    tour.check(client, "phases-track-record-client")
    client.get_by_role("button", name="Move up to Phase II").click()
    expect(client.get_by_text("Bloom Florist is now in Phase II.")).to_be_visible()

    # The phase page logs it for both sides.
    client.get_by_role("link", name=re.compile("^Phase II")).first.click()
    expect(client.get_by_role("heading", name="What you delegate")).to_be_visible()
    expect(client.get_by_text(re.compile("moved up from Phase I"))).to_be_visible()
    tour.check(client, "phases-phase-page-client")
    va.goto(f"/clients/{task.client_id}/phase/")
    expect(va.get_by_text(re.compile("Chloe Contact moved up from Phase I"))).to_be_visible()
    tour.check(va, "phases-phase-page-va")

    # The owner keeps the catalogue behind it.
    boss = tour.page_as(owner.email)
    boss.goto("/settings/catalogue/")
    expect(boss.get_by_role("heading", name="Catalogue of work")).to_be_visible()
    tour.check(boss, "phases-catalogue-owner")
    assert not tour.problems, "\n".join(tour.problems)
