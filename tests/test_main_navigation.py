"""The main navigation: what each member finds in it. Request templates sit beside the
requests for whoever keeps them (the KEEP_TEMPLATES capability, as the access policy gives
it); the person's own links (notifications, profile, sign out) come last, in a group of
their own that the phone's menu puts below the work."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tandem.core import access
from tandem.core.roles import Capability, Role
from tests.conftest import Personas, signed_in


def main_nav(response) -> str:
    match = re.search(r'<nav id="main-nav".*?</nav>', response.content.decode(), re.S)
    assert match, "no main navigation"
    return match.group(0)


def nav_links(response) -> list[str]:
    return re.findall(r"<a [^>]*>([^<]+)", main_nav(response))


@pytest.mark.parametrize("persona", ["owner", "assistant", "unassigned"])
def test_the_practice_finds_templates_beside_the_requests(personas: Personas, persona: str):
    links = nav_links(signed_in(personas.a.persona(persona)).get("/dashboard/"))

    assert links.index("Templates") == links.index("Requests") + 1
    assert 'href="/templates/"' in main_nav(signed_in(personas.a.persona(persona)).get("/people/"))


@pytest.mark.parametrize("persona", ["contact1", "contact2"])
def test_client_contacts_have_no_templates_in_their_menu(personas: Personas, persona: str):
    nav = main_nav(signed_in(personas.a.persona(persona)).get("/portal/"))

    assert "Templates" not in nav
    assert "/templates/" not in nav


def test_the_templates_link_follows_the_capability_not_the_role(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
):
    assistant = access.ROLES[Role.ASSISTANT]
    without = replace(assistant, capabilities=assistant.capabilities - {Capability.KEEP_TEMPLATES})
    monkeypatch.setitem(access.ROLES, Role.ASSISTANT, without)

    assert "Templates" not in nav_links(signed_in(personas.a.assistant).get("/dashboard/"))
    assert "Templates" in nav_links(signed_in(personas.a.owner).get("/dashboard/"))


def test_the_templates_page_is_marked_as_the_current_one(personas: Personas):
    nav = main_nav(signed_in(personas.a.owner).get("/templates/"))

    assert re.search(r'<a href="/templates/" aria-current="page">Templates</a>', nav)
    assert nav.count('aria-current="page"') == 1


@pytest.mark.parametrize("persona", ["owner", "contact1"])
def test_the_persons_own_links_come_last_in_a_group_of_their_own(personas: Personas, persona: str):
    nav = main_nav(signed_in(personas.a.persona(persona)).get("/notifications/"))

    account = nav[nav.index('<div class="nav-account">') :]
    assert "Notifications" in account
    assert personas.a.persona(persona).display_name in account
    assert "Sign out" in account
    assert "Requests" not in account


@pytest.mark.parametrize("persona", ["owner", "assistant"])
def test_planning_is_one_entry_whose_pages_are_tabs(personas: Personas, persona: str):
    http = signed_in(personas.a.persona(persona))
    links = nav_links(http.get("/dashboard/"))
    assert "Planning" in links
    for single in ("Capacity", "Heads-ups", "Check-ins"):
        assert single not in links
    for path, tab in (
        ("/planning/capacity/", "Capacity"),
        ("/heads-ups/", "Heads-ups"),
        ("/check-ins/", "Check-ins"),
        ("/planning/working-time/", "Working time"),
    ):
        page = http.get(path).content.decode()
        assert re.search(r'aria-current="page">Planning</a>', main_nav(http.get(path)))
        tabs = re.search(r'<nav class="section-tabs" aria-label="Planning">.*?</nav>', page, re.S)
        assert tabs, path
        assert re.search(rf'aria-current="page">{tab}</a>', tabs.group(0))
        assert tabs.group(0).count('aria-current="page"') == 1


def test_client_contacts_find_whats_coming_and_no_planning(personas: Personas):
    links = nav_links(signed_in(personas.a.contact1).get("/portal/"))
    assert "Coming up" in links
    assert "Planning" not in links
