"""Changing a request after it is sent: who may change what in which status, each part, an
edit over someone else's, reassigning, the timeline's words in each viewer's time zone, who
is told, and the edit page (its values, refusals, queries).

Every request is made, moved and edited through the services production uses; the clock is
fixed at Wednesday 2 December 2026, 09:00 UTC, so deadlines read the same in every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tandem.clients.services import assign_assistant
from tandem.core.errors import DomainError
from tandem.notify.models import Kind, Notification
from tandem.notify.wording import sentence
from tandem.work.attachments import link_uploads, store_attachment
from tandem.work.deliveries import deliver_task
from tandem.work.editing import edit_task
from tandem.work.models import Attachment, Task, TaskEvent, TaskStatus
from tandem.work.services import add_comment, assign_task, create_task, move_task
from tandem.work.services_projects import start_project
from tandem.work.workflow import ACCEPTED_ALREADY
from tests.conftest import Personas, PracticeWorld, page_text, signed_in
from tests.reactions import react_now

S = TaskStatus
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
# Friday 4 December, 17:00 in London (the client's zone; UTC in December).
FRIDAY_5PM = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _wednesday_morning() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def a(personas: Personas) -> PracticeWorld:
    world = personas.a
    world.client1.time_zone = "Europe/London"
    world.client1.save(update_fields=["time_zone"])
    return world


def request_of(world: PracticeWorld, **fields: Any) -> Task:
    defaults: dict[str, Any] = {
        "title": "Book the venue",
        "expectations": "A signed booking for 40 people",
        "request_markdown": "Somewhere near the station.",
        "deadline_at": FRIDAY_5PM,
    }
    actor = fields.pop("actor", world.contact1)
    if actor != world.contact1:
        # The practice gives its own requests to the client's assistant.
        defaults["assignee"] = world.assistant
    return create_task(world.client1, actor=actor, **(defaults | fields))


def refused(action: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def edits(task: Task) -> list[TaskEvent]:
    return list(task.events.filter(kind=TaskEvent.Kind.EDITED).order_by("id"))


def fresh(task: Task) -> Task:
    return Task.objects.select_related("client__practice", "assignee", "project").get(pk=task.pk)


# Who may change what, in which status ----------------------------------------------------------


def test_a_contact_changes_each_part_of_their_request_before_it_is_accepted(
    a: PracticeWorld,
) -> None:
    task = request_of(a)
    event = edit_task(
        task,
        actor=a.contact1,
        title="Book the bigger venue",
        request_markdown="Near the station, with a stage.",
        expectations="A signed booking for 60 people",
        deadline_at=MONDAY_NOON,
    )
    assert event is not None
    task = fresh(task)
    assert task.title == "Book the bigger venue"
    assert task.request_markdown == "Near the station, with a stage."
    assert task.expectations == "A signed booking for 60 people"
    assert task.deadline_at == MONDAY_NOON
    # One line per save, holding every change as data.
    assert edits(task) == [event]
    assert event.changes == {
        "title": {"from": "Book the venue", "to": "Book the bigger venue"},
        "request_markdown": {
            "from": "Somewhere near the station.",
            "to": "Near the station, with a stage.",
        },
        "expectations": {
            "from": "A signed booking for 40 people",
            "to": "A signed booking for 60 people",
        },
        "deadline_at": {"from": "2026-12-04T17:00:00+00:00", "to": "2026-12-07T12:00:00+00:00"},
    }


def test_a_contact_is_told_why_not_once_the_practice_has_accepted(a: PracticeWorld) -> None:
    task = request_of(a)
    move_task(task, to=S.ACCEPTED, actor=a.assistant)
    error = refused(lambda: edit_task(task, actor=a.contact1, title="Something else"))
    assert error.message == ACCEPTED_ALREADY
    assert fresh(task).title == "Book the venue"


def test_a_contact_cannot_change_what_the_practice_decides(a: PracticeWorld) -> None:
    task = request_of(a)
    practice_only: dict[str, Any] = {"priority": "high", "estimate_hours": Decimal(3)}
    for field, value in practice_only.items():
        with pytest.raises(DomainError) as caught:
            edit_task(task, actor=a.contact1, **{field: value})
        assert caught.value.field == field
    # The same value is no change, so it is no refusal either.
    assert edit_task(task, actor=a.contact1, priority="normal") is None


# How a request reaches each open status the practice may still change it in.
OPEN_PATHS = [
    [],
    [S.ACCEPTED],
    [S.ACCEPTED, S.IN_PROGRESS],
    [S.ACCEPTED, S.IN_PROGRESS, S.DELIVERED],
]


@pytest.mark.parametrize("path", OPEN_PATHS)
def test_the_practice_changes_every_part_of_an_open_request(
    a: PracticeWorld, path: list[TaskStatus]
) -> None:
    task = request_of(a, actor=a.owner)
    for status in path:
        if status == S.DELIVERED:
            deliver_task(task, actor=a.assistant, message="The venue is booked.")
        else:
            move_task(task, to=status, actor=a.assistant)
    project = start_project(a.client1, actor=a.owner, title="Spring launch", goal="Launch")
    event = edit_task(
        fresh(task),
        actor=a.assistant,
        title="Book the hall",
        priority="high",
        project=project,
        estimate_hours=Decimal("2.5"),
        deadline_at=MONDAY_NOON,
    )
    assert event is not None
    task = fresh(task)
    assert (task.title, task.priority, task.project, task.estimate_hours) == (
        "Book the hall",
        "high",
        project,
        Decimal("2.5"),
    )
    assert event.changes["project"] == {"from": None, "to": "Spring launch"}
    assert event.changes["estimate_hours"] == {"from": None, "to": "2.5"}


@pytest.mark.parametrize("persona", ["owner", "contact1"])
def test_nobody_changes_a_closed_request(a: PracticeWorld, persona: str) -> None:
    task = request_of(a)
    move_task(task, to=S.CANCELLED, actor=a.contact1, note="No longer needed.")
    error = refused(lambda: edit_task(task, actor=a.persona(persona), title="Revived"))
    assert error.message == "This request is cancelled; it can no longer change."


@pytest.mark.parametrize("persona", ["unassigned", "contact2"])
def test_people_who_cannot_see_the_request_cannot_change_it(a: PracticeWorld, persona: str) -> None:
    task = request_of(a)
    error = refused(lambda: edit_task(task, actor=a.persona(persona), title="Mine now"))
    assert "not one of yours" in error.message


def test_a_deadline_must_still_be_ahead_and_cannot_be_taken_away(a: PracticeWorld) -> None:
    task = request_of(a)
    past = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert refused(lambda: edit_task(task, actor=a.contact1, deadline_at=past)).field == (
        "deadline_at"
    )
    assert refused(lambda: edit_task(task, actor=a.contact1, deadline_at=None)).field == (
        "deadline_at"
    )


def test_a_deadline_set_on_a_mailed_request_makes_it_a_request(a: PracticeWorld) -> None:
    task = create_task(
        a.client1,
        actor=a.contact1,
        title="From an e-mail",
        expectations="Done",
        deadline_at=None,
        allow_missing_deadline=True,
    )
    event = edit_task(task, actor=a.contact1, deadline_at=MONDAY_NOON)
    assert event is not None
    assert (event.from_status, event.to_status) == (S.NEEDS_DEADLINE, S.REQUESTED)
    assert fresh(task).status == S.REQUESTED
    assert event.changes["deadline_at"] == {"from": None, "to": "2026-12-07T12:00:00+00:00"}


def test_saving_without_a_change_writes_nothing(a: PracticeWorld) -> None:
    task = request_of(a)
    assert edit_task(task, actor=a.contact1, title=" Book the venue ") is None
    assert edits(task) == []


def test_an_edit_over_someone_elses_change_is_refused_and_writes_nothing(a: PracticeWorld) -> None:
    task = request_of(a)
    seen = task.updated_at
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        edit_task(fresh(task), actor=a.owner, priority="high")
    with time_machine.travel(NOW.replace(minute=6), tick=False):
        error = refused(
            lambda: edit_task(fresh(task), actor=a.contact1, seen=seen, title="Late words")
        )
    assert error.message.startswith("Owner A changed this request while you were editing it.")
    assert fresh(task).title == "Book the venue"
    assert len(edits(task)) == 1


def test_files_are_added_and_removed_on_the_request_but_not_on_its_comments(
    a: PracticeWorld,
) -> None:
    task = request_of(a)
    first = store_attachment(
        client=a.client1, uploaded_by=a.contact1, name="old-brief.txt", content=b"Old"
    )
    link_uploads([first.pk], actor=a.contact1, task=task)
    comment = add_comment(task, actor=a.assistant, body_markdown="See my notes")
    on_comment = store_attachment(
        client=a.client1, uploaded_by=a.assistant, name="notes.txt", content=b"Notes"
    )
    Attachment.objects.filter(pk=on_comment.pk).update(task=task, comment=comment)
    new = store_attachment(
        client=a.client1, uploaded_by=a.contact1, name="new-brief.txt", content=b"New"
    )

    error = refused(lambda: edit_task(task, actor=a.contact1, remove_files=[on_comment.pk]))
    assert error.field == "remove_files"
    event = edit_task(task, actor=a.contact1, uploads=[new.pk], remove_files=[first.pk])

    assert event is not None
    assert event.changes == {"files_added": ["new-brief.txt"], "files_removed": ["old-brief.txt"]}
    assert sorted(task.attachments.values_list("name", flat=True)) == [
        "new-brief.txt",
        "notes.txt",
    ]


# Reassigning -----------------------------------------------------------------------------------


def test_the_practice_reassigns_a_request_to_another_assistant_of_the_client(
    a: PracticeWorld,
) -> None:
    assign_assistant(a.client1, assistant=a.unassigned, actor=a.owner)
    task = request_of(a, actor=a.owner)
    assign_task(fresh(task), actor=a.assistant, assignee=a.unassigned)
    event = task.events.filter(kind=TaskEvent.Kind.ASSIGNED).latest("id")
    moved = {"from": "assistant", "to": "unassigned", "to_id": a.unassigned.pk}
    assert event.changes == {"assignee": moved}
    assert fresh(task).assignee == a.unassigned
    # Giving it to whoever has it already changes nothing.
    assign_task(fresh(task), actor=a.owner, assignee=a.unassigned)
    assert task.events.filter(kind=TaskEvent.Kind.ASSIGNED).count() == 1


def test_reassigning_to_someone_not_on_the_client_is_refused(a: PracticeWorld) -> None:
    task = request_of(a, actor=a.owner)
    error = refused(lambda: assign_task(fresh(task), actor=a.owner, assignee=a.unassigned))
    assert error.message == (
        "unassigned does not work on Client A1; pick an assistant assigned to this client."
    )
    assert refused(lambda: assign_task(fresh(task), actor=a.contact1, assignee=None)).message


# The timeline, in each viewer's time zone ----------------------------------------------------


def test_the_timeline_says_what_changed_in_the_viewers_own_time_zone(a: PracticeWorld) -> None:
    task = request_of(a, actor=a.owner)
    edit_task(task, actor=a.owner, title="Book the hall", deadline_at=MONDAY_NOON)
    assign_task(fresh(task), actor=a.owner, assignee=None)
    a.contact1.time_zone = "America/New_York"
    a.contact1.save(update_fields=["time_zone"])
    a.assistant.time_zone = "Europe/London"
    a.assistant.save(update_fields=["time_zone"])

    in_new_york = page_text(signed_in(a.contact1).get(f"/tasks/{task.pk}/"))
    in_london = page_text(signed_in(a.assistant).get(f"/tasks/{task.pk}/"))

    changed = "Changed the title from “Book the venue” to “Book the hall” and moved the deadline"
    assert f"{changed} from Fri 4 Dec 12:00 to Mon 7 Dec 07:00." in in_new_york
    assert f"{changed} from Fri 4 Dec 17:00 to Mon 7 Dec 12:00." in in_london
    assert "Unassigned assistant." in in_london


# Who is told ------------------------------------------------------------------------------------


def test_the_watchers_and_the_assignee_are_told_of_an_edit_but_not_its_author(
    a: PracticeWorld,
) -> None:
    task = request_of(a, actor=a.owner)  # the owner and the assistant watch it
    react_now()
    Notification.objects.all().delete()
    a.assistant.time_zone = "America/New_York"
    a.assistant.save(update_fields=["time_zone"])

    edit_task(fresh(task), actor=a.owner, deadline_at=MONDAY_NOON)
    react_now()

    [told] = Notification.objects.filter(kind=Kind.EDITED)
    assert told.recipient == a.assistant
    zone = ZoneInfo(a.assistant.time_zone)
    assert sentence(told, zone) == (
        "Owner A moved the deadline from Fri 4 Dec 12:00 to Mon 7 Dec 07:00."
    )


def test_an_edit_is_not_told_to_people_who_no_longer_see_the_request(a: PracticeWorld) -> None:
    task = request_of(a)  # the contact watches it; the assistant is assigned
    react_now()
    Notification.objects.all().delete()
    from tandem.clients.services import unassign_assistant

    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    edit_task(fresh(task), actor=a.owner, title="Book the hall")
    react_now()
    assert [n.recipient for n in Notification.objects.filter(kind=Kind.EDITED)] == [a.contact1]


def test_the_new_assignee_hears_from_whom_to_whom_it_was_reassigned(a: PracticeWorld) -> None:
    assign_assistant(a.client1, assistant=a.unassigned, actor=a.owner)
    task = request_of(a, actor=a.owner)
    react_now()
    assign_task(fresh(task), actor=a.owner, assignee=a.unassigned)
    react_now()
    [told] = Notification.objects.filter(recipient=a.unassigned, kind=Kind.STATUS_CHANGED)
    assert sentence(told, ZoneInfo("UTC")) == "Owner A reassigned it from assistant to unassigned."


def test_the_portals_recent_activity_says_the_request_was_changed(a: PracticeWorld) -> None:
    task = request_of(a)
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        edit_task(fresh(task), actor=a.owner, title="Book the hall")
        page = page_text(signed_in(a.contact1).get("/portal/"))
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Owner A changed Book the hall" in text


# The edit page -------------------------------------------------------------------------------


def test_the_edit_page_shows_the_current_values_and_the_deadline_as_a_phrase(
    a: PracticeWorld,
) -> None:
    task = request_of(a)
    response = signed_in(a.contact1).get(f"/tasks/{task.pk}/edit/")
    assert response.status_code == 200
    text = page_text(response)
    assert 'value="Book the venue"' in text
    assert 'value="Fri 4 Dec 17:00"' in text
    assert "A signed booking for 40 people</textarea>" in text
    # The contact does not decide the priority, the project or the estimate.
    assert 'name="priority"' not in text
    assert 'name="estimate_hours"' not in text


def test_the_practice_sees_every_part_on_the_edit_page(a: PracticeWorld) -> None:
    task = request_of(a)
    move_task(task, to=S.ACCEPTED, actor=a.assistant)
    text = page_text(signed_in(a.assistant).get(f"/tasks/{task.pk}/edit/"))
    assert 'name="priority"' in text
    assert 'name="estimate_hours"' in text


def test_a_contact_opening_the_edit_page_after_acceptance_is_told_why_not(
    a: PracticeWorld,
) -> None:
    task = request_of(a)
    move_task(task, to=S.ACCEPTED, actor=a.assistant)
    response = signed_in(a.contact1).get(f"/tasks/{task.pk}/edit/")
    assert response.status_code == 403
    assert ACCEPTED_ALREADY in page_text(response)
    # The task page offers no edit either.
    assert "Edit request" not in page_text(signed_in(a.contact1).get(f"/tasks/{task.pk}/"))


def test_sending_the_edit_page_saves_and_goes_back_to_the_request(a: PracticeWorld) -> None:
    task = request_of(a)
    http = signed_in(a.contact1)
    assert "Edit request" in page_text(http.get(f"/tasks/{task.pk}/"))
    form = http.get(f"/tasks/{task.pk}/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "attachments"}
    data |= {"title": "Book the hall", "deadline": "Mon 7 Dec 12:00"}

    response = http.post(f"/tasks/{task.pk}/edit/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    task = fresh(task)
    assert (task.title, task.deadline_at) == ("Book the hall", MONDAY_NOON)
    assert set(edits(task)[0].changes) == {"title", "deadline_at"}


def test_an_overdue_deadline_left_as_it_is_does_not_stop_an_edit(a: PracticeWorld) -> None:
    task = request_of(a, actor=a.owner)
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), tick=False):
        http = signed_in(a.owner)
        form = http.get(f"/tasks/{task.pk}/edit/").context["form"]
        data = {name: form[name].value() or "" for name in form.fields if name != "attachments"}
        response = http.post(f"/tasks/{task.pk}/edit/", data | {"title": "Late, but renamed"})
    assert response.status_code == 302
    assert fresh(task).deadline_at == FRIDAY_5PM


def test_a_stale_edit_keeps_what_was_typed_and_saves_on_the_second_try(a: PracticeWorld) -> None:
    task = request_of(a)
    http = signed_in(a.contact1)
    form = http.get(f"/tasks/{task.pk}/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "attachments"}
    data |= {"title": "My new words"}
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        edit_task(fresh(task), actor=a.owner, priority="high")

    with time_machine.travel(NOW.replace(minute=6), tick=False):
        first = http.post(f"/tasks/{task.pk}/edit/", data)
        assert first.status_code == 400
        assert "Owner A changed this request while you were editing it." in page_text(first)
        assert 'value="My new words"' in page_text(first)
        seen_now = first.context["form"]["seen"].value()
        again = http.post(f"/tasks/{task.pk}/edit/", data | {"seen": seen_now})
    assert again.status_code == 302
    assert (fresh(task).title, fresh(task).priority) == ("My new words", "high")


def test_the_reassign_form_is_on_the_practices_task_page_only(a: PracticeWorld) -> None:
    assign_assistant(a.client1, assistant=a.unassigned, actor=a.owner)
    task = request_of(a, actor=a.owner)
    text = page_text(signed_in(a.assistant).get(f"/tasks/{task.pk}/"))
    assert f'action="/tasks/{task.pk}/assign/#reassign"' in text
    assert f'<option value="{a.unassigned.pk}">unassigned</option>' in text
    assert "/assign/" not in page_text(signed_in(a.contact1).get(f"/tasks/{task.pk}/"))

    response = signed_in(a.assistant).post(
        f"/tasks/{task.pk}/assign/", {"assignee": a.unassigned.pk}
    )
    assert response.status_code == 302
    assert fresh(task).assignee == a.unassigned


@pytest.mark.parametrize("files", [1, 12])
def test_the_edit_page_takes_the_same_queries_whatever_the_files_and_projects(
    a: PracticeWorld, files: int, django_assert_num_queries: Any
) -> None:
    task = request_of(a, actor=a.owner)
    for i in range(files):
        upload = store_attachment(
            client=a.client1, uploaded_by=a.owner, name=f"file-{i}.txt", content=b"Words"
        )
        link_uploads([upload.pk], actor=a.owner, task=task)
        start_project(a.client1, actor=a.owner, title=f"Project {i}", goal="Goal")
    http = signed_in(a.assistant)
    # 1.-2. the session, the user with their membership, 3. the task joined to its client,
    # practice, assignee, creator and project (seen through visible_to, so the standing
    # needs no query), 4. its own files, 5. the client's active projects
    with django_assert_num_queries(5):
        response = http.get(f"/tasks/{task.pk}/edit/")
    assert page_text(response).count('name="remove_files"') == files


def test_reassigning_to_another_practices_assistant_names_nobody(
    a: PracticeWorld, personas: Personas
) -> None:
    task = request_of(a, actor=a.owner)
    response = signed_in(a.owner).post(
        f"/tasks/{task.pk}/assign/", {"assignee": personas.b.assistant.pk}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Pick an assistant assigned to this client, or nobody." in text
    assert personas.b.assistant.email not in text
    assert fresh(task).assignee == a.assistant


def test_the_conversation_says_took_it_on_when_someone_assigns_themself(
    a: PracticeWorld,
) -> None:
    task = request_of(a, actor=a.owner)
    assign_task(fresh(task), actor=a.owner, assignee=None)
    assign_task(fresh(task), actor=a.assistant, assignee=a.assistant)
    assign_task(fresh(task), actor=a.assistant, assignee=a.assistant)  # no change: no line
    entries = signed_in(a.contact1).get(f"/tasks/{task.pk}/").context["page"].entries
    said = [entry.text for entry in entries if entry.kind == TaskEvent.Kind.ASSIGNED]
    assert said == ["Unassigned assistant.", "Took it on."]
    assert all(entry.note == "" for entry in entries if entry.kind == TaskEvent.Kind.ASSIGNED)
