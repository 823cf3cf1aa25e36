"""A delivery, from the assistant's "Deliver for review" to the client's thanks, in a real
browser.

The assistant opens a request in progress (a conversation with both sides in it), opens
"Deliver for review", writes what was done, uploads a file (upload.js, at once) and adds a
link. The client, in their own browser, opens the request on the highlighted delivery with
its message, file and link, the progress line at "Delivered", and accepts it with a thank-you
note, which then shows in the conversation.

Every page is checked with axe and photographed at 1366x900 and 390x844 by the tour, the
request page also as first seen, without scrolling (var/test-output/browser/).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work import services
from tandem.work.models import Delivery, Task, TaskStatus

from ..conftest import join
from .conftest import Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Christmas opening hours poster"
MESSAGE = "Here is the poster, with Christmas Eve's early closing in bold."
LINK = "https://example.com/bloom/poster"


@pytest.fixture
def request_in_progress() -> tuple[Task, User, User]:
    """A London practice's request from Bloom Florist, in progress, with a conversation."""
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
        request_markdown="Same style as last year's, please, with the **new logo**.",
        expectations="An A4 poster for the shop window with the hours from 20 Dec to 2 Jan.",
        deadline_at=timezone.now() + timedelta(days=4),
        assignee=ada,
    )
    services.move_task(task, to=TaskStatus.ACCEPTED, actor=ada)
    services.move_task(task, to=TaskStatus.IN_PROGRESS, actor=ada)
    services.add_comment(task, actor=chloe, body_markdown="We close at 2pm on Christmas Eve.")
    services.add_comment(task, actor=ada, body_markdown="Noted, I'll put that in **bold**.")
    return task, ada, chloe


def test_assistant_delivers_with_a_file_and_the_client_accepts_with_thanks(
    tour: Tour, request_in_progress: tuple[Task, User, User], media: Path
) -> None:
    task, ada, chloe = request_in_progress
    task_path = reverse("work:task-detail", args=[task.pk])

    # The assistant's page: the conversation with both sides told apart, the next step on top.
    assistant = tour.page_as(ada.email)
    assistant.goto(task_path)
    conversation = assistant.get_by_role("region", name="Conversation")
    expect(conversation.locator(".entry.client .side-tag").first).to_have_text("Bloom Florist")
    expect(conversation.locator(".entry.practice .side-tag").first).to_have_text(
        "Northwind Virtual Assistance"
    )
    expect(conversation.get_by_role("button", name="Post comment")).to_be_visible()
    tour.check(assistant, "task-in-progress-va", first_screen=True)

    # "Deliver for review" opens the delivery form: a message, a file, a link.
    next_step = assistant.get_by_role("region", name="Next step")
    next_step.locator("summary", has_text="Deliver for review").click()
    form = next_step.locator("#deliver form")
    form.get_by_label("What are you delivering?").fill(MESSAGE)
    form.get_by_label("Files (optional)").set_input_files(
        {"name": "poster.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 poster"}
    )
    uploaded = form.locator("[data-upload-list] li").filter(has_text="poster.pdf")
    expect(uploaded).to_contain_text("ready to send")
    form.get_by_label("Links (optional)").fill(LINK)
    tour.check(assistant, "task-delivery-form-va")
    form.get_by_role("button", name="Deliver for review").click()
    expect(assistant.get_by_text("Delivered. Bloom Florist has been told")).to_be_visible()
    delivery = Delivery.objects.get(task=task)
    assert delivery.links == [LINK]
    assert [file.name for file in delivery.attachments.all()] == ["poster.pdf"]
    tour.check(assistant, "task-delivered-va", first_screen=True)

    # The client opens the request on the delivery, highlighted, with its file and link.
    client = tour.page_as(chloe.email)
    client.goto(task_path)
    highlighted = client.get_by_role("region", name="Delivered for your review")
    expect(highlighted).to_contain_text(MESSAGE)
    expect(highlighted.get_by_role("link", name="poster.pdf")).to_be_visible()
    expect(highlighted.get_by_role("link", name=LINK)).to_have_attribute("href", LINK)
    progress = client.get_by_role("list", name="Progress")
    expect(progress.locator('[aria-current="step"]')).to_contain_text("Delivered")
    expect(client.get_by_role("region", name="Next step")).to_contain_text(
        "Look at the delivery below, then accept it or send it back"
    )
    tour.check(client, "task-delivered-client", first_screen=True)

    # ... and accepts it with thanks; the thanks is in the conversation for both sides.
    highlighted.get_by_label("Say thanks (optional)").fill("Perfect, thank you Ada!")
    highlighted.get_by_role("button", name="Accept the work").click()
    expect(client.get_by_role("heading", name=TITLE)).to_contain_text("Done")
    thanks = client.get_by_role("region", name="Conversation").locator(".thanks-entry")
    expect(thanks).to_contain_text("Accepted the work.")
    expect(thanks).to_contain_text("Perfect, thank you Ada!")
    expect(progress.locator('[aria-current="step"]')).to_have_count(0)
    tour.check(client, "task-done-client", first_screen=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE

    assert not tour.problems, "\n".join(tour.problems)
