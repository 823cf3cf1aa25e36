"""Postmortems in a real browser (issue 13): "When something went wrong, either side opens a
postmortem on a request or project ... both sides write in it (each entry signed and timed),
its action items become requests ... with owners and deadlines".

Bloom Florist's spring newsletter went to last year's list. Ada opens a postmortem from the
request's page and writes what happened, blamelessly; Chloe finds it in her client's list and
adds the impact, signed with her name; Ada commits to a change, which becomes a request she
owns with a deadline, and Chloe sees that request from the postmortem.

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
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.trust.models_postmortems import PostmortemAction
from tandem.work.services import create_task

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
TITLE = "Spring newsletter"
CHANGE = "Check the list name before every send"


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


def test_a_postmortem_opened_from_a_request_both_sides_write_and_an_action_becomes_a_request(
    tour: Tour, people: tuple[User, User, User]
) -> None:
    _owner, ada, chloe = people
    task = create_task(
        ada.assignments.get().client,
        actor=chloe,
        title=TITLE,
        expectations="Sent to this year's customers.",
        deadline_at=timezone.now() + timedelta(days=2),
    )

    # Ada opens a postmortem from the request's page.
    va = tour.page_as(ada.email)
    va.goto(f"/tasks/{task.pk}/")
    va.get_by_role("link", name="Something went wrong? Open a postmortem").click()
    expect(va.get_by_role("heading", name="Open a postmortem")).to_be_visible()
    expect(
        va.get_by_text("Describe what the process allowed, not who erred.").first
    ).to_be_visible()
    va.get_by_label("Title").fill("Newsletter sent to last year's list")
    va.get_by_label("What happened").fill(
        "The send screen offered last year's list first, and nothing asked which list."
    )
    tour.check(va, "postmortem-new-va")
    va.get_by_role("button", name="Open the postmortem").click()
    expect(va.get_by_role("heading", name="Newsletter sent to last year's list")).to_be_visible()
    expect(va.get_by_text("Opened: both sides can now write in it.")).to_be_visible()
    expect(va.get_by_role("link", name=TITLE)).to_be_visible()

    # Chloe finds it in her client's list and adds the impact, signed with her name.
    client = tour.page_as(chloe.email)
    client.goto(f"/clients/{task.client_id}/postmortems/")
    tour.check(client, "postmortem-list-client")
    client.get_by_role("link", name="Newsletter sent to last year's list").click()
    client.get_by_label("Section").select_option(label="Impact")
    client.get_by_label("Your entry").fill("Forty old customers got a discount code.")
    client.get_by_role("button", name="Add my entry").click()
    expect(client.get_by_text("Added, signed with your name.")).to_be_visible()
    impact = client.get_by_role("region", name="Impact")
    expect(impact).to_contain_text("Forty old customers got a discount code.")
    expect(impact).to_contain_text("Chloe Contact")
    expect(client.get_by_role("button", name="Add an action item")).to_have_count(0)
    tour.check(client, "postmortem-page-client")

    # Ada commits to a change: it becomes a request she owns, with a deadline.
    va.reload()
    expect(va.get_by_role("region", name="Impact")).to_contain_text("Chloe Contact")
    va.get_by_text("Add an action item").click()
    va.get_by_label("The change to make").fill(CHANGE)
    va.get_by_label("Owner").select_option(label="Ada Assistant")
    va.get_by_role("textbox", name="Deadline").fill("Friday 5pm")
    va.get_by_role("button", name="Add it as a request").click()
    expect(va.get_by_text(re.compile("is now a request, owned by Ada Assistant"))).to_be_visible()
    tour.check(va, "postmortem-page-va")
    action = PostmortemAction.objects.select_related("task").get()
    assert action.task.assignee == ada
    assert action.task.deadline_at is not None

    # Chloe sees the request from the postmortem, where it came from on its timeline.
    client.reload()
    actions = client.get_by_role("region", name=re.compile("^Action items"))
    expect(actions).to_contain_text(CHANGE)
    actions.get_by_role("link", name=re.compile("^See the request")).click()
    expect(client.get_by_role("heading", name=re.compile(CHANGE))).to_be_visible()
    expect(client.get_by_text(re.compile("An action item of the postmortem"))).to_be_visible()
    tour.check(client, "postmortem-action-request-client")
    assert not tour.problems, "\n".join(tour.problems)
