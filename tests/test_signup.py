"""A VA signs up, confirms their e-mail, and sets up their practice."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client as HttpClient

from tandem.core.models import AuditEntry, Membership, Practice
from tandem.core.roles import Role


def run_jobs() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


@pytest.fixture
def locmem_mail(settings):
    # allauth's rate limits live in the database cache, which a flush does not empty.
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sign_up(http: HttpClient) -> str:
    response = http.post(
        "/accounts/signup/",
        {
            "name": "Vera Vance",
            "email": "vera@example.com",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    assert response.status_code == 302
    run_jobs()
    (message,) = mail.outbox
    return re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)


@pytest.mark.django_db(transaction=True)
def test_new_va_confirms_email_then_creates_practice_and_becomes_owner(locmem_mail):
    http = HttpClient()
    link = sign_up(http)
    assert http.post(urlsplit(link).path).status_code == 302
    assert http.get("/").url == "/start/"
    response = http.post(
        "/start/",
        {
            "name": "Vance Virtual",
            "time_zone": "Europe/Paris",
            "currency": "EUR",
            "working_days": ["0", "1", "2", "3"],
            "work_starts_at": "08:30",
            "work_ends_at": "16:00",
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get(name="Vance Virtual")
    assert practice.working_days == [0, 1, 2, 3]
    assert Membership.objects.get(practice=practice).role == Role.OWNER
    assert AuditEntry.objects.filter(practice=practice, action="practice_created").exists()
    home = http.get("/dashboard/")
    assert b"Getting started" in home.content
    assert b"Invite an assistant" in home.content


@pytest.mark.django_db(transaction=True)
def test_practice_form_keeps_what_was_typed_when_hours_are_backwards(locmem_mail):
    http = HttpClient()
    link = sign_up(http)
    http.post(urlsplit(link).path)
    response = http.post(
        "/start/",
        {
            "name": "Backwards Hours VA",
            "time_zone": "Europe/Paris",
            "currency": "EUR",
            "working_days": ["0"],
            "work_starts_at": "17:00",
            "work_ends_at": "09:00",
        },
    )
    assert response.status_code == 400
    assert b"The working day must end after it starts" in response.content
    assert b'value="Backwards Hours VA"' in response.content
    assert not Practice.objects.filter(name="Backwards Hours VA").exists()


@pytest.mark.django_db(transaction=True)
def test_sign_up_without_a_name_says_what_is_missing(locmem_mail):
    response = HttpClient().post(
        "/accounts/signup/",
        {
            "email": "nameless@example.com",
            "password1": "x-long-pass-9",
            "password2": "x-long-pass-9",
        },
    )
    assert response.status_code == 400
    assert b"Tell us your name" in response.content
    assert b'value="nameless@example.com"' in response.content
