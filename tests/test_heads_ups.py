"""Heads-ups (issue 12): a client says what work is coming; the practice confirms it (reserving
the hours), declines it or makes it a request in one click; the client may withdraw it.

The clock is Monday 10 June 2030, 10:00 UTC; the personas' practices work Monday to Friday,
9:00 to 17:00 UTC, and their clients are on UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tandem.clients.services import archive_client, assign_assistant
from tandem.core.errors import DomainError
from tandem.core.mail import open_body
from tandem.core.models import OutboundEmail
from tandem.planning import feeds
from tandem.planning import headsups as services
from tandem.planning.models import HeadsUp, HeadsUpEvent, PlanningPolicy
from tandem.planning.selectors_headsups import heads_up_commitments, heads_ups_page
from tandem.work.models import Task, TaskEvent, TaskStatus
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=UTC)
FRIDAY_FIVE = datetime(2030, 6, 14, 17, 0, tzinfo=UTC)
WEDNESDAY_NINE = datetime(2030, 6, 12, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def give(
    world: PracticeWorld,
    *,
    actor: Any = None,
    what: str = "Spring newsletter",
    hours: str | None = "3",
    letter: str = "",
    due_at: datetime = FRIDAY_FIVE,
    materials_at: datetime | None = WEDNESDAY_NINE,
    client: Any = None,
) -> HeadsUp:
    client = client or world.client1
    size = services.size_of(
        practice_id=world.practice.pk,
        hours=Decimal(hours) if hours is not None else None,
        letter=letter,
    )
    return services.give_heads_up(
        client,
        actor=actor or world.contact1,
        what=what,
        size=size,
        due_at=due_at,
        materials_expected_at=materials_at,
    )


# Giving -------------------------------------------------------------------------------------


def test_a_contact_gives_a_heads_up_that_is_tentative_and_recorded(personas: Personas) -> None:
    heads_up = give(personas.a)

    assert (heads_up.state, heads_up.minutes, heads_up.size) == ("tentative", 180, "")
    event = HeadsUpEvent.objects.get(heads_up=heads_up)
    assert (event.kind, event.actor_id) == ("given", personas.a.contact1.pk)


def test_a_size_letter_is_kept_with_the_minutes_the_practice_meant(personas: Personas) -> None:
    world = personas.a
    PlanningPolicy.objects.create(practice=world.practice, medium_minutes=300)

    heads_up = give(world, hours=None, letter="M")

    assert (heads_up.size, heads_up.minutes) == ("M", 300)
    assert heads_up.size_words == "About 5 h (medium)"


def test_without_a_policy_row_the_default_sizes_apply(personas: Personas) -> None:
    assert give(personas.a, hours=None, letter="L").minutes == 600


@pytest.mark.parametrize(
    ("hours", "letter", "sentence"),
    [
        (None, "", services.SIZE_MISSING),
        ("0", "", services.SIZE_ZERO),
        ("-2", "", services.SIZE_ZERO),
        ("201", "", services.SIZE_TOO_BIG),
        (None, "XL", services.SIZE_MISSING),
    ],
)
def test_a_size_that_is_not_one_is_refused(
    personas: Personas, hours: str | None, letter: str, sentence: str
) -> None:
    with pytest.raises(DomainError) as refused:
        give(personas.a, hours=hours, letter=letter)
    assert (refused.value.message, refused.value.field) == (sentence, "hours")


def test_dates_in_the_past_or_materials_after_the_due_date_are_refused(
    personas: Personas,
) -> None:
    world = personas.a
    cases = [
        ({"due_at": MONDAY - timedelta(hours=1)}, services.DUE_PAST),
        ({"materials_at": MONDAY - timedelta(hours=1)}, services.MATERIALS_PAST),
        ({"materials_at": FRIDAY_FIVE + timedelta(days=1)}, services.MATERIALS_AFTER_DUE),
    ]
    for changes, sentence in cases:
        with pytest.raises(DomainError) as refused:
            give(world, **changes)
        assert refused.value.message == sentence
    assert not HeadsUp.objects.exists()


def test_nobody_gives_a_heads_up_for_a_client_they_do_not_serve(personas: Personas) -> None:
    world = personas.a
    for actor, client in (
        (world.contact1, world.client2),
        (world.unassigned, world.client1),
        (personas.b.owner, world.client1),
    ):
        with pytest.raises(DomainError, match="Pick one of your own clients"):
            give(world, actor=actor, client=client)


def test_the_practice_gives_one_for_a_client_it_serves(personas: Personas) -> None:
    world = personas.a
    assert give(world, actor=world.assistant).created_by_id == world.assistant.pk
    assert give(world, actor=world.owner, client=world.client2).client_id == world.client2.pk


def test_an_archived_client_gets_no_heads_up(personas: Personas) -> None:
    world = personas.a
    archive_client(world.client2, actor=world.owner)
    with pytest.raises(DomainError, match="archived"):
        give(world, actor=world.owner, client=world.client2)


# Confirming, declining, withdrawing ----------------------------------------------------------


def test_confirming_reserves_and_says_who_and_when(personas: Personas) -> None:
    world = personas.a
    heads_up = services.confirm_heads_up(give(world), actor=world.assistant)

    assert (heads_up.state, heads_up.confirmed_by_id) == ("confirmed", world.assistant.pk)
    assert heads_up.confirmed_at == MONDAY
    kinds = list(HeadsUpEvent.objects.order_by("pk").values_list("kind", "actor_id"))
    assert kinds == [("given", world.contact1.pk), ("confirmed", world.assistant.pk)]


def test_a_contact_cannot_confirm_or_decline(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world)
    with pytest.raises(DomainError, match=services.ONLY_PRACTICE_CONFIRMS):
        services.confirm_heads_up(heads_up, actor=world.contact1)
    with pytest.raises(DomainError, match=services.ONLY_PRACTICE_CONFIRMS):
        services.decline_heads_up(heads_up, actor=world.contact1, reason="No")


def test_confirming_a_withdrawn_heads_up_says_it_was_withdrawn(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world)
    services.withdraw_heads_up(heads_up, actor=world.contact1)

    with pytest.raises(DomainError) as refused:
        services.confirm_heads_up(heads_up, actor=world.assistant)
    assert refused.value.message.endswith(
        "withdrew this heads-up on Mon 10 Jun; nothing more to do."
    )
    assert HeadsUp.objects.get().state == "withdrawn"


def test_confirming_twice_says_it_is_confirmed_already(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world)
    services.confirm_heads_up(heads_up, actor=world.assistant)
    with pytest.raises(DomainError, match="already confirmed"):
        services.confirm_heads_up(heads_up, actor=world.owner)


def test_declining_needs_a_reason_the_client_reads(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world)
    with pytest.raises(DomainError, match="Say why"):
        services.decline_heads_up(heads_up, actor=world.owner, reason="  ")

    declined = services.decline_heads_up(heads_up, actor=world.owner, reason="Fully booked in June")

    assert (declined.state, declined.decline_reason) == ("declined", "Fully booked in June")
    text = page_text(signed_in(world.contact1).get(reverse("planning:portal-heads-ups")))
    assert "Fully booked in June" in text


def test_another_client_cannot_withdraw_it(personas: Personas) -> None:
    world = personas.a
    with pytest.raises(DomainError, match="not one of your clients"):
        services.withdraw_heads_up(give(world), actor=world.contact2)


# Making it a request -----------------------------------------------------------------------


def test_making_it_a_request_carries_over_hours_deadline_and_assistant(
    personas: Personas,
) -> None:
    world = personas.a
    heads_up = services.confirm_heads_up(give(world), actor=world.assistant)

    task = services.make_request(heads_up, actor=world.owner)

    assert (task.title, task.client_id, task.deadline_at) == (
        "Spring newsletter",
        world.client1.pk,
        FRIDAY_FIVE,
    )
    assert (task.estimate_hours, task.assignee_id) == (Decimal("3.00"), world.assistant.pk)
    # Accepted at once: the hours it reserved stay reserved in the plan.
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED
    heads_up.refresh_from_db()
    assert (heads_up.state, heads_up.task_id) == ("became_request", task.pk)
    # The contact who gave it hears how it goes, as if she had sent it.
    assert set(task.watchers.values_list("user_id", flat=True)) == {
        world.owner.pk,
        world.assistant.pk,
        world.contact1.pk,
    }


def test_the_requests_timeline_says_it_came_from_a_heads_up(personas: Personas) -> None:
    world = personas.a
    task = services.make_request(give(world), actor=world.assistant)

    created = TaskEvent.objects.get(task=task, kind=TaskEvent.Kind.CREATED)
    assert created.note == "From a heads-up contact1 gave on 10 Jun."
    page = page_text(signed_in(world.contact1).get(reverse("work:task-detail", args=[task.pk])))
    assert "From a heads-up contact1 gave on 10 Jun." in page


def test_a_heads_up_made_a_request_cannot_be_made_one_again(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world)
    services.make_request(heads_up, actor=world.assistant)
    stale = HeadsUp.objects.get(pk=heads_up.pk)

    with pytest.raises(DomainError, match="made this heads-up a request"):
        services.make_request(stale, actor=world.owner)
    assert Task.objects.count() == 1


def test_a_heads_up_past_its_date_is_refused_as_a_request_and_nothing_is_made(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    heads_up = give(world)
    clock.move_to(FRIDAY_FIVE + timedelta(hours=1))

    with pytest.raises(DomainError, match="already passed"):
        services.make_request(heads_up, actor=world.assistant)
    assert (Task.objects.count(), HeadsUp.objects.get().state) == (0, "tentative")


# The plan's commitments ---------------------------------------------------------------------


def test_open_heads_ups_are_commitments_of_the_clients_first_assistant(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    world = personas.a
    tentative = give(world)
    confirmed = services.confirm_heads_up(give(world, what="Tax papers"), actor=world.owner)
    unassigned_client = give(world, actor=world.owner, client=world.client2, materials_at=None)
    for ended in (give(world), give(world), give(world)):
        services.withdraw_heads_up(ended, actor=world.contact1)
    services.make_request(give(world), actor=world.assistant)
    give(personas.b)

    with django_assert_num_queries(1):
        commitments = heads_up_commitments(world.practice.pk)

    by_key = {c.key: c for c in commitments}
    assert set(by_key) == {f"heads-up:{h.pk}" for h in (tentative, confirmed, unassigned_client)}
    first = by_key[f"heads-up:{tentative.pk}"]
    assert (first.minutes, first.assignee, first.deadline_at) == (
        180,
        world.assistant.pk,
        FRIDAY_FIVE,
    )
    assert (first.is_confirmed, first.earliest_start_at, first.client) == (
        False,
        WEDNESDAY_NINE,
        world.client1.pk,
    )
    assert by_key[f"heads-up:{confirmed.pk}"].is_confirmed
    assert by_key[f"heads-up:{unassigned_client.pk}"].assignee is None


def test_the_first_assigned_member_is_the_commitments_assignee(personas: Personas) -> None:
    world = personas.a
    assign_assistant(world.client1, assistant=world.unassigned, actor=world.owner)
    give(world)

    [commitment] = heads_up_commitments(world.practice.pk)
    assert commitment.assignee == world.assistant.pk


# Pages --------------------------------------------------------------------------------------


def test_the_practice_list_shows_tentative_first_then_by_date(personas: Personas) -> None:
    world = personas.a
    later = give(world, what="Later, confirmed", due_at=FRIDAY_FIVE - timedelta(days=2))
    services.confirm_heads_up(later, actor=world.owner)
    give(world, what="Tentative one")

    page = heads_ups_page(viewer=world.assistant)

    assert [h.what for h in page.open] == ["Tentative one", "Later, confirmed"]


def test_each_side_sees_only_the_heads_ups_it_may(personas: Personas) -> None:
    world = personas.a
    mine = give(world)
    other_client = give(world, actor=world.contact2, client=world.client2)
    give(personas.b)

    def seen(user: Any) -> set[int]:
        return {h.pk for h in heads_ups_page(viewer=user).open}

    assert seen(world.owner) == {mine.pk, other_client.pk}
    assert seen(world.assistant) == {mine.pk}
    assert seen(world.unassigned) == set()
    assert seen(world.contact1) == {mine.pk}
    assert seen(world.contact2) == {other_client.pk}


def test_the_form_takes_client_what_and_check_in_from_the_address(personas: Personas) -> None:
    world = personas.a
    url = reverse("planning:heads-up-add")
    response = signed_in(world.assistant).get(
        f"{url}?client={world.client1.pk}&what=Conference+badges&check_in=42"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="Conference badges"' in content
    assert 'name="check_in" value="42"' in content
    assert f'name="client" value="{world.client1.pk}"' in content


def test_giving_through_the_form_reads_phrases_and_keeps_the_check_in(
    personas: Personas,
) -> None:
    world = personas.a
    response = signed_in(world.contact1).post(
        reverse("planning:heads-up-add"),
        {
            "client": world.client1.pk,
            "what": "Conference badges",
            "size": "S",
            "waiting_until": "Wednesday 9am",
            "deadline": "Friday 21 June 5pm",
            "repeats": "monthly",
            "check_in": "42",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("planning:portal-heads-ups")
    heads_up = HeadsUp.objects.get()
    assert (heads_up.materials_expected_at, heads_up.due_at) == (
        WEDNESDAY_NINE,
        FRIDAY_FIVE + timedelta(days=7),
    )
    assert (heads_up.size, heads_up.minutes) == ("S", 60)
    assert (heads_up.repeats, heads_up.from_check_in_id) == ("monthly", 42)


def test_a_practice_member_with_several_clients_picks_one_first(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get(reverse("planning:heads-up-add"))

    content = page_text(response)
    assert "Which client is it for?" in content
    assert "Client A1" in content
    assert "Client A2" in content


def test_a_contacts_form_is_for_their_own_client(personas: Personas) -> None:
    response = signed_in(personas.a.contact1).get(reverse("planning:heads-up-add"))
    assert f'name="client" value="{personas.a.client1.pk}"' in response.content.decode()


def test_a_refused_form_keeps_everything_typed(personas: Personas) -> None:
    world = personas.a
    response = signed_in(world.contact1).post(
        reverse("planning:heads-up-add"),
        {
            "client": world.client1.pk,
            "what": "Conference badges",
            "details": "Two hundred",
            "hours": "0",
            "deadline": "next Friday 5pm",
            "repeats": "no",
        },
    )

    assert response.status_code == 400
    assert field_error(response, "hours") == services.SIZE_ZERO
    content = response.content.decode()
    for typed in ('value="Conference badges"', "Two hundred</textarea>", 'value="next Friday 5pm"'):
        assert typed in content


def test_the_portal_home_shows_whats_coming(personas: Personas) -> None:
    world = personas.a
    give(world, what="Summer sale flyers")

    text = page_text(signed_in(world.contact1).get(reverse("home:portal-home")))

    assert "Summer sale flyers" in text
    assert "Tell us what's coming" in text


def test_make_it_a_request_from_the_list_opens_the_request(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world)

    response = signed_in(world.assistant).post(
        reverse("planning:heads-up-to-request", args=[heads_up.pk])
    )

    task = Task.objects.get()
    assert response["Location"] == reverse("work:task-detail", args=[task.pk])


# The assistant hears of it; the calendar feed --------------------------------------------------


def test_the_assistant_is_mailed_once_when_the_client_gives_one(personas: Personas) -> None:
    world = personas.a
    give(world)
    give(world, actor=world.assistant, what="Given by the practice")
    react_now()
    react_now()

    sent = OutboundEmail.objects.filter(key__startswith="heads-up:")
    assert [(e.to, e.subject) for e in sent] == [
        (world.assistant.email, "Heads-up from Client A1: Spring newsletter")
    ]
    body = open_body(sent[0].text_body, key=sent[0].key, field="text_body")
    assert "It is tentative until you confirm it" in body


def test_the_feed_has_reservations_each_side_may_see(personas: Personas) -> None:
    world = personas.a
    services.confirm_heads_up(give(world), actor=world.owner)
    give(world, actor=world.contact2, client=world.client2, what="Summer flyer plan")
    services.withdraw_heads_up(give(world, what="Withdrawn"), actor=world.contact1)

    def summaries(user: Any, side: Any) -> set[str]:
        viewer = feeds.Viewer(user, world.practice, side)
        found = feeds.events_for(viewer, feeds.Window.around(MONDAY))
        return {e.summary for e in found if e.uid.startswith("heads-up-")}

    practice, client = feeds.access.Side.PRACTICE, feeds.access.Side.CLIENT
    assert summaries(world.contact1, client) == {"Reserved: Spring newsletter (Client A1)"}
    assert summaries(world.contact2, client) == {"Tentative: Summer flyer plan (Client A2)"}
    assert summaries(world.assistant, practice) == {"Reserved: Spring newsletter (Client A1)"}
    assert len(summaries(world.owner, practice)) == 2


def test_the_demo_has_heads_ups_in_both_states() -> None:
    from tandem.demo import loader

    loader.load()

    states = set(HeadsUp.objects.values_list("state", flat=True))
    assert states == {"tentative", "confirmed"}
    assert HeadsUp.objects.filter(size="L").exists()


def test_a_refusal_about_a_row_not_on_the_page_is_said_at_the_top(personas: Personas) -> None:
    world = personas.a
    heads_up = give(world, actor=world.owner, client=world.client2)
    archive_client(world.client2, actor=world.owner)

    response = signed_in(world.owner).post(
        reverse("planning:heads-up-to-request", args=[heads_up.pk])
    )

    assert response.status_code == 400
    assert "Restore Client A2 before adding work for it." in page_text(response)
    assert not Task.objects.exists()


def test_an_archived_clients_heads_ups_reserve_nothing(personas: Personas) -> None:
    world = personas.a
    give(world, actor=world.owner, client=world.client2)
    archive_client(world.client2, actor=world.owner)

    assert heads_up_commitments(world.practice.pk) == []


# The dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_lists_heads_ups_to_confirm_for_those_who_confirm(
    personas: Personas,
) -> None:
    a = personas.a
    waiting = give(a, what="Spring newsletter")
    confirmed = give(a, what="Already confirmed")
    services.confirm_heads_up(confirmed, actor=a.assistant)
    give(a, what="Summer flyer", client=a.client2, actor=a.contact2)
    for viewer, expected in (
        (a.owner, {"Spring newsletter", "Summer flyer"}),
        # The assistant serves client 1 only.
        (a.assistant, {"Spring newsletter"}),
        (a.unassigned, set()),
    ):
        text = page_text(signed_in(viewer).get(reverse("planning:will-miss")))
        shown = {what for what in ("Spring newsletter", "Summer flyer") if what in text}
        assert shown == expected, viewer
        assert "Already confirmed" not in text
        assert ("Heads-ups to confirm" in text) is bool(expected)
    assert waiting.state == HeadsUp.State.TENTATIVE
