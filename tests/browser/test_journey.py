"""The first day of a practice, in a real browser: an owner invites an assistant and a
client's contact, both accept from their e-mail, and each sees what they should.

Every page visited is photographed at desktop and phone width under
var/test-output/browser/ and checked with axe; serious or critical violations, sideways
scrolling, script errors and Content-Security-Policy reports fail the test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.clients import services as client_services

from ..conftest import PASSWORD
from .conftest import (
    DESKTOP,
    EMAIL_LABEL,
    PHONE,
    Tour,
    link_in_mail,
    london_practice_owner,
    run_jobs,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accept_invitation(tour: Tour, link: str, name: str, shot: str) -> Page:
    page = tour.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Join Northwind Virtual Assistance")).to_be_visible()
    tour.check(page, shot)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type it again").fill(PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_text("Welcome to Northwind Virtual Assistance.")).to_be_visible()
    return page


def test_owner_invites_an_assistant_and_a_contact(tour: Tour) -> None:
    owner = london_practice_owner()
    User.objects.filter(pk=owner.pk).update(time_zone="Europe/London")
    client = client_services.create_client(
        actor=owner, name="Bloom Florists", time_zone="Europe/London"
    )

    # The owner signs in through the real form and lands on the dashboard.
    owner_page = tour.new_page()
    owner_page.goto("/accounts/login/")
    tour.check(owner_page, "sign-in")
    sign_in(owner_page, owner.email)
    expect(owner_page).to_have_url(re.compile(r"/dashboard/$"))
    tour.check(owner_page, "dashboard")

    # On a phone the navigation folds behind a Menu button (tandem.js opens it).
    owner_page.set_viewport_size(PHONE)
    nav = owner_page.get_by_role("navigation", name="Main")
    people_link = nav.get_by_role("link", name="People")
    expect(people_link).to_be_hidden()
    owner_page.get_by_role("button", name="Menu").click()
    expect(people_link).to_be_visible()
    owner_page.screenshot(path=tour.output_dir / "menu-open-phone.png")
    owner_page.get_by_role("button", name="Menu").click()
    owner_page.set_viewport_size(DESKTOP)

    # People → Invite someone → an assistant.
    owner_page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(owner_page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    tour.check(owner_page, "people")
    owner_page.get_by_role("link", name="Invite someone").click()
    tour.check(owner_page, "member-invite")
    owner_page.get_by_label("E-mail address").fill("ada@northwind.example.com")
    owner_page.get_by_label("Name (optional)").fill("Ada Assistant")
    owner_page.get_by_label("Role").select_option("assistant")
    owner_page.get_by_role("button", name="Send invitation").click()
    invited = owner_page.get_by_role("cell", name="Ada Assistant ada@northwind.example.com")
    expect(invited).to_be_visible()
    tour.check(owner_page, "people-invited")
    run_jobs()
    assistant_link = link_in_mail("ada@northwind.example.com", r"/invite/")

    # The client's page → Invite a contact.
    owner_page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    tour.check(owner_page, "client-list")
    owner_page.get_by_role("link", name="Bloom Florists").click()
    expect(owner_page.get_by_role("heading", name="Bloom Florists")).to_be_visible()
    tour.check(owner_page, "client-detail")
    owner_page.get_by_role("link", name="Invite a contact").click()
    tour.check(owner_page, "contact-invite")
    owner_page.get_by_label("E-mail address").fill("chloe@bloom.example.com")
    owner_page.get_by_label("Name (optional)").fill("Chloe Contact")
    owner_page.get_by_role("button", name="Send invitation").click()
    expect(owner_page.get_by_text("Invited")).to_be_visible()
    run_jobs()
    contact_link = link_in_mail("chloe@bloom.example.com", r"/invite/")

    # Both open their links in their own browsers, choose a password and are in.
    assistant_page = accept_invitation(tour, assistant_link, "Ada Assistant", "accept-assistant")
    expect(assistant_page).to_have_url(re.compile(r"/dashboard/$"))
    contact_page = accept_invitation(tour, contact_link, "Chloe Contact", "accept-contact")
    expect(contact_page).to_have_url(re.compile(r"/portal/$"))

    # The owner assigns the assistant, now a member, to the client.
    owner_page.goto(f"/clients/{client.pk}/")
    owner_page.get_by_label("Add someone", exact=True).select_option(label="Ada Assistant")
    owner_page.get_by_role("button", name="Assign", exact=True).click()
    team = owner_page.get_by_role("region", name="Assistants")
    expect(team.get_by_role("button", name="Unassign Ada Assistant")).to_be_visible()
    expect(owner_page.get_by_role("region", name="Contacts")).to_contain_text("Chloe Contact")
    tour.check(owner_page, "client-detail-assigned")

    # The contact's portal shows their business and the assistant working on it.
    contact_page.goto("/portal/")
    expect(contact_page.get_by_role("heading", name="Bloom Florists", level=1)).to_be_visible()
    expect(contact_page.get_by_role("region", name="Your assistants")).to_contain_text(
        "Ada Assistant"
    )
    tour.check(contact_page, "portal")
    contact_page.get_by_role("link", name="Chloe Contact").click()
    tour.check(contact_page, "profile-contact")

    # The assistant finds the client on their list.
    assistant_page.goto("/clients/")
    expect(assistant_page.get_by_role("link", name="Bloom Florists")).to_be_visible()
    tour.check(assistant_page, "client-list-assistant")

    # The owner's audit log, profile and two-factor set-up.
    owner_page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    about_ada = owner_page.get_by_role("cell", name="ada@northwind.example.com", exact=True)
    expect(about_ada.first).to_be_visible()
    tour.check(owner_page, "audit-log")
    owner_page.get_by_role("link", name="Settings").click()
    tour.check(owner_page, "practice-settings")
    owner_page.get_by_role("link", name="Olivia Owner").click()
    expect(owner_page.get_by_role("heading", name="Your profile")).to_be_visible()
    tour.check(owner_page, "profile")
    owner_page.get_by_role("link", name="Turn on two-factor").click()
    # Setting up two-factor asks for the password again first.
    expect(owner_page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    tour.check(owner_page, "reauthenticate")
    owner_page.get_by_label("Password", exact=True).fill(PASSWORD)
    owner_page.get_by_role("button", name="Confirm").click()
    expect(owner_page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    tour.check(owner_page, "two-factor-activate")

    assert not tour.problems, "\n".join(tour.problems)


def test_a_new_assistant_signs_up_and_sets_up_a_practice(tour: Tour) -> None:
    page = tour.new_page()
    page.goto("/accounts/signup/")
    tour.check(page, "sign-up")
    page.get_by_label("Your name").fill("Priya Patel")
    page.get_by_label(EMAIL_LABEL).fill("priya@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name="Start a practice").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    tour.check(page, "verify-email-sent")

    run_jobs()
    page.goto(link_in_mail("priya@example.com", r"/accounts/confirm-email/"))
    tour.check(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/start/$"))
    tour.check(page, "practice-create")
    page.get_by_label("Practice name").fill("Patel Admin Co")
    page.get_by_role("button", name="Create practice").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    tour.check(page, "dashboard-new-practice")

    assert not tour.problems, "\n".join(tour.problems)
