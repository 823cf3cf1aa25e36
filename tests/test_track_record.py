"""The track record both sides read, and the next phase it suggests to the client (issue 13):
thresholds met and not met, the client moves up or says not yet, steps back, and a
reversal restores what was allowed before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tandem.clients.models import Client
from tandem.core.mail import OutboundEmail
from tandem.delegation.models import PhaseChange
from tandem.delegation.services import change_phase, reverse_change
from tandem.trust import promotion
from tandem.trust.models_track import Answer, PhaseSuggestion, TrustPolicy
from tandem.trust.track_record import next_phase, track_record
from tandem.work.deliveries import deliver_task
from tandem.work.models import TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in

pytestmark = pytest.mark.django_db


def accepted_work(world: PracticeWorld, *, late: bool = False, sent_back: bool = False) -> None:
    """A request of client 1 delivered (by its deadline unless ``late``), perhaps sent back
    once, and accepted by the client."""
    now = timezone.now()
    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Tidy the list",
        expectations="Clean",
        deadline_at=now + timedelta(hours=2),
    )
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    with time_machine.travel(now + timedelta(hours=5 if late else 1), tick=False):
        deliver_task(task, actor=world.assistant, message="Done")
        if sent_back:
            move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.contact1, note="One more")
            deliver_task(task, actor=world.assistant, message="Done again")
        move_task(task, to=TaskStatus.DONE, actor=world.contact1)


def a_client_long_together(world: PracticeWorld, months: int = 4) -> Client:
    Client.objects.filter(pk=world.client1.pk).update(
        created_at=timezone.now() - timedelta(days=31 * months)
    )
    return Client.objects.select_related("practice").get(pk=world.client1.pk)


def test_the_record_counts_on_time_and_sent_back_work(personas: Personas) -> None:
    world = personas.a
    for _ in range(3):
        accepted_work(world)
    accepted_work(world, late=True)
    accepted_work(world, sent_back=True)
    client = a_client_long_together(world, months=2)
    record = track_record(client, viewer=world.contact1)
    assert (record.accepted, record.on_time, record.deliveries, record.sent_back) == (5, 4, 6, 1)
    assert (record.on_time_percent, record.sent_back_percent) == (80, 17)
    assert record.months_together == 2
    # Both sides read the same record.
    assert track_record(client, viewer=world.assistant) == record


def test_thresholds_not_met_suggest_nothing(personas: Personas) -> None:
    world = personas.a
    accepted_work(world)
    client = a_client_long_together(world)
    suggestion = next_phase(
        track_record(client, viewer=None), TrustPolicy(practice=world.practice), now=timezone.now()
    )
    assert suggestion is not None
    assert not suggestion.is_met
    unmet = [check.label for check in suggestion.checks if not check.met]
    assert unmet == ["At least 5 requests accepted as done (now 1)"]
    assert promotion.scan(now=timezone.now()) == 0


def test_thresholds_met_suggest_the_next_phase_once_and_mail_the_client(
    personas: Personas,
) -> None:
    world = personas.a
    for _ in range(5):
        accepted_work(world)
    a_client_long_together(world)
    assert promotion.scan(now=timezone.now()) == 1
    assert promotion.scan(now=timezone.now()) == 0  # one open suggestion at most
    suggestion = PhaseSuggestion.objects.get(client=world.client1)
    assert (suggestion.from_phase, suggestion.to_phase) == (1, 2)
    assert all(check["met"] for check in suggestion.evidence)
    sent = OutboundEmail.objects.filter(to=world.contact1.email)
    assert sent.count() == 1
    assert "suggests Phase II" in sent.get().subject
    text = page_text(signed_in(world.contact1).get("/portal/"))
    assert "Your track record suggests Phase II" in text


def test_the_client_moves_up_from_the_suggestion(personas: Personas) -> None:
    world = personas.a
    for _ in range(5):
        accepted_work(world)
    a_client_long_together(world)
    promotion.scan(now=timezone.now())
    http = signed_in(world.contact1)
    response = http.post(f"/clients/{world.client1.pk}/track-record/answer/", {"answer": "move_up"})
    assert response.status_code == 302
    world.client1.refresh_from_db()
    assert world.client1.phase == 2
    assert PhaseSuggestion.objects.get().answer == Answer.PROMOTED
    change = PhaseChange.objects.get(client=world.client1)
    assert change.changed_by == world.contact1
    # Reversible, like any change: back to what was allowed before.
    reverse_change(change, actor=world.contact1)
    world.client1.refresh_from_db()
    assert world.client1.phase == 1


def test_not_yet_holds_the_suggestion_back_for_a_month(personas: Personas) -> None:
    world = personas.a
    for _ in range(5):
        accepted_work(world)
    client = a_client_long_together(world)
    promotion.scan(now=timezone.now())
    promotion.answer(PhaseSuggestion.objects.get(), actor=world.contact1, move_up=False)
    world.client1.refresh_from_db()
    assert world.client1.phase == 1
    assert promotion.scan(now=timezone.now()) == 0
    assert "Your track record suggests" not in page_text(signed_in(world.contact1).get("/portal/"))
    assert promotion.scan(now=timezone.now() + timedelta(days=31)) == 1
    assert client.phase == 1


def test_only_the_client_decides(personas: Personas) -> None:
    world = personas.a
    for _ in range(5):
        accepted_work(world)
    a_client_long_together(world)
    promotion.scan(now=timezone.now())
    for who in (world.owner, world.assistant):
        response = signed_in(who).post(
            f"/clients/{world.client1.pk}/track-record/answer/", {"answer": "move_up"}
        )
        assert response.status_code == 302
        world.client1.refresh_from_db()
        assert world.client1.phase == 1
    assert PhaseSuggestion.objects.get().answer == Answer.OPEN


def test_a_step_back_overtakes_the_open_suggestion(personas: Personas) -> None:
    world = personas.a
    change_phase(world.client1, actor=world.contact1, to_phase=2)
    for _ in range(5):
        accepted_work(world)
    a_client_long_together(world)
    promotion.scan(now=timezone.now())
    suggestion = PhaseSuggestion.objects.get()
    assert suggestion.to_phase == 3
    change_phase(world.client1, actor=world.owner, to_phase=1, note="More care")
    assert promotion.open_suggestion(world.client1, viewer=world.contact1) is None
    promotion.scan(now=timezone.now())
    suggestion.refresh_from_db()
    assert suggestion.answer == Answer.OVERTAKEN


def test_answering_without_a_suggestion_is_refused(personas: Personas) -> None:
    world = personas.a
    response = signed_in(world.contact1).post(
        f"/clients/{world.client1.pk}/track-record/answer/", {"answer": "move_up"}
    )
    assert response.status_code == 302
    world.client1.refresh_from_db()
    assert world.client1.phase == 1
    followed = signed_in(world.contact1).get(f"/clients/{world.client1.pk}/track-record/")
    assert followed.status_code == 200


def test_the_track_record_page_for_both_sides(personas: Personas) -> None:
    world = personas.a
    accepted_work(world)
    for who in (world.owner, world.assistant, world.contact1):
        text = page_text(signed_in(who).get(f"/clients/{world.client1.pk}/track-record/"))
        assert "Delivered on time" in text
        assert "1 of 1 accepted request" in text
    assert (
        signed_in(world.contact2).get(f"/clients/{world.client1.pk}/track-record/").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_average_rating", "6", "A rating is at most 5."),
        ("min_average_rating", "abc", "from 1 to 5"),
        ("min_on_time_percent", "101", "at most 100"),
        ("min_accepted", "", "Give a number"),
    ],
)
def test_trust_settings_refuse_bad_input_and_keep_it(
    personas: Personas, field: str, value: str, message: str
) -> None:
    data: dict[str, Any] = {
        "months_for_phase_2": "1",
        "months_for_phase_3": "3",
        "min_accepted": "5",
        "min_on_time_percent": "90",
        "max_sent_back_percent": "20",
        "min_average_rating": "4.0",
    } | {field: value}
    response = signed_in(personas.a.owner).post("/settings/trust/", data)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert 'value="3"' in response.content.decode()


def test_trust_settings_are_saved(personas: Personas) -> None:
    data = {
        "months_for_phase_2": "2",
        "months_for_phase_3": "6",
        "min_accepted": "8",
        "min_on_time_percent": "95",
        "max_sent_back_percent": "10",
        "min_average_rating": "4.5",
    }
    response = signed_in(personas.a.owner).post("/settings/trust/", data)
    assert response.status_code == 302
    policy = TrustPolicy.objects.get(practice=personas.a.practice)
    assert (policy.months_for(3), policy.min_accepted) == (6, 8)


@pytest.mark.parametrize("rows", [1, 8])
def test_the_track_record_page_costs_the_same_whatever_the_work(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    world = personas.a
    for i in range(rows):
        accepted_work(world, late=i % 2 == 0, sent_back=i % 3 == 0)
    http = signed_in(world.contact1)
    # 1-2. session, the user with their membership; 3. the client; 4. its accepted work, on time or
    # not; 5. its deliveries and send-backs; 6. its thanks and ratings; 7. its honest ways out; 8.
    # its open postmortem actions; 9. the practice's thresholds; 10. a recent "not yet"; 11. the
    # suggestion waiting for an answer
    with django_assert_num_queries(11):
        response = http.get(f"/clients/{world.client1.pk}/track-record/")
    assert response.context["record"].accepted == rows
