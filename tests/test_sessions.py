"""Sessions are kept under a hash of their key: the cookie signs in, the table does not."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from tandem.core.sessions import stored_key
from tests.conftest import PASSWORD, Personas, signed_in

pytestmark = pytest.mark.django_db


def test_the_table_keeps_a_hash_of_the_cookie_not_the_cookie(personas: Personas) -> None:
    http = signed_in(None)
    response = http.post(
        "/accounts/login/", {"login": personas.a.owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = http.cookies[settings.SESSION_COOKIE_NAME].value
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert cookie not in keys
    assert stored_key(cookie) in keys
    assert http.get("/dashboard/").status_code == 200


def test_a_key_copied_from_the_table_signs_no_one_in(personas: Personas) -> None:
    signed_in(None).post(
        "/accounts/login/", {"login": personas.a.owner.email, "password": PASSWORD}
    )
    [stored] = Session.objects.values_list("session_key", flat=True)
    thief = signed_in(None)
    thief.cookies[settings.SESSION_COOKIE_NAME] = stored
    assert thief.get("/dashboard/").status_code == 302  # to the sign-in page


def test_signing_out_deletes_the_session(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    assert Session.objects.count() == 1
    http.post("/accounts/logout/")
    assert Session.objects.count() == 0


def test_an_expired_session_signs_no_one_in(personas: Personas) -> None:
    """The session is read through SQL compiled once, its key and the instant put in each
    time: a session past its expiry is no longer found."""
    from datetime import timedelta

    from django.utils import timezone

    http = signed_in(None)
    http.post("/accounts/login/", {"login": personas.a.owner.email, "password": PASSWORD})
    assert http.get("/dashboard/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert http.get("/dashboard/").status_code == 302  # to the sign-in page


def test_two_people_signed_in_at_once_each_get_their_own_session(personas: Personas) -> None:
    owner = signed_in(None)
    owner.post("/accounts/login/", {"login": personas.a.owner.email, "password": PASSWORD})
    contact = signed_in(None)
    contact.post("/accounts/login/", {"login": personas.b.contact1.email, "password": PASSWORD})
    assert "Client B1" in contact.get("/portal/").content.decode()
    assert owner.get("/portal/").status_code in (302, 403, 404)
    assert owner.get("/dashboard/").status_code == 200
