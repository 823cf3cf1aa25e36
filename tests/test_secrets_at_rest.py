"""A copy of the database is not enough to take an account over.

Sign-up, a password reset, an invitation and 2FA set-up are done the way people do them,
the worker sends their mail to a real SMTP server, and then every table is read back raw:
no TOTP secret, no recovery code and no link that was mailed may be in it, while every link
still works for the person who received it.
"""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client as HttpClient

from tandem.accounts.mfa import MFAAdapter
from tandem.accounts.models import User
from tandem.clients import invitations
from tandem.core.mail import LINK_REMOVED
from tandem.core.models import Membership, OutboundEmail
from tandem.core.roles import Role
from tests.conftest import PASSWORD, make_owner, make_practice
from tests.jobrunner import run_worker
from tests.smtp_server import Recorder

# allauth announces 2FA changes after the commit, and the worker needs committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_LINK = r"http://\S+/accounts/confirm-email/\S+/"
RESET_LINK = r"http://\S+/accounts/password/reset/key/\S+/"
INVITE_LINK = r"http://\S+/invite/[^/\s]+/"


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # allauth keeps rate limits and used TOTP codes in the database cache.
    cache.clear()


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def sign_in(email: str, password: str = PASSWORD) -> HttpClient:
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    return http


def set_up_two_factor(http: HttpClient) -> tuple[str, list[str]]:
    """TOTP turned on and recovery codes made, as on the 2FA pages; the secret and codes."""
    page = http.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before 2FA changes
        http.post(page.url, {"password": PASSWORD})
        page = http.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = http.session[SECRET_SESSION_KEY]
    activated = http.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert activated.status_code == 302
    assert http.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    download = http.get("/accounts/2fa/recovery-codes/download/")
    codes = re.findall(r"\b\d{8}\b", download.content.decode())
    assert len(codes) == 10
    return secret, codes


def mailed_link(smtp: Recorder, to: str, pattern: str) -> str:
    """The one link matching ``pattern`` in the mail ``to`` received, in text and in HTML."""
    [message] = [message for message in smtp.messages if message["To"] == to]
    text = body(message, "plain")
    [link] = re.findall(pattern, text)
    if html := body(message, "html"):
        assert link in html
    return link


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    return str(part.get_content()) if part is not None else ""


def database_dump() -> str:
    """Every value of every table as text, with each session's data decoded as well."""
    values: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # The table names come from the database's own catalogue.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                values.extend(as_text(value) for value in row)
    values.extend(json.dumps(session.get_decoded()) for session in Session.objects.all())
    return "\n".join(values)


def as_text(value: object) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def codes_from_any_seed_in(dump: str) -> set[str]:
    """The recovery codes anyone could derive from a seed-like string found in the dump."""
    codes: set[str] = set()
    for seed in set(re.findall(r"(?<![0-9a-f])[0-9a-f]{80}(?![0-9a-f])", dump)):
        holder = Authenticator(data={"seed": MFAAdapter().encrypt(seed), "used_mask": 0})
        codes.update(RecoveryCodes(holder).generate_codes())
    return codes


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_a_copy_of_the_database_holds_no_two_factor_secret_and_no_working_link(smtp):
    owner = make_owner("owner@sealed.example.com")
    make_practice(owner, name="Sealed Practice")
    make_owner("forgetful@sealed.example.com")
    owner_browser = sign_in(owner.email)
    secret, recovery_codes = set_up_two_factor(owner_browser)
    invitations.invite(
        actor=owner, email="newcomer@sealed.example.com", role=Role.ASSISTANT, name="Newcomer"
    )
    signed_up = HttpClient().post(
        "/accounts/signup/",
        {
            "name": "Vera Vance",
            "email": "vera@sealed.example.com",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    assert signed_up.status_code == 302
    reset = HttpClient().post(
        "/accounts/password/reset/", {"email": "forgetful@sealed.example.com"}
    )
    assert reset.status_code == 302

    run_worker()

    confirm_link = mailed_link(smtp, "vera@sealed.example.com", CONFIRM_LINK)
    reset_link = mailed_link(smtp, "forgetful@sealed.example.com", RESET_LINK)
    invite_link = mailed_link(smtp, "newcomer@sealed.example.com", INVITE_LINK)
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()

    dump = database_dump()
    assert secret not in dump
    assert secret.lower() not in dump
    assert [code for code in recovery_codes if code in dump] == []
    assert codes_from_any_seed_in(dump) & set(recovery_codes) == set()
    for link in (confirm_link, reset_link, invite_link):
        assert link not in dump
        assert token_of(link) not in dump
    # Nor the owner's session: the table keeps a hash of the cookie (core/sessions.py).
    session_cookie = owner_browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert session_cookie
    assert session_cookie not in dump
    # What is there instead: the secrets sealed, and the sent mail without its links.
    assert "tdm1:" in dump
    assert LINK_REMOVED in dump

    # The database has none of it, but the people who received it can use all of it.
    confirming = HttpClient()
    assert confirming.post(urlsplit(confirm_link).path).status_code == 302
    assert EmailAddress.objects.get(email="vera@sealed.example.com").verified

    resetting = HttpClient()
    form_page = resetting.get(urlsplit(reset_link).path, follow=True)
    new_password = "a-brand-new-pass-phrase-7"
    changed = resetting.post(
        form_page.request["PATH_INFO"], {"password1": new_password, "password2": new_password}
    )
    assert changed.status_code == 302
    sign_in("forgetful@sealed.example.com", new_password)

    accepted = HttpClient().post(
        urlsplit(invite_link).path,
        {"name": "Newcomer", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert accepted.status_code == 302
    newcomer = User.objects.get(email="newcomer@sealed.example.com")
    assert Membership.objects.get(user=newcomer).role == Role.ASSISTANT

    assert second_step(owner.email, current_code(secret)).status_code == 302
    assert second_step(owner.email, recovery_codes[0]).status_code == 302


def second_step(email: str, code: str) -> Any:
    """Sign in with the password, then answer the 2FA step with ``code``."""
    http = HttpClient()
    first = http.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert urlsplit(first.url).path == "/accounts/2fa/authenticate/"
    return http.post("/accounts/2fa/authenticate/", {"code": code})


def test_two_factor_values_are_stored_sealed_and_still_check_codes():
    owner = make_owner("sealed-totp@sealed.example.com")
    secret, codes = set_up_two_factor(sign_in(owner.email))

    stored = {row.type: row.data for row in Authenticator.objects.filter(user=owner)}

    assert stored[Authenticator.Type.TOTP]["secret"].startswith("tdm1:")
    assert stored[Authenticator.Type.RECOVERY_CODES]["seed"].startswith("tdm1:")
    assert secret not in json.dumps(stored)
    assert second_step(owner.email, codes[3]).status_code == 302
