"""Agreements signed in Tandem (issue 14): templates, issuing, signing with a one-time code,
the hash chain, the sealed PDF and its verification, amendments, agreements before work."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tandem.agreements import chain, pdf, services, texts
from tandem.agreements.models import (
    Agreement,
    AgreementTemplate,
    ChainRecord,
    Kind,
    PdfState,
    Signature,
    State,
)
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.work.models import TaskStatus
from tandem.work.services import create_task, move_task
from tests import agreements_flow as flow
from tests.conftest import Personas, page_text, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# Templates ----------------------------------------------------------------------------------


def test_a_practice_starts_with_tandems_default_templates(personas: Personas):
    a = personas.a
    for kind in Kind.values:
        template = services.current_template(a.practice.pk, kind)
        assert template.version == 0
        assert "{{client_name}}" in template.body
        texts.check_placeholders(template.body)  # the defaults use only known placeholders


def test_an_unknown_placeholder_is_refused_by_name(personas: Personas):
    with pytest.raises(DomainError) as refused:
        services.save_template(
            actor=personas.a.owner, kind=Kind.SERVICE, title="Service", body="Rate {{ hourly_fee }}"
        )
    assert "{{hourly_fee}}" in refused.value.message
    assert refused.value.field == "body"
    assert not AgreementTemplate.objects.exists()


def test_editing_a_template_makes_a_new_version_and_never_changes_what_was_sent(
    personas: Personas,
):
    a = personas.a
    sent = flow.issue_and_send(a.client1, a.owner)
    first = services.save_template(
        actor=a.owner, kind=Kind.SERVICE, title="Service", body="For {{client_name}}."
    )
    second = services.save_template(
        actor=a.owner, kind=Kind.SERVICE, title="Service", body="Now for {{client_name}}."
    )
    assert (first.version, second.version) == (1, 2)
    assert services.current_template(a.practice.pk, Kind.SERVICE).body == "Now for {{client_name}}."
    sent.refresh_from_db()
    assert "Client A1" in sent.body
    assert "Now for" not in sent.body
    assert sent.text_sha256 == texts.text_hash(sent.title, sent.body)


def test_only_the_owner_keeps_templates(personas: Personas):
    with pytest.raises(DomainError):
        services.save_template(actor=personas.a.assistant, kind=Kind.SERVICE, title="x", body="y")


# Issuing -----------------------------------------------------------------------------------


def test_issuing_fills_the_template_and_the_draft_can_change_for_this_client(personas: Personas):
    a = personas.a
    draft = flow.issue(a.client1, a.owner)
    assert draft.state == State.DRAFT
    assert "Client A1" in draft.body
    assert "Practice A" in draft.body
    assert "USD 45" in draft.body
    assert "{{" not in draft.body
    services.edit_draft(draft, actor=a.owner, title=draft.title, body=draft.body + "\n\nExtra.")
    with pytest.raises(DomainError) as refused:
        services.edit_draft(draft, actor=a.owner, title=draft.title, body="{{ nonsense }}")
    assert "{{nonsense}}" in refused.value.message


def test_a_contact_never_sees_a_draft(personas: Personas):
    a = personas.a
    draft = flow.issue(a.client1, a.owner)
    assert not Agreement.objects.visible_to(a.contact1).filter(pk=draft.pk).exists()
    services.send_agreement(draft, actor=a.owner)
    assert Agreement.objects.visible_to(a.contact1).filter(pk=draft.pk).exists()
    assert not Agreement.objects.visible_to(a.contact2).filter(pk=draft.pk).exists()
    assert not Agreement.objects.visible_to(personas.b.owner).filter(pk=draft.pk).exists()


def test_the_agreements_status_lists_a_draft_to_the_practice_only(personas: Personas):
    """The portal's and the client page's list is read through SQL compiled once per
    member: it keeps ``visible_to``'s rule."""
    from tandem.agreements.selectors import agreements_status

    a = personas.a
    draft = flow.issue(a.client1, a.owner)

    def waiting(viewer: object) -> list[int]:
        status = agreements_status(viewer=viewer, client=a.client1)  # type: ignore[arg-type]
        return [row.pk for row in status.waiting]

    assert waiting(a.owner) == [draft.pk]
    assert waiting(a.contact1) == []
    services.send_agreement(draft, actor=a.owner)
    assert waiting(a.contact1) == [draft.pk]


def test_one_agreement_of_a_kind_on_its_way_at_a_time(personas: Personas):
    a = personas.a
    flow.issue(a.client1, a.owner)
    with pytest.raises(DomainError) as refused:
        flow.issue(a.client1, a.owner)
    assert "already on its way" in refused.value.message
    flow.issue(a.client1, a.owner, Kind.CONFIDENTIALITY)  # the other kind is fine


def test_sending_mails_the_clients_contacts(personas: Personas):
    from tandem.core.models import OutboundEmail

    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    sent = OutboundEmail.objects.get(key=f"agreement:{agreement.pk}:sent:{a.contact1.pk}")
    assert sent.to == a.contact1.email


# Signing -----------------------------------------------------------------------------------


def test_both_sides_sign_and_each_signature_records_the_exact_text(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    flow.sign(agreement, a.contact1)
    assert agreement.state == State.AWAITING_PRACTICE
    flow.sign(agreement, a.owner)
    assert agreement.state == State.SIGNED
    assert agreement.pdf_state == PdfState.RENDERING
    signatures = list(Signature.objects.filter(agreement=agreement).order_by("signed_at"))
    assert [s.side for s in signatures] == ["client", "practice"]
    digest = texts.text_hash(agreement.title, agreement.body)
    assert all(s.text_sha256 == digest for s in signatures)
    assert signatures[0].ip_address == "127.0.0.1"
    assert signatures[0].user_agent == "pytest"
    assert chain.verify(a.practice.pk).is_intact


def test_the_client_signs_first_and_the_owner_countersigns(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    with pytest.raises(DomainError) as refused:
        services.send_code(agreement, actor=a.owner)
    assert "client signs this agreement first" in refused.value.message
    with pytest.raises(DomainError):
        services.send_code(agreement, actor=a.assistant)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type your full name to sign."),
        ("   ", "Type your full name to sign."),
        ("Someone Else", "Type your full name as your account has it (contact1)."),
    ],
)
def test_an_empty_or_mismatched_name_is_refused(personas: Personas, typed: str, message: str):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    with pytest.raises(DomainError) as refused:
        services.sign_agreement(agreement, actor=a.contact1, consent=True, typed_name=typed,
                                code=code, signed_by=flow.HERE)  # fmt: skip
    assert refused.value.message == message
    assert refused.value.field == "typed_name"


def test_the_name_is_compared_without_case_or_spaces(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    flow.sign(agreement, a.contact1, name="  CONTACT1 ")
    assert agreement.state == State.AWAITING_PRACTICE


def test_signing_needs_consent(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    with pytest.raises(DomainError) as refused:
        services.sign_agreement(agreement, actor=a.contact1, consent=False,
                                typed_name="contact1", code=code, signed_by=flow.HERE)  # fmt: skip
    assert refused.value.field == "consent"


def _try(agreement: Agreement, user, code: str) -> DomainError:
    with pytest.raises(DomainError) as refused:
        services.sign_agreement(agreement, actor=user, consent=True, typed_name=user.name,
                                code=code, signed_by=flow.HERE)  # fmt: skip
    assert refused.value.field == "code"
    return refused.value


def test_a_wrong_code_is_refused(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert "not the one we sent" in _try(agreement, a.contact1, wrong).message
    assert "six digits" in _try(agreement, a.contact1, "12ab").message


def test_an_expired_code_is_refused(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert "expired" in _try(agreement, a.contact1, code).message


def test_a_code_works_once(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    services.sign_agreement(agreement, actor=a.contact1, consent=True, typed_name="contact1",
                            code=code, signed_by=flow.HERE)  # fmt: skip
    # The owner cannot reuse the client's code, nor the client its own.
    assert "Send yourself a code first" in _try(agreement, a.owner, code).message
    from tandem.agreements import codes

    with pytest.raises(DomainError) as reused:
        codes.use_code(agreement, user_id=a.contact1.pk, code=code, now=timezone.now())
    assert reused.value.message == codes.USED


def test_too_many_wrong_codes_spend_the_code(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        _try(agreement, a.contact1, wrong)
    assert "Too many wrong codes" in _try(agreement, a.contact1, code).message


def test_the_code_is_kept_only_as_an_hmac(personas: Personas):
    from tandem.agreements.models import SigningCode

    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    code = flow.new_code(agreement, a.contact1)
    row = SigningCode.objects.get()
    assert code not in row.code_hmac
    assert len(row.code_hmac) == 64


def test_a_drawn_signature_is_kept_as_png_and_anything_else_refused(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 20), (0, 0, 0, 0)).save(buffer, "PNG")
    drawn = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    code = flow.new_code(agreement, a.contact1)
    with pytest.raises(DomainError) as refused:
        services.sign_agreement(agreement, actor=a.contact1, consent=True, typed_name="contact1",
                                code=code, drawn_png="data:image/png;base64,PHN2Zz4=",
                                signed_by=flow.HERE)  # fmt: skip
    assert refused.value.field == "drawn"
    services.sign_agreement(agreement, actor=a.contact1, consent=True, typed_name="contact1",
                            code=code, drawn_png=drawn, signed_by=flow.HERE)  # fmt: skip
    assert Signature.objects.get().drawn_png == base64.b64encode(buffer.getvalue()).decode()


# The hash chain ----------------------------------------------------------------------------


@pytest.fixture
def three_records(personas: Personas) -> list[ChainRecord]:
    a = personas.a
    flow.signed_by_both(a.client1, a.owner, a.contact1)
    agreement = flow.issue_and_send(a.client1, a.owner, Kind.CONFIDENTIALITY)
    flow.sign(agreement, a.contact1)
    records = list(ChainRecord.objects.filter(practice=a.practice).order_by("sequence"))
    assert [r.sequence for r in records] == [1, 2, 3]
    assert records[1].previous_hash == records[0].record_hash
    assert chain.verify(a.practice.pk).is_intact
    return records


def test_the_chain_detects_an_edited_record(three_records):
    first = three_records[0]
    content = dict(first.content, typed_name="Somebody Else")
    ChainRecord.objects.filter(pk=first.pk).update(content=content)
    report = chain.verify(first.practice_id)
    assert report.problem == "Record 1 was changed after it was written."


def test_the_chain_detects_a_removed_record(three_records):
    middle = three_records[1]
    Signature.objects.filter(record=middle).delete()
    ChainRecord.objects.filter(pk=middle.pk).delete()
    report = chain.verify(middle.practice_id)
    assert report.problem == "Record 2 is missing or out of order."


def test_the_chain_detects_reordered_records(three_records):
    first, second = three_records[0], three_records[1]
    ChainRecord.objects.filter(pk=first.pk).update(sequence=99)
    ChainRecord.objects.filter(pk=second.pk).update(sequence=1)
    ChainRecord.objects.filter(pk=first.pk).update(sequence=2)
    report = chain.verify(first.practice_id)
    assert not report.is_intact


def test_the_chain_detects_the_last_record_taken_out(three_records):
    last = three_records[2]
    signature = Signature.objects.get(record=last)
    Signature.objects.filter(pk=signature.pk).delete()
    ChainRecord.objects.filter(pk=last.pk).delete()
    report = chain.verify(last.practice_id)
    assert report.problem == (
        f"A signature of agreement {signature.agreement_id} was taken out of the record."
    )


def test_a_chain_record_cannot_be_saved_twice(three_records):
    record = three_records[0]
    record.content = {"forged": True}
    with pytest.raises(ValueError, match="never changed"):
        record.save()


# The sealed PDF ----------------------------------------------------------------------------


@pytest.fixture
def sealed(personas: Personas) -> tuple[Agreement, bytes]:
    a = personas.a
    agreement = flow.make_pdf(flow.signed_by_both(a.client1, a.owner, a.contact1))
    assert agreement.pdf_state == PdfState.READY
    with default_storage.open(agreement.pdf_name, "rb") as stored:
        return agreement, stored.read()


def test_the_sealed_pdf_validates_and_names_its_agreement(sealed):
    agreement, data = sealed
    verdict = pdf.verify(data)
    assert verdict.is_genuine, verdict.message
    assert verdict.agreement == agreement
    assert "true, unaltered Tandem agreement" in verdict.message


def test_one_changed_byte_fails_validation(sealed):
    _agreement, data = sealed
    altered = bytearray(data)
    altered[len(altered) // 3] ^= 0x01
    verdict = pdf.verify(bytes(altered))
    assert not verdict.is_genuine


def test_a_pdf_that_is_not_tandems_is_refused(sealed):
    import weasyprint

    plain = weasyprint.HTML(string="<p>Hello</p>").write_pdf()
    assert pdf.verify(plain).message == pdf.NO_SEAL
    assert pdf.verify(b"hello, not a pdf").message == pdf.NOT_A_PDF


def test_making_the_pdf_twice_keeps_the_first(sealed):
    agreement, _data = sealed
    name = agreement.pdf_name
    flow.make_pdf(agreement)
    agreement.refresh_from_db()
    assert agreement.pdf_name == name


def test_key_rotation_covers_the_certificate_key(settings, personas: Personas):
    from tandem.agreements import certificates
    from tandem.core import rotation

    old = f"old:{base64.b64encode(b'o' * 32).decode()}"
    settings.TANDEM_MASTER_KEY = old
    row = certificates.certificate_for(personas.a.practice)
    assert row.sealed_key.startswith("tdm1:old:")
    settings.TANDEM_MASTER_KEY = f"new:{base64.b64encode(b'n' * 32).decode()},{old}"
    assert "agreements.certificate_keys" in rotation.registered()
    tally = rotation.registered()["agreements.certificate_keys"](200)
    assert tally.counts[rotation.Outcome.RESEALED] == 1
    row.refresh_from_db()
    assert row.sealed_key.startswith("tdm1:new:")
    settings.TANDEM_MASTER_KEY = f"new:{base64.b64encode(b'n' * 32).decode()}"
    # The old key is no longer needed: the key still opens, and still seals a PDF.
    assert certificates.sealing_key(row).private_key_der


def test_the_verify_page_says_genuine_or_altered_and_refuses_a_non_pdf(client, sealed):
    _agreement, data = sealed
    page = client.post("/agreements/verify/", {"document": SimpleUploadedFile("a.pdf", data)})
    assert page.status_code == 200
    assert "Genuine and unaltered" in page_text(page)
    altered = bytearray(data)
    altered[len(altered) // 2] ^= 0x01
    page = client.post(
        "/agreements/verify/", {"document": SimpleUploadedFile("a.pdf", bytes(altered))}
    )
    assert page.status_code == 200
    assert "Not a true, unaltered Tandem agreement" in page_text(page)
    refused = client.post("/agreements/verify/", {"document": SimpleUploadedFile("a.txt", b"hi")})
    assert refused.status_code == 400
    assert pdf.NOT_A_PDF in page_text(refused)


def test_both_sides_download_the_sealed_pdf(personas: Personas, sealed):
    agreement, data = sealed
    for user in (personas.a.owner, personas.a.contact1, personas.a.assistant):
        response = signed_in(user).get(f"/agreements/{agreement.pk}/pdf/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
    assert signed_in(personas.a.contact2).get(f"/agreements/{agreement.pk}/pdf/").status_code == 404


# Amendments --------------------------------------------------------------------------------


def test_an_amendment_lists_what_changed_and_supersedes_the_signed_one(personas: Personas):
    a = personas.a
    signed = flow.signed_by_both(a.client1, a.owner, a.contact1)
    amendment = services.amend_agreement(signed, actor=a.owner)
    assert amendment.version == 2
    assert amendment.amends == signed
    with pytest.raises(DomainError) as unchanged:
        services.send_agreement(amendment, actor=a.owner)
    assert "changes nothing" in unchanged.value.message
    body = amendment.body.replace("USD 45", "USD 55") + "\n\nA new paragraph."
    services.edit_draft(amendment, actor=a.owner, title=amendment.title, body=body)
    services.send_agreement(amendment, actor=a.owner)
    kinds = [change["change"] for change in amendment.changes]
    assert kinds == ["changed", "added"]
    assert "USD 45" in amendment.changes[0]["before"]
    assert "USD 55" in amendment.changes[0]["after"]
    signed.refresh_from_db()
    assert signed.state == State.SIGNED  # in force until the amendment is signed by both
    flow.sign(amendment, a.contact1)
    flow.sign(amendment, a.owner)
    signed.refresh_from_db()
    assert signed.state == State.SUPERSEDED
    assert signed.superseded_at is not None
    assert amendment.state == State.SIGNED


# Agreements before work --------------------------------------------------------------------


def _request(world):
    deadline_at = timezone.now() + timedelta(days=5)
    return create_task(world.client1, actor=world.contact1, title="Book the venue",
                       expectations="Venue booked", deadline_at=deadline_at)  # fmt: skip


def test_requests_wait_for_both_agreements_when_the_practice_requires_them(personas: Personas):
    a = personas.a
    task = _request(a)
    services.set_agreements_required(actor=a.owner, required=True)
    a.client1.refresh_from_db()
    task.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert str(refused.value) == (
        "Client A1 has not signed the service agreement and the confidentiality agreement "
        "yet, so new requests wait for them."
    )
    flow.signed_by_both(a.client1, a.owner, a.contact1)
    task.refresh_from_db()
    with pytest.raises(DomainError) as still:
        move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert "has not signed the confidentiality agreement yet, so new requests wait for it" in (
        str(still.value)
    )
    flow.signed_by_both(a.client1, a.owner, a.contact1, Kind.CONFIDENTIALITY)
    task.refresh_from_db()
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)


def test_a_new_client_follows_the_practice_setting(personas: Personas):
    from tandem.clients.services import create_client

    a = personas.a
    services.set_agreements_required(actor=a.owner, required=True)
    new = create_client(actor=a.owner, name="Newcomer", time_zone="UTC")
    assert new.requires_agreements
    new.refresh_from_db()
    assert new.requires_agreements
    standing = access.standing(a.owner, new)
    assert "Newcomer has not signed" in (standing.refusal(Capability.TAKE_ON_REQUEST) or "")


def test_both_sides_see_what_is_missing(personas: Personas):
    a = personas.a
    services.set_agreements_required(actor=a.owner, required=True)
    flow.issue_and_send(a.client1, a.owner)
    portal = page_text(signed_in(a.contact1).get("/portal/"))
    assert "has not signed the service agreement and the confidentiality agreement" in portal
    assert "Service agreement, version 1" in portal
    client_page = page_text(signed_in(a.owner).get(f"/clients/{a.client1.pk}/"))
    assert "has not signed the service agreement and the confidentiality agreement" in client_page


# Pages -------------------------------------------------------------------------------------


def test_the_signing_form_keeps_what_was_typed_and_says_what_to_fix(personas: Personas):
    a = personas.a
    agreement = flow.issue_and_send(a.client1, a.owner)
    flow.new_code(agreement, a.contact1)
    browser = signed_in(a.contact1)
    page = browser.post(f"/agreements/{agreement.pk}/sign/",
                        {"consent": "on", "typed_name": "Not Me", "code": "000000"})  # fmt: skip
    assert page.status_code == 400
    text = page_text(page)
    assert "Type your full name as your account has it" in text
    assert 'value="Not Me"' in page.content.decode()


def test_the_whole_flow_through_the_pages(personas: Personas):
    a = personas.a
    owner = signed_in(a.owner)
    issued = owner.post(f"/clients/{a.client1.pk}/agreements/", {
        "kind": "service", "hourly_rate": "USD 50", "payment_terms": "within 7 days",
        "notice_period": "two weeks'", "start_date": "2025-02-03"})  # fmt: skip
    assert issued.status_code == 302
    agreement = Agreement.objects.get()
    assert owner.get(f"/agreements/{agreement.pk}/edit/").status_code == 200
    assert owner.post(f"/agreements/{agreement.pk}/send/").status_code == 302
    contact = signed_in(a.contact1)
    assert contact.post(f"/agreements/{agreement.pk}/code/").status_code == 302
    code = flow.code_mailed(agreement, a.contact1)
    signed = contact.post(f"/agreements/{agreement.pk}/sign/",
                          {"consent": "on", "typed_name": "contact1", "code": code})  # fmt: skip
    assert signed.status_code == 302
    owner.post(f"/agreements/{agreement.pk}/code/")
    code = flow.code_mailed(agreement, a.owner)
    owner.post(f"/agreements/{agreement.pk}/sign/",
               {"consent": "on", "typed_name": "owner a", "code": code})  # fmt: skip
    agreement.refresh_from_db()
    assert agreement.state == State.SIGNED
    status = contact.get(f"/agreements/{agreement.pk}/pdf/status/")
    assert 'hx-trigger="every 2s"' in status.content.decode()
    flow.make_pdf(agreement)
    status = contact.get(f"/agreements/{agreement.pk}/pdf/status/")
    assert "Download the sealed PDF" in page_text(status)


# The demo ----------------------------------------------------------------------------------


def test_the_demo_has_a_signed_pair_and_one_waiting_for_the_client():
    from django_tasks_db.models import DBTaskResult

    from tandem.agreements.tasks import make_sealed_pdf
    from tandem.demo import loader as demo

    demo.load()
    states = sorted(Agreement.objects.values_list("client__name", "kind", "state"))
    assert states == [
        ("Bloom Florist", "confidentiality", "signed"),
        ("Bloom Florist", "service", "signed"),
        ("Summit Coaching", "service", "awaiting_client"),
    ]
    # The sealed PDFs are queued for the worker.
    queued = DBTaskResult.objects.filter(task_path__endswith=".make_sealed_pdf").count()
    assert queued == 2
    bloom = Agreement.objects.filter(client__name="Bloom Florist").first()
    assert bloom is not None
    make_sealed_pdf.func(bloom.pk)
    bloom.refresh_from_db()
    assert bloom.pdf_state == PdfState.READY
    assert chain.verify(bloom.practice_id).is_intact


def test_a_pdf_that_cannot_be_made_says_so_after_the_last_attempt(
    personas: Personas, settings, monkeypatch
):
    from tandem.agreements import tasks
    from tandem.agreements.models import PdfState
    from tandem.core.jobs import ATTEMPT_KWARG

    a = personas.a
    agreement = flow.signed_by_both(a.client1, a.owner, a.contact1)

    def broken(_agreement: Agreement) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "sealed_pdf", broken)
    with pytest.raises(RuntimeError):
        tasks.make_sealed_pdf.func(agreement.pk, **{ATTEMPT_KWARG: 1})
    agreement.refresh_from_db()
    assert agreement.pdf_state != PdfState.FAILED  # tried again later: still on its way
    with pytest.raises(RuntimeError):
        tasks.make_sealed_pdf.func(
            agreement.pk, **{ATTEMPT_KWARG: settings.TANDEM_JOB_MAX_ATTEMPTS}
        )
    agreement.refresh_from_db()
    assert agreement.pdf_state == PdfState.FAILED
    page = page_text(signed_in(a.contact1).get(f"/agreements/{agreement.pk}/"))
    assert "could not be made after several tries" in page
