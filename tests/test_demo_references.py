"""The demo's references (issue 14): a client agreed to be one, a prospect's request passed on
to it, and a reference check recorded about a client, only the practice sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core.models import OutboundEmail
from tandem.demo import loader as demo
from tandem.references.models import Check, Consent, PassOn, Request, RequestState
from tests.conftest import page_text, signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_reference_a_request_passed_on_and_a_check() -> None:
    demo.load()
    chloe = User.objects.get(email="chloe@bloom.example.com")
    owner = User.objects.get(email="owner@demo.example.com")
    bloom = chloe.client_contact.client
    assert Consent.objects.open().get().client == bloom
    request = Request.objects.get()
    assert request.state == RequestState.PASSED_ON
    assert PassOn.objects.get(request=request).client == bloom
    assert OutboundEmail.objects.filter(key__startswith="reference-pass:", to=chloe.email).exists()
    page = page_text(signed_in(owner).get(reverse("references:list")))
    assert "Bloom Florist" in page
    assert "Jordan Avery" in page
    harbour = Check.objects.get().client
    detail = page_text(signed_in(owner).get(reverse("home:client-detail", args=[harbour.pk])))
    assert "Their previous VA (Sydney)" in detail
    priya = User.objects.get(email="priya@harbour.example.com")
    portal = page_text(signed_in(priya).get(reverse("home:portal-home")))
    assert "previous VA" not in portal
