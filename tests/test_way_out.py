"""An honest way out (issue 13): the assistant says a request is beyond them and refers it,
subcontracts it with the client's consent, declines it kindly, or offers a refund or credit;
the client reads why; the track record counts it as honesty."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.trust import way_out
from tandem.trust.models_way_out import Referral, State, WayOut
from tandem.trust.track_record import track_record
from tandem.work.models import Comment, Task, TaskEvent, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in

pytestmark = pytest.mark.django_db


def a_request(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Redesign the website",
        expectations="A new site",
        deadline_at=timezone.now() + timedelta(days=10),
    )


def referral(world: PracticeWorld, kind: str = "refer") -> Referral:
    return way_out.add_referral(
        actor=world.owner,
        name="Web Wendy" if kind == "refer" else "Pixel Partners",
        good_at="websites",
        email="wendy@example.com",
        kind=kind,
    )


def test_the_assistant_refers_a_new_request_and_the_client_reads_why(personas: Personas) -> None:
    world = personas.a
    task = a_request(world)
    wendy = referral(world)
    response = signed_in(world.assistant).post(
        f"/tasks/{task.pk}/way-out/",
        {
            "reason": "We do not build websites.",
            "choice": "refer",
            "referral": wendy.pk,
            "message": "Sorry!",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DECLINED
    note = TaskEvent.objects.filter(task=task, to_status=TaskStatus.DECLINED).get().note
    assert "This is beyond our skills: We do not build websites." in note
    assert "We recommend Web Wendy, who is good at websites: wendy@example.com." in note
    client_page = page_text(signed_in(world.contact1).get(f"/tasks/{task.pk}/way-out/"))
    assert "We do not build websites." in client_page
    assert "Web Wendy" in client_page
    assert track_record(world.client1, viewer=world.contact1).honest_way_outs == 1


def test_work_taken_on_already_is_cancelled_with_a_refund(personas: Personas) -> None:
    world = personas.a
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    found = way_out.offer(
        task, actor=world.assistant, reason="Needs a lawyer", choice="refund", amount="45"
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert (found.amount, found.currency, found.state) == (Decimal("45.00"), "USD", State.DONE)


def test_subcontracting_waits_for_the_clients_consent(personas: Personas) -> None:
    world = personas.a
    task = a_request(world)
    partner = referral(world, "partner")
    asked = way_out.offer(
        task,
        actor=world.assistant,
        reason="Needs a designer",
        choice="subcontract",
        referral=partner,
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.REQUESTED
    assert Comment.objects.filter(task=task, body_markdown__contains="Pixel Partners").exists()
    with pytest.raises(DomainError, match="being asked already"):
        way_out.offer(
            task, actor=world.assistant, reason="Again", choice="subcontract", referral=partner
        )
    assert (
        signed_in(world.assistant)
        .post(f"/way-outs/{asked.pk}/consent/", {"answer": "yes"})
        .status_code
        == 403
    )
    assert (
        signed_in(world.contact2)
        .post(f"/way-outs/{asked.pk}/consent/", {"answer": "yes"})
        .status_code
        == 404
    )
    response = signed_in(world.contact1).post(f"/way-outs/{asked.pk}/consent/", {"answer": "yes"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.state, asked.answered_by) == (State.CONSENTED, world.contact1)
    with pytest.raises(DomainError, match="answered already"):
        way_out.answer(asked, actor=world.contact1, consent=False)


def test_declining_kindly(personas: Personas) -> None:
    world = personas.a
    task = a_request(world)
    way_out.offer(
        task,
        actor=world.assistant,
        reason="Not our field",
        choice="decline",
        message="Thank you for asking.",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DECLINED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": "", "choice": "decline"}, "reason", "Say honestly why"),
        ({"reason": "No", "choice": "refund", "amount": "-5"}, "amount", "above zero"),
        ({"reason": "No", "choice": "credit", "amount": "abc"}, "amount", "above zero"),
        ({"reason": "No", "choice": "refer"}, "referral", "Choose someone"),
        ({"reason": "No", "choice": "sideways"}, "choice", "Choose one of the ways out"),
    ],
)
def test_a_way_out_with_bad_input_is_refused_and_kept(
    personas: Personas, data: dict[str, Any], field: str, message: str
) -> None:
    world = personas.a
    task = a_request(world)
    response = signed_in(world.assistant).post(f"/tasks/{task.pk}/way-out/", data)
    assert response.status_code == 400
    assert message in field_error(response, field)
    if data["reason"]:
        assert data["reason"] in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.REQUESTED
    assert not WayOut.objects.exists()


def test_a_partner_of_another_practice_is_refused(personas: Personas) -> None:
    world = personas.a
    task = a_request(world)
    theirs = referral(personas.b, "partner")
    with pytest.raises(DomainError, match="Choose a partner"):
        way_out.offer(
            task, actor=world.assistant, reason="No", choice="subcontract", referral=theirs
        )


def test_only_the_practice_offers_and_only_the_owner_keeps_the_list(personas: Personas) -> None:
    world = personas.a
    task = a_request(world)
    with pytest.raises(DomainError):
        way_out.offer(task, actor=world.contact1, reason="No", choice="decline")
    with pytest.raises(DomainError, match="Only the practice's owner"):
        way_out.add_referral(
            actor=world.assistant, name="X", good_at="Y", email="x@example.com", kind="refer"
        )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "", "good_at": "web", "email": "a@example.com", "kind": "refer"},
            "name",
            "Give their name",
        ),
        (
            {"name": "Ann", "good_at": "web", "email": "", "website": "", "kind": "refer"},
            "email",
            "e-mail address or a website",
        ),
        (
            {"name": "Ann", "good_at": "web", "email": "nope", "kind": "refer"},
            "email",
            "Give an e-mail address",
        ),
    ],
)
def test_the_referral_list_refuses_bad_input(
    personas: Personas, data: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(personas.a.owner).post("/settings/referrals/", data)
    assert response.status_code == 400
    assert message in field_error(response, field)


@pytest.mark.parametrize("rows", [1, 12])
def test_the_referral_list_costs_the_same_whatever_its_length(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    for number in range(rows):
        way_out.add_referral(
            actor=personas.a.owner,
            name=f"VA {number}",
            good_at="books",
            email="va@example.com",
            kind="refer",
        )
    http = signed_in(personas.a.owner)
    # 1-2. session, the user with their membership; 3. the list
    with django_assert_num_queries(3):
        response = http.get("/settings/referrals/")
    assert len(response.context["referrals"]) == rows
