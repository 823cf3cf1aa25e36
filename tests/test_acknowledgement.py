"""An acknowledgement the client can trust (issue 11, part 6): the practice's response time,
the "we have it" mail for a request a contact sends (from the form and by e-mail, through a
real SMTP server), and the dashboard's "No answer yet" once the promise is missed.

The clock is Wednesday 2 December 2026, 10:00 UTC, unless a test moves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tandem.core.calendar import PracticeCalendar
from tandem.core.models import OutboundEmail, Practice, ResponseTime
from tandem.inbound.addresses import client_address
from tandem.inbound.services import receive_message
from tandem.notify.acknowledgement import acknowledgement_key
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.jobrunner import run_worker
from tests.reactions import react_now
from tests.smtp_server import Recorder, text_and_html

WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
S = TaskStatus


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


def england(**changes: Any) -> PracticeCalendar:
    fields: dict[str, Any] = {"time_zone": "Europe/London", "country": "GB", "subdivision": "ENG"}
    return PracticeCalendar(**(fields | changes))


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def request_by(world: PracticeWorld, actor: Any = None, **fields: Any) -> Task:
    defaults: dict[str, Any] = {
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline_at": WEDNESDAY + timedelta(days=9),
    }
    return create_task(world.client1, actor=actor or world.contact1, **(defaults | fields))


def plain(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", page_text(response)).split())


# When the answer is due -------------------------------------------------------------------------


def test_one_working_day_ends_at_the_close_of_the_next_whole_working_day() -> None:
    calendar = england()
    # Arriving in the working day: that day is not whole, so Thursday's close.
    assert calendar.close_of_working_days(london(2026, 12, 2, 10), 1) == london(2026, 12, 3, 17)
    # Arriving before the office opens: the whole of Wednesday is ahead.
    assert calendar.close_of_working_days(london(2026, 12, 2, 8), 1) == london(2026, 12, 2, 17)
    # After close on Friday: over the weekend to Monday's close; two days is Tuesday's.
    assert calendar.close_of_working_days(london(2026, 12, 4, 18), 1) == london(2026, 12, 7, 17)
    assert calendar.close_of_working_days(london(2026, 12, 4, 18), 2) == london(2026, 12, 8, 17)


def test_the_promise_skips_a_weekend_and_the_christmas_bank_holidays() -> None:
    calendar = england()
    # Thursday 24 December 2026: Christmas Day is a Friday, Boxing Day a Saturday, so its
    # bank holiday moves to Monday 28th. The next whole working day is Tuesday 29th.
    assert calendar.bank_holiday(london(2026, 12, 28).date()) is not None
    assert calendar.close_of_working_days(london(2026, 12, 24, 11), 1) == london(2026, 12, 29, 17)
    # Four working hours from 15:00 on the 24th: two that day, two on Tuesday the 29th.
    assert calendar.add_working_time(london(2026, 12, 24, 15), timedelta(hours=4)) == london(
        2026, 12, 29, 11
    )


def test_working_hours_count_only_inside_the_working_day() -> None:
    calendar = england()
    add = calendar.add_working_time
    assert add(london(2026, 12, 2, 10), timedelta(hours=4)) == london(2026, 12, 2, 14)
    assert add(london(2026, 12, 2, 13), timedelta(hours=4)) == london(2026, 12, 2, 17)
    # Before opening, at night, and on a Saturday, the count starts at the next opening.
    assert add(london(2026, 12, 2, 7), timedelta(hours=4)) == london(2026, 12, 2, 13)
    assert add(london(2026, 12, 2, 22), timedelta(hours=4)) == london(2026, 12, 3, 13)
    assert add(london(2026, 12, 5, 12), timedelta(hours=4)) == london(2026, 12, 7, 13)
    # Two-hour days: one hour on Friday, two on Monday, the last on Tuesday.
    short_days = england(work_starts_at=time(10), work_ends_at=time(12))
    assert short_days.add_working_time(london(2026, 12, 4, 11), timedelta(hours=4)) == london(
        2026, 12, 8, 11
    )


def test_the_practice_computes_its_promise_from_its_choice(db: None) -> None:
    practice = Practice(time_zone="Europe/London", country="GB", subdivision="ENG")
    arrived = london(2026, 12, 24, 15)
    expected = {
        ResponseTime.FOUR_HOURS: london(2026, 12, 29, 11),
        ResponseTime.ONE_DAY: london(2026, 12, 29, 17),
        ResponseTime.TWO_DAYS: london(2026, 12, 30, 17),
    }
    for choice, due in expected.items():
        practice.response_time = choice
        assert practice.respond_by(arrived) == due
    assert practice.response_promise == "within two working days"
    practice.response_time = ResponseTime.FOUR_HOURS
    assert practice.response_promise == "within four working hours"


# The promise on the request ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_contacts_request_carries_the_promise_and_the_practices_own_none(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a = personas.a
    theirs = request_by(a)
    ours = request_by(a, actor=a.owner)
    assert theirs.respond_by == datetime(2026, 12, 3, 17, tzinfo=UTC)
    assert ours.respond_by is None
    react_now()
    # The practice made its own request: nobody on the client side needs a receipt.
    assert OutboundEmail.objects.filter(key=acknowledgement_key(theirs)).exists()
    assert not OutboundEmail.objects.filter(key=acknowledgement_key(ours)).exists()


@pytest.mark.django_db
def test_the_owner_sets_the_response_time_in_settings(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a = personas.a
    http = signed_in(a.owner)
    page = http.get(reverse("core:practice-settings"))
    assert "How soon we respond to a new request" in page_text(page)
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["work_starts_at"], data["work_ends_at"] = "09:00", "17:00"
    data["response_time"] = ResponseTime.FOUR_HOURS
    data.pop("requires_two_factor", None)
    assert http.post(reverse("core:practice-settings"), data).status_code == 302
    a.practice.refresh_from_db()
    assert a.practice.response_time == ResponseTime.FOUR_HOURS
    # Requests from now on are promised within four working hours.
    assert request_by(a).respond_by == datetime(2026, 12, 2, 14, tzinfo=UTC)


# The dashboard's "No answer yet" ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_nobody_answered_is_flagged_once_the_promise_passes(
    personas: Personas, clock: time_machine.Traveller
) -> None:
    a = personas.a
    waiting = request_by(a, title="Nobody answered")
    request_by(a, title="Only the client spoke")
    add_comment(
        Task.objects.get(title="Only the client spoke"), actor=a.contact1, body_markdown="Any news?"
    )
    commented = request_by(a, title="Answered in a comment")
    add_comment(commented, actor=a.assistant, body_markdown="On it this afternoon.")
    accepted = request_by(a, title="Accepted")
    move_task(accepted, to=S.ACCEPTED, actor=a.assistant)
    declined = request_by(a, title="Declined")
    move_task(declined, to=S.DECLINED, actor=a.owner, note="Not this month")
    cancelled = request_by(a, title="Cancelled by the client")
    move_task(cancelled, to=S.CANCELLED, actor=a.contact1, note="No longer needed")
    request_by(a, actor=a.owner, title="The practice's own")

    for viewer in (a.owner, a.assistant):
        clock.move_to(datetime(2026, 12, 3, 16, 59, tzinfo=UTC))
        assert "No answer yet" not in plain(signed_in(viewer).get("/dashboard/"))
        clock.move_to(datetime(2026, 12, 3, 17, 1, tzinfo=UTC))
        response = signed_in(viewer).get("/dashboard/")
        flagged = [task.title for task in response.context["page"].unanswered.tasks]
        assert flagged == ["Nobody answered", "Only the client spoke"]
        assert "Nobody answered · Client A1 No answer yet — promised by Thu 3 Dec, 17:00" in plain(
            response
        )
    assert waiting.pk in [t.pk for t in Task.objects.filter(respond_by__isnull=False)]
    # Another practice's owner sees none of it; the unassigned assistant neither.
    for outsider in (personas.b.owner, a.unassigned):
        response = signed_in(outsider).get("/dashboard/")
        assert response.context["page"].unanswered.tasks == []


@pytest.mark.django_db
@pytest.mark.parametrize("late", [2, 14])
def test_the_flag_costs_one_query_whatever_the_number_late(
    personas: Personas, clock: time_machine.Traveller, late: int, django_assert_num_queries: Any
) -> None:
    a = personas.a
    for i in range(late):
        request_by(a, title=f"Late {i:02}")
    clock.move_to(datetime(2026, 12, 4, 9, tzinfo=UTC))
    http = signed_in(a.owner)
    # 1.-2. session, the user with their membership; 3.-4. the day; 5. onboarding; 6. clients; 7.
    # the requests whose promise has passed (at most ten, and whether there are more); 8. what
    # clients owe past its date
    with django_assert_num_queries(8):
        response = http.get("/dashboard/")
    unanswered = response.context["page"].unanswered
    assert len(unanswered.tasks) == min(late, 10)
    assert unanswered.has_more == (late > 10)
    assert ("More in the inbox" in page_text(response)) == (late > 10)


# The "we have it" mail, through a real SMTP server ------------------------------------------------


def only_acknowledgement(smtp: Recorder, to: str) -> tuple[Any, str, str]:
    found = [m for m in smtp.messages if m["To"] == to and m["Subject"].startswith("We have your")]
    assert len(found) == 1, [m["Subject"] for m in smtp.messages]
    return found[0], *text_and_html(found[0])


@pytest.mark.django_db(transaction=True)
def test_a_request_sent_from_the_form_is_acknowledged_with_the_promise_on_the_senders_clock(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    a.contact1.time_zone = "America/New_York"
    a.contact1.save(update_fields=["time_zone"])
    with time_machine.travel(WEDNESDAY, tick=False):
        run_worker()  # the personas' invitations
        smtp.messages.clear()
        response = signed_in(a.contact1).post(
            reverse("work:task-create", args=[a.client1.pk]),
            {
                "title": "Book the venue",
                "request_markdown": "For forty people.",
                "expectations": "A signed booking",
                "deadline": "Friday 5pm",
                "priority": "normal",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        task = Task.objects.get(title="Book the venue")
        run_worker()
        run_worker()  # a second pass sends nothing more
    mail, text, html = only_acknowledgement(smtp, a.contact1.email)
    assert mail["Subject"] == "We have your request: Book the venue"
    assert "Practice A has your request “Book the venue”." in text
    # Thursday 17:00 in the practice's zone (UTC), on the contact's clock.
    assert "We will respond within one working day, by Thu 3 Dec 12:00 (New York time)." in (text)
    assert f"http://127.0.0.1:8000/tasks/{task.pk}/" in text
    assert f'href="http://127.0.0.1:8000/tasks/{task.pk}/"' in html
    assert "by Thu 3 Dec 12:00 (New York time)" in html
    assert "no deadline yet" not in text
    # Nobody on the practice side gets it.
    assert {m["To"] for m in smtp.messages if m["Subject"].startswith("We have your")} == {
        a.contact1.email
    }


@pytest.mark.django_db(transaction=True)
def test_a_request_sent_by_email_is_acknowledged_too(personas: Personas, smtp: Recorder) -> None:
    a = personas.a
    raw = "\n".join(
        [
            f"From: {a.contact1.email}",
            f"To: {client_address(a.client1)}",
            "Subject: Print the flyers",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Two hundred, on the thick paper please.",
        ]
    ).encode()
    with time_machine.travel(datetime(2026, 12, 4, 18, tzinfo=UTC), tick=False):  # Friday
        run_worker()
        smtp.messages.clear()
        receive_message(raw)
        receive_message(raw)  # delivered twice: still one request, one receipt
        run_worker()
    task = Task.objects.get(title="Print the flyers")
    assert task.status == S.NEEDS_DEADLINE
    _, text, _ = only_acknowledgement(smtp, a.contact1.email)
    # After Friday's close: Monday is the first whole working day.
    assert "We will respond within one working day, by Mon 7 Dec 17:00 (UTC)." in text
    assert "It has no deadline yet" in text
    assert f"http://127.0.0.1:8000/tasks/{task.pk}/" in text


@pytest.mark.django_db
def test_the_demo_dashboard_shows_a_missed_promise() -> None:
    from django.test import Client as HttpClient

    from tandem.demo import loader as demo

    demo.load()
    http = HttpClient()
    http.post("/accounts/login/", {"login": "owner@demo.example.com", "password": demo.PASSWORD})
    response = http.get("/dashboard/")
    flagged = [task.title for task in response.context["page"].unanswered.tasks]
    assert flagged == [demo.MISSED_PROMISE]
    assert "No answer yet — promised by" in page_text(response)
