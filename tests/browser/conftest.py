"""Browser tests: a real Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the main thread, which makes Django refuse
ORM calls from the test body unless async-unsafe calls are allowed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

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
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}


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

    def new_page(self) -> Page:
        """A fresh browser: its own cookies, as a different person on a different device."""
        context = self.browser.new_context(base_url=self.base_url, viewport=DESKTOP)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message.type, message.text))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: JS error {error}"))
        return page

    def _console(self, page: Page, kind: str, text: str) -> None:
        if kind == "error" or "Content Security Policy" in text:
            self.problems.append(f"{page.url}: console {kind}: {text}")

    def check(self, page: Page, name: str) -> None:
        """Screenshot ``page`` at both widths, run axe at both and look for sideways scroll."""
        page.wait_for_load_state("load")
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=self.output_dir / f"{name}-{label}.png", full_page=True)
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
