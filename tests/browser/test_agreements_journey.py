"""Agreements signed in a real browser (issue 14): Olivia issues Bloom Florist's service and
confidentiality agreements, reviewing each before sending; Chloe reads them in the portal and
signs each (consent, her full name, a drawn signature, the code from her e-mail); Olivia
countersigns; the sealed PDF is made by the worker while the page shows its progress; Chloe
downloads it, and it validates with pyHanko and on the verify page.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.agreements import pdf
from tandem.agreements.models import Agreement, Kind, State
from tandem.clients.models import Client
from tandem.clients.services import create_client
from tandem.core.roles import Role

from ..conftest import join
from .conftest import Tour, london_practice_owner, run_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2030, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def people(clock: None, media: Path) -> tuple[User, User, Client]:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    return owner, chloe, client


def code_from_mail(to: str) -> str:
    run_jobs()  # the code goes out through the mail queue
    messages = [m for m in mail.outbox if to in m.to and "code" in m.subject.lower()]
    assert messages, [(m.to, m.subject) for m in mail.outbox]
    found = re.search(r"\b(\d{6})\b", str(messages[-1].body))
    assert found is not None
    return found.group(1)


def issue(page: Page, tour: Tour, client: Client, kind_label: str, shot: str) -> None:
    page.goto(f"/clients/{client.pk}/agreements/")
    page.get_by_label(kind_label).check()
    page.get_by_label("Hourly rate").fill("GBP 40")
    page.get_by_label("Work starts on").fill("2030-07-01")
    if shot:
        tour.check(page, f"{shot}-issue-owner")
    page.get_by_role("button", name="Fill in and review").click()
    expect(page.get_by_role("heading", name="As the client will read it")).to_be_visible()
    if "Service" in kind_label:
        expect(page.get_by_text("GBP 40 per hour").first).to_be_visible()
    if shot:
        tour.check(page, f"{shot}-review-owner")
    page.get_by_role("button", name="Send to Bloom Florist").click()
    expect(page.get_by_text("Sent to Bloom Florist for signature.")).to_be_visible()


def sign(page: Page, tour: Tour, user: User, *, button: str, shot: str, draw: bool) -> None:
    page.get_by_role("button", name="E-mail me a code").click()
    expect(page.get_by_text("A code is on its way")).to_be_visible()
    page.get_by_label(re.compile("I agree to sign this agreement electronically")).check()
    page.get_by_label("Your full name").fill(user.name)
    if draw:
        box = page.locator("canvas[data-signature-pad]").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
        page.mouse.down()
        for step in range(1, 12):
            height = box["height"] * (0.3 + (step % 3) * 0.2)
            page.mouse.move(box["x"] + 20 + step * 18, box["y"] + height)
        page.mouse.up()
    page.get_by_label("The code from your e-mail").fill(code_from_mail(user.email))
    if shot:
        tour.check(page, shot)
    page.get_by_role("button", name=button).click()


def test_both_agreements_are_issued_signed_countersigned_and_the_sealed_pdf_verifies(
    tour: Tour, people: tuple[User, User, Client]
) -> None:
    owner, chloe, client = people

    # Olivia issues both agreements, reviewing each before it goes.
    boss = tour.page_as(owner.email)
    issue(boss, tour, client, "Service agreement", "agreements")
    issue(boss, tour, client, "Confidentiality agreement", "")
    service = Agreement.objects.get(kind=Kind.SERVICE)
    confidentiality = Agreement.objects.get(kind=Kind.CONFIDENTIALITY)
    assert {service.state, confidentiality.state} == {State.AWAITING_CLIENT}

    # Chloe finds them in her portal and signs each.
    portal = tour.page_as(chloe.email)
    portal.goto("/portal/")
    cards = portal.get_by_role("region", name="Agreements")
    expect(cards).to_contain_text("Service agreement, version 1")
    tour.check(portal, "agreements-portal-client")
    cards.get_by_role("link", name="Service agreement, version 1").click()
    sign(portal, tour, chloe, button="Sign the agreement", shot="agreements-sign-client", draw=True)
    expect(portal.get_by_text("Signed. The practice countersigns next")).to_be_visible()
    portal.goto(f"/agreements/{confidentiality.pk}/")
    sign(portal, tour, chloe, button="Sign the agreement", shot="", draw=False)
    expect(portal.get_by_text("Signed. The practice countersigns next")).to_be_visible()

    # Olivia countersigns both; the sealed PDF is made by the worker while the page waits.
    boss.goto(f"/agreements/{confidentiality.pk}/")
    sign(boss, tour, owner, button="Countersign", shot="", draw=False)
    boss.goto(f"/agreements/{service.pk}/")
    sign(boss, tour, owner, button="Countersign", shot="agreements-countersign-owner", draw=True)
    expect(boss.locator("#pdf")).to_contain_text("The sealed PDF is being made")
    tour.check(boss, "agreements-pdf-being-made-owner")
    run_jobs()
    expect(boss.get_by_role("link", name="Download the sealed PDF")).to_be_visible(timeout=15_000)
    tour.check(boss, "agreements-signed-owner")

    # Chloe downloads the sealed PDF: it validates with pyHanko, and on the verify page.
    portal.goto(f"/agreements/{service.pk}/")
    with portal.expect_download() as downloading:
        portal.get_by_role("link", name="Download the sealed PDF").click()
    saved = downloading.value.path()
    data = Path(saved).read_bytes()
    assert_sealed_by_the_practice(data)
    verdict = pdf.verify(data)
    assert verdict.is_genuine, verdict.message
    portal.goto("/agreements/verify/")
    portal.get_by_label("The agreement's PDF").set_input_files(saved)
    portal.get_by_role("button", name="Check it").click()
    expect(portal.get_by_text("Genuine and unaltered")).to_be_visible()
    tour.check(portal, "agreements-verify-client")
    client.refresh_from_db()
    assert client.service_agreement_at is not None
    assert client.confidentiality_agreement_at is not None
    assert not tour.problems, "\n".join(tour.problems)


def assert_sealed_by_the_practice(data: bytes) -> None:
    """pyHanko itself: the seal is intact, valid, trusted against the practice's certificate,
    and covers the whole file."""
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from tandem.agreements import certificates
    from tandem.agreements.models import PracticeCertificate

    held = PracticeCertificate.objects.get()
    root = x509.Certificate.load(certificates.certificate_der(held))
    (seal,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = ValidationContext(trust_roots=[root])
    # pyHanko runs its own event loop; Playwright's is running in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, seal, context).result()
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
