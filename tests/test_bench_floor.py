"""The benchmark's floor page: served only when TANDEM_BENCH=1, 25 rows in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.work.services import create_task
from tests.conftest import Personas, signed_in

pytestmark = pytest.mark.django_db

FLOOR = "/bench/floor/"


def thirty_requests(personas: Personas) -> None:
    a = personas.a
    for number in range(30):
        create_task(
            a.client1,
            actor=a.contact1,
            title=f"Floor request {number:02}",
            expectations="Done",
            deadline_at=timezone.now() + timedelta(days=3),
        )


def test_the_floor_serves_25_tasks_with_their_clients_in_one_query(
    personas: Personas, settings, django_assert_num_queries
) -> None:
    thirty_requests(personas)
    settings.TANDEM_BENCH = True
    settings.ROOT_URLCONF = "tandem.urls_bench"
    assert reverse("bench-floor") == FLOOR
    visitor = signed_in(None)
    with django_assert_num_queries(1):
        response = visitor.get(FLOOR)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<tr>") == 25
    # The newest 25: requests 05 to 29, each beside its client's name.
    assert "Floor request 29" in body
    assert "Floor request 05" in body
    assert "Floor request 04" not in body
    assert body.count("Client A1") == 25


def test_the_floor_is_not_a_url_without_the_bench_setting(personas: Personas, settings) -> None:
    assert not settings.TANDEM_BENCH
    with pytest.raises(NoReverseMatch):
        reverse("bench-floor")
    assert signed_in(None).get(FLOOR).status_code == 404
    assert signed_in(personas.a.owner).get(FLOOR).status_code == 404


def test_the_floor_refuses_even_when_routed_if_the_bench_setting_is_off(settings) -> None:
    settings.ROOT_URLCONF = "tandem.urls_bench"
    settings.TANDEM_BENCH = False
    assert signed_in(None).get(FLOOR).status_code == 404
