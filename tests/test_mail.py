"""Outgoing mail end to end: queued in the request, sent by the real worker over real SMTP."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client as HttpClient
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients import invitations
from tandem.clients.models import Invitation
from tandem.core import mail
from tandem.core.errors import DomainError
from tandem.core.models import OutboundEmail
from tandem.core.roles import Role
from tandem.core.services import create_practice
from tests.jobrunner import FAILED, READY, SUCCESSFUL, attempt, rows, run_worker
from tests.smtp_server import text_and_html

pytestmark = pytest.mark.django_db(transaction=True)


def verified_user(email: str) -> User:
    user = User.objects.create_user(email, password="correct-horse-battery-staple-42")
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@pytest.fixture
def owner() -> User:
    user = verified_user("owner@mail.example.com")
    create_practice(
        owner=user,
        name="Mail Practice",
        time_zone="UTC",
        currency="USD",
        working_days=[0, 1, 2, 3, 4],
        work_starts_at=time(9, 0),
        work_ends_at=time(17, 0),
    )
    return user


def invite(owner: User, email: str = "newcomer@mail.example.com") -> Invitation:
    return invitations.invite(actor=owner, email=email, role=Role.ASSISTANT, name="Newcomer")


def invitation_links(body: str) -> list[str]:
    """The accept links in a mail body (the signed token differs by the second it was made)."""
    return re.findall(r"http://127\.0\.0\.1:8000/invite/[^/\s\"<]+/", body)


def token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def queue(key: str = "test:1") -> OutboundEmail:
    return mail.queue_email(
        key=key, to="someone@mail.example.com", subject="Hello", text_body="Plain body"
    )


def test_invitation_mail_arrives_once_with_text_html_and_link(smtp, owner):
    invitation = invite(owner)

    run_worker()
    run_worker()

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "newcomer@mail.example.com"
    text, html = text_and_html(message)
    [link] = invitation_links(text)
    assert set(invitation_links(html)) == {link}
    assert invitations.invitation_from_token(token(link)).pk == invitation.pk
    email = OutboundEmail.objects.get()
    assert email.sent_at is not None
    assert email.attempts == 1


def test_same_key_queued_twice_is_sent_once(smtp):
    first = queue("once:1")
    second = queue("once:1")

    run_worker()

    assert first.pk == second.pk
    assert len(rows("send_outbound_email")) == 1
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == "Hello"


def test_revoked_invitation_sends_nothing(smtp, owner):
    invitation = invite(owner)
    invitations.revoke_invitation(invitation, actor=owner)

    run_worker()

    assert smtp.messages == []
    assert not OutboundEmail.objects.exists()
    assert [row.status for row in rows("send_invitation_email")] == [SUCCESSFUL]


def test_resent_invitation_sends_only_the_new_link(smtp, owner):
    invitation = invite(owner)
    old_token = invitations.make_token(invitation)
    invitations.resend_invitation(invitation, actor=owner)

    run_worker()

    assert len(smtp.messages) == 1
    text, html = text_and_html(smtp.messages[0])
    [link] = invitation_links(text)
    assert set(invitation_links(html)) == {link}
    assert invitations.invitation_from_token(token(link)).nonce == invitation.nonce
    with pytest.raises(DomainError):
        invitations.invitation_from_token(old_token)
    assert OutboundEmail.objects.get().key == f"invitation:{invitation.pk}:{invitation.nonce}"


def test_password_reset_is_queued_then_sent_by_the_worker(smtp):
    verified_user("forgetful@mail.example.com")

    response = HttpClient().post(
        "/accounts/password/reset/", {"email": "forgetful@mail.example.com"}
    )

    assert response.status_code == 302
    email = OutboundEmail.objects.get(to="forgetful@mail.example.com")
    assert email.sent_at is None
    assert smtp.messages == []
    run_worker()
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(smtp.messages) == 1
    plain = smtp.messages[0].get_body(("plain",))
    assert plain is not None
    text = str(plain.get_content())
    assert "/accounts/password/reset/key/" in text


def test_smtp_failure_releases_the_claim_and_retries(smtp):
    smtp.fail_next = 1
    email = queue("flaky:1")

    run_worker()

    email.refresh_from_db()
    assert smtp.messages == []
    assert email.claimed_at is None
    assert email.sent_at is None
    assert email.attempts == 1
    assert "554" in email.last_error
    failed, retry = rows("send_outbound_email")
    assert failed.status == FAILED
    assert retry.status == READY
    assert attempt(retry) == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=5)

    run_worker()  # the retry is not due yet
    assert smtp.messages == []
    with time_machine.travel(retry.run_after + timedelta(seconds=1)):
        run_worker()

    email.refresh_from_db()
    assert len(smtp.messages) == 1
    assert email.sent_at is not None
    assert email.last_error == ""
    assert email.attempts == 2


def test_a_claim_held_elsewhere_is_retried_not_dropped(smtp, settings):
    # Another worker claimed the message and may have died mid-send: this job must not
    # finish as though it were sent; its retry sends once the lease has run out.
    settings.TANDEM_MAIL_CLAIM_LEASE_SECONDS = 30
    email = queue("held:1")
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now())

    run_worker()

    assert smtp.messages == []
    failed, retry = rows("send_outbound_email")
    assert failed.status == FAILED
    assert failed.exception_class_path == "tandem.core.mail.MailBusy"
    assert retry.status == READY
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        run_worker()
    assert len(smtp.messages) == 1
    assert OutboundEmail.objects.get().sent_at is not None


def test_a_sent_message_is_not_sent_again(smtp):
    email = queue("done:1")
    run_worker()

    assert mail.deliver(email.pk) is False
    assert len(smtp.messages) == 1
