"""The weekly check-in, in a real browser (issue 12): "I have regular meetings via phone or email
with some of my clients for exactly this purpose - to see what's coming up in the week"
(article 002).

On Sunday the check-in job prepares Bloom Florist's Monday check-in; the assistant finds it
among "Going out soon" and adds a note. On Monday at 09:00 it goes (by mail, and into the
portal). The contact reads it in her portal, with the note, and answers "Anything coming
up?" there. The assistant sees the answer on the check-in's page and in the list; the button
that makes it a heads-up shows once the heads-up form exists (another part of issue 12).

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.planning import check_in_job
from tandem.planning.models import CheckIn, HeadsUp
from tandem.work.deliveries import deliver_task
from tandem.work.models import TaskStatus
from tandem.work.services import create_task, move_task

from ..conftest import join
from .conftest import Tour, london_practice_owner, run_jobs, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
SUNDAY = datetime(2030, 6, 9, 10, 0, tzinfo=LONDON)
MONDAY = datetime(2030, 6, 10, 9, 5, tzinfo=LONDON)
ANSWER = "The Mother's Day flyer: about 3 hours of work, the photos arrive on the 20th."


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(SUNDAY - timedelta(days=6), tick=True) as traveller:
        yield traveller


@pytest.fixture
def bloom(clock: time_machine.Traveller) -> tuple[User, User]:
    """A London practice's client, Bloom Florist, with its assistant, its contact and a week of
    work: one request done, one in progress with a deadline next week."""
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, chloe.pk]).update(time_zone="Europe/London")
    for title, done in (("Order the ribbon", True), ("Spring newsletter", False)):
        task = create_task(
            client, actor=chloe, title=title, expectations="Done as asked.",
            deadline_at=SUNDAY + timedelta(days=4), assignee=ada,
        )  # fmt: skip
        move_task(task, to=TaskStatus.ACCEPTED, actor=ada)
        move_task(task, to=TaskStatus.IN_PROGRESS, actor=ada)
        if done:
            deliver_task(task, actor=ada, message="Ordered: two rolls of red satin.")
            move_task(task, to=TaskStatus.DONE, actor=chloe)
    return ada, chloe


def test_the_client_answers_the_weekly_check_in_and_the_assistant_reads_it(
    tour: Tour, clock: time_machine.Traveller, bloom: tuple[User, User]
) -> None:
    ada, chloe = bloom

    # Sunday: the job prepares Monday's check-in; the assistant adds a note.
    clock.move_to(SUNDAY)
    check_in_job.run_check_ins()
    assistant = tour.new_page()
    sign_in(assistant, ada.email)
    assistant.goto(reverse("planning:check-ins"))
    going = assistant.get_by_role("region", name="Going out soon")
    expect(going).to_contain_text("Bloom Florist")
    tour.check(assistant, "check-ins-va")
    going.get_by_role("link", name="Bloom Florist").click()
    expect(assistant.get_by_role("heading", name="Weekly check-in · Bloom Florist")).to_be_visible()
    content = assistant.get_by_role("region", name="What it will say")
    expect(content).to_contain_text("Order the ribbon")
    expect(content).to_contain_text("Spring newsletter")
    assistant.get_by_label("Your note to the client (optional)").fill(
        "Lovely week! Is anything coming up for Mother's Day?"
    )
    tour.check(assistant, "check-in-note-va")
    assistant.get_by_role("button", name="Save the note").click()
    expect(assistant.get_by_text("Note saved: it goes with the check-in.")).to_be_visible()

    # Monday 09:00 on the client's clock: it goes, by mail and into the portal.
    clock.move_to(MONDAY)
    mail.outbox = []
    check_in_job.run_check_ins()
    run_jobs()
    [sent] = [m for m in mail.outbox if chloe.email in m.to and "check-in" in m.subject]
    assert "Lovely week!" in str(sent.body)
    check_in = CheckIn.objects.get()
    [reply_to] = sent.reply_to
    assert reply_to.startswith(f"ci-{check_in.pk}-{chloe.pk}-")

    # The contact reads it in her portal and answers there.
    client = tour.new_page()
    sign_in(client, chloe.email)
    section = client.get_by_role("region", name="Weekly check-in")
    expect(section).to_contain_text("Is anything coming up for Mother's Day?")
    tour.check(client, "check-in-portal-client", first_screen=True)
    section.get_by_label("Anything coming up?").fill(ANSWER)
    section.get_by_role("button", name="Send my answer").click()
    expect(client.get_by_text("Thank you: your assistant can see your answer.")).to_be_visible()
    expect(client.get_by_role("region", name="Your answer")).to_contain_text(ANSWER)
    tour.check(client, "check-in-answered-client")
    client.goto(reverse("home:portal-home"))
    expect(client.get_by_role("region", name="Weekly check-in")).to_contain_text("You answered:")

    # The assistant reads the answer; a heads-up is one click away once that form exists.
    assistant.goto(reverse("planning:check-ins"))
    expect(assistant.get_by_role("region", name="Answered")).to_contain_text(ANSWER)
    assistant.get_by_role("region", name="Answered").get_by_role("link").click()
    answer = assistant.get_by_role("region", name="The client's answer")
    expect(answer).to_contain_text(ANSWER)
    expect(answer).to_contain_text("Chloe Contact")
    make_it = answer.get_by_role("link", name="Make it a heads-up")
    expect(make_it).to_have_attribute("href", re.compile(r"what=The\+Mother"))
    tour.check(assistant, "check-in-answered-va")

    # The answer becomes a heads-up in one click: the form comes filled from it.
    make_it.click()
    expect(assistant.get_by_label("What is coming")).to_have_value(re.compile("^The Mother"))
    assistant.get_by_label(re.compile("Medium")).check()
    assistant.get_by_label("Must be done by").fill("in three weeks")
    assistant.get_by_role("button", name=re.compile("heads-up", re.IGNORECASE)).click()
    expect(assistant.locator(".messages")).to_contain_text("Heads-up noted for Bloom")
    heads_up = HeadsUp.objects.get()
    assert heads_up.from_check_in_id is not None
    assert heads_up.what.startswith("The Mother")
    tour.check(assistant, "check-in-answered-va")

    assert not tour.problems, "\n".join(tour.problems)
