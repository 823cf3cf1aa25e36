"""`tandem manage rotate_keys`, values left in the clear by older code, one-time codes in mail."""

from __future__ import annotations

import base64
import importlib
import io

import pytest
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.apps import apps
from django.core import mail as outbox
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from tandem.accounts.adapter import AccountAdapter
from tandem.accounts.mfa import CONTEXT as MFA_CONTEXT
from tandem.core import crypto, mail
from tandem.core.models import OutboundEmail
from tandem.core.rotation import Outcome
from tests.conftest import make_owner

pytestmark = pytest.mark.django_db

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()
RESET_LINK = "http://127.0.0.1:8000/accounts/password/reset/key/1-abc123-secret/"


@pytest.fixture(autouse=True)
def _old_key_and_local_mail(settings):
    settings.TANDEM_MASTER_KEY = f"old:{OLD}"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()  # TOTP codes used once stay in the cache for their time step


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def two_factor(email: str) -> tuple[str, list[str]]:
    """TOTP and recovery codes for a new account, through allauth; the secret and the codes."""
    user = make_owner(email)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret, RecoveryCodes.activate(user).generate_codes()


def totp_checks(email: str, secret: str) -> bool:
    row = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    return bool(TOTP(row).validate_code(current_code(secret)))


def recovery_codes(email: str) -> list[str]:
    row = Authenticator.objects.get(user__email=email, type=Authenticator.Type.RECOVERY_CODES)
    return list(RecoveryCodes(row).generate_codes())


def sealed_values() -> list[str]:
    values = [
        value
        for data in Authenticator.objects.values_list("data", flat=True)
        for value in (data.get("secret"), data.get("seed"))
        if value
    ]
    unsent = OutboundEmail.objects.filter(sent_at__isnull=True)
    return values + [body for body in unsent.values_list("text_body", flat=True) if body]


def queue(key: str, text: str = f"Reset your password: {RESET_LINK}") -> OutboundEmail:
    return mail.queue_email(key=key, to="someone@example.com", subject="Hello", text_body=text)


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    return out.getvalue()


def test_rotate_keys_reseals_everything_under_the_new_key_and_nothing_needs_the_old_one(
    settings,
):
    secret, codes = two_factor("rotating@example.com")
    waiting = queue("rotation:unsent")
    queue("rotation:sent")
    mail.deliver(OutboundEmail.objects.get(key="rotation:sent").pk)
    settings.TANDEM_MASTER_KEY = f"new:{NEW},old:{OLD}"
    assert {crypto.key_id_of(value) for value in sealed_values()} == {"old"}

    printed = rotate()

    assert {crypto.key_id_of(value) for value in sealed_values()} == {"new"}
    assert "Newest master key: 'new'; older keys still configured: 'old'." in printed
    assert "Unsent mail: 1 row(s): 1 re-sealed under the newest key." in printed
    assert (
        "Two-factor secrets and recovery-code seeds: 2 row(s): 2 re-sealed under the newest key."
    ) in printed
    assert "No value needs 'old' any more: remove it from TANDEM_MASTER_KEY." in printed
    settings.TANDEM_MASTER_KEY = f"new:{NEW}"
    assert totp_checks("rotating@example.com", secret)
    assert recovery_codes("rotating@example.com") == codes
    assert mail.deliver(waiting.pk)
    assert RESET_LINK in outbox.outbox[-1].body
    sent = OutboundEmail.objects.get(key="rotation:sent")
    assert sent.text_body == f"Reset your password: {mail.LINK_REMOVED}"


def test_old_values_keep_working_before_rotate_keys_has_run(settings):
    secret, codes = two_factor("not-yet@example.com")
    waiting = queue("rotation:later")

    settings.TANDEM_MASTER_KEY = f"new:{NEW},old:{OLD}"

    assert totp_checks("not-yet@example.com", secret)
    assert recovery_codes("not-yet@example.com") == codes
    assert mail.deliver(waiting.pk)
    assert RESET_LINK in outbox.outbox[-1].body


def test_a_second_run_finds_everything_under_the_newest_key(settings):
    two_factor("twice@example.com")
    settings.TANDEM_MASTER_KEY = f"new:{NEW},old:{OLD}"
    rotate()

    printed = rotate()

    assert "2 row(s): 2 already under the newest key." in printed
    assert "re-sealed" not in printed


def test_a_message_sent_while_rotating_keeps_its_redacted_copy(settings):
    email = queue("rotation:race")
    read = OutboundEmail.objects.values_list("text_body", "html_body").get(pk=email.pk)
    mail.deliver(email.pk)  # sent between rotate_keys reading the row and writing it
    settings.TANDEM_MASTER_KEY = f"new:{NEW},old:{OLD}"

    outcome = mail.reseal_message(email.pk, key=email.key, text_body=read[0], html_body=read[1])

    assert outcome is Outcome.CHANGED_MEANWHILE
    email.refresh_from_db()
    assert email.text_body == f"Reset your password: {mail.LINK_REMOVED}"
    assert email.sent_at is not None


def test_a_value_that_does_not_open_is_reported_and_left_as_it_is(settings):
    queue("rotation:fine")
    broken = queue("rotation:broken")
    # A body copied in from another message is bound to that message and does not open here.
    other = OutboundEmail.objects.get(key="rotation:fine").text_body
    OutboundEmail.objects.filter(pk=broken.pk).update(text_body=other)
    settings.TANDEM_MASTER_KEY = f"new:{NEW},old:{OLD}"

    with pytest.raises(CommandError, match=r"1 row\(s\) could not be opened") as refused:
        rotate()

    assert f"OutboundEmail {broken.pk}: A sealed value for 'core.OutboundEmail.text_body'" in (
        str(refused.value)
    )
    assert OutboundEmail.objects.get(pk=broken.pk).text_body == other
    fine = OutboundEmail.objects.get(key="rotation:fine").text_body
    assert crypto.key_id_of(fine) == "new"


def test_two_factor_values_written_in_the_clear_by_older_code_work_and_rotate_keys_seals_them():
    user = make_owner("clear@example.com")
    secret = generate_totp_secret()
    # As a process still running the code before sealing would store it during a deploy.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})

    assert totp_checks("clear@example.com", secret)
    printed = rotate()

    assert "1 row(s): 1 were in the clear and are now sealed." in printed
    stored = Authenticator.objects.get(user=user).data["secret"]
    assert crypto.unseal_text(stored, context=MFA_CONTEXT) == secret
    cache.clear()
    assert totp_checks("clear@example.com", secret)


def migration(app: str, name: str):
    return importlib.import_module(f"tandem.{app}.migrations.{name}")


def test_the_migrations_seal_what_was_stored_in_the_clear_and_redact_sent_mail():
    user = make_owner("legacy@example.com")
    secret = generate_totp_secret()
    seed = RecoveryCodes.generate_seed()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": seed, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    OutboundEmail.objects.create(key="legacy:unsent", to="a@example.com", text_body=RESET_LINK)
    OutboundEmail.objects.create(
        key="legacy:sent",
        to="a@example.com",
        text_body=f"Go to {RESET_LINK}",
        html_body=f'<a href="{RESET_LINK}">Reset</a>',
        sent_at="2026-01-05T10:00:00Z",
    )

    migration("accounts", "0002_seal_two_factor_secrets").seal_in_the_clear(apps, None)
    migration("core", "0004_seal_unsent_mail_redact_sent_mail").seal_unsent_and_redact_sent(
        apps, None
    )

    totp, codes = (
        Authenticator.objects.get(user=user, type=kind).data for kind in ("totp", "recovery_codes")
    )
    assert crypto.unseal_text(totp["secret"], context=MFA_CONTEXT) == secret
    assert crypto.unseal_text(codes["seed"], context=MFA_CONTEXT) == seed
    assert [crypto.unseal_text(code, context=MFA_CONTEXT) for code in codes["migrated_codes"]] == [
        "12345678"
    ]
    assert totp_checks("legacy@example.com", secret)
    unsent = OutboundEmail.objects.get(key="legacy:unsent")
    assert crypto.is_sealed(unsent.text_body)
    assert mail.readable_bodies(unsent) == (RESET_LINK, "")
    sent = OutboundEmail.objects.get(key="legacy:sent")
    assert (sent.text_body, sent.html_body) == (
        f"Go to {mail.LINK_REMOVED}",
        f'<a href="{mail.LINK_REMOVED}">Reset</a>',
    )


def test_the_migrations_run_backwards_to_values_in_the_clear():
    secret, _ = two_factor("backwards@example.com")
    queue("backwards:unsent", text="Plain words")

    migration("accounts", "0002_seal_two_factor_secrets").open_sealed(apps, None)
    migration("core", "0004_seal_unsent_mail_redact_sent_mail").open_unsent(apps, None)

    assert Authenticator.objects.get(type="totp").data["secret"] == secret
    assert OutboundEmail.objects.get(key="backwards:unsent").text_body == "Plain words"


def test_a_sign_in_code_reaches_the_reader_but_not_the_copy_kept_after_sending():
    request = RequestFactory().get("/accounts/login/code/")
    with allauth_context.request_context(request):
        AccountAdapter(request).send_mail(
            "account/email/login_code", "coded@example.com", {"code": "K7PX3Q"}
        )
    email = OutboundEmail.objects.get(to="coded@example.com")
    assert "K7PX3Q" not in email.text_body  # sealed until sent

    assert mail.deliver(email.pk)

    assert "K7PX3Q" in outbox.outbox[-1].body
    assert "\ue000" not in outbox.outbox[-1].body
    email.refresh_from_db()
    assert "K7PX3Q" not in email.text_body
    assert mail.CODE_REMOVED in email.text_body
