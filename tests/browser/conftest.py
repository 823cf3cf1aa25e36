"""Browser tests: a real Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the main thread, which makes Django refuse
ORM calls from the test body unless async-unsafe calls are allowed.

What every journey shares is here: the tour (a fresh browser per person, signed in with
``tour.page_as``; every page photographed and checked at desktop and phone width), the
journey's clock (its module's ``NOW``), uploads kept in a temporary folder, and the London
practice most journeys start from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tandem.accounts.models import User
from tandem.core.services import create_practice

from ..conftest import PASSWORD, make_owner

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT_DIR = Path(__file__).resolve().parents[2] / "var" / "test-output" / "browser"
# The widths every page is judged at: a common laptop, and a phone.
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}
EMAIL_LABEL = re.compile(r"^e-?mail", re.I)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def site(settings: Any, live_server: Any) -> str:
    """Mail is kept in memory, and links in it point at the live server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = live_server.url
    mail.outbox = []
    return str(live_server.url)


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """The journey module's ``NOW`` for the live server, which runs in this process; ticking,
    so the server's timestamps still move forward between the steps."""
    with time_machine.travel(request.module.NOW, tick=True):
        yield


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def london_practice_owner(*, work_ends_at: time = time(17, 30)) -> User:
    """Olivia Owner of Northwind Virtual Assistance: a London practice open on weekdays from
    9:00 to ``work_ends_at``."""
    owner = make_owner("olivia@northwind.example.com", name="Olivia Owner")
    create_practice(
        owner=owner,
        name="Northwind Virtual Assistance",
        time_zone="Europe/London",
        currency="GBP",
        working_days=[0, 1, 2, 3, 4],
        work_starts_at=time(9),
        work_ends_at=work_ends_at,
    )
    return User.objects.select_related("membership").get(pk=owner.pk)


def sign_in(page: Page, email: str) -> None:
    """Through the real sign-in form, with the password every test account has."""
    page.goto("/accounts/login/")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, page.content()[:3000]


def without_expected_refusals(problems: list[str], expected: list[tuple[str, int]]) -> list[str]:
    """``problems`` less Chromium's console line for each refusal meant to happen (a form
    sent with a mistake is a 400; a page not usable now is a 403), each named by the path it
    happened at. Each must be there."""
    left = list(problems)
    for path, status in expected:
        line = re.compile(re.escape(path) + rf": console error: .*status of {status}")
        assert any(line.search(problem) for problem in left), problems
        left = [problem for problem in left if not line.search(problem)]
    return left


def run_jobs() -> None:
    """Run every queued job (the mail ones) here, in the test process."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay")


def link_in_mail(to: str, pattern: str) -> str:
    """The last link matching ``pattern`` in the newest message sent to ``to``."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no mail to {to}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    links = re.findall(r"https?://\S+", str(messages[-1].body))
    matching = [link for link in links if re.search(pattern, link)]
    assert matching, f"no link matching {pattern!r} in: {messages[-1].body}"
    return matching[-1].rstrip(".,)")


class Tour:
    """Photographs and checks every page the journey visits, at desktop and phone width."""

    def __init__(self, browser: Browser, axe: Axe, output_dir: Path, base_url: str) -> None:
        self.browser = browser
        self.axe = axe
        self.output_dir = output_dir
        self.base_url = base_url
        self.problems: list[str] = []
        self.contexts: list[BrowserContext] = []

    def new_page(self, **device: Any) -> Page:
        """A fresh browser: its own cookies, as a different person on a different device
        (``device``: Playwright's context options, such as a phone's or a time zone)."""
        options = {"viewport": DESKTOP} | device
        context = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message.type, message.text))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: JS error {error}"))
        return page

    def page_as(self, email: str, **device: Any) -> Page:
        """A fresh browser (``new_page``) signed in as ``email``."""
        page = self.new_page(**device)
        sign_in(page, email)
        return page

    def _console(self, page: Page, kind: str, text: str) -> None:
        if kind == "error" or "Content Security Policy" in text:
            self.problems.append(f"{page.url}: console {kind}: {text}")

    def check(self, page: Page, name: str, *, first_screen: bool = False) -> None:
        """Screenshot ``page`` at both widths (with ``first_screen``, also as first seen,
        without scrolling), run axe at both and look for sideways scroll."""
        page.wait_for_load_state("load")
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=self.output_dir / f"{name}-{label}.png", full_page=True)
            if first_screen:
                page.screenshot(path=self.output_dir / f"{name}-{label}-first-screen.png")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                self.problems.append(f"{name} ({label}): scrolls sideways by {overflow}px")
            results = self.axe.run(page)
            for violation in results.response["violations"]:
                if violation.get("impact") in BLOCKING_IMPACTS:
                    targets = [node["target"] for node in violation["nodes"]][:5]
                    self.problems.append(
                        f"{name} ({label}): axe {violation['impact']} {violation['id']}: "
                        f"{violation['help']} at {targets}"
                    )
        page.set_viewport_size(DESKTOP)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def tour(browser: Browser, axe: Axe, output_dir: Path, site: str) -> Iterator[Tour]:
    tour = Tour(browser, axe, output_dir, site)
    yield tour
    tour.close()
