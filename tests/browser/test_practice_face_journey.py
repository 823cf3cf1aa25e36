"""A VA in New York starts a practice and gives it its own face, in a real browser.

The browser says it is in New York (Playwright's ``timezone_id``), and the practice is set
up in that zone without anyone picking it. The new practice's dashboard opens on its
checklist, in the order a solo VA works. In Settings a yellow accent is refused with its
contrast ratio, a darker one and a logo are saved, and the header shows both.

Every page visited is photographed at desktop and phone width under
var/test-output/browser/ and checked with axe (see conftest.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tandem.clients.services import create_client
from tandem.core.branding import update_branding
from tandem.core.models import Practice
from tandem.core.roles import Role

from ..conftest import PASSWORD, join, make_owner, make_practice
from .conftest import EMAIL_LABEL, Tour, link_in_mail, run_jobs, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = "America/New_York"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def logo_file(tmp_path: Path) -> Path:
    """A wide logo: a white mark on the brand's colour."""
    image = Image.new("RGB", (360, 120), "#b4236b")
    image.paste(Image.new("RGB", (300, 40), "#ffffff"), (30, 40))
    path = tmp_path / "bloom-logo.png"
    out = io.BytesIO()
    image.save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def test_a_va_starts_a_practice_and_gives_it_its_face(
    tour: Tour, media: Path, logo_file: Path
) -> None:
    # A browser whose clock is New York's, as a VA there would have.
    page = tour.new_page(timezone_id=NEW_YORK)
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("use the link in your invitation e-mail")).to_be_visible()
    tour.check(page, "face-sign-in")

    page.get_by_role("link", name="Start a practice").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page).to_have_title(re.compile(r"^Start a practice"))
    tour.check(page, "face-sign-up")
    page.get_by_label("Your name").fill("Bea Bloom")
    page.get_by_label(EMAIL_LABEL).fill("bea@bloom.example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name="Start a practice").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    run_jobs()
    page.goto(link_in_mail("bea@bloom.example.com", r"/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/start/$"))
    # The zone the browser told us at sign-up, chosen already.
    expect(page.get_by_label("Time zone")).to_have_value(NEW_YORK)
    page.get_by_label("Practice name").fill("Bloom & Co")
    page.get_by_role("button", name="Create practice").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert Practice.objects.get(name="Bloom & Co").time_zone == NEW_YORK
    checklist = page.locator(".getting-started .step-title")
    expect(checklist).to_have_text(
        ["Add your first client", "Invite their contact", re.compile(r"^Invite an assistant")]
    )
    expect(page.get_by_role("link", name="Add a client")).to_be_visible()
    tour.check(page, "face-dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    look = page.locator("#look")
    look.get_by_label("Accent colour").fill("#F5D000")
    look.get_by_role("button", name="Save the look").click()
    expect(page.locator("#id_accent_colour_error")).to_contain_text(
        "#F5D000 with white text is 1.5:1; text needs at least 4.5:1. Pick a darker colour."
    )
    expect(page.locator("#look").get_by_label("Accent colour")).to_have_value("#F5D000")

    look = page.locator("#look")
    look.get_by_label("Accent colour").fill("#B4236B")
    look.get_by_label("Logo").set_input_files(logo_file)
    look.get_by_role("button", name="Save the look").click()
    expect(page.get_by_text("Your practice's look is saved.")).to_be_visible()

    header = page.locator("header.topbar")
    expect(header.locator("img.brand-logo")).to_be_visible()
    expect(header.locator(".brand-name")).to_have_text("Bloom & Co")
    expect(header).to_have_css("background-color", "rgb(180, 35, 107)")
    expect(page.locator("#look img.brand-logo")).to_be_visible()
    tour.check(page, "face-settings")

    page.goto("/dashboard/")
    expect(page.get_by_role("link", name="Add a client")).to_have_css(
        "background-color", "rgb(180, 35, 107)"
    )
    tour.check(page, "face-dashboard-branded")

    # The yellow accent was refused on purpose (400, the refused-input convention).
    problems = without_expected_refusals(tour.problems, [("/settings/practice/look/", 400)])
    assert not problems, "\n".join(problems)


def test_a_client_sees_the_practices_face_in_their_portal(
    tour: Tour, media: Path, logo_file: Path
) -> None:
    owner = make_owner("bea@bloom.example.com", name="Bea Bloom")
    practice = make_practice(owner, name="Bloom & Co")
    update_branding(
        practice,
        actor=owner,
        accent_colour="#1A7F37",
        logo=logo_file.open("rb"),
        logo_size=logo_file.stat().st_size,
    )
    client = create_client(actor=owner, name="Fern Florists", time_zone=NEW_YORK)
    join(owner, "fiona@fern.example.com", role=Role.CONTACT, client=client, name="Fiona Fern")

    page = tour.page_as("fiona@fern.example.com")

    expect(page).to_have_url(re.compile(r"/portal/$"))
    header = page.locator("header.topbar")
    expect(header.locator("img.brand-logo")).to_be_visible()
    expect(header.locator(".brand-name")).to_have_text("Bloom & Co")
    expect(header).to_have_css("background-color", "rgb(26, 127, 55)")
    tour.check(page, "face-portal")

    assert not tour.problems, "\n".join(tour.problems)
