"""Where the site is served, as practices remember it (core/site.py): whichever way someone
comes in (allauth's sign-in form, accepting an invitation as a newcomer, or joining while
already signed in), their practice remembers the origin they used, so mail sent later from a
worker links there. The operator's SITE_URL still wins (tests/test_practice_face.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.clients import invitations
from tandem.core.models import Practice
from tandem.core.roles import Role
from tests.conftest import PASSWORD, make_owner, make_practice, signed_in

HOST = "va.example.com"


@pytest.fixture
def remembered(settings, db):
    """No SITE_URL set by the operator: practices remember where members sign in."""
    settings.SITE_URL_IS_SET = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    cache.clear()  # allauth's rate limits


@pytest.fixture
def practice(db) -> Practice:
    return make_practice(make_owner("owner@va.example.com"), name="Bloom & Co")


def accept_url(practice: Practice, email: str) -> str:
    owner = practice.memberships.get(role=Role.OWNER).user
    invitation = invitations.invite(actor=owner, email=email, role=Role.ASSISTANT, name="Ada")
    return f"/invite/{invitations.make_token(invitation)}/"


def origin_of(practice: Practice) -> str:
    practice.refresh_from_db()
    return practice.site_origin


def test_a_newcomer_accepting_an_invitation_is_remembered_where_they_signed_in(
    remembered, practice: Practice
) -> None:
    form = {"name": "Ada", "password1": PASSWORD, "password2": PASSWORD}

    response = signed_in(None).post(
        accept_url(practice, "ada@example.com"), form, HTTP_HOST=HOST, secure=True
    )

    assert response.status_code == 302
    assert origin_of(practice) == "https://va.example.com"


def test_someone_signed_in_who_joins_by_invitation_is_remembered_too(
    remembered, practice: Practice
) -> None:
    person = make_owner("ben@example.com")  # an account of no practice yet
    http = signed_in(person)  # signed in earlier, with no practice to remember it for

    response = http.post(accept_url(practice, person.email), {"name": "Ben"}, HTTP_HOST=HOST)

    assert response.status_code == 302
    assert origin_of(practice) == "http://va.example.com"


def test_signing_in_with_the_form_is_remembered(remembered, practice: Practice) -> None:
    response = signed_in(None).post(
        "/accounts/login/",
        {"login": "owner@va.example.com", "password": PASSWORD},
        HTTP_HOST=HOST,
    )

    assert response.status_code == 302
    assert origin_of(practice) == "http://va.example.com"


def test_signing_in_again_at_the_same_address_is_one_update_that_matches_no_row(
    remembered, practice: Practice
) -> None:
    Practice.objects.filter(pk=practice.pk).update(site_origin="http://va.example.com")
    http = signed_in(None)

    with CaptureQueriesContext(connection) as queries:
        response = http.post(
            "/accounts/login/",
            {"login": "owner@va.example.com", "password": PASSWORD},
            HTTP_HOST=HOST,
        )

    assert response.status_code == 302
    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "core_practice"')]
    # One UPDATE, conditional on another origin being stored: it matches no row here.
    assert len(writes) == 1
    assert "NOT" in writes[0]
    assert origin_of(practice) == "http://va.example.com"


def test_another_practice_is_left_alone(remembered, practice: Practice) -> None:
    other = make_practice(make_owner("owner@elsewhere.example.com"), name="Elsewhere")

    signed_in(None).post(
        "/accounts/login/",
        {"login": "owner@va.example.com", "password": PASSWORD},
        HTTP_HOST=HOST,
    )

    assert origin_of(practice) == "http://va.example.com"
    assert origin_of(other) == ""


def test_a_sign_in_without_a_host_remembers_nothing(remembered, practice: Practice) -> None:
    owner = practice.memberships.get(role=Role.OWNER).user

    with CaptureQueriesContext(connection) as queries:
        signed_in(owner)  # force_login: a request built in code, with no Host header

    assert not [q for q in queries if "core_practice" in q["sql"]]
    assert origin_of(practice) == ""
