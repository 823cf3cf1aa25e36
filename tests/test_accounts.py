"""Signing in, lockout, the practice's two-factor requirement, and the profile form."""

from __future__ import annotations

import re

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from tandem.core.audit import Action
from tandem.core.models import AuditEntry
from tandem.core.services import update_practice
from tests.conftest import PASSWORD, Personas, PracticeWorld, field_error, page_text, signed_in

LOCKOUT_MESSAGE = "Too many failed login attempts"
TOTP_SETUP = "/accounts/2fa/totp/activate/"


def require_two_factor(world: PracticeWorld) -> None:
    practice = world.practice
    update_practice(
        practice,
        actor=world.owner,
        name=practice.name,
        time_zone=practice.time_zone,
        currency=practice.currency,
        working_days=practice.working_days,
        work_starts_at=practice.work_starts_at,
        work_ends_at=practice.work_ends_at,
        country=practice.country,
        subdivision=practice.subdivision,
        requires_two_factor=True,
    )


def test_signing_in_is_audited(personas: Personas) -> None:
    http = signed_in(None)
    response = http.post("/accounts/login/", {"login": "owner@a.example.com", "password": PASSWORD})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action=Action.SIGNED_IN).get()
    assert entry.actor == personas.a.owner
    assert entry.practice == personas.a.practice


def test_failed_sign_in_is_audited_in_the_practice(personas: Personas) -> None:
    response = signed_in(None).post(
        "/accounts/login/", {"login": "owner@a.example.com", "password": "wrong"}
    )
    assert response.status_code == 400
    entry = AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).get()
    assert entry.practice == personas.a.practice
    assert entry.target_label == "owner@a.example.com"
    assert entry.actor is None


def test_repeated_failures_lock_the_account_out(personas: Personas) -> None:
    http = signed_in(None)
    for _ in range(5):
        response = http.post(
            "/accounts/login/", {"login": "owner@a.example.com", "password": "wrong"}
        )
        assert LOCKOUT_MESSAGE not in page_text(response)
    # Even the right password is held off now.
    response = http.post("/accounts/login/", {"login": "owner@a.example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert LOCKOUT_MESSAGE in page_text(response)
    assert "_auth_user_id" not in http.session
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).count() == 5
    locked = AuditEntry.objects.filter(action=Action.LOCKED_OUT).get()
    assert locked.practice == personas.a.practice
    assert locked.target_label == "owner@a.example.com"


def test_lockout_is_per_account(personas: Personas) -> None:
    http = signed_in(None)
    for _ in range(6):
        http.post("/accounts/login/", {"login": "owner@a.example.com", "password": "wrong"})
    response = http.post(
        "/accounts/login/", {"login": "assistant@a.example.com", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_two_factor_requirement_sends_members_without_totp_to_set_it_up(
    personas: Personas,
) -> None:
    require_two_factor(personas.a)
    for user in (personas.a.owner, personas.a.assistant, personas.a.unassigned):
        response = signed_in(user).get("/dashboard/")
        assert response.status_code == 302
        assert response["Location"] == TOTP_SETUP


def test_signing_in_under_the_requirement_leads_to_totp_setup(personas: Personas) -> None:
    require_two_factor(personas.a)
    http = signed_in(None)
    response = http.post(
        "/accounts/login/", {"login": "assistant@a.example.com", "password": PASSWORD}, follow=True
    )
    # allauth asks for the password once more before TOTP can be set up: that page must be
    # reachable under the requirement, or the two redirect to each other for ever.
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "Practice A asks everyone to turn on two-factor authentication" in page_text(response)
    response = http.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == (TOTP_SETUP, 302)
    assert response.status_code == 200
    assert "totp" in response.context["form"].__class__.__name__.lower()


def test_two_factor_requirement_lets_members_with_totp_in(personas: Personas) -> None:
    require_two_factor(personas.a)
    TOTP.activate(personas.a.assistant, generate_totp_secret())
    assert signed_in(personas.a.assistant).get("/dashboard/").status_code == 200


def test_two_factor_requirement_leaves_contacts_and_other_practices_alone(
    personas: Personas,
) -> None:
    require_two_factor(personas.a)
    assert signed_in(personas.a.contact1).get("/portal/").status_code == 200
    assert signed_in(personas.b.assistant).get("/dashboard/").status_code == 200


def test_member_without_totp_may_still_sign_out(personas: Personas) -> None:
    require_two_factor(personas.a)
    http = signed_in(personas.a.assistant)
    response = http.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=Action.SIGNED_OUT).exists()


def test_profile_form_keeps_typed_values_on_error(personas: Personas) -> None:
    http = signed_in(personas.a.assistant)
    response = http.post("/profile/", {"name": "Ada Typed", "time_zone": "Nowhere/Land"})
    assert response.status_code == 400
    assert field_error(response, "time_zone")
    assert 'value="Ada Typed"' in response.content.decode()


def test_profile_form_oversized_name_is_a_message(personas: Personas) -> None:
    response = signed_in(personas.a.assistant).post(
        "/profile/", {"name": "n" * 10_000, "time_zone": "UTC"}
    )
    assert response.status_code == 400
    assert "at most 120 characters" in field_error(response, "name")


def test_profile_form_empty_name(personas: Personas) -> None:
    response = signed_in(personas.a.assistant).post(
        "/profile/", {"name": "", "time_zone": "Europe/Paris"}
    )
    assert field_error(response, "name") == "Tell us your name."
    assert '<option value="Europe/Paris" selected>' in response.content.decode()


def test_a_contact_changes_their_time_zone_on_their_profile(personas: Personas) -> None:
    contact = personas.a.contact1
    http = signed_in(contact)
    page = http.get("/profile/").content.decode()
    assert 'name="time_zone"' in page
    response = http.post("/profile/", {"name": contact.name, "time_zone": "America/Chicago"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.time_zone == "America/Chicago"
    assert '<option value="America/Chicago" selected>' in http.get("/profile/").content.decode()


# Loading the signed-in member ----------------------------------------------------------------


def tables_read(http: HttpClient, path: str) -> list[str]:
    """The table each query of a GET of ``path`` reads first (FROM), in order."""
    with CaptureQueriesContext(connection) as queries:
        assert http.get(path).status_code == 200
    return [re.search(r'FROM "(\w+)"', q["sql"]).group(1) for q in queries]  # type: ignore[union-attr]


def test_signing_in_loads_the_member_with_their_membership_and_practice_in_one_query(
    personas: Personas,
) -> None:
    http = signed_in(None)
    response = http.post("/accounts/login/", {"login": "owner@a.example.com", "password": PASSWORD})
    assert response.status_code == 302
    tables = tables_read(http, "/settings/referrals/")
    # The session, then the user joined to their membership and practice: no query of its own
    # for the membership.
    assert tables[:2] == ["django_session", "accounts_user"]
    assert "core_membership" not in tables[2:]


def test_a_session_begun_before_the_member_backend_still_signs_in(personas: Personas) -> None:
    world = personas.a
    for backend in (
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ):
        http = HttpClient()
        http.force_login(world.owner, backend=backend)
        tables = tables_read(http, "/settings/referrals/")
        # The membership is read on its own, as it was: one query more, the same page.
        assert tables[:3] == ["django_session", "accounts_user", "core_membership"]


def test_a_member_signed_in_through_an_invitation_is_loaded_with_their_membership(
    personas: Personas,
) -> None:
    world = personas.a
    http = signed_in(world.contact1)
    assert "core_membership" not in tables_read(http, "/portal/")[2:]
    assert page_text(http.get("/portal/")).count(world.client1.name) >= 1
