"""Two-factor authentication end to end, with real TOTP codes, and the audit trail it leaves."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient

from tandem.core.audit import Action
from tandem.core.models import AuditEntry
from tests.conftest import PASSWORD, Personas
from tests.jobrunner import run_worker

# allauth announces 2FA changes only after the commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def sign_in(email: str) -> HttpClient:
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return http


def turn_on_totp(http: HttpClient) -> str:
    page = http.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before 2FA changes
        assert urlsplit(page.url).path == "/accounts/reauthenticate/"
        http.post(page.url, {"password": PASSWORD})
        page = http.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = http.session[SECRET_SESSION_KEY]
    response = http.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:500]
    return secret


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # allauth keeps used codes and rate limits in the database cache.
    cache.clear()


def audited(personas: Personas, action: Action) -> bool:
    return AuditEntry.objects.filter(
        action=action, practice=personas.a.practice, actor=personas.a.owner
    ).exists()


def test_turning_on_totp_is_audited_and_then_sign_in_asks_for_a_code(personas: Personas):
    owner = personas.a.owner
    secret = turn_on_totp(sign_in(owner.email))
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    assert audited(personas, Action.TWO_FACTOR_ENABLED)

    http = HttpClient()
    response = http.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    assert urlsplit(response.url).path == "/accounts/2fa/authenticate/"
    assert http.get("/dashboard/").status_code == 302  # not signed in until the code is given
    wrong = http.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 400
    assert b"Incorrect code" in wrong.content
    cache.clear()  # the wrong code above may have used this time step's replay slot
    done = http.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert done.status_code == 302
    assert http.get("/dashboard/").status_code == 200


def test_new_recovery_codes_and_turning_totp_off_are_audited(personas: Personas):
    http = sign_in(personas.a.owner.email)
    turn_on_totp(http)
    assert http.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    assert audited(personas, Action.RECOVERY_CODES_GENERATED)
    assert http.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert audited(personas, Action.TWO_FACTOR_DISABLED)


def test_required_two_factor_can_be_set_up_and_then_lets_the_member_in(personas: Personas):
    practice = personas.a.practice
    practice.requires_two_factor = True
    practice.save(update_fields=["requires_two_factor"])
    http = sign_in(personas.a.assistant.email)
    assert http.get("/clients/").url == "/accounts/2fa/totp/activate/"
    turn_on_totp(http)
    assert http.get("/clients/").status_code == 200


def test_password_reset_by_mail_is_audited(personas: Personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = personas.a.owner
    http = HttpClient()
    assert http.post("/accounts/password/reset/", {"email": owner.email}).status_code == 302
    run_worker()
    (message,) = [m for m in mail.outbox if owner.email in m.to]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    form_page = http.get(urlsplit(link).path, follow=True)
    new_password = "a-brand-new-pass-phrase-7"
    response = http.post(
        form_page.request["PATH_INFO"], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action=Action.PASSWORD_RESET, practice=personas.a.practice
    ).exists()
    assert (
        HttpClient()
        .post("/accounts/login/", {"login": owner.email, "password": new_password})
        .status_code
        == 302
    )
