"""Clients: who sees which, archiving, assigning, and the client form's bad input."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from tandem.clients.models import Assignment, Client
from tandem.clients.services import archive_client, restore_client
from tandem.core.audit import Action
from tandem.core.models import AuditEntry
from tests.conftest import Personas, field_error, page_text, signed_in


def client_names(http: HttpClient, query: str = "") -> list[str]:
    response = http.get(f"/clients/{query}")
    assert response.status_code == 200
    return [client.name for client in response.context["page"].object_list]


def test_assistant_sees_only_assigned_clients(personas: Personas) -> None:
    assert client_names(signed_in(personas.a.assistant)) == ["Client A1"]


def test_unassigned_assistant_sees_no_clients(personas: Personas) -> None:
    assert client_names(signed_in(personas.a.unassigned)) == []


def test_owner_sees_every_client_of_their_practice_only(personas: Personas) -> None:
    assert client_names(signed_in(personas.a.owner)) == ["Client A1", "Client A2"]


def test_assistant_loses_a_client_when_unassigned(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(f"/clients/{a.client1.pk}/unassign/{a.assistant.pk}/")
    assert response.status_code == 302
    http = signed_in(a.assistant)
    assert client_names(http) == []
    assert http.get(f"/clients/{a.client1.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action=Action.ASSISTANT_UNASSIGNED).exists()


def test_owner_assigns_an_assistant(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        f"/clients/{a.client2.pk}/assign/", {"assistant": a.unassigned.pk}
    )
    assert response.status_code == 302
    assert client_names(signed_in(a.unassigned)) == ["Client A2"]
    assert AuditEntry.objects.filter(action=Action.ASSISTANT_ASSIGNED).exists()


def test_assigning_someone_of_another_practice_is_refused(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        f"/clients/{a.client2.pk}/assign/", {"assistant": personas.b.unassigned.pk}
    )
    assert response.status_code == 400
    assert field_error(response, "assistant")
    assert not Assignment.objects.filter(client=a.client2).exists()


def test_archiving_a_client_ends_its_contacts_portal_access_at_once(personas: Personas) -> None:
    a = personas.a
    contact = signed_in(a.contact1)
    assert contact.get("/portal/").status_code == 200
    response = signed_in(a.owner).post(f"/clients/{a.client1.pk}/archive/")
    assert response.status_code == 302
    portal = contact.get("/portal/")
    assert portal.status_code == 403
    assert "Your access has ended" in page_text(portal)
    # The other client's contacts are untouched.
    assert signed_in(a.contact2).get("/portal/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.CLIENT_ARCHIVED).exists()


def test_archived_client_is_hidden_from_its_assistant(personas: Personas) -> None:
    a = personas.a
    archive_client(a.client1, actor=a.owner)
    http = signed_in(a.assistant)
    assert client_names(http) == []
    assert http.get(f"/clients/{a.client1.pk}/").status_code == 404


def test_restoring_a_client_gives_access_back(personas: Personas) -> None:
    a = personas.a
    archive_client(a.client1, actor=a.owner)
    response = signed_in(a.owner).post(f"/clients/{a.client1.pk}/restore/")
    assert response.status_code == 302
    assert signed_in(a.contact1).get("/portal/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.CLIENT_RESTORED).exists()


def test_owner_still_finds_archived_clients(personas: Personas) -> None:
    a = personas.a
    archive_client(a.client1, actor=a.owner)
    http = signed_in(a.owner)
    assert client_names(http) == ["Client A2"]
    assert client_names(http, "?archived=1") == ["Client A1"]
    assert http.get(f"/clients/{a.client1.pk}/").status_code == 200


def test_archiving_twice_explains_itself(personas: Personas) -> None:
    a = personas.a
    archive_client(a.client1, actor=a.owner)
    response = signed_in(a.owner).post(f"/clients/{a.client1.pk}/archive/", follow=True)
    assert "Client A1 is already archived." in page_text(response)


def test_owner_creates_a_client(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/clients/new/", {"name": "  Fresh Co  ", "time_zone": "Europe/Paris", "notes": "Hi"}
    )
    client = Client.objects.get(name="Fresh Co")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/"
    assert client.practice == personas.a.practice
    assert AuditEntry.objects.filter(action=Action.CLIENT_CREATED, target_id=client.pk).exists()


def test_client_form_empty_name_keeps_the_notes(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/clients/new/", {"name": "", "time_zone": "UTC", "notes": "Prefers calls on Tuesdays"}
    )
    assert response.status_code == 400
    assert field_error(response, "name") == "Enter the client's business name."
    assert "Prefers calls on Tuesdays" in page_text(response)


def test_client_form_oversized_name_is_a_message(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/clients/new/", {"name": "n" * 10_000, "time_zone": "UTC", "notes": "x" * 10_000}
    )
    assert response.status_code == 400
    assert "at most 160 characters" in field_error(response, "name")
    assert "at most 5000 characters" in field_error(response, "notes")


def test_client_form_unknown_time_zone_is_a_message(personas: Personas) -> None:
    response = signed_in(personas.a.owner).post(
        "/clients/new/", {"name": "Tz Co", "time_zone": "Mars/Olympus", "notes": ""}
    )
    assert response.status_code == 400
    assert field_error(response, "time_zone")
    assert 'value="Tz Co"' in response.content.decode()


def test_edit_form_keeps_typed_values(personas: Personas) -> None:
    a = personas.a
    response = signed_in(a.owner).post(
        f"/clients/{a.client1.pk}/edit/", {"name": "", "time_zone": "UTC", "notes": "New notes"}
    )
    assert response.status_code == 400
    assert field_error(response, "name")
    assert "New notes" in page_text(response)
    a.client1.refresh_from_db()
    assert a.client1.name == "Client A1"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/clients/abc/"),
        ("get", "/clients/-1/"),
        ("get", "/clients/1.5/edit/"),
        ("get", "/clients/99999999999999999999999/"),
        ("get", "/clients/9223372036854775808/edit/"),
        ("post", "/clients/99999999999999999999999/archive/"),
        ("post", "/clients/1/unassign/99999999999999999999999/"),
        ("post", "/clients/1/unassign/abc/"),
        ("post", "/people/abc/role/"),
        ("post", "/people/99999999999999999999999/remove/"),
        ("post", "/people/invitations/0x10/resend/"),
        ("post", "/people/invitations/99999999999999999999999/revoke/"),
        # A request's page and buttons read through SQL compiled once (core.compiled).
        ("get", "/tasks/99999999999999999999999/"),
        ("get", "/tasks/9223372036854775808/"),
        ("post", "/tasks/9223372036854775808/comment/"),
    ],
)
def test_malformed_ids_are_not_found(personas: Personas, method: str, path: str) -> None:
    response = getattr(signed_in(personas.a.owner), method)(path)
    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in page_text(response)


def test_csrf_failure_shows_our_page_with_a_clear_sentence(personas: Personas) -> None:
    http = signed_in(personas.a.owner, enforce_csrf_checks=True)
    response = http.post("/clients/new/", {"name": "Sneaky", "time_zone": "UTC"})
    assert response.status_code == 403
    text = page_text(response)
    assert "This form had expired" in text
    assert "Go back, reload the page and send it again." in text
    assert not Client.objects.filter(name="Sneaky").exists()


def test_restore_service_refuses_an_active_client(personas: Personas) -> None:
    from tandem.core.errors import DomainError

    with pytest.raises(DomainError, match="is not archived"):
        restore_client(personas.a.client1, actor=personas.a.owner)


def test_the_client_pages_team_buttons_bring_the_reader_back_to_their_section(
    personas: Personas,
) -> None:
    """On a phone the Assistants and Contacts sections are far down the page: a button there
    posts to an address ending in its section's anchor, so the page it brings back (a
    refusal, or the page after a success) opens at that section."""
    from tandem.clients import invitations
    from tandem.core.roles import Role

    a = personas.a
    invitations.invite(
        actor=a.owner, email="new@a.example.com", role=Role.CONTACT, client=a.client1
    )
    html = signed_in(a.owner).get(f"/clients/{a.client1.pk}/").content.decode()
    assert f'action="/clients/{a.client1.pk}/assign/#team-h"' in html
    assert f'action="/clients/{a.client1.pk}/unassign/{a.assistant.pk}/#team-h"' in html
    assert html.count('#contacts-h"') == 2  # resend and revoke
    assert 'id="team-h"' in html
    assert 'id="contacts-h"' in html


def test_the_people_pages_buttons_bring_the_reader_back_to_their_row(personas: Personas) -> None:
    a = personas.a
    html = signed_in(a.owner).get("/people/").content.decode()
    member = a.assistant.membership.pk
    assert f'<tr id="member-{member}">' in html
    assert f'action="/people/{member}/role/#member-{member}"' in html
    assert 'id="invitations-h"' in html
    assert html.count('#invitations-h"') == 2  # the pending invitation's resend and revoke
