"""The credential vault (issue 14): secrets sealed to their rows, who may reveal them, the
reveal log, revocation, leavers, one-time share links and their refusals.

State is changed through the vault's services, as the pages do; reveals check the real
password of the persona (tests/conftest.PASSWORD).
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from tandem.clients.services import unassign_assistant
from tandem.core import access, crypto
from tandem.core.errors import DomainError
from tandem.core.models import Membership, OutboundEmail
from tandem.core.services import deactivate_member
from tandem.delegation.services import change_phase
from tandem.vault import credentials, reveals, sealing, sharing, totp
from tandem.vault.credentials import Secrets
from tandem.vault.models import AccessEnded, Credential, Reveal, ShareLink
from tandem.vault.selectors import notices_of, reveal_log
from tests.conftest import PASSWORD, Personas, PracticeWorld, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

PASSWORD_SECRET = "Zebra-Quartz-7731!"
NOTES_SECRET = "Recovery word: NOTEWORTHY-5519"
SEED = "JBSWY3DPEHPK3PXPJBSWY3DP"
# A Tuesday 10:00 UTC: inside the personas' practice hours (Mon to Fri, 9 to 17, UTC).
WORKING = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
# The Saturday after, 23:30.
SATURDAY_NIGHT = datetime(2030, 3, 9, 23, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()  # wrong passwords are counted in the database cache


def store(world: PracticeWorld, *, phase: int = 1, named: bool = True, **kwargs) -> Credential:
    """Client 1's contact stores a Mailchimp login for the assistant (by default)."""
    return credentials.store_credential(
        world.client1,
        actor=world.contact1,
        name=kwargs.pop("name", "Mailchimp"),
        url="https://mailchimp.com",
        username="news@client-a1.example.com",
        secrets=Secrets(password=PASSWORD_SECRET, totp_seed=SEED, notes=NOTES_SECRET),
        minimum_phase=phase,
        named=[world.assistant] if named else [],
        **kwargs,
    )


def reveal(credential: Credential, who, reason: str = "Sending the newsletter", password=PASSWORD):
    return reveals.reveal_secret(credential, actor=who, reason=reason, password=password)


# Sealed at rest ------------------------------------------------------------------------------


def test_secrets_are_sealed_to_their_row_and_open_on_reveal(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    stored = Credential.objects.get(pk=credential.pk)
    for column in ("password_sealed", "totp_sealed", "notes_sealed"):
        assert crypto.is_sealed(getattr(stored, column))
    assert PASSWORD_SECRET not in stored.password_sealed

    shown = reveal(stored, a.assistant)

    assert shown.password == PASSWORD_SECRET
    assert shown.notes == NOTES_SECRET
    assert shown.code is not None
    assert len(shown.code.code) == 6


def test_a_secret_moved_to_another_row_or_altered_does_not_open(personas: Personas) -> None:
    a = personas.a
    first, second = store(a), store(a, name="Bank")
    Credential.objects.filter(pk=second.pk).update(password_sealed=first.password_sealed)
    with pytest.raises(crypto.UnsealError):
        sealing.open_field(Credential.objects.get(pk=second.pk), "password")
    # One character changed in the first one's own value.
    token = first.password_sealed
    altered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    Credential.objects.filter(pk=first.pk).update(password_sealed=altered)
    with pytest.raises(crypto.UnsealError):
        sealing.open_field(Credential.objects.get(pk=first.pk), "password")
    # A reveal of a damaged secret says so and logs nothing.
    with pytest.raises(DomainError, match="does not open"):
        reveal(Credential.objects.get(pk=first.pk), a.assistant)
    assert not Reveal.objects.exists()


def test_rotate_keys_reseals_the_vault_and_the_old_key_is_then_not_needed(
    personas: Personas, settings
) -> None:
    old = base64.b64encode(b"o" * 32).decode()
    new = base64.b64encode(b"n" * 32).decode()
    settings.TANDEM_MASTER_KEY = f"old:{old}"
    a = personas.a
    credential = store(a)
    made = sharing.make_share_link(
        a.client1, actor=a.contact1, label="Wi-Fi", secret="wifi-SECRET-42", lifetime="1d"
    )
    settings.TANDEM_MASTER_KEY = f"new:{new},old:{old}"
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "Vault credentials: 1 row(s): 1 re-sealed under the newest key." in out.getvalue()
    assert "Vault share links: 1 row(s): 1 re-sealed under the newest key." in out.getvalue()

    settings.TANDEM_MASTER_KEY = f"new:{new}"
    stored = Credential.objects.get(pk=credential.pk)
    assert {crypto.key_id_of(stored.password_sealed), crypto.key_id_of(stored.notes_sealed)} == {
        "new"
    }
    assert reveal(stored, a.assistant).password == PASSWORD_SECRET
    link = ShareLink.objects.get(pk=made.link.pk)
    assert sharing.open_share_link(link, actor=a.assistant) == "wifi-SECRET-42"


def test_totp_codes_follow_rfc_6238() -> None:
    # RFC 6238's SHA-1 test vector: the seed "12345678901234567890" at 59 s gives 94287082,
    # whose last six digits an authenticator app shows.
    seed = base64.b32encode(b"12345678901234567890").decode()
    assert totp.current_code(seed, at=59).code == "287082"
    assert totp.normalise_seed("jbsw y3dp ehpk 3pxp") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(totp.BadSeedError):
        totp.normalise_seed("not a seed at all!")


# Who may reveal: the access policy's table ---------------------------------------------------


GRANTS = [access.Grant.NAMED, access.Grant.REVOKED, access.Grant.ENDED, access.Grant.NONE]


def expected(persona: str, phase: int, minimum: int, grant: access.Grant) -> bool:
    """The rule, written out plainly: the client's own side always reads its secrets back;
    on the practice's side only someone who reaches the client, named and not revoked, in
    the credential's phase or above."""
    if persona == "contact1":
        return True
    if persona in {"unassigned", "contact2"}:
        return False
    return grant == access.Grant.NAMED and phase >= minimum


@pytest.mark.parametrize("persona", ["owner", "assistant", "unassigned", "contact1", "contact2"])
def test_who_may_reveal_by_role_phase_grant_and_revocation(
    personas: Personas, persona: str
) -> None:
    a = personas.a
    user = a.persona(persona)
    client = a.client1
    standing = access.standing(user, client)
    for phase in (1, 2, 3):
        client.phase = phase  # the standing reads the relationship's phase each time
        for minimum in (1, 2, 3):
            for grant in GRANTS:
                facts = reveals.Facts(minimum, False, grant)
                assert access.may_reveal(standing, facts) == expected(
                    persona, phase, minimum, grant
                ), (persona, phase, minimum, grant)
    deleted = reveals.Facts(1, True, access.Grant.NAMED)
    assert not access.may_reveal(standing, deleted)


def test_refusals_say_why(personas: Personas) -> None:
    a = personas.a
    credential = store(a, phase=2)
    assert reveals.refusal_for(credential, a.assistant) == (
        "Client A1 shares this credential from Phase II; the relationship is in Phase I, so it "
        "cannot be revealed yet."
    )
    assert "has not shared this credential with you" in (
        reveals.refusal_for(credential, a.owner) or ""
    )
    change_phase(a.client1, actor=a.contact1, to_phase=2)
    credential.client.refresh_from_db()
    assert reveals.refusal_for(credential, a.assistant) is None


# Revealing ------------------------------------------------------------------------------------


def test_a_reveal_needs_a_reason_and_the_password_and_is_logged(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    with pytest.raises(DomainError, match="Say why you need it") as missing:
        reveal(credential, a.assistant, reason="   ")
    assert missing.value.field == "reason"
    with pytest.raises(DomainError, match="That is not your password") as wrong:
        reveal(credential, a.assistant, password="guess")
    assert wrong.value.field == "password"
    assert not Reveal.objects.exists()

    reveal(credential, a.assistant, reason="Posting the March newsletter")

    (logged,) = Reveal.objects.all()
    assert (logged.user, logged.reason, logged.client) == (
        a.assistant,
        "Posting the March newsletter",
        a.client1,
    )


def test_wrong_passwords_hold_reveals_off(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    for _ in range(reveals.FAILED_LIMIT):
        with pytest.raises(DomainError, match="That is not your password"):
            reveal(credential, a.assistant, password="guess")
    with pytest.raises(DomainError, match="Too many wrong passwords"):
        reveal(credential, a.assistant)


def test_a_revoked_assistant_is_refused_at_once(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    reveal(credential, a.assistant)
    credentials.revoke_access(credential, actor=a.contact1, person=a.assistant)
    with pytest.raises(DomainError, match="has revoked your access to this credential"):
        reveal(credential, a.assistant)
    with pytest.raises(DomainError, match="cannot reveal this credential already"):
        credentials.revoke_access(credential, actor=a.contact1, person=a.assistant)


def test_revoking_everyone_and_deleting(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    credentials.revoke_everyone(credential, actor=a.contact1)
    with pytest.raises(DomainError, match="revoked your access"):
        reveal(credential, a.assistant)
    credentials.delete_credential(credential, actor=a.contact1)
    gone = Credential.objects.get(pk=credential.pk)
    assert gone.is_deleted
    assert not gone.password_sealed
    assert not gone.notes_sealed
    with pytest.raises(DomainError, match="deleted this credential"):
        reveal(gone, a.contact1)


def test_only_the_client_controls_its_credentials(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    with pytest.raises(DomainError, match="Only Client A1's own people"):
        credentials.revoke_everyone(credential, actor=a.owner)
    # The practice may store one for the client: the one who stores it is named on it.
    theirs = credentials.store_credential(
        a.client1, actor=a.owner, name="Canva", secrets=Secrets(password="canva-pass-1")
    )
    assert reveals.refusal_for(theirs, a.owner) is None
    assert reveals.refusal_for(theirs, a.assistant) is not None
    assert reveal(theirs, a.contact1).password == "canva-pass-1"


def test_changing_the_secret_and_who_is_named(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    credentials.update_credential(
        credential,
        actor=a.contact1,
        name="Mailchimp (newsletter)",
        url="https://mailchimp.com",
        secrets=Secrets(password="Brand-New-Pass-2"),
        named=[a.owner],
    )
    with pytest.raises(DomainError, match="revoked your access"):
        reveal(credential, a.assistant)
    shown = reveal(Credential.objects.get(pk=credential.pk), a.owner)
    assert shown.password == "Brand-New-Pass-2"
    assert shown.notes == NOTES_SECRET  # left empty: kept
    with pytest.raises(DomainError, match="Pick people from the list"):
        credentials.update_credential(
            credential, actor=a.contact1, name="Mailchimp", named=[a.unassigned]
        )


def test_a_reveal_outside_working_hours_mails_the_client(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    with time_machine.travel(WORKING, tick=False):
        reveal(credential, a.assistant)
        react_now()
    assert not OutboundEmail.objects.filter(key__startswith="vault-reveal:").exists()
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        late = reveal(credential, a.assistant, reason="The campaign failed overnight")
        react_now()
    (sent,) = OutboundEmail.objects.filter(key__startswith="vault-reveal:")
    assert sent.to == a.contact1.email
    assert late.reveal.outside_hours
    from tandem.core.mail import readable_bodies

    text, html = readable_bodies(sent)
    assert "outside the practice's working hours" in text
    assert "The campaign failed overnight" in text
    assert PASSWORD_SECRET not in text + html + sent.subject


# Leavers --------------------------------------------------------------------------------------


def test_an_unassigned_assistant_loses_access_and_the_client_sees_what_to_change(
    personas: Personas,
) -> None:
    a = personas.a
    mailchimp, bank = store(a), store(a, name="Bank")
    store(a, name="Canva")  # named, never revealed
    reveal(mailchimp, a.assistant)
    reveal(bank, a.assistant)
    credentials.update_credential(
        bank,
        actor=a.contact1,
        name="Bank",
        secrets=Secrets(password="changed-afterwards"),
        named=[a.assistant],
    )
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    react_now()

    with pytest.raises(DomainError):
        reveal(mailchimp, a.assistant)
    (notice,) = notices_of(a.client1)
    assert notice.notice.user == a.assistant
    assert [seen.name for seen in notice.to_change] == ["Mailchimp"]
    assert [seen.name for seen in notice.seen] == ["Bank", "Mailchimp"]
    # Assigned again, they still need the client to name them again.
    from tandem.clients.services import assign_assistant

    assign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    assert "ended when you stopped working on Client A1" in (
        reveals.refusal_for(mailchimp, a.assistant) or ""
    )


def test_an_assistant_removed_from_the_practice_leaves_a_notice(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    reveal(credential, a.assistant)
    deactivate_member(Membership.objects.get(user=a.assistant), actor=a.owner)
    react_now()
    (notice,) = AccessEnded.objects.all()
    assert notice.why == "left the practice"
    page = signed_in(a.contact1).get(reverse("vault:list", args=[a.client1.pk]))
    assert "left the practice" in page_text(page)
    assert "Change “Mailchimp”" in page_text(page)


# Share links ----------------------------------------------------------------------------------


def test_a_share_link_opens_once_and_then_holds_nothing(personas: Personas) -> None:
    a = personas.a
    made = sharing.make_share_link(
        a.client1, actor=a.contact1, label="Office Wi-Fi", secret="wifi-SECRET-42", lifetime="1h"
    )
    assert made.token not in made.link.token_digest
    url = reverse("vault:share-open", args=[made.token])
    http = signed_in(a.assistant)
    asked = http.get(url)
    assert asked.status_code == 200
    assert "wifi-SECRET-42" not in page_text(asked)
    opened = http.post(url)
    assert opened.status_code == 200
    assert "wifi-SECRET-42" in page_text(opened)
    assert ShareLink.objects.get(pk=made.link.pk).secret_sealed == ""
    again = signed_in(a.owner).post(url)
    assert again.status_code == 410
    assert "This link was opened already, by assistant" in page_text(again)


def test_an_expired_share_link_says_so(personas: Personas) -> None:
    a = personas.a
    with time_machine.travel(WORKING, tick=False):
        made = sharing.make_share_link(
            a.client1, actor=a.contact1, label="Wi-Fi", secret="wifi-SECRET-42", lifetime="1h"
        )
    with time_machine.travel(WORKING + timedelta(hours=2), tick=False):
        response = signed_in(a.assistant).post(reverse("vault:share-open", args=[made.token]))
    assert response.status_code == 410
    assert "expired on" in page_text(response)
    assert "wifi-SECRET-42" not in page_text(response)


def test_share_links_are_for_the_practice_side_of_that_client(personas: Personas) -> None:
    a, b = personas.a, personas.b
    made = sharing.make_share_link(
        a.client1, actor=a.contact1, label="Wi-Fi", secret="wifi-SECRET-42", lifetime="1d"
    )
    url = reverse("vault:share-open", args=[made.token])
    assert signed_in(a.unassigned).get(url).status_code == 404
    assert signed_in(b.owner).get(url).status_code == 404
    assert signed_in(a.contact1).get(url).status_code == 403
    assert signed_in(a.assistant).get(reverse("vault:share-open", args=["nope"])).status_code == 404
    with pytest.raises(DomainError, match="Pick how long the link works"):
        sharing.make_share_link(
            a.client1, actor=a.contact1, label="Wi-Fi", secret="x", lifetime="30d"
        )


# Pages ----------------------------------------------------------------------------------------


def test_the_journey_through_the_pages_shows_no_secret_until_revealed(personas: Personas) -> None:
    a = personas.a
    contact, assistant = signed_in(a.contact1), signed_in(a.assistant)
    added = contact.post(
        reverse("vault:credential-add", args=[a.client1.pk]),
        {
            "name": "Mailchimp",
            "url": "mailchimp.com",
            "username": "news@client",
            "password": PASSWORD_SECRET,
            "totp_seed": SEED,
            "notes": NOTES_SECRET,
            "minimum_phase": "1",
            "named": [str(a.assistant.pk)],
        },
    )
    assert added.status_code == 302
    credential = Credential.objects.get()
    assert credential.url == "https://mailchimp.com"
    for http in (contact, assistant):
        for name, args in (
            ("vault:list", [a.client1.pk]),
            ("vault:credential", [credential.pk]),
            ("vault:credential-reveal", [credential.pk]),
        ):
            text = page_text(http.get(reverse(name, args=args)))
            assert PASSWORD_SECRET not in text
            assert NOTES_SECRET not in text
            assert SEED not in text
    url = reverse("vault:credential-reveal", args=[credential.pk])
    shown = assistant.post(url, {"reason": "March newsletter", "password": PASSWORD})
    assert shown.status_code == 200
    assert PASSWORD_SECRET in page_text(shown)
    assert NOTES_SECRET in page_text(shown)
    assert "no-store" in shown["Cache-Control"]
    log = page_text(contact.get(reverse("vault:log", args=[a.client1.pk])))
    assert "March newsletter" in log
    assert PASSWORD_SECRET not in log
    contact.post(
        reverse("vault:credential-revoke", args=[credential.pk]), {"person": a.assistant.pk}
    )
    refused = assistant.post(url, {"reason": "Again", "password": PASSWORD})
    assert refused.status_code == 400
    assert "Client A1 has revoked your access to this credential" in page_text(refused)


def test_the_reveal_log_pages_by_id(personas: Personas) -> None:
    a = personas.a
    credential = store(a)
    for number in range(55):
        Reveal.objects.create(
            practice=a.practice,
            client=a.client1,
            credential=credential,
            user=a.assistant,
            reason=f"Reason {number}",
        )
    first = reveal_log(a.client1, viewer=a.contact1)
    assert len(first.reveals) == 50
    assert first.older_than is not None
    rest = reveal_log(a.client1, viewer=a.contact1, before=first.older_than)
    assert [r.reason for r in rest.reveals] == [f"Reason {n}" for n in range(4, -1, -1)]
    assert rest.older_than is None
    # Someone who does not work on the client sees none; an assistant only their own.
    assert reveal_log(a.client1, viewer=a.unassigned).reveals == []
    Reveal.objects.create(
        practice=a.practice, client=a.client1, credential=credential, user=a.owner, reason="Owner"
    )
    mine = reveal_log(a.client1, viewer=a.assistant).reveals
    assert mine
    assert {r.user for r in mine} == {a.assistant}
