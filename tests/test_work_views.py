"""The request pages: writing a request with a deadline phrase, its live preview, the task
page with its moves and comments, and the "Requests" lists on the client page and portal.

The clock is fixed at Monday 23 November 2026, 10:00 UTC; client 1 works in London (UTC+0
in November), so "Friday 5pm" is Friday 27 November at 17:00.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tandem.accounts.models import User
from tandem.clients.services import update_client
from tandem.work.deliveries import deliver_task
from tandem.work.models import Comment, Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
FRIDAY_5PM = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


@pytest.fixture
def world(personas: Personas) -> Iterator[PracticeWorld]:
    with time_machine.travel(NOW, tick=False):
        own = personas.a
        update_client(
            own.client1, actor=own.owner, name="Client A1", time_zone="Europe/London", notes=""
        )
        yield own


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Book the venue",
        "request_markdown": "For the **spring** offsite.",
        "expectations": "A signed booking for 40 people",
        "deadline": "Friday 5pm",
        "estimate_hours": "",
        "priority": "normal",
        "assignee": "",
    } | overrides


def new_url(world: PracticeWorld) -> str:
    return reverse("work:task-create", args=[world.client1.pk])


def a_request(world: PracticeWorld, **fields: Any) -> Task:
    defaults: dict[str, Any] = {
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline_at": FRIDAY_5PM,
    }
    return create_task(world.client1, actor=world.contact1, **(defaults | fields))


def task_url(task: Task, view: str = "work:task-detail") -> str:
    return reverse(view, args=[task.pk])


# Writing a request ---------------------------------------------------------------------------


def test_contact_writes_a_request_with_a_deadline_phrase(world: PracticeWorld) -> None:
    response = signed_in(world.contact1).post(new_url(world), form_data())
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == task_url(task)
    assert task.deadline_at == FRIDAY_5PM
    assert task.status == TaskStatus.REQUESTED
    assert task.created_by == world.contact1


def test_contact_is_not_offered_an_assignee(world: PracticeWorld) -> None:
    response = signed_in(world.contact1).get(new_url(world))
    assert response.status_code == 200
    assert 'name="assignee"' not in response.content.decode()


def test_vague_deadline_keeps_typed_values_and_offers_three_choices(world: PracticeWorld) -> None:
    data = form_data(deadline="ASAP", title="Call the caterer")
    response = signed_in(world.contact1).post(new_url(world), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "ASAP" in field_error(response, "deadline")
    assert 'value="Call the caterer"' in content
    assert "A signed booking for 40 people" in content
    assert content.count('name="deadline" value="') == 4  # the input and three choices
    assert 'value="in 3 working days"' in content
    assert not Task.objects.exists()


def test_a_suggestion_button_submits_its_label_as_the_deadline(world: PracticeWorld) -> None:
    # The browser sends the typed phrase and then the clicked button's value; the last wins.
    data = form_data(deadline=["ASAP", "in 3 working days"])
    response = signed_in(world.contact1).post(new_url(world), data)
    assert response.status_code == 302
    # Three working days after Monday: Thursday, at the close of business.
    assert Task.objects.get().deadline_at == datetime(2026, 11, 26, 17, tzinfo=UTC)


def test_past_deadline_is_refused(world: PracticeWorld) -> None:
    response = signed_in(world.contact1).post(new_url(world), form_data(deadline="yesterday 5pm"))
    assert response.status_code == 400
    assert "already passed" in field_error(response, "deadline")


def test_empty_deadline_is_refused(world: PracticeWorld) -> None:
    response = signed_in(world.contact1).post(new_url(world), form_data(deadline=""))
    assert response.status_code == 400
    assert field_error(response, "deadline")


def test_assignee_must_work_on_the_client(world: PracticeWorld) -> None:
    http = signed_in(world.owner)
    response = http.post(new_url(world), form_data(assignee=world.unassigned.pk))
    assert response.status_code == 400
    assert field_error(response, "assignee") == "Pick an assistant assigned to this client."
    assert not Task.objects.exists()
    response = http.post(new_url(world), form_data(assignee=world.assistant.pk))
    assert response.status_code == 302
    assert Task.objects.get().assignee == world.assistant


def test_another_practices_client_has_no_request_page(
    personas: Personas, world: PracticeWorld
) -> None:
    url = reverse("work:task-create", args=[personas.b.client1.pk])
    assert signed_in(personas.a.owner).post(url, form_data()).status_code == 404


# The live preview -----------------------------------------------------------------------------


def preview(world: PracticeWorld, phrase: str) -> Any:
    url = reverse("work:deadline-preview", args=[world.client1.pk])
    return signed_in(world.contact1).get(url, {"deadline": phrase}, HTTP_HX_REQUEST="true")


def words(response: Any) -> str:
    return re.sub(r"<[^>]+>", "", page_text(response))


def test_preview_in_the_viewers_own_zone_names_no_zone(world: PracticeWorld) -> None:
    # The contact reads times in UTC, which is London's wall time in November.
    response = preview(world, "Friday 5pm")
    assert response.status_code == 200
    assert words(response).strip() == "Due Friday 27 November, 17:00"


def test_preview_for_a_viewer_in_another_zone_names_the_clients_and_gives_theirs(
    world: PracticeWorld,
) -> None:
    User.objects.filter(pk=world.contact1.pk).update(time_zone="America/New_York")
    text = words(preview(world, "Friday 5pm"))
    assert "Due Friday 27 November, 17:00 London time (12:00 your time)" in text


def test_preview_refuses_a_vague_phrase_with_choices(world: PracticeWorld) -> None:
    text = page_text(preview(world, "soon"))
    assert "soon" in text
    assert text.count('name="deadline"') == 3
    assert "<html" not in text


def test_preview_of_nothing_is_empty(world: PracticeWorld) -> None:
    assert page_text(preview(world, "  ")).strip() == ""


# The task page and its moves -------------------------------------------------------------------


def test_task_page_shows_the_deadline_in_the_viewers_zone(world: PracticeWorld) -> None:
    task = a_request(world)
    world.contact1.time_zone = "America/New_York"
    world.contact1.save(update_fields=["time_zone"])
    text = words(signed_in(world.contact1).get(task_url(task)))
    # The client (London) meant 17:00; the New York reader sees London named and their time,
    # in the details beside the conversation and in the next step's sentence.
    flat = " ".join(text.split())
    assert "DeadlineFriday 27 November 2026, 17:00 London time (12:00 your time)" in flat
    assert "due Friday 27 Nov, 17:00 London time (12:00 your time)" in flat
    assert "Requested" in text


def test_task_page_in_the_clients_own_zone_names_no_zone(world: PracticeWorld) -> None:
    task = a_request(world)
    User.objects.filter(pk=world.contact1.pk).update(time_zone="Europe/London")
    text = words(signed_in(world.contact1).get(task_url(task)))
    assert "DeadlineFriday 27 November 2026, 17:00 Assignee" in " ".join(text.split())
    assert "your time" not in text


def test_markdown_with_script_is_shown_as_text(world: PracticeWorld) -> None:
    task = a_request(
        world, request_markdown="<script>alert(1)</script> **bold** [x](javascript:alert(1))"
    )
    content = signed_in(world.assistant).get(task_url(task)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<strong>bold</strong>" in content
    assert 'href="javascript' not in content


def test_practice_sees_only_its_moves(world: PracticeWorld) -> None:
    task = a_request(world)
    content = page_text(signed_in(world.assistant).get(task_url(task)))
    assert ">Accept</button>" in content
    assert ">Decline</button>" in content
    assert "Accept the work" not in content


def test_assistant_accepts_a_request(world: PracticeWorld) -> None:
    task = a_request(world)
    response = signed_in(world.assistant).post(task_url(task, "work:task-move"), {"to": "accepted"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    assert "Moved it from “Requested” to “Accepted”" in page_text(
        signed_in(world.contact1).get(task_url(task))
    )


def test_declining_needs_a_reason(world: PracticeWorld) -> None:
    task = a_request(world)
    http = signed_in(world.assistant)
    response = http.post(task_url(task, "work:task-move"), {"to": "declined", "note": " "})
    assert response.status_code == 400
    assert field_error(response, "declined_note") == "Say why you are declining this request."
    response = http.post(task_url(task, "work:task-move"), {"to": "declined", "note": "Not ours"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DECLINED


def test_waiting_on_the_client_takes_what_and_by_when(world: PracticeWorld) -> None:
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    data = {
        "to": "waiting_on_client",
        "waiting_for": "The guest list",
        "waiting_until": "Wednesday 5pm",
    }
    response = signed_in(world.assistant).post(task_url(task, "work:task-move"), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.waiting_for == "The guest list"
    assert task.waiting_until == datetime(2026, 11, 25, 17, tzinfo=UTC)


def test_a_move_the_contact_may_not_make_is_explained_not_a_500(world: PracticeWorld) -> None:
    task = a_request(world)
    response = signed_in(world.contact1).post(task_url(task, "work:task-move"), {"to": "accepted"})
    assert response.status_code == 400
    assert "Only the practice can accept a request" in page_text(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.REQUESTED


def test_a_move_the_workflow_lacks_is_explained(world: PracticeWorld) -> None:
    task = a_request(world)
    response = signed_in(world.assistant).post(task_url(task, "work:task-move"), {"to": "done"})
    assert response.status_code == 400
    assert "cannot be moved to “Done”" in page_text(response)


def test_contact_comments_on_their_request(world: PracticeWorld) -> None:
    task = a_request(world)
    http = signed_in(world.contact1)
    response = http.post(task_url(task, "work:task-comment"), {"body_markdown": "Any *news*?"})
    assert response.status_code == 302
    assert Comment.objects.get().author == world.contact1
    assert "Any <em>news</em>?" in http.get(task_url(task)).content.decode()


def test_an_empty_comment_is_refused(world: PracticeWorld) -> None:
    task = a_request(world)
    response = signed_in(world.contact1).post(
        task_url(task, "work:task-comment"), {"body_markdown": ""}
    )
    assert response.status_code == 400
    assert field_error(response, "body_markdown")


@pytest.mark.parametrize("view", ["work:task-detail", "work:task-move", "work:task-comment"])
def test_another_practices_task_is_missing(
    personas: Personas, world: PracticeWorld, view: str
) -> None:
    task = a_request(personas.b)
    http = signed_in(personas.a.owner)
    method = http.get if view == "work:task-detail" else http.post
    response = method(task_url(task, view), {"to": "accepted", "body_markdown": "hi"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_other_clients_contact_cannot_see_the_request(world: PracticeWorld) -> None:
    task = a_request(world)
    assert signed_in(world.contact2).get(task_url(task)).status_code == 404
    assert signed_in(world.unassigned).get(task_url(task)).status_code == 404


# The "Requests" lists ----------------------------------------------------------------------------


def test_client_page_and_portal_list_open_requests(world: PracticeWorld) -> None:
    task = a_request(world, title="Order the badges")
    closed = a_request(world, title="Old thing")
    move_task(closed, to=TaskStatus.CANCELLED, actor=world.contact1, note="Not needed")
    detail = reverse("home:client-detail", args=[world.client1.pk])
    for http, url in ((signed_in(world.owner), detail), (signed_in(world.contact1), "/portal/")):
        content = page_text(http.get(url))
        assert "Order the badges" in content
        assert task_url(task) in content
        # The portal's recent activity may mention it; its lists of work may not.
        assert "Old thing" not in content.split("Recent activity")[0]
        assert new_url(world) in content


def test_headings_in_a_request_sit_below_the_pages_own(world: PracticeWorld) -> None:
    task = a_request(world, request_markdown="# Venue\n\n###### Small")
    content = signed_in(world.contact1).get(task_url(task)).content.decode()
    assert "<h3>Venue</h3>" in content
    assert "<h6>Small</h6>" in content


def test_a_request_waiting_for_a_deadline_gets_one_from_its_page(world: PracticeWorld) -> None:
    task = a_request(world, deadline_at=None, allow_missing_deadline=True)
    http = signed_in(world.contact1)
    url = task_url(task, "work:task-move")
    response = http.post(url, {"to": "requested", "deadline": "whenever"})
    assert response.status_code == 400
    assert "whenever" in field_error(response, "requested_deadline")
    response = http.post(url, {"to": "requested", "deadline": "Friday 5pm"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.deadline_at) == (TaskStatus.REQUESTED, FRIDAY_5PM)


def test_a_vague_by_when_is_refused(world: PracticeWorld) -> None:
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    data = {"to": "waiting_on_client", "waiting_for": "The guest list", "waiting_until": "soon"}
    response = signed_in(world.assistant).post(task_url(task, "work:task-move"), data)
    assert response.status_code == 400
    assert "soon" in field_error(response, "waiting_on_client_waiting_until")
    assert 'value="The guest list"' in response.content.decode()


# Picking a date and time instead of typing a phrase -------------------------------------------


def test_a_picked_date_and_time_is_the_deadline_when_no_phrase_was_typed(
    world: PracticeWorld,
) -> None:
    # Without JavaScript the picker's own value arrives; it is read in the client's zone.
    data = form_data(deadline="", deadline_picked="2026-12-04T17:30")
    response = signed_in(world.contact1).post(new_url(world), data)
    assert response.status_code == 302
    assert Task.objects.get().deadline_at == datetime(2026, 12, 4, 17, 30, tzinfo=UTC)


def test_a_typed_phrase_wins_over_a_picked_date(world: PracticeWorld) -> None:
    data = form_data(deadline="Friday 5pm", deadline_picked="2026-12-04T17:30")
    signed_in(world.contact1).post(new_url(world), data)
    assert Task.objects.get().deadline_at == FRIDAY_5PM


def test_a_picked_date_in_the_past_is_refused_and_shown_back_in_the_phrase_box(
    world: PracticeWorld,
) -> None:
    data = form_data(deadline="", deadline_picked="2026-11-20T09:00")
    response = signed_in(world.contact1).post(new_url(world), data)
    assert response.status_code == 400
    assert "already passed" in field_error(response, "deadline")
    assert 'value="2026-11-20 09:00"' in response.content.decode()


def test_a_garbled_picked_value_counts_as_no_deadline(world: PracticeWorld) -> None:
    data = form_data(deadline="", deadline_picked="<script>2026</script>")
    response = signed_in(world.contact1).post(new_url(world), data)
    assert response.status_code == 400
    assert field_error(response, "deadline") == (
        "Give the request a deadline, such as “Friday 5pm”."
    )
    assert not Task.objects.exists()


def test_every_phrase_field_offers_a_picker_and_a_live_preview(world: PracticeWorld) -> None:
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    page = signed_in(world.assistant).get(task_url(task)).content.decode()
    preview_url = reverse("work:deadline-preview", args=[world.client1.pk])
    # The waiting move's "Needed by": read as typed into its own preview.
    assert f'hx-get="{preview_url}?field=waiting_until"' in page
    assert 'hx-target="#id_waiting_on_client_waiting_until_preview"' in page
    assert 'id="id_waiting_on_client_waiting_until_preview"' in page
    assert 'name="waiting_until_picked"' in page
    assert 'data-phrase-for="id_waiting_on_client_waiting_until"' in page
    form = signed_in(world.contact1).get(new_url(world)).content.decode()
    # The new request's deadline also asks whether it is short notice (planning).
    assert f'hx-get="{preview_url}?field=deadline&amp;notice=1"' in form
    assert 'type="datetime-local" id="id_deadline_picked" name="deadline_picked"' in form


def test_a_request_waiting_for_a_deadline_can_get_a_picked_one(world: PracticeWorld) -> None:
    task = a_request(world, deadline_at=None, allow_missing_deadline=True)
    data = {"to": "requested", "deadline": "", "deadline_picked": "2026-11-27T17:00"}
    response = signed_in(world.contact1).post(task_url(task, "work:task-move"), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline_at == FRIDAY_5PM


def test_preview_of_when_the_client_is_needed_says_needed_by(world: PracticeWorld) -> None:
    url = reverse("work:deadline-preview", args=[world.client1.pk])
    http = signed_in(world.assistant)
    response = http.get(url, {"field": "waiting_until", "waiting_until": "Wednesday 5pm"})
    assert "Needed by Wednesday 25 November, 17:00" in words(response)
    refused = page_text(http.get(url, {"field": "waiting_until", "waiting_until": "soon"}))
    # The choices fill the field that asked.
    assert refused.count('name="waiting_until"') == 3
    # An unknown field name reads the deadline, as before.
    response = http.get(url, {"field": "password", "deadline": "Friday 5pm"})
    assert "Due Friday 27 November, 17:00" in words(response)


def test_waiting_on_the_client_names_every_missing_part_at_once(world: PracticeWorld) -> None:
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    data = {"to": "waiting_on_client", "waiting_for": " ", "waiting_until": ""}
    response = signed_in(world.assistant).post(task_url(task, "work:task-move"), data)
    assert response.status_code == 400
    assert field_error(response, "waiting_on_client_waiting_for") == (
        "Say what you are waiting for from the client."
    )
    assert field_error(response, "waiting_on_client_waiting_until") == (
        "Say by when you need it from the client."
    )


@pytest.mark.parametrize("view", ["work:task-move", "work:task-comment", "work:attachment-add"])
def test_opening_a_task_forms_address_again_shows_the_task(world: PracticeWorld, view: str) -> None:
    # A refused form leaves its own address in the browser; coming back to it is no error.
    task = a_request(world)
    http = signed_in(world.contact1)
    assert http.post(task_url(task, "work:task-comment"), {"body_markdown": ""}).status_code == 400
    response = http.get(task_url(task, view))
    assert (response.status_code, response["Location"]) == (302, task_url(task))
    # Someone who may not see the task learns nothing from the address.
    assert signed_in(world.contact2).get(task_url(task, view)).status_code == 404


def test_the_client_answers_a_wait_in_their_own_words(world: PracticeWorld) -> None:
    task = a_request(world)
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    move_task(
        task,
        to=TaskStatus.WAITING_ON_CLIENT,
        actor=world.assistant,
        waiting_for="The guest list",
        waiting_until=FRIDAY_5PM,
    )
    assert ">Resume work</button>" in page_text(signed_in(world.assistant).get(task_url(task)))
    contact = signed_in(world.contact1)
    assert ">I have sent what you needed</button>" in page_text(contact.get(task_url(task)))
    response = contact.post(task_url(task, "work:task-move"), {"to": "in_progress"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS


def test_work_sent_back_says_so_on_the_timeline(world: PracticeWorld) -> None:
    task = a_request(world)
    for status in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        move_task(task, to=status, actor=world.assistant)
    deliver_task(task, actor=world.assistant, message="The invitation, ready to send.")
    data = {"to": "in_progress", "note": "Make the date bigger."}
    signed_in(world.contact1).post(task_url(task, "work:task-move"), data)
    text = page_text(signed_in(world.assistant).get(task_url(task)))
    assert "Sent it back for more work. <q>Make the date bigger.</q>" in text


def test_too_long_or_negative_values_are_refused_in_words_that_say_what_to_do(
    world: PracticeWorld,
) -> None:
    data = form_data(title="x" * 300, estimate_hours="-2")
    # The practice side estimates; the client's form asks for no estimate.
    response = signed_in(world.owner).post(new_url(world), data)
    assert response.status_code == 400
    assert field_error(response, "title") == "Shorten this to 200 characters; it has 300."
    assert "below nothing" in field_error(response, "estimate_hours")
    # What was typed is kept.
    assert 'value="' + "x" * 300 + '"' in response.content.decode()
