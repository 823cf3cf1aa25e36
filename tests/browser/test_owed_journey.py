"""What the client owes, in a real browser (issue 12): "if something needed to be completed by
the end of the week but I still haven't seen it, and it's now Wednesday, I can send an email to
the client reminding them" (article 002).

On Monday the assistant asks Bloom Florist, on the request's page, for the final copy by
Wednesday 5pm. Wednesday passes without it. On Thursday morning her dashboard lists it as
"Still waiting on the client", and the reminder scan mails the client's contact (through a
real SMTP server). The contact follows the mail's link, sees it in her portal's "Waiting on
you", and answers with a file; the assistant's dashboard no longer lists it.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tandem.planning import owed_reminders
from tandem.planning.models import Owed
from tandem.work.models import Attachment, Task, TaskStatus
from tandem.work.services import create_task, move_task

from ..conftest import join, make_owner
from ..smtp_server import Recorder, text_and_html
from .conftest import Tour, run_jobs, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
THURSDAY = datetime(2030, 6, 13, 9, 5, tzinfo=LONDON)
TITLE = "Spring newsletter"


@pytest.fixture
def mail_by_smtp(site: str, smtp: Recorder) -> Recorder:
    """The live server's mail goes to a real SMTP server (``site`` alone keeps it in memory)."""
    return smtp


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def newsletter(clock: time_machine.Traveller) -> tuple[Task, User, User]:
    """A London practice's request from Bloom Florist, in progress with its assistant."""
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
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, chloe.pk]).update(time_zone="Europe/London")
    task = create_task(
        client,
        actor=chloe,
        title=TITLE,
        expectations="The June newsletter sent to the shop's list.",
        deadline_at=MONDAY + timedelta(days=8),
        assignee=ada,
    )
    move_task(task, to=TaskStatus.ACCEPTED, actor=ada)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=ada)
    return task, ada, chloe


def still_waiting(page: Page) -> Any:
    return page.get_by_role("region", name=re.compile("^Still waiting on the client"))


def test_the_client_is_reminded_of_the_final_copy_and_answers_with_a_file(
    tour: Tour,
    mail_by_smtp: Recorder,
    clock: time_machine.Traveller,
    newsletter: tuple[Task, User, User],
    media: Path,
) -> None:
    task, ada, chloe = newsletter
    task_path = reverse("work:task-detail", args=[task.pk])

    # Monday: the assistant asks for the final copy by Wednesday 5pm, on the request's page.
    assistant = tour.new_page()
    sign_in(assistant, ada.email)
    assistant.goto(task_path)
    panel = assistant.get_by_role("region", name="Needed from the client")
    panel.locator("summary", has_text="Ask the client for something").click()
    panel.get_by_label("We need from the client").fill("The final copy")
    panel.get_by_label("Needed by").fill("Wednesday 5pm")
    expect(panel.locator(".phrase-preview")).to_contain_text("Needed by Wednesday 12 June, 17:00")
    tour.check(assistant, "owed-ask-va")
    panel.get_by_role("button", name="Ask the client").click()
    expect(assistant.get_by_text("Asked Bloom Florist for The final copy.")).to_be_visible()
    expect(assistant.get_by_role("region", name="Conversation")).to_contain_text(
        "We need from you: The final copy, by Wednesday 12 June, 17:00 (London time)."
    )
    panel = assistant.get_by_role("region", name="Needed from the client")
    expect(panel).to_contain_text("The final copy")
    expect(panel).to_contain_text("again 2 working days later")
    tour.check(assistant, "owed-asked-va")

    # Wednesday passes without it. Thursday morning the dashboard says so...
    clock.move_to(THURSDAY)
    assistant.goto(reverse("home:dashboard"))
    expect(still_waiting(assistant).get_by_role("listitem")).to_have_count(1)
    expect(still_waiting(assistant)).to_contain_text("The final copy")
    expect(still_waiting(assistant)).to_contain_text("Bloom Florist")
    tour.check(assistant, "owed-dashboard-va")

    # ... and the reminder scan mails the client, once.
    mail_by_smtp.messages.clear()
    owed_reminders.remind_owed()
    run_jobs()
    owed_reminders.remind_owed()  # a second scan, as the next quarter-hour's
    run_jobs()
    [reminder] = [m for m in mail_by_smtp.messages if "The final copy" in m["Subject"]]
    assert reminder["To"] == chloe.email
    assert reminder["Subject"].strip() == f"Reminder: The final copy for “{TITLE}”"
    text, _ = text_and_html(reminder)
    assert "needed by Wednesday 12 June, 17:00" in text
    [link] = re.findall(r"https?://\S+/tasks/\d+/#owed", text)

    # The client signs in: her portal says what is waiting on her, late, reminded.
    client = tour.new_page()
    sign_in(client, chloe.email)
    waiting = client.get_by_role("region", name=re.compile("^Waiting on you"))
    expect(waiting).to_contain_text("The final copy")
    expect(waiting).to_contain_text("we reminded you Thu 13 Jun")
    expect(waiting.locator(".badge.late")).to_have_count(1)
    tour.check(client, "owed-portal-client")

    # The mail's link opens the request on what is needed; she answers with the file.
    client.goto(link)
    needed = client.get_by_role("region", name="Needed from you")
    needed.get_by_label("Anything to add (optional)").fill("Final, approved by the owner.")
    needed.get_by_label("Attach it (optional)").set_input_files(
        {"name": "final-copy.docx", "mimeType": "application/octet-stream", "buffer": b"PK copy"}
    )
    tour.check(client, "owed-answer-client")
    needed.get_by_role("button", name="Send it").click()
    expect(client.get_by_text("Thank you: the practice can see you sent it.")).to_be_visible()
    conversation = client.get_by_role("region", name="Conversation")
    expect(conversation).to_contain_text("Here it is: The final copy.")
    expect(conversation.get_by_role("link", name=re.compile("final-copy.docx"))).to_be_visible()
    expect(client.get_by_role("region", name="Needed from you")).to_contain_text(
        "A file from Chloe Contact"
    )
    tour.check(client, "owed-answered-client")
    owed = Owed.objects.get()
    assert (owed.state, owed.answer) == (Owed.State.ANSWERED, Owed.Answer.FILE)
    assert [a.name for a in Attachment.objects.filter(task=task)] == ["final-copy.docx"]

    # The assistant's dashboard no longer lists it; no second reminder comes.
    assistant.goto(reverse("home:dashboard"))
    expect(still_waiting(assistant)).to_have_count(0)
    tour.check(assistant, "owed-dashboard-after-va")
    clock.move_to(THURSDAY + timedelta(days=5))
    assert owed_reminders.remind_owed() == []

    assert not tour.problems, "\n".join(tour.problems)
