"""The mail log page: what arrived by e-mail and what became of it, for the practice side.

Messages are received through ``receive_message``, the same function the mail server's doors
call, so every row here is one the app could have written itself.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tandem.clients.services import archive_client
from tandem.inbound.addresses import client_address, reply_address
from tandem.inbound.models import InboundMessage, Outcome
from tandem.inbound.selectors import MESSAGES_PER_PAGE
from tandem.inbound.services import receive_message
from tandem.work.models import Task
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

URL = "/inbound/"
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def message(subject: str, body: str, *, sender: str, to: str) -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    text = "\n".join([*headers, "Content-Type: text/plain; charset=utf-8", "", body])
    return text.encode()


def request_by_mail(world: PracticeWorld, subject: str = "Book the venue") -> Task:
    """client 1's contact mails a request with a deadline; the task it became."""
    raw = message(
        subject,
        "Please book it by Friday 5pm.\n\nDone when: the booking is confirmed.",
        sender=world.contact1.email,
        to=client_address(world.client1),
    )
    task = receive_message(raw).task
    assert task is not None
    return task


def stranger_mail(world: PracticeWorld, subject: str, *, client_number: int = 1) -> None:
    client = world.client1 if client_number == 1 else world.client2
    raw = message(subject, "Hello", sender="stranger@elsewhere.example", to=client_address(client))
    assert receive_message(raw).outcome == Outcome.UNKNOWN_SENDER


def rows(response) -> list[str]:
    """The table's rows as text, tags stripped and spaces squeezed."""
    body = page_text(response)
    found = re.findall(r"<tr>\s*<td>(.*?)</tr>", body, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


# What the page shows -------------------------------------------------------------------------


def test_owner_reads_every_message_newest_first_in_their_own_time_zone(
    personas: Personas,
) -> None:
    world = personas.a
    world.owner.time_zone = "Europe/Berlin"
    world.owner.save(update_fields=["time_zone"])
    with time_machine.travel(MONDAY, tick=False):
        task = request_by_mail(world)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        stranger_mail(world, "Quick question", client_number=2)

    response = signed_in(world.owner).get(URL)

    assert response.status_code == 200
    newest, oldest = rows(response)
    # 12:00 UTC is 13:00 in Berlin in November.
    assert newest.startswith("23 Nov 2026, 13:00 stranger@elsewhere.example Quick question")
    assert "Client A2" in newest
    assert "Ignored: the sender is not a contact" in newest
    assert "invite them as its contact" in newest
    assert oldest.startswith(f"23 Nov 2026, 11:00 {world.contact1.email} Book the venue")
    assert "Client A1 Became a request Book the venue" in oldest
    assert f'href="/tasks/{task.pk}/"' in response.content.decode()
    assert "Times are in Berlin time" in page_text(response)


def test_a_reply_that_became_a_comment_links_to_its_request(personas: Personas) -> None:
    world = personas.a
    task = request_by_mail(world)
    raw = message(
        "Re: Book the venue",
        "Any news?",
        sender=world.contact1.email,
        to=reply_address(task, world.contact1),
    )
    assert receive_message(raw).outcome == Outcome.COMMENT_ADDED

    response = signed_in(world.owner).get(URL)

    newest = rows(response)[0]
    assert "Became a comment Comment on “Book the venue”" in newest
    assert f'href="/tasks/{task.pk}/#conversation-h"' in response.content.decode()


def test_a_refusal_is_shown_with_its_reason(personas: Personas) -> None:
    world = personas.a
    archive_client(world.client1, actor=world.owner)
    raw = message(
        "After the end", "Hello", sender=world.contact1.email, to=client_address(world.client1)
    )
    receipt = receive_message(raw)

    response = signed_in(world.owner).get(URL)

    [row] = rows(response)
    assert receipt.note
    assert receipt.note in row


def test_assistant_reads_only_the_mail_of_their_own_clients(personas: Personas) -> None:
    world = personas.a
    stranger_mail(world, "For client one")
    stranger_mail(world, "For client two", client_number=2)

    text = page_text(signed_in(world.assistant).get(URL))

    assert "For client one" in text
    assert "For client two" not in text


def test_unassigned_assistant_sees_the_empty_page_that_explains_mail(personas: Personas) -> None:
    stranger_mail(personas.a, "For client one")

    response = signed_in(personas.a.unassigned).get(URL)

    text = page_text(response)
    assert response.status_code == 200
    assert "For client one" not in text
    assert "No mail received yet" in text
    assert "private address for requests" in text
    assert "Send requests by e-mail to …" in text
    assert 'href="/clients/"' in response.content.decode()


def test_another_practices_mail_is_never_listed(personas: Personas) -> None:
    stranger_mail(personas.b, "Practice B's mail")

    text = page_text(signed_in(personas.a.owner).get(URL))

    assert "Practice B's mail" not in text
    assert "No mail received yet" in text


def test_mail_to_an_address_that_is_not_ours_belongs_to_no_practice(personas: Personas) -> None:
    raw = message("Lost", "Hello", sender="someone@x.example", to="req-1-forged@nowhere.example")
    receive_message(raw)
    assert InboundMessage.objects.get().practice is None

    text = page_text(signed_in(personas.a.owner).get(URL))

    assert "Lost" not in text


def test_contacts_may_not_read_the_log(personas: Personas) -> None:
    stranger_mail(personas.a, "For client one")

    response = signed_in(personas.a.contact1).get(URL)

    assert response.status_code == 403
    assert not InboundMessage.objects.visible_to(personas.a.contact1).exists()


def test_a_task_deleted_since_is_said_rather_than_linked(personas: Personas) -> None:
    world = personas.a
    task = request_by_mail(world)
    Task.objects.filter(pk=task.pk).delete()

    response = signed_in(world.owner).get(URL)

    assert "Became a request (since deleted)" in rows(response)[0]


# Filtering and pages ------------------------------------------------------------------------


def test_filtering_by_outcome_lists_only_that_outcome(personas: Personas) -> None:
    world = personas.a
    request_by_mail(world)
    stranger_mail(world, "Not a contact")

    response = signed_in(world.owner).get(URL, {"outcome": Outcome.TASK_CREATED})

    [row] = rows(response)
    assert "Book the venue" in row
    assert "Not a contact" not in page_text(response)


def test_a_filter_with_nothing_in_it_offers_to_show_all(personas: Personas) -> None:
    world = personas.a
    stranger_mail(world, "Not a contact")

    response = signed_in(world.owner).get(URL, {"outcome": Outcome.AUTOMATIC})

    text = page_text(response)
    assert response.status_code == 200
    assert "No mail with that outcome" in text
    assert "show all the mail" in text


def test_an_unknown_outcome_is_named_and_every_message_is_listed(personas: Personas) -> None:
    world = personas.a
    stranger_mail(world, "Not a contact")

    response = signed_in(world.owner).get(URL, {"outcome": "exploded"})

    text = page_text(response)
    assert response.status_code == 400
    assert "That outcome is not in the list; choose one from the list or clear it." in text
    assert "Not a contact" in text


def test_the_filter_refreshed_by_htmx_returns_only_the_list(personas: Personas) -> None:
    world = personas.a
    stranger_mail(world, "Not a contact")

    response = signed_in(world.owner).get(
        URL, {"outcome": Outcome.UNKNOWN_SENDER}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="messages"')
    assert "Not a contact" in body


def test_pages_hold_twenty_five_messages_and_keep_the_filter(personas: Personas) -> None:
    world = personas.a
    for i in range(MESSAGES_PER_PAGE + 1):
        stranger_mail(world, f"Mail {i:02}")
    http = signed_in(world.owner)

    first = http.get(URL, {"outcome": Outcome.UNKNOWN_SENDER})
    second = http.get(URL, {"outcome": Outcome.UNKNOWN_SENDER, "page": "2"})

    assert len(rows(first)) == MESSAGES_PER_PAGE
    assert "Page 1 of 2" in page_text(first)
    assert "?outcome=ignored_unknown_sender&amp;page=2" in first.content.decode()
    [last] = rows(second)
    assert "Mail 00" in last


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_a_page_number_that_is_not_one_shows_a_real_page(personas: Personas, page: str) -> None:
    stranger_mail(personas.a, "Not a contact")

    response = signed_in(personas.a.owner).get(URL, {"page": page})

    assert response.status_code == 200
    assert "Not a contact" in page_text(response)


# Links to the page --------------------------------------------------------------------------


def test_the_client_page_and_the_inbox_link_to_the_log_but_the_portal_does_not(
    personas: Personas,
) -> None:
    world = personas.a
    link = f'href="{URL}"'

    client_page = signed_in(world.owner).get(f"/clients/{world.client1.pk}/")
    inbox = signed_in(world.assistant).get("/inbox/")
    portal = signed_in(world.contact1).get("/portal/")

    assert link in client_page.content.decode()
    assert link in inbox.content.decode()
    assert portal.status_code == 200
    assert client_address(world.client1) in portal.content.decode()
    assert link not in portal.content.decode()


# Query counts -------------------------------------------------------------------------------


def populate(world: PracticeWorld, count: int) -> None:
    """``count`` messages of every kind a row can show: requests, comments and strangers'."""
    deadline_at = MONDAY + timedelta(days=7)
    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Earlier request",
        expectations="Done",
        deadline_at=deadline_at,
    )
    for i in range(count):
        if i % 3 == 0:
            request_by_mail(world, subject=f"Request {i:02}")
        elif i % 3 == 1:
            raw = message(
                f"Re: {i}",
                "Thanks",
                sender=world.contact1.email,
                to=reply_address(task, world.contact1),
            )
            receive_message(raw)
        else:
            stranger_mail(world, f"Stranger {i:02}", client_number=1 + i % 2)


@pytest.mark.parametrize("count", [2, 30])
@pytest.mark.parametrize("persona", ["owner", "assistant"])
def test_the_log_costs_the_same_queries_for_few_and_many_messages(
    personas: Personas, count: int, persona: str, django_assert_num_queries
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        populate(personas.a, count)
    viewer = getattr(personas.a, persona)
    visible = InboundMessage.objects.visible_to(viewer).count()
    http = signed_in(viewer)
    # 1. the session, 2. the user with their membership and practice,
    # 3. the count of messages (paginator), 4. the page of them joined to client and task
    with django_assert_num_queries(4):
        response = http.get(URL)
    assert response.status_code == 200
    assert len(rows(response)) == min(visible, MESSAGES_PER_PAGE) > 0


def test_an_out_of_office_to_a_clients_address_is_listed_under_that_client(
    personas: Personas,
) -> None:
    world, other = personas.a, personas.b
    raw = (
        message("Out of office", "I am away until Monday.", sender=world.contact1.email,
                to=client_address(world.client1))
        .replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:")
    )  # fmt: skip
    assert receive_message(raw).outcome == Outcome.AUTOMATIC

    [row] = rows(signed_in(world.owner).get(URL, {"outcome": Outcome.AUTOMATIC}))
    assert "Out of office" in row
    assert world.client1.name in row
    assert "Out of office" in page_text(signed_in(world.assistant).get(URL))
    assert "Out of office" not in page_text(signed_in(other.owner).get(URL))
