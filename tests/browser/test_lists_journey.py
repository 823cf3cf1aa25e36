"""Lists that help decide (issue 11), in a real browser.

A contact chooses two files for a new request, sees them as chips, removes one and sends
the request: only the other arrives. The assistant reads the request's start, its files and
what done looks like in the Inbox and takes it on with "Accept and start". The practice-wide
board fits a 1366 px screen without sideways scrolling; on a phone the request list's
filters fold behind one "Filters" button, and the board speaks of its "Move to…" list
instead of dragging.

Every page visited is photographed at desktop (1366 px) and phone width under
var/test-output/browser/ and checked with axe (see conftest.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.work import deliveries, services
from tandem.work.models import Attachment, Task, TaskStatus

from ..conftest import join
from .conftest import PHONE, Tour, london_practice_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 12, 9, 30, tzinfo=LONDON)
TITLE = "Print the autumn catalogue"


@pytest.fixture
def people(clock: None) -> dict[str, Any]:
    """A London practice with two clients the assistant works on, and work in several
    statuses on both, so the practice-wide board has full and empty columns."""
    owner = london_practice_owner()
    bloom = create_client(actor=owner, name="Bloom Florists", time_zone="Europe/London")
    oak = create_client(actor=owner, name="Oak & Ivy Interiors", time_zone="Europe/London")
    assistant = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    for client in (bloom, oak):
        assign_assistant(client, assistant=assistant, actor=owner)
    contact = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=bloom, name="Chloe Contact"
    )
    oak_contact = join(
        owner, "iris@oak.example.com", role=Role.CONTACT, client=oak, name="Iris Contact"
    )
    User.objects.filter(pk__in=[assistant.pk, contact.pk]).update(time_zone="Europe/London")
    due = NOW + timedelta(days=5)
    for client, who, title, moves in (
        (oak, oak_contact, "Order the velvet curtains", ()),
        (oak, oak_contact, "Choose fabric samples for the showroom", ("accepted",)),
        (oak, oak_contact, "Book the photographer", ("accepted", "in_progress")),
        (bloom, contact, "Send the wedding quotes", ("accepted", "in_progress")),
        (bloom, contact, "Update the opening hours", ("accepted", "in_progress", "delivered")),
        (bloom, contact, "Reorder ribbon", ("accepted", "in_progress", "waiting_on_client")),
    ):
        task = services.create_task(
            client, actor=who, title=title, expectations="Done and sent", deadline_at=due
        )
        for to in moves:
            extra: dict[str, Any] = {}
            if to == "waiting_on_client":
                extra = {"waiting_for": "The colour you want", "waiting_until": due}
            if to == "delivered":
                deliveries.deliver_task(task, actor=assistant, message="The new hours are up.")
            else:
                services.move_task(task, to=to, actor=assistant, **extra)
    services.create_task(
        oak,
        actor=oak_contact,
        title="Sort the mailbox",
        expectations="An empty inbox",
        deadline_at=None,
        allow_missing_deadline=True,
    )
    return {"owner": owner, "assistant": assistant, "contact": contact, "bloom": bloom}


def no_sideways_scroll(page: Page) -> None:
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    columns = page.locator(".board-columns")
    assert columns.evaluate("row => row.scrollWidth - row.clientWidth") <= 0


def test_files_as_chips_the_inbox_preview_and_accept_and_start(
    tour: Tour, people: dict[str, Any], media: Path
) -> None:
    contact = tour.page_as(people["contact"].email)
    contact.goto(reverse("work:task-create", args=[people["bloom"].pk]))
    # The client is not asked for an estimate.
    expect(contact.get_by_label("Estimate in hours")).to_have_count(0)
    contact.get_by_label("Title").fill(TITLE)
    contact.get_by_label("Request", exact=True).fill(
        "Please print **200 copies** of the [autumn catalogue](https://bloom.example.com/cat) "
        "on recycled paper, and have them delivered to the shop."
    )
    contact.get_by_label("What done looks like").fill("200 catalogues at the shop")
    contact.get_by_role("textbox", name="Deadline").fill("Friday 5pm")

    # Two files chosen at once become two chips; one is removed again.
    chooser = contact.get_by_label("Files")
    chooser.set_input_files([
        {"name": "catalogue.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
        {"name": "old-draft.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
    ])  # fmt: skip
    chips = contact.locator("[data-upload-list] li.chip")
    expect(chips).to_have_count(2)
    expect(chips.filter(has_text="catalogue.pdf")).to_have_class(re.compile(r"\bdone\b"))
    expect(chips.filter(has_text="old-draft.pdf")).to_have_class(re.compile(r"\bdone\b"))
    expect(contact.get_by_text("Choose files", exact=True)).to_be_visible()
    tour.check(contact, "lists-request-chips")
    contact.get_by_role("button", name="Remove old-draft.pdf").click()
    expect(chips).to_have_count(1)
    # The keyboard stays in the list: on the remaining chip's button.
    expect(contact.get_by_role("button", name="Remove catalogue.pdf")).to_be_focused()
    contact.get_by_role("button", name="Send request").last.click()
    expect(contact.get_by_role("heading", name=TITLE)).to_be_visible()
    task = Task.objects.get(title=TITLE)
    assert list(Attachment.objects.filter(task=task).values_list("name", flat=True)) == [
        "catalogue.pdf"
    ]

    # The assistant decides from the inbox: the request's start, its file, what done means.
    assistant = tour.page_as(people["assistant"].email)
    assistant.goto(reverse("work:inbox"))
    row = assistant.locator(f"#inbox-task-{task.pk}")
    expect(row.locator(".inbox-preview")).to_have_text(
        "Please print 200 copies of the autumn catalogue on recycled paper, and have them "
        "delivered to the shop."
    )
    expect(row).to_contain_text("· 1 file")
    expect(row).to_contain_text("Done means: 200 catalogues at the shop")
    tour.check(assistant, "lists-inbox")
    row.get_by_role("button", name=f"Accept and start “{TITLE}”").click()
    expect(row.get_by_role("status")).to_contain_text("In progress")
    task.refresh_from_db()
    assert (task.status, task.assignee) == (TaskStatus.IN_PROGRESS, people["assistant"])

    problems = tour.problems
    assert not problems, "\n".join(problems)


def test_the_practice_board_fits_and_the_lists_fold_on_a_phone(
    tour: Tour, people: dict[str, Any]
) -> None:
    owner = tour.page_as(people["owner"].email)
    owner.goto(reverse("work:practice-board"))
    expect(owner.get_by_role("heading", name="Board · all clients")).to_be_visible()
    card = owner.locator(".board-card").filter(has_text="Book the photographer")
    expect(card).to_contain_text("Oak & Ivy Interiors")
    # Every open status has cards here: all six columns fit 1366 px side by side.
    expect(owner.locator(".board-column:visible")).to_have_count(6)
    no_sideways_scroll(owner)
    tour.check(owner, "lists-practice-board")

    # A move from the practice-wide board, by its "Move to…" list.
    card.get_by_label("Move to…").select_option("delivered")
    card.get_by_role("button", name="Move “Book the photographer”").click()
    # Delivering takes a message: the request's page says so, its delivery form at hand.
    expect(owner.get_by_text("say below what you are delivering")).to_be_visible()
    next_step = owner.get_by_role("region", name="Next step")
    expect(next_step).to_be_visible()
    form = next_step.locator("#deliver form")
    message = form.get_by_label("What are you delivering?")
    # Opened by the refusal, or by hand: decided once the request's page is there.
    owner.wait_for_load_state("load")
    if not message.is_visible():
        next_step.locator("summary", has_text="Deliver for review").click()
    message.fill("The photographer is booked.")
    form.get_by_role("button", name="Deliver for review").click()
    expect(owner.get_by_text("Delivered. Oak & Ivy Interiors has been told")).to_be_visible()
    assert Task.objects.get(title="Book the photographer").status == TaskStatus.DELIVERED
    owner.goto(reverse("work:practice-board"))
    expect(owner.locator("#board .board-column:visible")).to_have_count(6)
    # With one of them emptied, only the columns with cards show (the empty one waits, hidden,
    # for a dragged card).
    owner.goto(reverse("work:practice-board") + f"?who={people['assistant'].pk}")
    expect(owner.locator(".board-column:visible")).to_have_count(4)

    # The assistant's view of one client's board, and their own work only.
    assistant = tour.page_as(people["assistant"].email)
    assistant.goto(reverse("work:board", args=[people["bloom"].pk]))
    no_sideways_scroll(assistant)
    tour.check(assistant, "lists-client-board")
    assistant.goto(reverse("work:practice-board") + "?who=mine")
    expect(assistant.get_by_role("heading", name="Board · your clients")).to_be_visible()
    tour.check(assistant, "lists-practice-board-mine")

    # The request list: at 1366 the filters are open; on a phone they fold behind "Filters".
    assistant.goto(reverse("work:request-list"))
    expect(assistant.get_by_label("Status")).to_be_visible()
    tour.check(assistant, "lists-request-list")

    touch = tour.page_as(people["assistant"].email, viewport=PHONE, has_touch=True, is_mobile=True)
    touch.goto(reverse("work:request-list"))
    filters = touch.get_by_text("Filters", exact=True)
    expect(filters).to_be_visible()
    expect(touch.get_by_label("Status")).to_be_hidden()
    touch.screenshot(path=tour.output_dir / "lists-request-list-phone-folded.png", full_page=True)
    filters.click()
    expect(touch.get_by_label("Status")).to_be_visible()
    # Without a pointer the board speaks of its list, and its cards are not draggable.
    touch.goto(reverse("work:practice-board"))
    expect(touch.get_by_text("Move a card with its “Move to…” list.")).to_be_visible()
    expect(touch.get_by_text("Drag a card to another column")).to_be_hidden()
    expect(touch.locator("[data-card][draggable]")).to_have_count(0)
    touch.screenshot(path=tour.output_dir / "lists-practice-board-touch.png", full_page=True)

    problems = tour.problems
    assert not problems, "\n".join(problems)
