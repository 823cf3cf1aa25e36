"""Trust in phases (issue 13): the policy's answer for work above the client's phase, the
catalogue, go-aheads on a request and standing for a kind, and the client's phase changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from tandem.clients.models import Client, Phase
from tandem.core import access
from tandem.core.access import Delegated
from tandem.core.audit import Action, AuditEntry
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.delegation import services as delegation
from tandem.delegation.catalogue import DEFAULT_KINDS
from tandem.delegation.models import PhaseChange, StandingGoAhead, WorkKind
from tandem.work import go_aheads
from tandem.work.kinds import SUGGEST
from tandem.work.models import Task, TaskEvent, TaskStatus
from tandem.work.services import accept_and_start, create_task, move_task
from tandem.work.workflow import allowed_moves
from tests.conftest import Personas, PracticeWorld, field_error, page_text, signed_in

pytestmark = pytest.mark.django_db

C = Capability


def kind(world: PracticeWorld, name: str) -> WorkKind:
    return WorkKind.objects.get(practice=world.practice, name=name)


def request_of(world: PracticeWorld, kind_name: str | None, **fields: object) -> Task:
    named = kind(world, kind_name) if kind_name else None
    task = create_task(
        world.client1,
        actor=world.contact1,
        title=str(fields.pop("title", "Run my calendar next week")),
        expectations="Every meeting in the calendar",
        deadline_at=timezone.now() + timedelta(days=5),
        kind=named,
        **fields,  # type: ignore[arg-type]
    )
    return Task.objects.select_related("client", "kind").get(pk=task.pk)


# The policy's table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    kind_phase: int | None
    has_go_ahead: bool


@pytest.mark.parametrize(
    ("kind_phase", "client_phase", "go_ahead", "persona"),
    list(product([None, 1, 2, 3], [1, 2, 3], [False, True], ["owner", "assistant", "contact1"])),
)
def test_the_policy_decides_work_by_kind_phase_and_go_ahead(
    personas: Personas, kind_phase: int | None, client_phase: int, go_ahead: bool, persona: str
) -> None:
    world = personas.a
    client = Client.objects.get(pk=world.client1.pk)
    client.phase = client_phase
    standing = access.standing(world.persona(persona), client)
    work = Work(kind_phase, go_ahead)
    above = kind_phase is not None and kind_phase > client_phase
    for capability in (C.TAKE_ON_REQUEST, C.START_WORK):
        found = access.delegation(standing, capability, work)
        if persona == "contact1":
            assert found == Delegated.REFUSED
        elif above and not go_ahead:
            assert found == Delegated.NEEDS_GO_AHEAD
        else:
            assert found == Delegated.ALLOWED
    # Commenting and cancelling are never held back by the phase.
    assert access.delegation(standing, C.COMMENT, work) == Delegated.ALLOWED
    # Only the client's side gives a go-ahead, and only where one is wanted.
    wanted = persona == "contact1" and above and not go_ahead
    assert access.may_give_go_ahead(standing, work) == wanted


def test_the_default_catalogue_comes_with_every_new_practice(personas: Personas) -> None:
    for world in (personas.a, personas.b):
        kinds = WorkKind.objects.filter(practice=world.practice)
        assert kinds.count() == len(DEFAULT_KINDS)
        assert {k.phase for k in kinds} == {1, 2, 3}


def test_a_kind_is_suggested_from_the_request_words(personas: Personas) -> None:
    kinds = list(WorkKind.objects.filter(practice=personas.a.practice))
    found = delegation.suggest_kind(kinds, "Update the mailing list", "Add the new subscribers")
    assert found is not None
    assert found.name == "Mailing lists"
    found = delegation.suggest_kind(kinds, "Chase the Jones leads in the pipeline", "")
    assert found is not None
    assert found.name == "Tracking the sales pipeline"
    assert delegation.suggest_kind(kinds, "Hello", "nothing to see") is None


def test_mail_requests_name_the_suggested_kind(personas: Personas) -> None:
    world = personas.a
    task = create_task(
        world.client1,
        actor=world.contact1,
        title="Order more office supplies",
        expectations="Paper and toner",
        deadline_at=timezone.now() + timedelta(days=5),
        kind=SUGGEST,
    )
    assert task.kind is not None
    assert task.kind.name == "Ordering supplies"


# Above the phase ---------------------------------------------------------------------------


def test_work_above_the_phase_cannot_be_accepted_or_started_until_the_go_ahead(
    personas: Personas,
) -> None:
    world = personas.a
    task = request_of(world, "Running the calendar")
    moves = {move.to for move in allowed_moves(task, world.assistant)}
    assert TaskStatus.ACCEPTED not in moves
    assert TaskStatus.DECLINED in moves  # saying no is always possible
    with pytest.raises(DomainError, match="waits for the client's go-ahead"):
        move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    with pytest.raises(DomainError, match="waits for the client's go-ahead"):
        accept_and_start(task, actor=world.owner)
    task.refresh_from_db()
    assert task.status == TaskStatus.REQUESTED

    go_aheads.give_go_ahead(task, actor=world.contact1)
    task = Task.objects.select_related("client", "kind").get(pk=task.pk)
    assert task.go_ahead_by == world.contact1
    assert not task.go_ahead_standing
    accept_and_start(task, actor=world.assistant)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    said = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.EDITED).last()
    assert said is not None
    assert said.changes["go_ahead"]["phase"] == "Phase III"


def test_work_within_the_phase_or_without_a_kind_goes_ahead(personas: Personas) -> None:
    world = personas.a
    for name in ("Mailing lists", None):
        task = request_of(world, name, title="Tidy the list")
        move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)


@pytest.mark.parametrize(
    ("who", "setup", "message"),
    [
        ("assistant", None, "Only the client gives the go-ahead"),
        ("contact1", "within", "needs no go-ahead"),
        ("contact1", "twice", "gave the go-ahead for this request already"),
        ("contact1", "started", "has started already"),
    ],
)
def test_a_go_ahead_is_refused_where_it_means_nothing(
    personas: Personas, who: str, setup: str | None, message: str
) -> None:
    world = personas.a
    task = request_of(world, "Mailing lists" if setup == "within" else "Running the calendar")
    if setup == "twice":
        go_aheads.give_go_ahead(task, actor=world.contact1)
    if setup == "started":
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS)
        task.refresh_from_db()
    with pytest.raises(DomainError, match=message):
        go_aheads.give_go_ahead(task, actor=world.persona(who))


def test_a_go_ahead_for_another_clients_request_is_missing(personas: Personas) -> None:
    task = request_of(personas.a, "Running the calendar")
    response = signed_in(personas.a.contact2).post(f"/tasks/{task.pk}/go-ahead/")
    assert response.status_code == 404
    response = signed_in(personas.b.contact1).post(f"/tasks/{task.pk}/go-ahead/")
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.go_ahead_at is None


def test_a_standing_go_ahead_covers_open_and_new_requests_of_the_kind(personas: Personas) -> None:
    world = personas.a
    waiting = request_of(world, "Running the calendar")
    other = request_of(world, "Scheduling appointments", title="Set up the meeting")
    go_aheads.give_go_ahead(waiting, actor=world.contact1, for_the_kind=True)
    assert StandingGoAhead.objects.in_force().filter(client=world.client1).count() == 1
    later = request_of(world, "Running the calendar", title="Calendar for December")
    assert later.has_go_ahead
    assert later.go_ahead_standing
    other.refresh_from_db()
    assert not other.has_go_ahead  # another kind still waits

    standing = StandingGoAhead.objects.get(client=world.client1)
    go_aheads.withdraw_standing_go_ahead(standing, actor=world.contact1)
    again = request_of(world, "Running the calendar", title="Calendar for January")
    assert not again.has_go_ahead


def test_the_go_ahead_page_and_button_for_the_client(personas: Personas) -> None:
    world = personas.a
    task = request_of(world, "Running the calendar")
    http = signed_in(world.contact1)
    page = http.get(f"/tasks/{task.pk}/go-ahead/")
    assert page.status_code == 200
    assert "Phase III work" in page_text(page)
    detail = page_text(http.get(f"/tasks/{task.pk}/"))
    assert "Your go-ahead is needed" in detail
    practice_view = page_text(signed_in(world.assistant).get(f"/tasks/{task.pk}/"))
    assert "Above phase, waiting for the go-ahead" in practice_view
    response = http.post(f"/tasks/{task.pk}/go-ahead/", {"for_the_kind": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.has_go_ahead
    assert "Above phase" not in page_text(signed_in(world.assistant).get(f"/tasks/{task.pk}/"))


# The kind of a request ---------------------------------------------------------------------


def test_the_practice_changes_the_kind_and_the_timeline_says_so(personas: Personas) -> None:
    world = personas.a
    task = request_of(world, "Running the calendar")
    research = kind(world, "Research")
    response = signed_in(world.assistant).post(f"/tasks/{task.pk}/kind/", {"kind": research.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.kind_id == research.pk
    text = page_text(signed_in(world.contact1).get(f"/tasks/{task.pk}/"))
    assert "changed its kind of work from “running the calendar” to “research”" in text.lower()


def test_the_client_changes_the_kind_only_before_acceptance(personas: Personas) -> None:
    world = personas.a
    task = request_of(world, "Mailing lists", title="Tidy the list")
    go_aheads.set_kind(task, actor=world.contact1, kind=kind(world, "Research"))
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    with pytest.raises(DomainError, match="has accepted this request"):
        go_aheads.set_kind(task, actor=world.contact1, kind=kind(world, "Mailing lists"))
    response = signed_in(world.contact1).post(
        f"/tasks/{task.pk}/kind/", {"kind": kind(world, "Mailing lists").pk}
    )
    assert response.status_code == 400
    assert "has accepted this request" in page_text(response)
    # What was chosen stays chosen on the page that said no.
    assert f'value="{kind(world, "Mailing lists").pk}" checked' in response.content.decode()


def test_the_request_form_names_the_kind_or_lets_tandem_suggest(personas: Personas) -> None:
    world = personas.a
    http = signed_in(world.contact1)
    page = page_text(http.get(f"/clients/{world.client1.pk}/requests/new/"))
    assert "Let Tandem suggest one from the words" in page
    form = {
        "title": "Tidy the mailing list",
        "expectations": "No duplicates",
        "deadline": "in 5 days",
        "priority": "normal",
    }
    http.post(f"/clients/{world.client1.pk}/requests/new/", form | {"kind": ""})
    suggested = Task.objects.get(title="Tidy the mailing list")
    assert suggested.kind is not None
    assert suggested.kind.name == "Mailing lists"
    chosen = kind(world, "Running the calendar")
    http.post(
        f"/clients/{world.client1.pk}/requests/new/", form | {"title": "Mine", "kind": chosen.pk}
    )
    assert Task.objects.get(title="Mine").kind_id == chosen.pk
    http.post(
        f"/clients/{world.client1.pk}/requests/new/", form | {"title": "None", "kind": "none"}
    )
    assert Task.objects.get(title="None").kind_id is None
    refused = http.post(
        f"/clients/{world.client1.pk}/requests/new/", form | {"title": "Odd", "kind": "99999"}
    )
    assert refused.status_code == 400
    assert "Choose a kind of work from the list" in field_error(refused, "kind")
    assert 'value="Odd"' in refused.content.decode()


def test_a_kind_of_another_practice_is_refused(personas: Personas) -> None:
    world = personas.a
    task = request_of(world, "Mailing lists", title="Tidy the list")
    theirs = kind(personas.b, "Research")
    with pytest.raises(DomainError, match="from the practice's catalogue"):
        go_aheads.set_kind(task, actor=world.assistant, kind=theirs)
    response = signed_in(world.assistant).post(f"/tasks/{task.pk}/kind/", {"kind": theirs.pk})
    assert response.status_code == 400
    assert "from the practice's catalogue" in page_text(response)
    task.refresh_from_db()
    assert task.kind is not None
    assert task.kind.name == "Mailing lists"


# The catalogue -----------------------------------------------------------------------------


def test_the_owner_adds_edits_and_retires_kinds(personas: Personas) -> None:
    world = personas.a
    http = signed_in(world.owner)
    assert "Running the calendar" in page_text(http.get("/settings/catalogue/"))
    response = http.post(
        "/settings/catalogue/",
        {"name": "Booking travel", "phase": "2", "mode": "proactive", "risk_note": "Spends money"},
    )
    assert response.status_code == 302
    travel = kind(world, "Booking travel")
    response = http.post(
        f"/settings/catalogue/{travel.pk}/",
        {"name": "Booking travel", "phase": "3", "mode": "proactive", "keywords": "flights"},
    )
    assert response.status_code == 302
    travel.refresh_from_db()
    assert travel.phase == 3
    assert travel.keywords == "flights"
    http.post(f"/settings/catalogue/{travel.pk}/retire/")
    travel.refresh_from_db()
    assert travel.retired_at is not None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "phase": "1", "mode": "reactive"}, "name", "Name the kind of work"),
        ({"name": "Filing", "phase": "", "mode": "reactive"}, "phase", "Choose the phase"),
        (
            {"name": "Filing", "phase": "4", "mode": "reactive"},
            "phase",
            "Choose Phase I, II or III",
        ),
        ({"name": "Filing", "phase": "1", "mode": "sideways"}, "mode", "reactive or proactive"),
        ({"name": "Research", "phase": "1", "mode": "reactive"}, "name", "already has a kind"),
    ],
)
def test_a_kind_with_bad_input_is_refused_and_kept(
    personas: Personas, data: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(personas.a.owner).post("/settings/catalogue/", data)
    assert response.status_code == 400
    assert message in field_error(response, field)
    if data["name"]:
        assert f'value="{data["name"]}"' in response.content.decode()


# The phase ---------------------------------------------------------------------------------


def test_the_client_promotes_and_the_new_phase_work_is_allowed_at_once(
    personas: Personas,
) -> None:
    world = personas.a
    task = request_of(world, "Confirming appointments", title="Confirm the dentist")
    with pytest.raises(DomainError):
        move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    http = signed_in(world.contact1)
    response = http.post(f"/clients/{world.client1.pk}/phase/", {"to_phase": "2", "note": "Ready"})
    assert response.status_code == 302
    task = Task.objects.select_related("client", "kind").get(pk=task.pk)
    assert task.client.phase == Phase.ADMINISTRATIVE
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    change = PhaseChange.objects.get(client=world.client1)
    assert (change.from_phase, change.to_phase, change.changed_by) == (1, 2, world.contact1)
    assert AuditEntry.objects.filter(
        action=Action.PHASE_CHANGED, client_id=world.client1.pk
    ).exists()
    # Both sides read the history.
    assert "moved up from Phase I" in page_text(
        signed_in(world.assistant).get(f"/clients/{world.client1.pk}/phase/")
    )


def test_a_reversal_restores_what_was_allowed_before(personas: Personas) -> None:
    world = personas.a
    change = delegation.change_phase(world.client1, actor=world.contact1, to_phase=3)
    task = request_of(world, "Running the calendar")
    assert TaskStatus.ACCEPTED in {m.to for m in allowed_moves(task, world.assistant)}
    response = signed_in(world.contact1).post(
        f"/clients/{world.client1.pk}/phase/{change.pk}/reverse/"
    )
    assert response.status_code == 302
    task = Task.objects.select_related("client", "kind").get(pk=task.pk)
    assert task.client.phase == 1
    assert TaskStatus.ACCEPTED not in {m.to for m in allowed_moves(task, world.assistant)}
    assert PhaseChange.objects.get(reverses=change).to_phase == 1


def test_the_practice_may_step_back_but_not_promote(personas: Personas) -> None:
    world = personas.a
    with pytest.raises(DomainError, match="Only the client decides"):
        delegation.change_phase(world.client1, actor=world.owner, to_phase=2)
    delegation.change_phase(world.client1, actor=world.contact1, to_phase=3)
    delegation.change_phase(world.client1, actor=world.owner, to_phase=2, note="More care")
    world.client1.refresh_from_db()
    assert world.client1.phase == 2
    with pytest.raises(DomainError):
        delegation.change_phase(world.client1, actor=world.assistant, to_phase=1)


@pytest.mark.parametrize(
    ("to_phase", "message"),
    [("4", "no phase beyond III"), ("", "Choose the phase"), ("1", "already in Phase I")],
)
def test_a_phase_change_with_bad_input_is_refused(
    personas: Personas, to_phase: str, message: str
) -> None:
    world = personas.a
    response = signed_in(world.contact1).post(
        f"/clients/{world.client1.pk}/phase/", {"to_phase": to_phase, "note": "kept"}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert "kept" in response.content.decode()


def test_promoting_past_phase_three_is_refused_by_the_service(personas: Personas) -> None:
    with pytest.raises(DomainError, match="Phase III is the last phase"):
        delegation.change_phase(personas.a.client1, actor=personas.a.contact1, to_phase=4)


def test_another_clients_phase_page_is_missing(personas: Personas) -> None:
    assert (
        signed_in(personas.a.contact2).get(f"/clients/{personas.a.client1.pk}/phase/").status_code
        == 404
    )
    assert (
        signed_in(personas.b.owner).get(f"/clients/{personas.a.client1.pk}/phase/").status_code
        == 404
    )


# Where the practice and the client see it ---------------------------------------------------


def test_the_inbox_offers_no_accept_for_work_waiting_for_the_go_ahead(personas: Personas) -> None:
    world = personas.a
    waiting = request_of(world, "Running the calendar")
    within = request_of(world, "Mailing lists", title="Tidy the list")
    text = signed_in(world.assistant).get("/inbox/").content.decode()
    row = text[text.index(f'id="inbox-task-{waiting.pk}"') :]
    row = row[: row.index("</li>")]
    assert (
        "Waiting for the client&#x27;s go-ahead" in row
        or "Waiting for the client's go-ahead" in row
    )
    assert "Accept and start" not in row
    other = text[text.index(f'id="inbox-task-{within.pk}"') :]
    assert "Accept and start" in other[: other.index("</li>")]


def test_the_board_offers_no_accept_for_work_waiting_for_the_go_ahead(personas: Personas) -> None:
    from tandem.work.selectors_day import client_board

    world = personas.a
    waiting = request_of(world, "Running the calendar")
    within = request_of(world, "Mailing lists", title="Tidy the list")
    board = client_board(viewer=world.assistant, client=world.client1, now=timezone.now())
    cards = {card.pk: card for column in board.columns for card in column.cards}
    assert "accepted" not in {str(move.to) for move in cards[waiting.pk].moves}
    assert "accepted" in {str(move.to) for move in cards[within.pk].moves}


def test_the_portal_lists_requests_waiting_for_the_go_ahead(personas: Personas) -> None:
    world = personas.a
    waiting = request_of(world, "Running the calendar")
    request_of(world, "Mailing lists", title="Tidy the list")
    text = page_text(signed_in(world.contact1).get("/portal/"))
    assert "Waiting for your go-ahead" in text
    section = text[text.index("Waiting for your go-ahead") :]
    section = section[: section.index("</section>")]
    assert waiting.title in section
    assert "Tidy the list" not in section
    go_aheads.give_go_ahead(waiting, actor=world.contact1)
    assert "Waiting for your go-ahead" not in page_text(signed_in(world.contact1).get("/portal/"))


def test_the_client_is_asked_for_the_go_ahead_by_mail_once(personas: Personas) -> None:
    from tandem.core.mail import OutboundEmail, readable_bodies
    from tests.reactions import react_now

    world = personas.a
    task = request_of(world, "Running the calendar")
    request_of(world, "Mailing lists", title="Tidy the list")
    react_now()
    asked = OutboundEmail.objects.filter(subject__startswith="Your go-ahead, please")
    assert list(asked.values_list("to", flat=True)) == [world.contact1.email]
    text, _ = readable_bodies(asked.get())
    assert f"/tasks/{task.pk}/go-ahead/" in text
    # A kind changed to one above the phase asks too; asking again for the same one does not.
    other = request_of(world, "Mailing lists", title="Sort the diary")
    go_aheads.set_kind(other, actor=world.assistant, kind=kind(world, "Running the calendar"))
    go_aheads.set_kind(other, actor=world.assistant, kind=kind(world, "Research"))
    go_aheads.set_kind(other, actor=world.assistant, kind=kind(world, "Running the calendar"))
    react_now()
    assert asked.count() == 2


# Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_the_catalogue_costs_the_same_whatever_its_size(
    personas: Personas, extra: int, django_assert_num_queries
) -> None:
    world = personas.a
    for number in range(extra):
        delegation.add_kind(
            actor=world.owner, name=f"Kind {number}", phase=1 + number % 3, mode="reactive"
        )
    http = signed_in(world.owner)
    # 1-2. session, the user with their membership; 3. the practice's kinds in use
    with django_assert_num_queries(3):
        response = http.get("/settings/catalogue/")
    assert (
        sum(len(kinds) for _, kinds in response.context["by_phase"]) == len(DEFAULT_KINDS) + extra
    )


@pytest.mark.parametrize("changes", [1, 12])
def test_the_phase_page_costs_the_same_whatever_its_history(
    personas: Personas, changes: int, django_assert_num_queries
) -> None:
    world = personas.a
    for number in range(changes):
        delegation.change_phase(
            world.client1, actor=world.contact1, to_phase=2 if number % 2 == 0 else 1
        )
    go_aheads.give_standing_go_ahead(
        world.client1, kind(world, "Running the calendar"), actor=world.contact1
    )
    http = signed_in(world.contact1)
    # 1-2. session, the user with their membership; 3. the client; 4. the catalogue; 5. the history
    # with who changed it; 6. the standing go-aheads with their kinds
    with django_assert_num_queries(6):
        response = http.get(f"/clients/{world.client1.pk}/phase/")
    assert len(response.context["history"]) == changes
