"""An honest way out in a real browser (issue 13): Ada, asked to redesign Bloom Florist's
website, says honestly that it is beyond her and refers it to a web designer on the
practice's referral list; Chloe reads why, and who to go to, on the request.

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
from tandem.trust.models_way_out import Referral
from tandem.work import services
from tandem.work.models import Task, TaskStatus

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2030, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TITLE = "Redesign our website"
REASON = "A full redesign needs a web designer; we would do it less well than you deserve."


@pytest.fixture
def people(clock: None) -> tuple[User, User, User, Task]:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, chloe.pk]).update(time_zone="Europe/London")
    task = services.create_task(
        client,
        actor=chloe,
        title=TITLE,
        expectations="A new site with online orders",
        deadline_at=timezone.now() + timedelta(days=10),
    )
    return owner, ada, chloe, task


def test_an_assistant_refers_a_request_beyond_her_and_the_client_reads_why(
    tour: Tour, people: tuple[User, User, User, Task]
) -> None:
    owner, ada, chloe, task = people

    # The owner keeps the referral list.
    boss = tour.page_as(owner.email)
    boss.goto("/settings/referrals/")
    boss.get_by_label("Name").fill("Wendy Webb Design")
    boss.get_by_label("What they are good at").fill("websites with online orders")
    boss.get_by_label("E-mail").fill("hello@wendywebb.example.com")
    boss.get_by_label("Another VA to refer clients to").check()
    boss.get_by_role("button", name="Add to the list").click()
    expect(boss.get_by_text("Wendy Webb Design is on your referral list.")).to_be_visible()
    tour.check(boss, "way-out-referrals-owner")

    # Ada says it is beyond her, and refers it.
    va = tour.page_as(ada.email)
    va.goto(f"/tasks/{task.pk}/")
    va.get_by_role("link", name="Beyond our skills? Offer a way out").click()
    va.get_by_label("Why is it beyond you?").fill(REASON)
    va.get_by_label("Refer to another VA").check()
    wendy = Referral.objects.get(name="Wendy Webb Design")
    va.get_by_label(re.compile("^Who")).select_option(str(wendy.pk))
    tour.check(va, "way-out-form-va")
    va.get_by_role("button", name="Tell the client").click()
    expect(va.get_by_text("Said honestly.")).to_be_visible()
    task.refresh_from_db()
    assert task.status == TaskStatus.DECLINED

    # Chloe reads why, and who to go to.
    client = tour.page_as(chloe.email)
    client.goto(f"/tasks/{task.pk}/")
    conversation = client.get_by_role("region", name="Conversation")
    expect(conversation).to_contain_text(REASON)
    expect(conversation).to_contain_text("We recommend Wendy Webb Design")
    tour.check(client, "way-out-declined-client")
    client.goto(f"/tasks/{task.pk}/way-out/")
    expect(client.get_by_text("hello@wendywebb.example.com")).to_be_visible()
    tour.check(client, "way-out-page-client")
    assert not tour.problems, "\n".join(tour.problems)
