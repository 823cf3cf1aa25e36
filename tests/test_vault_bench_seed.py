"""The benchmark's vault seed (bench/seed_vault.py) works, at a tiny scale, on the personas,
and running it twice adds nothing: the pages it measures then answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tandem.vault.models import Credential, Grant, Reveal
from tests.conftest import Personas, signed_in

pytestmark = pytest.mark.django_db

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


def test_the_vault_seed_makes_credentials_and_reveals_once(personas: Personas) -> None:
    import seed_vault

    a = personas.a
    info = {
        "busiest_client_id": a.client1.pk,
        "owner_email": a.owner.email,
        "assistant_email": a.unassigned.email,
    }
    found = seed_vault.prepare(info, credentials=5, reveals=40)
    again = seed_vault.prepare(info, credentials=5, reveals=40)

    assert found == again
    assert Credential.objects.filter(client=a.client1).count() == 5
    assert Grant.objects.filter(client=a.client1).count() == 10
    assert Reveal.objects.filter(client=a.client1).count() == 40
    vault = signed_in(a.unassigned).get(reverse("vault:list", args=[a.client1.pk]))
    assert vault.status_code == 200
    log = signed_in(a.contact1).get(reverse("vault:log", args=[a.client1.pk]))
    assert len(log.context["page"].reveals) == 40
