"""Short notice (issue 12): a new request inside the notice period, or that does not fit in
its assistants' free hours before its deadline, is short notice, with the earliest deadline
that is not; the form says so before it is sent, and the request is marked.

The clock is Monday 10 June 2030, 10:00 UTC; the personas' practices work Monday to Friday,
09:00 to 17:00 UTC, and ask two working days of notice (the default): Wednesday's close.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage

import pytest
import time_machine
from django.urls import reverse

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core import mail
from tandem.core.models import OutboundEmail
from tandem.inbound.addresses import client_address
from tandem.inbound.services import receive_message
from tandem.notify.acknowledgement import acknowledgement_key
from tandem.planning.commitments import practice_commitments
from tandem.planning.models_policy import PlanningPolicy, planning_policy
from tandem.planning.short_notice import check_notice
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 6, 10, 10, 0, tzinfo=UTC)
TUESDAY_CLOSE = datetime(2030, 6, 11, 17, 0, tzinfo=UTC)
WEDNESDAY_CLOSE = datetime(2030, 6, 12, 17, 0, tzinfo=UTC)
FRIDAY_CLOSE = datetime(2030, 6, 14, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def notice(client: Client, deadline_at: datetime, **kwargs: object):  # type: ignore[no-untyped-def]
    fresh = Client.objects.select_related("practice").get(pk=client.pk)
    options = {"estimate_hours": None, "assignee_id": None, **kwargs}
    return check_notice(fresh, deadline_at=deadline_at, now=MONDAY, **options)  # type: ignore[arg-type]


def taken_on(world: PracticeWorld, hours: str, deadline_at: datetime) -> Task:
    """Work the assistant has accepted for client 1."""
    task = create_task(
        world.client1,
        actor=world.owner,
        title=f"{hours} h of work",
        expectations="Done",
        deadline_at=deadline_at,
        assignee=world.assistant,
        estimate_hours=Decimal(hours),
    )
    return move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)


# The computation ------------------------------------------------------------------------------


def test_a_deadline_inside_the_notice_period_is_short_notice_with_the_notice_ends_as_earliest(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    found = notice(personas.a.client1, TUESDAY_CLOSE)
    assert found.inside_notice
    assert found.fits
    assert found.is_short_notice
    assert found.earliest_at == WEDNESDAY_CLOSE
    assert found.notice_working_days == 2


def test_a_deadline_after_the_notice_that_fits_is_not_short_notice(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    found = notice(personas.a.client1, FRIDAY_CLOSE)
    assert not found.is_short_notice


def test_work_that_does_not_fit_before_the_deadline_is_short_notice_with_the_first_fit(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    # 30 h taken on leaves 9 h of the week (39 h from Monday 10:00 to Friday's close).
    taken_on(world, "30", FRIDAY_CLOSE)
    assert not notice(world.client1, FRIDAY_CLOSE, estimate_hours=Decimal(9)).is_short_notice
    found = notice(world.client1, FRIDAY_CLOSE, estimate_hours=Decimal(10))
    assert not found.inside_notice
    assert not found.fits
    # The tenth hour is Monday 17 June, 09:00 to 10:00.
    assert found.earliest_at == datetime(2030, 6, 17, 10, 0, tzinfo=UTC)


def test_the_clients_own_notice_agreement_replaces_the_practices(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    client = personas.a.client1
    Client.objects.filter(pk=client.pk).update(notice_working_days=0)
    assert not notice(client, TUESDAY_CLOSE).is_short_notice
    Client.objects.filter(pk=client.pk).update(notice_working_days=5)
    found = notice(client, FRIDAY_CLOSE)
    assert found.is_short_notice
    assert found.notice_working_days == 5


def test_the_practices_notice_applies_when_the_client_agreed_none(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    PlanningPolicy.objects.create(practice=world.practice, notice_working_days=0)
    assert not notice(world.client1, TUESDAY_CLOSE).is_short_notice


def test_client_and_assistant_in_other_zones_than_the_practice(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    """The notice is counted on the practice's calendar (UTC); the assistant works 09:00 to
    17:00 in Manila (01:00 to 09:00 UTC); the client is in New York."""
    world = personas.a
    Client.objects.filter(pk=world.client1.pk).update(time_zone="America/New_York")
    User.objects.filter(pk=world.assistant.pk).update(time_zone="Asia/Manila")
    early = datetime(2030, 6, 11, 6, 0, tzinfo=UTC)
    found = notice(world.client1, early)
    assert found.inside_notice
    assert found.fits
    assert found.earliest_at == WEDNESDAY_CLOSE
    Client.objects.filter(pk=world.client1.pk).update(notice_working_days=0)
    # Monday 18:00 in Manila: the assistant's next hours are Tuesday 09:00 to 11:00 there.
    found = notice(world.client1, early)
    assert not found.is_short_notice
    assert found.earliest_at == datetime(2030, 6, 11, 3, 0, tzinfo=UTC)


def test_the_rush_policy_comes_with_the_answer(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    PlanningPolicy.objects.create(practice=world.practice, rush_policy="Rush work costs 50 % more.")
    assert notice(world.client1, TUESDAY_CLOSE).rush_policy == "Rush work costs 50 % more."


# Marking the request ---------------------------------------------------------------------------


def test_a_request_sent_at_short_notice_is_marked_and_counts_so_in_the_plan(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    rushed = create_task(
        world.client1, actor=world.contact1, title="Rush", expectations="Done",
        deadline_at=TUESDAY_CLOSE,
    )  # fmt: skip
    calm = create_task(
        world.client1, actor=world.contact1, title="Calm", expectations="Done",
        deadline_at=FRIDAY_CLOSE,
    )  # fmt: skip
    assert rushed.is_short_notice
    assert not calm.is_short_notice
    for task in (rushed, calm):
        move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    commitments = practice_commitments(world.practice, planning_policy(world.practice.pk))
    by_key = {c.key: c for c in commitments}
    assert by_key[f"task:{rushed.pk}"].is_short_notice
    assert not by_key[f"task:{calm.pk}"].is_short_notice


def test_a_request_by_e_mail_inside_the_notice_is_marked_short_notice(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    message = EmailMessage()
    message["From"] = world.contact1.email
    message["To"] = client_address(world.client1)
    message["Subject"] = "Print the flyers"
    message["Message-ID"] = "<flyers@example.com>"
    message.set_content("Please print the flyers by 2030-06-11 15:00.\n\nDone when: in the shop")
    PlanningPolicy.objects.create(practice=world.practice, rush_policy="Rush work costs 50 % more.")
    receipt = receive_message(message.as_bytes())
    assert receipt.task is not None
    assert receipt.task.deadline_at == datetime(2030, 6, 11, 15, 0, tzinfo=UTC)
    assert Task.objects.get(pk=receipt.task.pk).is_short_notice
    # The receipt says so, with what the practice tells a client who keeps such a deadline.
    react_now()
    email = OutboundEmail.objects.get(key=acknowledgement_key(receipt.task))
    text, _ = mail.readable_bodies(email)
    assert "It reached us at short notice" in text
    assert "Rush work costs 50 % more." in text


# The form says so before it is sent ----------------------------------------------------------


def preview(user: User, client: Client, phrase: str, **extra: str) -> str:
    url = reverse("work:deadline-preview", args=[client.pk])
    response = signed_in(user).get(
        url, {"field": "deadline", "notice": "1", "deadline": phrase, **extra}
    )
    assert response.status_code == 200
    return page_text(response)


def test_the_preview_tells_a_contact_it_is_short_notice_with_a_button_to_the_earliest_date(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    PlanningPolicy.objects.create(practice=world.practice, rush_policy="Rush work costs 50 % more.")
    text = preview(world.contact1, world.client1, "2030-06-11 15:00")
    assert "Short notice" in text
    assert 'name="deadline" value="2030-06-12 17:00"' in text
    assert "Rush work costs 50 % more." in text
    assert "enough notice" in preview(world.contact1, world.client1, "2030-06-14 17:00")


def test_a_contact_cannot_ask_about_one_persons_hours_or_a_size(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    taken_on(world, "30", FRIDAY_CLOSE)
    # A practice member's size counts: 10 h does not fit this week.
    assert "Short notice" in preview(
        world.owner, world.client1, "2030-06-14 17:00", estimate_hours="10"
    )
    # A contact's is never read: the default size (2 h) fits.
    text = preview(
        world.contact1, world.client1, "2030-06-14 17:00",
        estimate_hours="10", assignee=str(world.owner.pk),
    )  # fmt: skip
    assert "enough notice" in text


def test_the_new_request_form_asks_for_the_notice_check(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    url = reverse("work:task-create", args=[world.client1.pk])
    text = page_text(signed_in(world.contact1).get(url))
    assert "notice=1" in text


def test_sending_a_short_notice_request_through_the_form_marks_it(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    url = reverse("work:task-create", args=[world.client1.pk])
    response = signed_in(world.contact1).post(
        url,
        {
            "title": "Flyers",
            "expectations": "In the shop",
            "deadline": "2030-06-11 15:00",
            "priority": "normal",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(title="Flyers")
    assert task.is_short_notice


def test_the_owner_agrees_a_clients_notice_on_its_page_and_empty_follows_the_practice(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    world = personas.a
    edit = reverse("clients:client-edit", args=[world.client1.pk])
    form = {"name": "Client A1", "time_zone": "UTC", "notes": "", "notice_working_days": "0"}
    assert signed_in(world.owner).post(edit, form).status_code == 302
    assert Client.objects.get(pk=world.client1.pk).notice_working_days == 0
    assert not notice(world.client1, TUESDAY_CLOSE).is_short_notice
    form["notice_working_days"] = ""
    assert signed_in(world.owner).post(edit, form).status_code == 302
    assert Client.objects.get(pk=world.client1.pk).notice_working_days is None
    assert notice(world.client1, TUESDAY_CLOSE).is_short_notice


def test_a_client_moving_the_deadline_is_checked_again_and_the_practice_moving_it_is_not(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    from tandem.work.editing import edit_task

    world = personas.a
    task = create_task(
        world.client1, actor=world.contact1, title="Flyer", expectations="Done",
        deadline_at=FRIDAY_CLOSE,
    )  # fmt: skip
    assert not task.is_short_notice
    edit_task(task, actor=world.contact1, deadline_at=TUESDAY_CLOSE)
    assert Task.objects.get(pk=task.pk).is_short_notice
    task = Task.objects.get(pk=task.pk)
    edit_task(task, actor=world.contact1, deadline_at=FRIDAY_CLOSE)
    assert not Task.objects.get(pk=task.pk).is_short_notice
    # The practice agreeing a sooner deadline is its own choice: the mark stays as it is.
    task = Task.objects.get(pk=task.pk)
    edit_task(task, actor=world.assistant, deadline_at=TUESDAY_CLOSE)
    assert not Task.objects.get(pk=task.pk).is_short_notice
