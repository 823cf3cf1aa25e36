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
