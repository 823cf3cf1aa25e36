"""Invitations: sending, resending, withdrawing and accepting, and every way a link fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients import invitations
from tandem.clients.models import Client, ClientContact, Invitation
from tandem.clients.services import archive_client
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import AuditEntry, Membership, Practice
from tandem.core.roles import Role
from tests.conftest import PASSWORD, Personas, field_error, page_text, signed_in


def accept_url(invitation: Invitation) -> str:
    return f"/invite/{invitations.make_token(invitation)}/"


def accept_form(name: str = "Pat Pending") -> dict[str, str]:
    return {"name": name, "password1": PASSWORD, "password2": PASSWORD}


def test_visitor_accepts_and_is_signed_in(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    http = signed_in(None)
    response = http.post(accept_url(invitation), accept_form())
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="pending@a.example.com")
    assert user.name == "Pat Pending"
    assert user.membership.practice == personas.a.practice
    assert user.membership.role == Role.ASSISTANT
    assert http.get("/dashboard/").status_code == 200
    assert AuditEntry.objects.filter(
        action=Action.INVITATION_ACCEPTED, actor=user, practice=personas.a.practice
    ).exists()


def test_contact_invitation_makes_a_contact_of_that_client(personas: Personas) -> None:
    invitation = invitations.invite(
        actor=personas.a.owner,
        email="new.contact@a.example.com",
        role=Role.CONTACT,
        client=personas.a.client2,
    )
    http = signed_in(None)
    http.post(accept_url(invitation), accept_form("Nia New"))
    contact = ClientContact.objects.get(user__email="new.contact@a.example.com")
    assert contact.client == personas.a.client2
    assert "Client A2" in page_text(http.get("/portal/"))


def test_a_new_contact_reads_times_in_their_clients_zone(personas: Personas) -> None:
    Client.objects.filter(pk=personas.a.client2.pk).update(time_zone="America/New_York")
    invitation = invitations.invite(
        actor=personas.a.owner,
        email="ny.contact@a.example.com",
        role=Role.CONTACT,
        client=personas.a.client2,
    )
    signed_in(None).post(accept_url(invitation), accept_form("Nora York"))
    assert User.objects.get(email="ny.contact@a.example.com").time_zone == "America/New_York"


def test_a_new_assistant_reads_times_in_the_practices_zone(personas: Personas) -> None:
    Client.objects.filter(pk=personas.a.client2.pk).update(time_zone="America/New_York")
    Practice.objects.filter(pk=personas.a.practice.pk).update(time_zone="Europe/London")
    invitation = invitations.invite(
        actor=personas.a.owner, email="new.va@a.example.com", role=Role.ASSISTANT
    )
    signed_in(None).post(accept_url(invitation), accept_form("Vera Assistant"))
    assert User.objects.get(email="new.va@a.example.com").time_zone == "Europe/London"


def test_expired_link_says_so(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = signed_in(None).get(accept_url(invitation))
    assert response.status_code == 404
    assert "This invitation has expired" in page_text(response)


def test_link_works_once(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    url = accept_url(invitation)
    signed_in(None).post(url, accept_form())
    response = signed_in(None).get(url)
    assert response.status_code == 404
    assert "already been used" in page_text(response)
    again = signed_in(None).post(url, accept_form("Someone Else"))
    assert again.status_code == 404
    assert Membership.objects.filter(user__email="pending@a.example.com").count() == 1


def test_second_acceptance_racing_the_first_is_refused(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    stale = Invitation.objects.get(pk=invitation.pk)
    invitations.accept_invitation(invitation, signed_in_as=None, name="One", password=PASSWORD)
    with pytest.raises(DomainError, match="already"):
        invitations.accept_invitation(stale, signed_in_as=None, name="Two", password=PASSWORD)


def test_revoked_link_says_it_was_withdrawn(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    signed_in(personas.a.owner).post(f"/people/invitations/{invitation.pk}/revoke/")
    response = signed_in(None).get(accept_url(invitation))
    assert response.status_code == 404
    assert "withdrawn by the practice" in page_text(response)
    assert AuditEntry.objects.filter(action=Action.INVITATION_REVOKED).exists()


def test_resending_retires_the_old_link(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    old_url = accept_url(invitation)
    response = signed_in(personas.a.owner).post(f"/people/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    old = signed_in(None).get(old_url)
    assert old.status_code == 404
    assert "replaced by a newer one" in page_text(old)
    assert signed_in(None).get(accept_url(invitation)).status_code == 200
    assert AuditEntry.objects.filter(action=Action.INVITATION_RESENT).exists()


def test_resending_restarts_the_expiry_clock(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        invitations.resend_invitation(invitation, actor=personas.a.owner)
        response = signed_in(None).get(accept_url(invitation))
    assert response.status_code == 200


def test_tampered_link_is_refused(personas: Personas) -> None:
    token = invitations.make_token(personas.a.pending_invitation)
    response = signed_in(None).get(f"/invite/{token[:-3]}xyz/")
    assert response.status_code == 404
    assert invitations.INVALID_LINK in page_text(response)


def test_garbage_link_is_refused(personas: Personas) -> None:
    response = signed_in(None).get("/invite/not-a-token/")
    assert response.status_code == 404
    assert invitations.INVALID_LINK in page_text(response)


def test_owner_cannot_touch_another_practices_invitation(personas: Personas) -> None:
    theirs = personas.b.pending_invitation
    http = signed_in(personas.a.owner)
    assert http.post(f"/people/invitations/{theirs.pk}/revoke/").status_code == 404
    assert http.post(f"/people/invitations/{theirs.pk}/resend/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_pending


def test_cannot_invite_a_contact_for_another_practices_client(personas: Personas) -> None:
    with pytest.raises(DomainError, match="Pick one of your active clients"):
        invitations.invite(
            actor=personas.a.owner,
            email="x@example.com",
            role=Role.CONTACT,
            client=personas.b.client1,
        )
    http = signed_in(personas.a.owner)
    response = http.post(f"/clients/{personas.b.client1.pk}/invite/", {"email": "x@example.com"})
    assert response.status_code == 404


def test_cannot_invite_someone_of_another_practice(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    response = http.post(
        "/people/invite/", {"email": personas.b.assistant.email, "name": "Bo", "role": "assistant"}
    )
    assert response.status_code == 400
    assert "already has a Tandem account with another practice" in field_error(response, "email")


def test_accepting_while_signed_in_as_someone_else_is_refused(personas: Personas) -> None:
    invitation = personas.a.pending_invitation
    http = signed_in(personas.a.assistant)
    response = http.post(accept_url(invitation), {"name": "Ada"})
    assert response.status_code == 400
    assert f"You are signed in as {personas.a.assistant.email}" in page_text(response)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_member_of_one_practice_cannot_accept_into_another(personas: Personas) -> None:
    # Practice B invites practice A's assistant's address: the account already has a practice.
    with pytest.raises(DomainError, match="another practice"):
        invitations.invite(
            actor=personas.b.owner, email=personas.a.assistant.email, role=Role.ASSISTANT
        )


def test_archived_clients_contact_invitation_no_longer_works(personas: Personas) -> None:
    invitation = invitations.invite(
        actor=personas.a.owner,
        email="late@a.example.com",
        role=Role.CONTACT,
        client=personas.a.client1,
    )
    archive_client(personas.a.client1, actor=personas.a.owner)
    response = signed_in(None).get(accept_url(invitation))
    assert response.status_code == 404
    assert "no longer active with the practice" in page_text(response)


def test_mismatched_passwords_keep_the_name(personas: Personas) -> None:
    response = signed_in(None).post(
        accept_url(personas.a.pending_invitation),
        {"name": "Pat Typed", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 400
    assert field_error(response, "password2") == (
        "The two passwords differ. Type the same one twice."
    )
    assert 'value="Pat Typed"' in response.content.decode()
    assert not User.objects.filter(email="pending@a.example.com").exists()


def test_weak_password_is_explained_next_to_the_field(personas: Personas) -> None:
    response = signed_in(None).post(
        accept_url(personas.a.pending_invitation),
        {"name": "Pat Typed", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 400
    assert "too common" in field_error(response, "password1")
    assert 'value="Pat Typed"' in response.content.decode()


def test_oversized_name_on_accept_form_is_a_message(personas: Personas) -> None:
    response = signed_in(None).post(
        accept_url(personas.a.pending_invitation), accept_form("n" * 10_000)
    )
    assert response.status_code == 400
    assert "at most 120 characters" in field_error(response, "name")


def test_invite_form_bad_email_keeps_the_name(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    response = http.post(
        "/people/invite/", {"email": "sam-at-example", "name": "Sam Typed", "role": "assistant"}
    )
    assert response.status_code == 400
    assert field_error(response, "email") == "Enter a whole e-mail address, like sam@example.com."
    assert 'value="Sam Typed"' in response.content.decode()


def test_invite_form_oversized_input_is_a_message(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    response = http.post(
        "/people/invite/",
        {"email": "a" * 10_000 + "@example.com", "name": "n" * 10_000, "role": "assistant"},
    )
    assert response.status_code == 400
    assert field_error(response, "name")
    assert field_error(response, "email")


def test_inviting_twice_points_to_resend(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    response = http.post(
        "/people/invite/", {"email": "pending@a.example.com", "name": "", "role": "assistant"}
    )
    assert "already has a pending invitation" in field_error(response, "email")


def test_contact_invite_form_bad_email_keeps_the_name(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    response = http.post(
        f"/clients/{personas.a.client1.pk}/invite/", {"email": "nope", "name": "Cleo Typed"}
    )
    assert response.status_code == 400
    assert field_error(response, "email")
    assert 'value="Cleo Typed"' in response.content.decode()
