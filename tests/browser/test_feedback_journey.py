"""Praise and feedback in a real browser (issue 13): the client accepts delivered work with a
thank-you, five stars and consent to quote it; the owner reads it on the feedback page, per
assistant and per client; the client can withdraw the consent from "My feedback".

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
from tandem.work import services
from tandem.work.deliveries import deliver_task
from tandem.work.models import Review, Task, TaskStatus

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2030, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TITLE = "Summer price list"
THANKS = "Beautiful work, thank you Ada!"


@pytest.fixture
def delivered(clock: None) -> tuple[Task, User, User, User]:
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
        expectations="A one-page PDF",
        deadline_at=timezone.now() + timedelta(days=4),
        assignee=ada,
    )
    services.move_task(task, to=TaskStatus.ACCEPTED, actor=ada)
    services.move_task(task, to=TaskStatus.IN_PROGRESS, actor=ada)
    deliver_task(task, actor=ada, message="The price list is attached.")
    return task, owner, ada, chloe


def test_the_client_thanks_and_rates_and_the_owner_reads_it(
    tour: Tour, delivered: tuple[Task, User, User, User]
) -> None:
    task, owner, _ada, chloe = delivered

    client = tour.page_as(chloe.email)
    client.goto(f"/tasks/{task.pk}/")
    highlighted = client.get_by_role("region", name="Delivered for your review")
    highlighted.get_by_label("Say thanks (optional)").fill(THANKS)
    highlighted.get_by_label("5 of 5: excellent").check()
    highlighted.get_by_label("You may quote my thank-you as a testimonial").check()
    tour.check(client, "feedback-accept-client")
    highlighted.get_by_role("button", name="Accept the work").click()
    expect(client.get_by_role("heading", name=TITLE)).to_contain_text("Done")
    review = Review.objects.get(task=task)
    assert (review.rating, review.thanks, review.may_quote) == (5, THANKS, True)

    # The owner reads it per assistant and per client.
    boss = tour.page_as(owner.email)
    boss.goto("/people/")
    boss.get_by_role("link", name="Feedback from clients").click()
    expect(boss.get_by_role("heading", name="Feedback", exact=True)).to_be_visible()
    per_assistant = boss.get_by_role("region", name="Per assistant", exact=True)
    expect(per_assistant).to_contain_text("Ada Assistant")
    expect(per_assistant).to_contain_text("5.0")
    recent = boss.get_by_role("region", name="Recent")
    expect(recent).to_contain_text(THANKS)
    expect(recent).to_contain_text("May be quoted")
    tour.check(boss, "feedback-owner")

    # The client can take the consent back.
    client.goto("/portal/")
    client.get_by_role("link", name="My feedback").click()
    expect(client.get_by_text(THANKS)).to_be_visible()
    tour.check(client, "feedback-mine-client")
    client.get_by_role("button", name=re.compile("^Withdraw consent")).click()
    expect(
        client.get_by_text("Withdrawn: the practice will not quote this thank-you.")
    ).to_be_visible()
    review.refresh_from_db()
    assert not review.may_quote
    assert not tour.problems, "\n".join(tour.problems)
