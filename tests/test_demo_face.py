"""The demo practice has a face of its own: a logo drawn at seed time (its initials on a
rounded square of its accent colour) and that accent, set through the owner's branding
service, so a new user sees a branded header, portal and mail from the start."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tandem.core import branding
from tandem.core.models import Practice
from tandem.demo import face
from tandem.demo import loader as demo
from tests.conftest import page_text, signed_in


def demo_practice() -> Practice:
    return Practice.objects.get(memberships__user__email=demo.OWNER[1])


@pytest.mark.django_db
def test_the_demo_practice_has_a_logo_and_an_accent_that_pass_the_owners_checks() -> None:
    demo.load()
    practice = demo_practice()

    assert practice.accent_colour == face.ACCENT
    branding.check_accent(practice.accent_colour)  # raises when text could not be read on it
    with default_storage.open(practice.logo) as stored:
        logo = Image.open(io.BytesIO(stored.read()))
    assert logo.format == "PNG"
    assert logo.size == (practice.logo_width, practice.logo_height) == (512, 512)
    # The square is the accent, its corners are clear and the initials are white.
    assert logo.convert("RGBA").getpixel((256, 40))[:3] == (0x6B, 0x3F, 0xA0)
    assert logo.convert("RGBA").getpixel((0, 0))[3] == 0
    colours = logo.convert("RGBA").getcolors(maxcolors=512 * 512) or []
    assert any(colour[:3] == (255, 255, 255) for _, colour in colours)


@pytest.mark.django_db
def test_the_demo_pages_show_the_logo_and_the_accent() -> None:
    demo.load()
    practice = demo_practice()
    http = signed_in(None)
    http.post("/accounts/login/", {"login": "chloe@bloom.example.com", "password": demo.PASSWORD})

    response = http.get("/portal/")

    text = response.content.decode()
    assert f'src="{branding.logo_path(practice)}"' in text
    assert "/brand/accent/6b3fa0.css" in text
    assert http.get(branding.logo_path(practice)).status_code == 200
    assert "Northwind Virtual Assistance" in page_text(response)


@pytest.mark.django_db
def test_loading_the_demo_again_keeps_its_one_logo() -> None:
    assert demo.load()
    logo = demo_practice().logo

    assert not demo.load()

    assert demo_practice().logo == logo


@pytest.mark.django_db
def test_a_demo_loaded_before_it_had_a_face_gets_one_and_a_changed_look_is_kept() -> None:
    demo.load()
    practice = demo_practice()
    owner = practice.memberships.get(user__email=demo.OWNER[1]).user
    branding.update_branding(practice, actor=owner, accent_colour="", remove_logo=True)

    demo.load()
    practice.refresh_from_db()
    assert practice.logo
    assert practice.accent_colour == face.ACCENT

    branding.update_branding(practice, actor=owner, accent_colour="#2f5d8a")
    demo.load()
    practice.refresh_from_db()
    assert practice.accent_colour == "#2f5d8a"


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Northwind Virtual Assistance", "NV"),
        ("bloom", "B"),
        ("  Ada  & Co ", "AC"),
        ("", "?"),
    ],
)
def test_the_logo_says_the_first_letters_of_the_name(name: str, letters: str) -> None:
    assert face.initials(name) == letters


def test_drawing_the_logo_is_quick() -> None:
    started = time.perf_counter()
    face.draw_logo("NV", face.ACCENT)
    assert time.perf_counter() - started < 1.0
