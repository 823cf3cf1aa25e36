"""References, both ways, in a real browser (issue 14): "a contact agrees to be a reference in
the portal; the owner makes a shareable link; a prospect opens it and asks; the owner passes it
on; the client's contact gets the mail; the contact withdraws consent; the public page's count
drops", and the practice records a reference it checked about the client, which only it sees.

Chloe of Bloom Florist agrees that her shop be a reference for Northwind. Olivia makes a link
for prospects and gives it to Jordan, who is not signed in anywhere: the page says one client
agreed, never which. Jordan asks how quickly Northwind answers; Olivia passes it on to Bloom
Florist, and Chloe gets Jordan's name, address and question by mail (read from a real SMTP
server). Chloe later withdraws, and Jordan's page says nobody has agreed.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tests.smtp_server import Recorder, text_and_html

from ..conftest import join
from .conftest import Tour, london_practice_owner, run_jobs, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
QUESTION = "How quickly do they answer a request, and do they keep to deadlines?"


@pytest.fixture
def people(clock: None) -> tuple[User, User]:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    create_client(actor=owner, name="Summit Coaching", time_zone="Europe/London")
    return owner, chloe


def test_a_prospect_asks_for_references_and_the_client_who_agreed_answers_by_mail(
    tour: Tour, smtp: Recorder, people: tuple[User, User]
) -> None:
    owner, chloe = people

    # Chloe agrees, from her portal, that Bloom Florist be a reference.
    client = tour.page_as(chloe.email)
    client.goto("/portal/")
    client.get_by_role("link", name="Be a reference for Northwind Virtual Assistance").click()
    expect(client.get_by_text("I agree that Bloom Florist may be a reference")).to_be_visible()
    client.get_by_label("What you would say (optional)").fill("Ada is quick and careful.")
    client.get_by_label("I agree to the words above").check()
    tour.check(client, "references-consent-client")
    client.get_by_role("button", name="Agree to be a reference").click()
    expect(client.get_by_text("Thank you: Bloom Florist is now a reference.")).to_be_visible()
    tour.check(client, "references-agreed-client")

    # Olivia makes a link for prospects on her References page.
    va = tour.page_as(owner.email)
    va.goto("/settings/practice/")
    va.get_by_role("link", name="References").click()
    expect(va.get_by_role("heading", name="References", exact=True)).to_be_visible()
    expect(va.get_by_text("agreed by Chloe Contact")).to_be_visible()
    va.get_by_role("button", name="Make a link").click()
    address = va.get_by_role("textbox", name="Your link").input_value()
    assert re.search(r"/r/[a-z2-7]{32}/$", address), address
    tour.check(va, "references-page-owner")

    # Jordan, signed in nowhere, opens it: one client agreed, and no name is shown.
    prospect = tour.new_page()
    prospect.goto(address)
    expect(prospect.get_by_text("One client has agreed to be a reference")).to_be_visible()
    expect(prospect.get_by_text("Bloom Florist")).to_have_count(0)
    expect(prospect.get_by_label("Leave this empty")).to_be_hidden()
    prospect.get_by_label("Your name").fill("Jordan Avery")
    prospect.get_by_label("Your e-mail address").fill("jordan@avery.example.com")
    prospect.get_by_label("What would you like to know?").fill(QUESTION)
    tour.check(prospect, "references-public-prospect")
    prospect.get_by_role("button", name="Ask for references").click()
    expect(
        prospect.get_by_role("heading", name="Thank you, your request was passed on")
    ).to_be_visible()
    tour.check(prospect, "references-thanks-prospect")

    # Olivia passes it on to Bloom Florist.
    va.reload()
    expect(va.get_by_text(QUESTION)).to_be_visible()
    va.get_by_role("checkbox", name="Bloom Florist").check()
    tour.check(va, "references-waiting-owner")
    va.get_by_role("button", name="Pass it on to Jordan Avery's references").click()
    expect(va.get_by_text("Passed Jordan Avery's request on.")).to_be_visible()
    expect(va.get_by_text("Passed on to Bloom Florist")).to_be_visible()
    tour.check(va, "references-passed-on-owner")

    # Chloe gets Jordan's question by mail, with the address to answer at.
    run_jobs()
    to_chloe = [m for m in smtp.messages if m["To"] == chloe.email]
    assert [m["Subject"] for m in to_chloe] == [
        "Jordan Avery would like a reference for Northwind Virtual Assistance"
    ]
    text, _html = text_and_html(to_chloe[0])
    assert QUESTION in text
    assert "write to Jordan Avery at jordan@avery.example.com" in text
    to_jordan = [m for m in smtp.messages if m["To"] == "jordan@avery.example.com"]
    assert len(to_jordan) == 1
    assert "Bloom Florist" not in text_and_html(to_jordan[0])[0]

    # Chloe withdraws; Jordan's page now says nobody has agreed.
    client.goto("/portal/reference/")
    client.get_by_role("button", name="Withdraw: stop being a reference").click()
    expect(client.get_by_text("Withdrawn: Bloom Florist is no longer a reference.")).to_be_visible()
    tour.check(client, "references-withdrawn-client")
    prospect.goto(address)
    expect(prospect.get_by_text("No client has agreed to be a reference")).to_be_visible()

    # Olivia records how Bloom Florist paid its previous VA: on its page, for the practice only.
    bloom = chloe.client_contact.client
    va.goto(f"/clients/{bloom.pk}/")
    expect(va.get_by_role("heading", name="References checked")).to_be_visible()
    va.get_by_role("link", name="Record a reference check").click()
    va.get_by_label("Whom you asked").fill("Their previous VA")
    va.get_by_label("When").fill("2030-06-03")
    va.get_by_label("Paid late").check()
    va.get_by_label("Notes (optional)").fill("Two invoices a month late in 2029.")
    va.get_by_role("button", name="Record it").click()
    expect(va.get_by_text("Recorded. Only the practice sees it.")).to_be_visible()
    va.goto(f"/clients/{bloom.pk}/")
    expect(va.get_by_text("Two invoices a month late in 2029.")).to_be_visible()
    tour.check(va, "references-checked-owner")
    client.goto("/portal/")
    expect(client.get_by_text("Their previous VA")).to_have_count(0)

    assert not without_expected_refusals(tour.problems, []), "\n".join(tour.problems)
