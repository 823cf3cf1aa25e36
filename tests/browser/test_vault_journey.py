"""The credential vault in a real browser (issue 14): "the client stores a credential for one
assistant, the assistant reveals it with a reason, the client reads the log and revokes it,
the assistant's next reveal is refused".

Chloe of Bloom Florist keeps the shop's Mailchimp login in her vault for Ada only. Ada
reveals it for the spring newsletter, giving her reason and her password; the secret shows
for a minute and then leaves the page. Chloe reads who revealed it, when and why, and
revokes Ada; Ada's next reveal is refused with a sentence saying so.

Every page is checked with axe and photographed at desktop and phone width by the tour.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.vault.models import Credential

from ..conftest import PASSWORD, join
from .conftest import Tour, london_practice_owner, without_expected_refusals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
# A Monday morning: inside the practice's working hours.
NOW = datetime(2030, 6, 10, 10, 0, tzinfo=LONDON)
SECRET = "Peony-Tulip-4471!"
REASON = "Sending the spring newsletter"


@pytest.fixture
def people(clock: None) -> tuple[User, User, User]:
    owner = london_practice_owner()
    client = create_client(actor=owner, name="Bloom Florist", time_zone="Europe/London")
    ada = join(owner, "ada@northwind.example.com", role=Role.ASSISTANT, name="Ada Assistant")
    assign_assistant(client, assistant=ada, actor=owner)
    join(owner, "ben@northwind.example.com", role=Role.ASSISTANT, name="Ben Assistant")
    chloe = join(
        owner, "chloe@bloom.example.com", role=Role.CONTACT, client=client, name="Chloe Contact"
    )
    User.objects.filter(pk__in=[ada.pk, chloe.pk]).update(time_zone="Europe/London")
    return owner, ada, chloe


def test_the_client_shares_a_login_with_one_assistant_reads_the_log_and_revokes_it(
    tour: Tour, people: tuple[User, User, User]
) -> None:
    _owner, ada, chloe = people

    # Chloe finds the vault from her portal and stores the Mailchimp login for Ada.
    client = tour.page_as(chloe.email)
    client.goto("/portal/")
    client.get_by_role("link", name="your vault").click()
    expect(client.get_by_role("heading", name="Vault", exact=True)).to_be_visible()
    expect(client.get_by_text("No credentials yet.")).to_be_visible()
    tour.check(client, "vault-empty-client")
    client.get_by_role("link", name="Store a credential").first.click()
    client.get_by_label("Service").fill("Mailchimp")
    client.get_by_label("Web address (optional)").fill("mailchimp.com")
    client.get_by_label("Username (optional)").fill("hello@bloom.example.com")
    client.get_by_label("Password").fill(SECRET)
    client.get_by_label("Ada Assistant").check()
    tour.check(client, "vault-add-client")
    client.get_by_role("button", name="Store it, sealed").click()
    expect(client.get_by_text("Stored “Mailchimp”, sealed.")).to_be_visible()
    expect(client.get_by_text(SECRET)).to_have_count(0)
    tour.check(client, "vault-credential-client")

    # Ada sees it in Bloom Florist's vault and reveals it with a reason and her password.
    va = tour.page_as(ada.email)
    client_id = Credential.objects.get().client_id
    va.goto(f"/clients/{client_id}/")
    va.get_by_role("link", name="Vault", exact=True).click()
    tour.check(va, "vault-list-va")
    va.get_by_role("link", name="Reveal").click()
    va.get_by_label("Why do you need it?").fill(REASON)
    va.get_by_label("Your Tandem password").fill(PASSWORD)
    tour.check(va, "vault-reveal-va")
    va.clock.install()
    va.get_by_role("button", name="Reveal it").click()
    expect(va.get_by_label("Password")).to_have_value(SECRET)
    expect(va.get_by_text("Hidden again in")).to_be_visible()
    tour.check(va, "vault-revealed-va")
    # A minute later the secret has left the page.
    va.clock.run_for(61_000)
    expect(va.get_by_label("Password")).to_have_count(0)
    expect(va.get_by_text("Hidden again. If you need it once more")).to_be_visible()

    # Chloe reads the log: who, when, why; and revokes Ada.
    client.goto(f"/clients/{client_id}/vault/log/")
    row = client.get_by_role("row").filter(has_text=REASON)
    expect(row).to_contain_text("Ada Assistant")
    expect(row).to_contain_text("Mon 10 Jun 2030")
    tour.check(client, "vault-log-client")
    client.get_by_role("link", name="Mailchimp").first.click()
    client.get_by_role("button", name="Revoke Ada Assistant").click()
    revoked = "Revoked: Ada Assistant can no longer reveal “Mailchimp”."
    expect(client.get_by_text(revoked)).to_be_visible()
    expect(client.get_by_text("revoked by the client on")).to_be_visible()
    tour.check(client, "vault-revoked-client")

    # Ada's next reveal is refused, with the reason in a sentence.
    va.goto(f"/clients/{client_id}/vault/")
    refusal = "Bloom Florist has revoked your access to this credential"
    expect(va.get_by_text(refusal)).to_be_visible()
    va.goto(f"/vault/{Credential.objects.get().pk}/reveal/")
    expect(va.get_by_role("alert")).to_contain_text(
        "Bloom Florist has revoked your access to this credential, so it cannot be revealed."
    )
    expect(va.get_by_role("button", name="Reveal it")).to_have_count(0)
    tour.check(va, "vault-refused-va")

    assert not without_expected_refusals(tour.problems, []), "\n".join(tour.problems)
