"""The demo's vault (issue 14): a client with credentials shared with one assistant and a
reveal log, which its contact reads in the portal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.demo import loader as demo
from tandem.vault.models import Credential, Reveal, ShareLink
from tests.conftest import page_text, signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_client_has_credentials_for_one_assistant_and_a_reveal_log() -> None:
    demo.load()
    chloe = User.objects.get(email="chloe@bloom.example.com")
    ada = User.objects.get(email="ada@demo.example.com")
    bloom = chloe.client_contact.client
    assert Credential.objects.filter(client=bloom).count() == 3
    assert Reveal.objects.filter(client=bloom, user=ada).count() == 3
    assert ShareLink.objects.get(client=bloom).opened_by == ada
    log = page_text(signed_in(chloe).get(reverse("vault:log", args=[bloom.pk])))
    assert "Building the Mother's Day campaign" in log
    assert "Peony-Tulip-4471!" not in log
    vault = page_text(signed_in(ada).get(reverse("vault:list", args=[bloom.pk])))
    assert "shares this credential from Phase III" in vault
