"""Projects: the practice creates, edits, pauses, finishes and reopens them; a client's
contact proposes one, and the practice takes it on or turns it down with a reason. Each
project shows its goal, target date, status, progress, tasks and history.

The clock is fixed at Monday 23 November 2026, 10:00 UTC; both practices' clients work in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.clients.services import archive_client
from tandem.core.errors import DomainError
from tandem.core.roles import Role
from tandem.demo import loader as demo
from tandem.work.deliveries import deliver_task
from tandem.work.models import Project, ProjectEvent, Task, TaskStatus
from tandem.work.services import create_task, move_task
from tandem.work.services_projects import (
    change_project_status,
    edit_project,
    edit_proposal,
    start_project,
    take_on_proposal,
    turn_down_proposal,
)
from tests.conftest import Personas, PracticeWorld, field_error, join, page_text, signed_in

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
NEXT_MONTH = date(2026, 12, 23)
Status = Project.Status


@pytest.fixture
def world(personas: Personas) -> Iterator[PracticeWorld]:
    with time_machine.travel(NOW, tick=False):
        yield personas.a


def a_project(world: PracticeWorld, **fields: Any) -> Project:
    defaults: dict[str, Any] = {
        "title": "Spring launch",
        "goal": "Launch the new course in spring",
        "done_means": "Sales page live and first mailing sent",
        "target_on": NEXT_MONTH,
    }
    return start_project(world.client1, actor=world.owner, **(defaults | fields))


def a_proposal(world: PracticeWorld, **fields: Any) -> Project:
    defaults: dict[str, Any] = {"title": "Podcast guesting", "goal": "Ten interviews"}
    return start_project(world.client1, actor=world.contact1, **(defaults | fields))


def a_request(world: PracticeWorld, project: Project | None, **fields: Any) -> Task:
    defaults: dict[str, Any] = {
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline_at": NOW + timedelta(days=3),
    }
    return create_task(world.client1, actor=world.contact1, project=project, **defaults | fields)


def url(view: str, obj: Any) -> str:
    return reverse(f"work:{view}", args=[obj.pk])


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Spring launch",
        "goal": "Launch the new course in spring",
        "done_means": "Sales page live",
        "target_on": "2026-12-23",
    } | overrides


def words(response: Any) -> str:
    """The page as a reader sees it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split()).replace(" ,", ",")


def history(project: Project) -> list[str]:
    return list(project.events.order_by("id").values_list("kind", flat=True))


# Starting a project -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "assistant"])
def test_practice_creates_a_project_from_the_client_page(
    world: PracticeWorld, persona: str
) -> None:
    http = signed_in(world.persona(persona))
    response = http.post(url("project-create", world.client1), form_data())
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("project-detail", project)
    assert (project.status, project.is_proposal, project.target_on) == (
        Status.ACTIVE,
        False,
        NEXT_MONTH,
    )
    text = words(http.get(response["Location"]))
    assert f"Created by {world.persona(persona).display_name}, 23 Nov 2026" in text


def test_contact_proposes_a_project(world: PracticeWorld) -> None:
    http = signed_in(world.contact1)
    page = page_text(http.get(url("project-create", world.client1)))
    assert "Propose a project" in page
    response = http.post(url("project-create", world.client1), form_data(), follow=True)
    project = Project.objects.get()
    assert (project.is_proposal, project.proposed_by) == (True, world.contact1)
    text = page_text(response)
    assert "Proposal sent to Practice A" in text
    assert "Proposal, awaiting the practice" in text
    assert history(project) == [ProjectEvent.Kind.PROPOSED]


def test_empty_title_is_refused_and_the_rest_is_kept(world: PracticeWorld) -> None:
    response = signed_in(world.owner).post(
        url("project-create", world.client1), form_data(title="  ")
    )
    assert response.status_code == 400
    assert field_error(response, "title") == "Give the project a title."
    assert "Launch the new course in spring" in page_text(response)
    assert not Project.objects.exists()


def test_a_target_date_in_the_past_is_refused(world: PracticeWorld) -> None:
    response = signed_in(world.contact1).post(
        url("project-create", world.client1), form_data(title="", target_on="2026-11-22")
    )
    assert response.status_code == 400
    assert field_error(response, "title") == "Give the project a title."
    assert field_error(response, "target_on") == (
        "The target date has already passed; pick today or a later day."
    )
    assert 'value="2026-11-22"' in response.content.decode()
    assert not Project.objects.exists()


def test_a_target_date_that_is_not_a_date_is_refused(world: PracticeWorld) -> None:
    response = signed_in(world.owner).post(
        url("project-create", world.client1), form_data(target_on="next spring")
    )
    assert response.status_code == 400
    assert field_error(response, "target_on") == (
        "Give the target date as a date, such as 2026-12-31."
    )


def test_archived_clients_get_no_new_projects(world: PracticeWorld) -> None:
    archive_client(world.client1, actor=world.owner)
    response = signed_in(world.owner).post(url("project-create", world.client1), form_data())
    assert response.status_code == 400
    assert "Restore Client A1 before adding work for it." in page_text(response)


@pytest.mark.parametrize("persona", ["unassigned", "contact2"])
def test_people_outside_the_client_have_no_project_form(world: PracticeWorld, persona: str) -> None:
    http = signed_in(world.persona(persona))
    assert http.post(url("project-create", world.client1), form_data()).status_code == 404
    assert not Project.objects.exists()


# Editing ------------------------------------------------------------------------------------


def test_assistant_edits_a_project_and_the_change_is_on_its_page(world: PracticeWorld) -> None:
    project = a_project(world)
    http = signed_in(world.assistant)
    form_page = page_text(http.get(url("project-edit", project)))
    assert 'value="2026-12-23"' in form_page
    data = form_data(title="Summer launch", target_on="2027-06-01")
    response = http.post(url("project-edit", project), data, follow=True)
    project.refresh_from_db()
    assert (project.title, project.target_on) == ("Summer launch", date(2027, 6, 1))
    assert "Edited (title, what done looks like, target date) by assistant, 23 Nov 2026" in (
        words(response)
    )


def test_editing_with_bad_input_keeps_what_was_typed(world: PracticeWorld) -> None:
    project = a_project(world)
    data = form_data(title="", goal="A sharper goal", target_on="2026-01-01")
    response = signed_in(world.owner).post(url("project-edit", project), data)
    assert response.status_code == 400
    assert field_error(response, "title") == "Give the project a title."
    assert "A sharper goal" in page_text(response)
    project.refresh_from_db()
    assert project.title == "Spring launch"


def test_a_late_project_can_still_be_reworded(world: PracticeWorld) -> None:
    project = a_project(world, target_on=date(2026, 11, 30))
    with time_machine.travel(datetime(2026, 12, 5, tzinfo=UTC), tick=False):
        edit_project(
            project, actor=world.owner, title="Renamed", goal="", target_on=date(2026, 11, 30)
        )
        with pytest.raises(DomainError, match="already passed"):
            edit_project(project, actor=world.owner, title="Renamed", target_on=date(2026, 12, 1))
    assert Project.objects.get().title == "Renamed"


def test_saving_without_changes_records_nothing(world: PracticeWorld) -> None:
    project = a_project(world)
    edit_project(
        project,
        actor=world.owner,
        title=project.title,
        goal=project.goal,
        done_means=project.done_means,
        target_on=project.target_on,
    )
    assert history(project) == [ProjectEvent.Kind.CREATED]


def test_contact_cannot_edit_a_practice_project(world: PracticeWorld) -> None:
    project = a_project(world)
    http = signed_in(world.contact1)
    assert http.get(url("project-edit", project)).status_code == 403
    assert http.post(url("project-edit", project), form_data(title="Mine")).status_code == 403
    with pytest.raises(DomainError, match="Only the practice can edit a project; ask your"):
        edit_project(project, actor=world.contact1, title="Mine")
    project.refresh_from_db()
    assert project.title == "Spring launch"
    assert url("project-edit", project) not in page_text(http.get(url("project-detail", project)))


# Status -------------------------------------------------------------------------------------


def test_practice_puts_on_hold_resumes_finishes_and_reopens(world: PracticeWorld) -> None:
    project = a_project(world)
    http = signed_in(world.assistant)
    for to, button in [
        ("on_hold", "Put on hold"),
        ("active", "Resume"),
        ("done", "Mark done"),
        ("active", "Reopen"),
    ]:
        assert f">{button}</button>" in page_text(http.get(url("project-detail", project)))
        response = http.post(url("project-status", project), {"to": to})
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.status == to
    text = words(http.get(url("project-detail", project)))
    for line in ["Put on hold by assistant", "Resumed by", "Marked done by", "Reopened by"]:
        assert line in text


def test_a_status_that_does_not_exist_is_refused(world: PracticeWorld) -> None:
    project = a_project(world)
    response = signed_in(world.owner).post(url("project-status", project), {"to": "paused"})
    assert response.status_code == 400
    assert "Pick a status: active, on hold or done." in page_text(response)
    with pytest.raises(DomainError, match="Pick a status"):
        change_project_status(project, actor=world.owner, to="turned_down")
    project.refresh_from_db()
    assert project.status == Status.ACTIVE


def archived_clients_project(world: PracticeWorld) -> Project:
    project = a_project(world)
    archive_client(world.client1, actor=world.owner)
    return project


@pytest.mark.parametrize(
    ("arrange", "to", "sentence"),
    [
        pytest.param(
            a_project, "active", "This project is already active.", id="the status it has"
        ),
        pytest.param(
            a_proposal,
            "on_hold",
            "Take the proposal on before changing its status.",
            id="a proposal not taken on yet",
        ),
        pytest.param(
            archived_clients_project,
            "done",
            "Restore Client A1 before changing its projects.",
            id="an archived client's project",
        ),
    ],
)
def test_a_status_change_that_cannot_be_made_is_explained(
    world: PracticeWorld, arrange: Callable[[PracticeWorld], Project], to: str, sentence: str
) -> None:
    project = arrange(world)
    response = signed_in(world.owner).post(url("project-status", project), {"to": to})
    assert response.status_code == 400
    assert sentence in page_text(response)


def test_contact_cannot_change_a_projects_status(world: PracticeWorld) -> None:
    project = a_project(world)
    http = signed_in(world.contact1)
    assert http.post(url("project-status", project), {"to": "done"}).status_code == 403
    with pytest.raises(DomainError, match="Only the practice can change a project's status"):
        change_project_status(project, actor=world.contact1, to=Status.DONE)
    assert ">Mark done</button>" not in page_text(http.get(url("project-detail", project)))
    project.refresh_from_db()
    assert project.status == Status.ACTIVE


def test_a_change_someone_else_made_first_is_not_overwritten(world: PracticeWorld) -> None:
    project = a_project(world)
    stale = Project.objects.get(pk=project.pk)
    change_project_status(project, actor=world.owner, to=Status.DONE)
    with pytest.raises(DomainError, match="Someone has just changed this project"):
        change_project_status(stale, actor=world.assistant, to=Status.ON_HOLD)
    assert Project.objects.get().status == Status.DONE


# Proposals ----------------------------------------------------------------------------------


def test_assistant_takes_a_proposal_on(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    http = signed_in(world.assistant)
    assert ">Take it on</button>" in page_text(http.get(url("project-detail", proposal)))
    response = http.post(url("project-take-on", proposal))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.is_proposal, proposal.status) == (False, Status.ACTIVE)
    text = words(signed_in(world.contact1).get(url("project-detail", proposal)))
    assert "Taken on by assistant" in text
    assert "proposed by contact1" in text


def test_owner_turns_a_proposal_down_and_the_contact_reads_why(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    http = signed_in(world.owner)
    response = http.post(url("project-turn-down", proposal), {"reason": " "})
    assert response.status_code == 400
    assert field_error(response, "reason") == (
        "Say why you are turning this proposal down, so the client knows."
    )
    response = http.post(url("project-turn-down", proposal), {"reason": "Not in our services"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.TURNED_DOWN
    text = page_text(signed_in(world.contact1).get(url("project-detail", proposal)))
    assert "This proposal was turned down: <q>Not in our services</q>" in text
    assert "Proposal turned down" in text


def test_contact_cannot_answer_their_own_proposal(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    http = signed_in(world.contact1)
    assert http.post(url("project-take-on", proposal)).status_code == 403
    assert http.post(url("project-turn-down", proposal), {"reason": "x"}).status_code == 403
    with pytest.raises(DomainError, match="Only the practice can take on a proposal"):
        take_on_proposal(proposal, actor=world.contact1)
    with pytest.raises(DomainError, match="Only the practice can turn down a proposal"):
        turn_down_proposal(proposal, actor=world.contact1, reason="x")
    proposal.refresh_from_db()
    assert proposal.is_proposal
    assert "Take it on" not in page_text(http.get(url("project-detail", proposal)))


def test_a_project_under_way_has_no_proposal_to_answer(world: PracticeWorld) -> None:
    project = a_project(world)
    response = signed_in(world.owner).post(url("project-take-on", project))
    assert response.status_code == 400
    assert "This project is already under way; there is no proposal to answer." in page_text(
        response
    )
    with pytest.raises(DomainError, match="already under way"):
        turn_down_proposal(project, actor=world.owner, reason="No")


def test_a_turned_down_proposal_no_longer_changes(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    turn_down_proposal(proposal, actor=world.owner, reason="Not now")
    for attempt in (
        lambda: take_on_proposal(proposal, actor=world.owner),
        lambda: edit_project(proposal, actor=world.owner, title="Again"),
        lambda: change_project_status(proposal, actor=world.owner, to=Status.ACTIVE),
    ):
        with pytest.raises(DomainError, match="was turned down; it can no longer change"):
            attempt()


# The proposer's edits ---------------------------------------------------------------------


def test_contact_edits_their_own_pending_proposal(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    http = signed_in(world.contact1)
    page = page_text(http.get(url("project-detail", proposal)))
    assert f'href="{url("proposal-edit", proposal)}">Edit proposal</a>' in page
    form_page = page_text(http.get(url("proposal-edit", proposal)))
    assert "Edit your proposal" in form_page
    assert 'value="Podcast guesting"' in form_page
    data = form_data(title="Podcast tour", goal="Twelve interviews", target_on="2027-02-01")
    response = http.post(url("proposal-edit", proposal), data, follow=True)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.goal, proposal.target_on) == (
        "Podcast tour",
        "Twelve interviews",
        date(2027, 2, 1),
    )
    assert (proposal.is_proposal, proposal.status) == (True, Status.ACTIVE)
    text = words(response)
    assert "Proposal saved." in text
    assert (
        "Edited (title, goal, what done looks like, target date) by contact1, 23 Nov 2026" in text
    )
    assert history(proposal) == [ProjectEvent.Kind.PROPOSED, ProjectEvent.Kind.EDITED]


def test_another_contact_of_the_same_client_cannot_edit_the_proposal(
    world: PracticeWorld,
) -> None:
    proposal = a_proposal(world)
    colleague = join(
        world.owner, "colleague@a.example.com", role=Role.CONTACT, client=world.client1
    )
    http = signed_in(colleague)
    page = page_text(http.get(url("project-detail", proposal)))
    assert "Podcast guesting" in page
    assert url("proposal-edit", proposal) not in page
    refusal = "Only the person who proposed this project can edit the proposal."
    for response in (
        http.get(url("proposal-edit", proposal)),
        http.post(url("proposal-edit", proposal), form_data(title="Mine now")),
    ):
        assert response.status_code == 400
        assert refusal in page_text(response)
    with pytest.raises(DomainError, match=refusal):
        edit_proposal(proposal, actor=colleague, title="Mine now")
    proposal.refresh_from_db()
    assert proposal.title == "Podcast guesting"
    assert history(proposal) == [ProjectEvent.Kind.PROPOSED]


@pytest.mark.parametrize(
    ("answer", "refusal"),
    [
        ("take_on", "The practice has taken this proposal on, so it is theirs to change now"),
        ("turn_down", "This proposal was turned down; it can no longer change."),
    ],
)
def test_once_the_practice_answers_the_proposer_can_no_longer_edit_it(
    world: PracticeWorld, answer: str, refusal: str
) -> None:
    proposal = a_proposal(world)
    if answer == "take_on":
        take_on_proposal(proposal, actor=world.assistant)
    else:
        turn_down_proposal(proposal, actor=world.owner, reason="Not now")
    http = signed_in(world.contact1)
    assert "Edit proposal" not in page_text(http.get(url("project-detail", proposal)))
    for response in (
        http.get(url("proposal-edit", proposal)),
        http.post(url("proposal-edit", proposal), form_data(title="Podcast tour")),
    ):
        assert response.status_code == 400
        assert refusal in page_text(response)
    with pytest.raises(DomainError, match=refusal):
        edit_proposal(proposal, actor=world.contact1, title="Podcast tour")
    proposal.refresh_from_db()
    assert proposal.title == "Podcast guesting"


def test_an_edit_racing_the_practices_answer_is_refused(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    seen_by_contact = Project.objects.get(pk=proposal.pk)
    take_on_proposal(proposal, actor=world.owner)
    with pytest.raises(DomainError, match="The practice has just answered this proposal"):
        edit_proposal(seen_by_contact, actor=world.contact1, title="Podcast tour")
    proposal.refresh_from_db()
    assert proposal.title == "Podcast guesting"
    assert ProjectEvent.Kind.EDITED not in history(proposal)


def test_editing_a_proposal_with_bad_input_keeps_what_was_typed(world: PracticeWorld) -> None:
    proposal = a_proposal(world)
    data = form_data(title=" ", goal="Twelve interviews", target_on="2026-11-22")
    response = signed_in(world.contact1).post(url("proposal-edit", proposal), data)
    assert response.status_code == 400
    assert field_error(response, "title") == "Give the project a title."
    assert field_error(response, "target_on") == (
        "The target date has already passed; pick today or a later day."
    )
    assert "Twelve interviews" in page_text(response)
    assert 'value="2026-11-22"' in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.title, proposal.goal) == ("Podcast guesting", "Ten interviews")
    assert history(proposal) == [ProjectEvent.Kind.PROPOSED]


def test_practice_edits_a_proposal_on_its_own_page_not_the_proposers(
    world: PracticeWorld,
) -> None:
    proposal = a_proposal(world)
    http = signed_in(world.owner)
    assert http.get(url("proposal-edit", proposal)).status_code == 403
    page = page_text(http.get(url("project-detail", proposal)))
    assert "Edit proposal" not in page
    assert f'href="{url("project-edit", proposal)}">Edit</a>' in page
    response = http.post(url("project-edit", proposal), form_data(title="Podcast season"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.is_proposal) == ("Podcast season", True)
    with pytest.raises(DomainError, match="Only the person who proposed this project"):
        edit_proposal(proposal, actor=world.owner, title="Podcast tour")


def test_proposal_form_renders_in_a_fixed_number_of_queries(
    world: PracticeWorld, django_assert_num_queries
) -> None:
    proposal = a_proposal(world)
    http = signed_in(world.contact1)
    # 1. the session, 2. the user with their membership and practice, 3. the project joined to its
    # client, practice and proposer, 4. the rule's check that the contact still sees it
    with django_assert_num_queries(4):
        response = http.get(url("proposal-edit", proposal))
    assert response.status_code == 200


# Scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "data"),
    [
        ("project-detail", None),
        ("project-edit", None),
        ("project-edit", form_data()),
        ("proposal-edit", None),
        ("proposal-edit", form_data()),
        ("project-status", {"to": "done"}),
        ("project-take-on", {}),
        ("project-turn-down", {"reason": "No"}),
    ],
)
@pytest.mark.parametrize("who", ["unassigned", "contact2", "other_owner"])
def test_people_who_cannot_see_the_client_get_404(
    personas: Personas, world: PracticeWorld, view: str, data: Any, who: str
) -> None:
    proposal = a_proposal(world)
    user = personas.b.owner if who == "other_owner" else world.persona(who)
    http = signed_in(user)
    response = (
        http.get(url(view, proposal)) if data is None else http.post(url(view, proposal), data)
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert (proposal.is_proposal, proposal.status) == (True, Status.ACTIVE)


def test_services_refuse_people_who_cannot_see_the_project(
    personas: Personas, world: PracticeWorld
) -> None:
    project = a_project(world)
    for user in (world.unassigned, personas.b.owner):
        with pytest.raises(DomainError, match="This project is not one of yours"):
            change_project_status(project, actor=user, to=Status.DONE)


# Lists and progress -------------------------------------------------------------------------


def test_client_page_and_portal_list_projects_in_status_order_with_progress(
    world: PracticeWorld,
) -> None:
    done = a_project(world, title="Zeta finished", target_on=None)
    change_project_status(done, actor=world.owner, to=Status.DONE)
    held = a_project(world, title="Eta paused")
    change_project_status(held, actor=world.owner, to=Status.ON_HOLD)
    turned_down = a_proposal(world, title="Theta refused")
    turn_down_proposal(turned_down, actor=world.owner, reason="No")
    active = a_project(world, title="Beta running")
    a_proposal(world, title="Alpha idea")
    tasks = [a_request(world, active) for _ in range(3)]
    move_task(tasks[0], to=TaskStatus.CANCELLED, actor=world.contact1, note="Not needed")
    for move in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        move_task(tasks[1], to=move, actor=world.assistant)
    deliver_task(tasks[1], actor=world.assistant, message="Done, see the shared folder.")
    move_task(tasks[1], to=TaskStatus.DONE, actor=world.contact1)

    client_page = reverse("home:client-detail", args=[world.client1.pk])
    for persona, page, action in [
        ("owner", client_page, "New project"),
        ("assistant", client_page, "New project"),
        ("contact1", "/portal/", "Propose a project"),
    ]:
        text = page_text(signed_in(world.persona(persona)).get(page))
        section = text.split('id="projects-h"')[1]
        order = [section.index(title) for title in ("Beta", "Alpha", "Eta", "Zeta", "Theta")]
        assert order == sorted(order), persona
        assert "target 23 Dec 2026 · 1 open · 1 done" in " ".join(section.split())
        assert "Proposal, awaiting the practice" in section
        assert "Proposal turned down" in section
        assert f">{action}</a>" in section


def test_empty_project_list_says_what_to_do(world: PracticeWorld) -> None:
    text = page_text(signed_in(world.contact1).get("/portal/"))
    assert "No projects yet. Propose one to group related requests" in text


def test_project_page_lists_its_tasks_open_first(world: PracticeWorld) -> None:
    project = a_project(world)
    closed = a_request(world, project, title="Closed one", deadline_at=NOW + timedelta(days=1))
    move_task(closed, to=TaskStatus.CANCELLED, actor=world.contact1, note="No")
    a_request(world, project, title="Later one", deadline_at=NOW + timedelta(days=5))
    a_request(world, project, title="Sooner one", deadline_at=NOW + timedelta(days=2))
    a_request(world, None, title="Outside")
    text = page_text(signed_in(world.contact1).get(url("project-detail", project)))
    assert text.index("Sooner one") < text.index("Later one") < text.index("Closed one")
    assert "Outside" not in text
    assert "Launch the new course in spring" in text
    assert "Sales page live and first mailing sent" in text
    assert "target Wednesday 23 December 2026" in text
    new_request = reverse("work:task-create", args=[world.client1.pk]) + f"?project={project.pk}"
    assert f'href="{new_request}"' in text


def test_only_active_projects_take_new_requests(world: PracticeWorld) -> None:
    project = a_project(world)
    change_project_status(project, actor=world.owner, to=Status.ON_HOLD)
    text = page_text(signed_in(world.owner).get(url("project-detail", project)))
    assert "New request in this project" not in text
    with pytest.raises(DomainError, match="is not an active project"):
        a_request(world, project)


# The request form ---------------------------------------------------------------------------


def request_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline": "Friday 5pm",
        "priority": "normal",
    } | overrides


def test_the_request_form_offers_the_clients_active_projects(world: PracticeWorld) -> None:
    project = a_project(world, title="Spring launch")
    held = a_project(world, title="Paused one")
    change_project_status(held, actor=world.owner, to=Status.ON_HOLD)
    a_proposal(world, title="Just an idea")
    http = signed_in(world.contact1)
    new = reverse("work:task-create", args=[world.client1.pk])
    content = http.get(new, {"project": project.pk}).content.decode()
    assert f'<option value="{project.pk}" selected>Spring launch</option>' in content
    assert "Paused one" not in content
    assert "Just an idea" not in content
    response = http.post(new, request_data(project=project.pk))
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.project == project
    task_page = page_text(http.get(response["Location"]))
    assert f'<a href="{url("project-detail", project)}">Spring launch</a>' in task_page


def test_a_project_of_another_client_is_refused_in_the_request_form(
    world: PracticeWorld,
) -> None:
    a_project(world)
    other = start_project(world.client2, actor=world.owner, title="Client 2's project")
    new = reverse("work:task-create", args=[world.client1.pk])
    response = signed_in(world.owner).post(new, request_data(project=other.pk))
    assert response.status_code == 400
    assert field_error(response, "project") == "Pick one of this client's active projects, or none."
    assert not Task.objects.exists()


def test_a_request_without_a_project_is_fine(world: PracticeWorld) -> None:
    a_project(world)
    new = reverse("work:task-create", args=[world.client1.pk])
    response = signed_in(world.contact1).post(new, request_data(project=""))
    assert response.status_code == 302
    assert Task.objects.get().project is None


# Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 50])
def test_project_page_queries_do_not_grow_with_tasks(
    world: PracticeWorld, rows: int, django_assert_num_queries
) -> None:
    project = a_project(world)
    for i in range(rows):
        a_request(world, project, title=f"Request {i:02}", assignee=world.assistant)
        edit_project(project, actor=world.owner, title=f"Spring launch {i}")
    http = signed_in(world.contact1)
    # 1. the session, 2. the user with their membership and practice, 3. the project joined to its
    # client, practice and proposer, 4. its tasks joined to their assignees, 5. its history with
    # actors
    with django_assert_num_queries(5):
        response = http.get(url("project-detail", project))
    assert len(response.context["tasks"]) == rows
    assert len(response.context["events"]) == rows + 1


def many_projects(world: PracticeWorld, rows: int) -> None:
    for i in range(rows):
        project = a_project(world, title=f"Project {i:02}")
        a_request(world, project)
        if i % 3 == 1:
            change_project_status(project, actor=world.owner, to=Status.ON_HOLD)
        a_proposal(world, title=f"Idea {i:02}")


@pytest.mark.parametrize("rows", [2, 50])
def test_client_page_queries_do_not_grow_with_projects(
    world: PracticeWorld, rows: int, django_assert_num_queries
) -> None:
    many_projects(world, rows)
    http = signed_in(world.owner)
    # 1-2. session, the user with their membership; 3. the client, 4. its contacts, 5. its
    # assistants, 6. pending invitations, 7. members who could be assigned, 8. open requests, 9.
    # when each waiting request went to the client (what needs attention), 10. its projects with
    # their task counts, 11. its agreements waiting or in force (issue 14), 12. the references
    # checked about it
    with django_assert_num_queries(12):
        response = http.get(reverse("home:client-detail", args=[world.client1.pk]))
    assert response.content.decode().count('href="/projects/') == 2 * rows


def test_portal_queries_do_not_grow_with_projects(world: PracticeWorld) -> None:
    http = signed_in(world.contact1)
    many_projects(world, 2)
    with CaptureQueriesContext(connection) as few:
        response = http.get("/portal/")
    assert response.content.decode().count('href="/projects/') == 4
    many_projects(world, 48)
    with CaptureQueriesContext(connection) as many:
        response = http.get("/portal/")
    assert response.content.decode().count('href="/projects/') == 100
    assert len(many.captured_queries) == len(few.captured_queries)


# The demo practice --------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_has_an_active_a_paused_and_a_proposed_project_loaded_once() -> None:
    assert demo.load()
    projects = {p.title: p for p in Project.objects.select_related("client", "proposed_by")}
    season = projects["Christmas season"]
    assert (season.client.name, season.status, season.is_proposal) == (
        "Bloom Florist",
        Status.ACTIVE,
        False,
    )
    assert season.tasks.count() == 3
    workshop = projects["January workshop"]
    assert (workshop.status, list(workshop.tasks.values_list("status", flat=True))) == (
        Status.ON_HOLD,
        [TaskStatus.CANCELLED],
    )
    proposal = projects["Document retention schedule"]
    assert (proposal.is_proposal, proposal.proposed_by.email) == (
        True,
        "priya@harbour.example.com",
    )
    assert not demo.load()
    assert Project.objects.count() == 3
    assert ProjectEvent.objects.count() == 4
