"""A client's contact details and main contact (issue 11, part 11): edited on the client's
form, shown on its page with a ``tel:`` and a website link, and the page's flags of
overdue work and of what waits on the client."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.clients.models import Client, ClientContact
from tandem.clients.services import update_client
from tandem.core.errors import DomainError
from tandem.core.roles import Role
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, join, page_text, signed_in


def details(world: PracticeWorld, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Client A1",
        "time_zone": "America/New_York",
        "phone": "  +1 (212) 555-0100 ",
        "address": "5 Main Street\nNew York, NY 10001",
        "website": "https://bloom.example.com/",
        "main_contact": "",
        "notes": "Prefers calls",
    } | overrides


def edit_url(world: PracticeWorld) -> str:
    return f"/clients/{world.client1.pk}/edit/"


def words(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def test_the_practice_saves_a_clients_phone_address_website_and_main_contact(
    personas: Personas,
) -> None:
    world = personas.a
    main = ClientContact.objects.get(user=world.contact1)
    http = signed_in(world.owner)
    response = http.post(edit_url(world), details(world, main_contact=str(main.pk)))
    assert response.status_code == 302
    client = Client.objects.get(pk=world.client1.pk)
    assert client.phone == "+1 (212) 555-0100"  # trimmed
    assert client.address == "5 Main Street\nNew York, NY 10001"
    assert client.website == "https://bloom.example.com/"
    assert client.main_contact == main

    page = http.get(f"/clients/{world.client1.pk}/")
    content = page.content.decode()
    assert '<a href="tel:+12125550100">+1 (212) 555-0100</a>' in content
    assert 'href="https://bloom.example.com/" rel="noopener noreferrer"' in content
    assert "bloom.example.com<span" in content
    assert "5 Main Street<br>New York, NY 10001" in content
    assert "Main contact" in words(page)


def test_a_website_without_a_scheme_is_taken_as_https(personas: Personas) -> None:
    world = personas.a
    signed_in(world.owner).post(edit_url(world), details(world, website="bloom.example.com"))
    assert Client.objects.get(pk=world.client1.pk).website == "https://bloom.example.com"


@pytest.mark.parametrize(
    "website", ["ftp://files.example.com", "javascript:alert(1)", "not a website"]
)
def test_a_website_that_is_not_a_web_address_is_refused_keeping_what_was_typed(
    personas: Personas, website: str
) -> None:
    world = personas.a
    response = signed_in(world.owner).post(edit_url(world), details(world, website=website))
    assert response.status_code == 400
    assert field_error(response, "website") == (
        "Enter the website's address, such as https://example.com."
    )
    content = response.content.decode()
    assert "5 Main Street" in content
    assert 'value="  +1 (212) 555-0100 "' in content or 'value="+1 (212) 555-0100"' in content
    assert Client.objects.get(pk=world.client1.pk).website == ""


def test_a_phone_too_long_is_refused_keeping_what_was_typed(personas: Personas) -> None:
    world = personas.a
    response = signed_in(world.owner).post(edit_url(world), details(world, phone="1" * 41))
    assert response.status_code == 400
    assert field_error(response, "phone") == "Shorten this to 40 characters; it has 41."
    assert 'value="https://bloom.example.com/"' in response.content.decode()


def test_the_main_contact_is_picked_among_this_clients_contacts_only(
    personas: Personas,
) -> None:
    world = personas.a
    other = ClientContact.objects.get(user=world.contact2)  # Client A2's
    response = signed_in(world.owner).post(
        edit_url(world), details(world, main_contact=str(other.pk))
    )
    assert response.status_code == 400
    assert field_error(response, "main_contact") == (
        "Pick one of this client's contacts, or nobody."
    )
    with pytest.raises(DomainError, match="Pick one of Client A1's contacts"):
        update_client(
            world.client1,
            actor=world.owner,
            name="Client A1",
            time_zone="UTC",
            notes="",
            main_contact=other,
        )


def test_a_new_client_has_no_main_contact_to_pick(personas: Personas) -> None:
    page = signed_in(personas.a.owner).get("/clients/new/").content.decode()
    assert 'name="phone"' in page
    assert 'name="main_contact"' not in page


def test_the_main_contact_is_listed_first_on_the_client_page(personas: Personas) -> None:
    world = personas.a
    later = join(world.owner, "zed@a.example.com", role=Role.CONTACT, client=world.client1)
    later.name = "Zed Last"
    later.save(update_fields=["name"])
    main = ClientContact.objects.get(user=later)
    update_client(
        world.client1,
        actor=world.owner,
        name="Client A1",
        time_zone="UTC",
        notes="",
        main_contact=main,
    )
    page = signed_in(world.owner).get(f"/clients/{world.client1.pk}/")
    contacts = page.context["page"].detail.contacts
    assert contacts[0] == main
    assert page.context["page"].detail.main_contact == main


def test_leaving_details_out_of_update_client_keeps_them(personas: Personas) -> None:
    world = personas.a
    signed_in(world.owner).post(edit_url(world), details(world))
    update_client(world.client1, actor=world.owner, name="Renamed", time_zone="UTC", notes="")
    client = Client.objects.get(pk=world.client1.pk)
    assert (client.name, client.phone) == ("Renamed", "+1 (212) 555-0100")


def test_an_assistant_cannot_edit_a_client(personas: Personas) -> None:
    response = signed_in(personas.a.assistant).post(
        edit_url(personas.a), details(personas.a, phone="000")
    )
    assert response.status_code == 403


# The page's flags ------------------------------------------------------------------------------


def a_request(world: PracticeWorld, title: str, *, days: int) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=days),
        assignee=world.assistant,
    )


def test_the_client_page_flags_overdue_work_and_what_waits_on_the_client(
    personas: Personas,
) -> None:
    world = personas.a
    for title in ("Late one", "Late two"):
        late = a_request(world, title, days=3)
        Task.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(hours=5))
    a_request(world, "On time", days=3)
    waiting = a_request(world, "Needs logo", days=5)
    waiting = move_task(waiting, to=TaskStatus.ACCEPTED, actor=world.assistant)
    waiting = move_task(waiting, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    move_task(
        waiting,
        to=TaskStatus.WAITING_ON_CLIENT,
        actor=world.assistant,
        waiting_for="the logo files",
        waiting_until=timezone.now() + timedelta(days=1),
    )
    page = signed_in(world.owner).get(f"/clients/{world.client1.pk}/")
    flags = page.context["page"].flags
    assert [task.title for task in flags.overdue] == ["Late one", "Late two"]
    assert [row.task.title for row in flags.waiting] == ["Needs logo"]
    text = words(page)
    assert "2 overdue" in text
    assert "1 waiting on the client" in text
    assert "Overdue: was due" in text
    since = timezone.localtime(flags.waiting[0].since).strftime("%a %-d %b")
    assert f"Waiting on the client since {since} for the logo files" in text


def test_a_calm_client_page_says_nothing_needs_attention(personas: Personas) -> None:
    world = personas.a
    a_request(world, "On time", days=3)
    text = words(signed_in(world.owner).get(f"/clients/{world.client1.pk}/"))
    assert "Nothing is overdue or waiting on the client." in text
