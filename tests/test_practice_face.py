"""The practice's own face: mail in its name, links to where the site is served, its logo and
accent colour in the header and in mail; and sign-in and first run that speak to the right
person (the wording of allauth's pages, the first-run checklist, the browser's time zone)."""

from __future__ import annotations

import gettext
import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tandem import cli
from tandem.accounts.forms import SignupForm
from tandem.clients import invitations
from tandem.clients.services import create_client
from tandem.core import branding, mail, site
from tandem.core.errors import DomainError
from tandem.core.models import Practice
from tandem.core.roles import Role
from tests.conftest import PASSWORD, Personas, make_owner, make_practice, signed_in
from tests.smtp_server import text_and_html

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "src/tandem/core/locale/en/LC_MESSAGES"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def png(width: int = 300, height: int = 100, colour: str = "#b4236b") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def set_look(practice: Practice, owner, *, colour: str = "#B4236B", logo: bytes | None = None):
    return branding.update_branding(
        practice,
        actor=owner,
        accent_colour=colour,
        logo=io.BytesIO(logo) if logo is not None else None,
        logo_size=len(logo or b""),
    )


def text_of(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# Mail in the practice's name ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Bloom & Co", "Bloom & Co"),
        ('Bloom, "Best" & Co', 'Bloom, "Best" & Co'),
        ("Café Ünïcorn Assistants", "Café Ünïcorn Assistants"),
        # A name cannot add a header: line breaks and control characters become spaces.
        ("Evil\r\nBcc: victim@example.com", "Evil Bcc: victim@example.com"),
        # (A NUL cannot be stored on PostgreSQL at all; BEL stands for the other controls.)
        ("Tab\tand\x07bell\u2028line", "Tab and bell line"),
    ],
)
def test_mail_goes_out_in_the_practices_name_over_the_configured_address(
    smtp, settings, name, shown
):
    settings.DEFAULT_FROM_EMAIL = "Tandem <tandem@va.example.com>"
    practice = make_practice(make_owner("own@example.com"), name="x")
    Practice.objects.filter(pk=practice.pk).update(name=name)
    practice.refresh_from_db()
    email = mail.queue_email(
        key="face:1", to="client@example.com", subject="Hi", text_body="Body", practice=practice
    )

    assert mail.deliver(email.pk)

    (message,) = smtp.messages
    (address,) = message["From"].addresses
    assert address.display_name == shown
    assert address.addr_spec == "tandem@va.example.com"
    assert "Bcc" not in message
    assert message["To"] == "client@example.com"


def test_mail_of_no_practice_keeps_the_configured_sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Tandem <tandem@va.example.com>"
    assert mail.sender(None) == "Tandem <tandem@va.example.com>"
    settings.DEFAULT_FROM_EMAIL = "tandem@va.example.com"
    assert mail.sender(None) == "tandem@va.example.com"


def test_a_name_of_only_control_characters_falls_back_to_the_configured_name(settings):
    settings.DEFAULT_FROM_EMAIL = "Tandem <tandem@va.example.com>"
    assert mail.sender(Practice(name="\r\n\t")) == "Tandem <tandem@va.example.com>"


# Links to where the site is served ----------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "address"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000"),  # noqa: S104 (a bind address, read)
        ("::", 9000, "http://127.0.0.1:9000"),
        ("::1", 8080, "http://[::1]:8080"),
        ("va.local", 8443, "http://va.local:8443"),
    ],
)
def test_demo_and_serve_say_where_they_serve(host, port, address):
    assert cli.served_at(host, port) == address


def settings_in_a_fresh_process(**env: str) -> tuple[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "TANDEM_SERVED_AT"}}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tandem.settings';"
        "from django.conf import settings; print(settings.SITE_URL, settings.SITE_URL_IS_SET)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=environ | env, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], out[1]


def test_the_served_address_is_the_site_url_unless_the_operator_set_one():
    assert settings_in_a_fresh_process(TANDEM_SERVED_AT="http://10.0.0.5:9000") == (
        "http://10.0.0.5:9000",
        "False",
    )
    assert settings_in_a_fresh_process(
        TANDEM_SERVED_AT="http://10.0.0.5:9000", SITE_URL="https://va.example.com/"
    ) == ("https://va.example.com", "True")
    assert settings_in_a_fresh_process() == ("http://127.0.0.1:8000", "False")


def test_announcing_the_address_does_not_override_one_already_given(monkeypatch):
    monkeypatch.setenv("TANDEM_SERVED_AT", "http://proxy.example.com:80")
    cli.announce_address("0.0.0.0", 8000)  # noqa: S104 (a bind address, read)
    assert os.environ["TANDEM_SERVED_AT"] == "http://proxy.example.com:80"


@pytest.fixture
def remembered(settings):
    """No SITE_URL set by the operator: practices remember where members sign in."""
    settings.SITE_URL_IS_SET = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "va.example.com"]
    cache.clear()  # allauth's rate limits


def sign_in_at(host: str, email: str, *, secure: bool = False):
    http = signed_in(None)
    return http.post(
        "/accounts/login/",
        {"login": email, "password": PASSWORD},
        HTTP_HOST=host,
        secure=secure,
    )


@pytest.mark.django_db(transaction=True)
def test_mail_links_to_the_origin_members_sign_in_at(smtp, remembered):
    owner = make_owner("owner@va.example.com")
    practice = make_practice(owner, name="Bloom & Co")

    assert sign_in_at("va.example.com", owner.email, secure=True).status_code == 302
    practice.refresh_from_db()
    assert practice.site_origin == "https://va.example.com"

    # Sent from the worker, which has no request: the invitation links to that origin.
    invitation = invitations.invite(
        actor=owner, email="new@example.com", role=Role.ASSISTANT, name="New"
    )
    invitations.deliver_invitation(invitation.pk, invitation.nonce)
    (message,) = smtp.messages
    text, html_body = text_and_html(message)
    assert "https://va.example.com/invite/" in text
    assert 'href="https://va.example.com/invite/' in html_body
    assert "127.0.0.1:8000" not in text + html_body


def test_a_host_not_allowed_is_refused_and_not_remembered(remembered):
    owner = make_owner("owner@va.example.com")
    practice = make_practice(owner, name="Bloom & Co")

    response = sign_in_at("evil.example.net", owner.email)

    assert response.status_code == 400
    practice.refresh_from_db()
    assert practice.site_origin == ""


def test_the_operators_site_url_wins_over_the_remembered_origin(settings):
    practice = Practice(name="P", site_origin="https://va.example.com")
    settings.SITE_URL = "https://tandem.example.org"
    settings.SITE_URL_IS_SET = True
    assert invitations_url_base(practice) == "https://tandem.example.org"
    settings.SITE_URL_IS_SET = False
    assert invitations_url_base(practice) == "https://va.example.com"
    assert invitations_url_base(None) == "https://tandem.example.org"


def invitations_url_base(practice: Practice | None) -> str:
    return site.base_url(practice)


# The look: accent colour and logo ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("#ABC", "#aabbcc"), ("2f5d8a", "#2f5d8a"), ("  ", "")]
)
def test_colours_are_read_in_the_usual_ways(typed, stored):
    assert branding.parse_colour(typed) == stored


def test_contrast_is_wcags():
    assert round(branding.contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(branding.contrast("#ffffff", "#ffffff"), 1) == 1.0
    assert round(branding.contrast("#767676", "#ffffff"), 2) == 4.54


def test_the_owner_sets_a_logo_and_colour_seen_in_the_portal(personas: Personas):
    world = personas.a
    http = signed_in(world.owner)
    response = http.post(
        reverse("core:practice-branding"),
        {"accent_colour": "#b4236b", "logo": SimpleUploadedFile("logo.png", png(1200, 400))},
    )
    assert response.status_code == 302

    practice = Practice.objects.get(pk=world.practice.pk)
    assert practice.accent_colour == "#b4236b"
    # Stored downscaled, as a PNG we wrote.
    assert (practice.logo_width, practice.logo_height) == (512, 171)
    with default_storage.open(practice.logo) as stored:
        assert Image.open(stored).format == "PNG"

    portal = signed_in(world.contact1).get(reverse("home:portal-home"))
    page = portal.content.decode()
    logo_url = reverse("core:practice-logo", args=[practice.pk, practice.logo_token])
    assert f'<img class="brand-logo" src="{logo_url}"' in page
    assert reverse("core:accent-css", args=["b4236b"]) in page
    assert '<span class="brand-name">Practice A</span>' in page
    # Another practice's members see their own face, not this one.
    other = signed_in(personas.b.contact1).get(reverse("home:portal-home")).content.decode()
    assert logo_url not in other
    assert "b4236b" not in other


def test_the_accent_stylesheet_sets_the_colours_and_is_cached_for_good(client):
    response = client.get(reverse("core:accent-css", args=["b4236b"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--c-primary: #b4236b;" in response.content.decode()
    assert "--c-portal: #b4236b;" in response.content.decode()
    assert "immutable" in response["Cache-Control"]
    assert client.get("/brand/accent/B4236B.css").status_code == 404
    assert client.get("/brand/accent/b4236b;x.css").status_code == 404


def test_the_logo_is_served_as_a_png_that_runs_nothing(personas: Personas):
    world = personas.a
    practice = set_look(world.practice, world.owner, logo=png())
    response = signed_in(None).get(
        reverse("core:practice-logo", args=[practice.pk, practice.logo_token])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # The same token under another practice's id is nobody's logo.
    wrong = reverse("core:practice-logo", args=[personas.b.practice.pk, practice.logo_token])
    assert signed_in(None).get(wrong).status_code == 404


def test_a_new_logo_replaces_the_old_file_and_removing_it_deletes_it(personas: Personas):
    world = personas.a
    first = set_look(world.practice, world.owner, logo=png()).logo
    second = set_look(world.practice, world.owner, logo=png(colour="#000000")).logo
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)

    branding.update_branding(world.practice, actor=world.owner, accent_colour="", remove_logo=True)
    assert world.practice.logo == ""
    assert not default_storage.exists(second)


def test_only_owners_change_the_look(personas: Personas):
    with pytest.raises(DomainError):
        set_look(personas.a.practice, personas.a.assistant)


def test_a_refused_look_keeps_the_practices_current_face(personas: Personas):
    world = personas.a
    set_look(world.practice, world.owner, colour="#1a7f37")
    response = signed_in(world.owner).post(
        reverse("core:practice-branding"), {"accent_colour": "#F5D000"}
    )
    assert response.status_code == 400
    assert Practice.objects.get(pk=world.practice.pk).accent_colour == "#1a7f37"
    assert reverse("core:accent-css", args=["1a7f37"]) in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_mail_shows_the_logo_and_accent_and_comes_from_the_practice(smtp, settings):
    settings.SITE_URL = "https://va.example.com"
    owner = make_owner("owner@va.example.com")
    practice = make_practice(owner, name="Bloom & Co")
    set_look(practice, owner, colour="#B4236B", logo=png())
    invitation = invitations.invite(
        actor=owner, email="new@example.com", role=Role.ASSISTANT, name="New"
    )

    invitations.deliver_invitation(invitation.pk, invitation.nonce)

    (message,) = smtp.messages
    assert message["From"].addresses[0].display_name == "Bloom & Co"
    _, html_body = text_and_html(message)
    logo = f"https://va.example.com/brand/{practice.pk}/{practice.logo_token}.png"
    assert f'<img src="{logo}"' in html_body
    assert "border-bottom:3px solid #b4236b" in html_body
    assert "background:#b4236b;" in html_body  # the button


# Sign-in and sign-up speak to the right person ----------------------------------------------


ALLAUTH_TITLE_CASE = ("Sign In", "Sign Up", "Remember Me", "sign up</a> first", "Signup")


def test_sign_in_speaks_to_clients_and_vas():
    response = signed_in(None).get("/accounts/login/")
    text = text_of(response)
    assert "<title>Sign in · Tandem</title>" in response.content.decode()
    assert "Clients: use the link in your invitation e-mail to join your practice." in text
    assert "Running a VA practice? Start a practice" in text
    assert "Keep me signed in" in text
    for title_case in ALLAUTH_TITLE_CASE:
        assert title_case not in response.content.decode(), title_case


def test_sign_up_is_start_a_practice_and_turns_clients_away():
    response = signed_in(None).get("/accounts/signup/")
    page = response.content.decode()
    text = text_of(response)
    assert "<title>Start a practice · Tandem</title>" in page
    assert re.search(r"<h1>Start a practice</h1>", page)
    assert re.search(r'<button class="button" type="submit">Start a practice</button>', page)
    assert "Clients: you don't need to sign up here." in text
    for title_case in ALLAUTH_TITLE_CASE:
        assert title_case not in page, title_case


def catalogue() -> dict[str, str]:
    """Our .po file's translations, read without gettext tools."""
    source = (CATALOGUE / "django.po").read_text()
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.MULTILINE)
    return {msgid.replace('\\"', '"'): msgstr.replace('\\"', '"') for msgid, msgstr in pairs}


def test_the_compiled_catalogue_matches_its_source():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for msgid, msgstr in catalogue().items():
        assert translations.gettext(msgid) == msgstr, f"recompile the .mo: {msgid!r}"


# Words that keep their capital mid-sentence.
PROPER = {"I", "Tandem"}


@pytest.mark.parametrize("msgstr", sorted(set(catalogue().values())))
def test_allauths_wording_is_sentence_case(msgstr):
    words = re.findall(r"[A-Za-z][\w'-]*", msgstr)
    capitals = [word for word in words[1:] if word[0].isupper() and word not in PROPER]
    assert not capitals, f"{msgstr!r} has {capitals}"


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
    ],
)
def test_allauths_pages_say_nothing_in_title_case(personas: Personas, path):
    user = None if path in {"/accounts/login/", "/accounts/signup/"} else personas.a.owner
    response = signed_in(user).get(path)
    assert response.status_code == 200, path
    page = response.content.decode()
    for msgid, msgstr in catalogue().items():
        if msgid != msgstr:
            assert f">{msgid}<" not in page, (path, msgid)
            assert f"{msgid} ·" not in page, (path, msgid)


# The first run ------------------------------------------------------------------------------


def steps(response) -> list[tuple[str, bool]]:
    """The checklist's steps in order, each with whether it is ticked."""
    page = response.content.decode()
    section = re.search(r'aria-labelledby="getting-started">(.*?)</section>', page, re.DOTALL)
    if section is None:
        return []
    items = re.findall(
        r'<li class="(done)?"><div><span class="step-title">(.*?)</span>', section.group(1)
    )
    return [(re.sub(r"<[^>]+>", "", title).strip(), done == "done") for done, title in items]


def test_a_new_practice_opens_on_its_checklist_in_the_order_a_solo_va_works():
    owner = make_owner("solo@example.com", name="Solo")
    make_practice(owner, name="Solo VA")
    http = signed_in(owner)

    first = http.get(reverse("home:dashboard"))
    page = first.content.decode()
    assert page.index("Getting started") < page.index("<h2", page.index("Getting started") + 1)
    assert steps(first) == [
        ("Add your first client", False),
        ("Invite their contact", False),
        ("Invite an assistant (optional)", False),
    ]
    assert f'href="{reverse("clients:client-create")}">Add a client' in page
    assert f'href="{reverse("clients:member-invite")}">Invite an assistant' in page

    client = create_client(actor=owner, name="Acme", time_zone="UTC")
    second = http.get(reverse("home:dashboard"))
    assert [done for _, done in steps(second)] == [True, False, False]
    invite_contact = reverse("clients:contact-invite", args=[client.pk])
    assert f'href="{invite_contact}">Invite their contact' in second.content.decode()

    invitations.invite(actor=owner, email="help@example.com", role=Role.ASSISTANT, name="Al")
    assert [done for _, done in steps(http.get(reverse("home:dashboard")))] == [True, False, True]

    invitations.invite(
        actor=owner, email="c@acme.example.com", role=Role.CONTACT, client=client, name="Cy"
    )
    # A client and its contact: the practice is ready; the checklist makes way.
    assert steps(http.get(reverse("home:dashboard"))) == []


# The browser's time zone at sign-up ---------------------------------------------------------


def signup_data(time_zone: str) -> dict[str, str]:
    return {
        "name": "Nia",
        "email": "nia@example.com",
        "password1": "a-long-pass-phrase-42",
        "password2": "a-long-pass-phrase-42",
        "time_zone": time_zone,
    }


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("America/New_York", "America/New_York"),
        ("Mars/Olympus_Mons", "UTC"),
        ("", "UTC"),
        ("../../etc/passwd", "UTC"),
    ],
)
def test_sign_up_keeps_a_known_browser_zone_and_falls_back_to_utc(sent, kept):
    form = SignupForm(data=signup_data(sent))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["time_zone"] == kept


def test_the_sign_up_page_asks_the_browser_for_its_zone():
    page = signed_in(None).get("/accounts/signup/").content.decode()
    assert re.search(r'<input type="hidden" name="time_zone"[^>]*data-browser-time-zone', page)
    assert "/static/tandem/timezone.js" in page


def test_the_practice_starts_in_the_zone_the_owner_signed_up_in():
    owner = make_owner("ny@example.com", name="Nia")
    owner.time_zone = "America/New_York"
    owner.save()
    page = signed_in(owner).get(reverse("accounts:practice-create")).content.decode()
    assert '<option value="America/New_York" selected>' in page


def test_no_remembered_origin_without_a_host(rf):
    request = rf.get("/")
    del request.META["SERVER_NAME"]
    assert site.request_origin(request) == ""
    assert django_settings.SITE_URL  # the fallback is always there
