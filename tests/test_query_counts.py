"""List pages cost the same number of queries with 2 rows as with 30.

A count that grows with the rows is an N+1: a query per row hidden in a template or a
property. Every page starts with the same two queries, before the page's own:

    1. the session
    2. the signed-in user joined to their membership and its practice
       (accounts.backends.MemberBackend; TenancyMiddleware reads it)
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tandem.clients.services import assign_assistant, create_client
from tandem.core.roles import Role
from tandem.planning.owed import answer_owed, ask_client
from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_comment, create_task, move_task
from tests.conftest import Personas, PracticeWorld, join, signed_in

SIZES = [2, 30]


def populate(world: PracticeWorld, rows: int) -> None:
    """``rows`` more of everything a list shows: clients with an assistant and a contact,
    assistants working on client 1, contacts of client 1, and their audit entries."""
    domain = "more.example.com"
    for i in range(rows):
        client = create_client(actor=world.owner, name=f"Extra {i:02}", time_zone="UTC")
        assign_assistant(client, assistant=world.assistant, actor=world.owner)
        join(world.owner, f"contact{i}@{domain}", role=Role.CONTACT, client=client)
        helper = join(world.owner, f"helper{i}@{domain}", role=Role.ASSISTANT)
        assign_assistant(world.client1, assistant=helper, actor=world.owner)
        join(world.owner, f"colleague{i}@{domain}", role=Role.CONTACT, client=world.client1)


@pytest.mark.parametrize("rows", SIZES)
def test_owner_client_list(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.owner)
    # 3. count of clients (paginator), 4. the page of clients with a contact count,
    # 5. their assignments joined to the assistants (prefetch)
    with django_assert_num_queries(5):
        response = http.get("/clients/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows + 2


@pytest.mark.parametrize("rows", SIZES)
def test_assistant_client_list(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.assistant)
    # 3. count of assigned clients, 4. the page of them, 5. their assignments (prefetch)
    with django_assert_num_queries(5):
        response = http.get("/clients/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows + 1


@pytest.mark.parametrize("rows", SIZES)
def test_people_page(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.owner)
    # 3. owners and assistants joined to their users, with a client count,
    # 4. pending invitations joined to client and inviter
    with django_assert_num_queries(4):
        response = http.get("/people/")
    assert response.status_code == 200
    assert len(response.context["page"].members) == rows + 3


@pytest.mark.parametrize("rows", SIZES)
def test_people_page_for_an_assistant(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.assistant)
    # 3. owners and assistants with a client count (assistants see no invitations: no query)
    with django_assert_num_queries(3):
        response = http.get("/people/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES)
def test_audit_log(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.owner)
    # 3. a page of entries joined to actors (the "Who" filter is an address, not a list)
    with django_assert_num_queries(3):
        response = http.get("/audit/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES)
def test_portal_home(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.contact1)
    # 3. the contact's client, 4. its assistants and contacts joined to users (one UNION
    # ALL), 5.-6. its work in sections (totals by status, then each section's first rows
    # and its requests waiting for its go-ahead, in one UNION ALL), 7. its latest changes
    # and comments (one UNION ALL), 8. its projects with progress, 9. what the practice
    # asked it for (planning), 10. its heads-ups still coming, 11. its latest weekly
    # check-in (planning), 12. the next phase suggested to it (issue 13), 13. its
    # agreements waiting for a signature or in force (issue 14)
    with django_assert_num_queries(13):
        response = http.get("/portal/")
    assert response.status_code == 200
    assert len(response.context["page"].assistants) == rows + 1


def populate_tasks(world: PracticeWorld, rows: int) -> Task:
    """``rows`` open requests of client 1, the last one with ``rows`` comments and moves."""
    deadline_at = timezone.now() + timedelta(days=7)
    for i in range(rows):
        task = create_task(
            world.client1,
            actor=world.contact1,
            title=f"Request {i:02}",
            expectations="Done",
            deadline_at=deadline_at,
            assignee=world.assistant,
        )
    move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
    for i in range(rows):
        add_comment(task, actor=world.contact1 if i % 2 else world.assistant, body_markdown="*Hi*")
    return task


@pytest.mark.parametrize("rows", SIZES)
def test_portal_home_with_requests(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    populate_tasks(personas.a, rows)
    http = signed_in(personas.a.contact1)
    # 3. the client, 4. its assistants and contacts, 5.-6. its work in sections and its
    # requests waiting for its go-ahead, 7. its latest changes and comments, 8. its
    # projects with progress, 9. what the practice asked it for (planning), 10. its
    # heads-ups still coming, 11. its latest weekly check-in, 12. the next phase suggested
    # to it, 13. its agreements
    with django_assert_num_queries(13):
        response = http.get("/portal/")
    assert response.context["page"].sections["in_progress"].total == rows


@pytest.mark.parametrize("rows", SIZES)
def test_client_detail_with_requests(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    world = personas.a
    populate_tasks(world, rows)
    flag_tasks(world, rows)
    check_references(world, rows)
    http = signed_in(world.owner)
    # 3. the client joined to its practice, 4. its contacts, 5. its assistants,
    # 6. its pending invitations, 7. the members who could be assigned, 8. its open requests,
    # 9. since when each waiting one has waited, 10. its projects with progress, 11. its
    # agreements waiting for a signature or in force (issue 14), 12. the references checked
    # about it with who recorded each
    with django_assert_num_queries(12):
        response = http.get(f"/clients/{world.client1.pk}/")
    # Every open request is listed once, and the flagged ones again under "Needs attention".
    assert response.content.decode().count("/tasks/") == 3 * rows + 2 * rows
    flags = response.context["page"].flags
    assert (len(flags.overdue), len(flags.waiting)) == (rows, rows)
    assert all(row.since is not None for row in flags.waiting)


def check_references(world: PracticeWorld, rows: int) -> None:
    """``rows`` references checked about client 1, by the owner and the assistant in turn."""
    from datetime import date

    from tandem.references.checks import record_check

    for i in range(rows):
        record_check(
            world.client1,
            actor=world.assistant if i % 2 else world.owner,
            source=f"Previous VA {i}",
            checked_on=date(2026, 1, 1) + timedelta(days=i),
            payment="on_time",
        )


def flag_tasks(world: PracticeWorld, rows: int) -> None:
    """``rows`` more requests of client 1 that are overdue, and ``rows`` waiting on it."""
    for i in range(2 * rows):
        task = create_task(
            world.client1,
            actor=world.contact1,
            title=f"Flagged {i:02}",
            expectations="Done",
            deadline_at=timezone.now() + timedelta(days=3),
            assignee=world.assistant,
        )
        if i < rows:
            Task.objects.filter(pk=task.pk).update(deadline_at=timezone.now() - timedelta(days=1))
            continue
        task = move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
        task = move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.assistant)
        move_task(
            task,
            to=TaskStatus.WAITING_ON_CLIENT,
            actor=world.assistant,
            waiting_for="The logo files",
            waiting_until=timezone.now() + timedelta(days=1),
        )


def populate_conversation(world: PracticeWorld, rows: int) -> Task:
    """The last request of ``populate_tasks`` with ``rows`` deliveries (each with a link),
    all but the last sent back: it ends delivered, awaiting the client's review."""
    task = populate_tasks(world, rows)
    for i in range(rows):
        deliver_task(
            task, actor=world.assistant, message=f"Draft {i}", links=["https://example.com/d"]
        )
        if i < rows - 1:
            move_task(task, to=TaskStatus.IN_PROGRESS, actor=world.contact1, note="Not yet")
    return task


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("persona", ["assistant", "contact1", "owner"])
def test_task_page(personas: Personas, rows: int, persona: str, django_assert_num_queries) -> None:
    task = populate_conversation(personas.a, rows)
    http = signed_in(personas.a.persona(persona))
    # 3. the task joined to its client, practice, assignee and creator, 4. whether the viewer
    # sees it (for the moves they may make; none for an owner), then the conversation: its
    # files joined to their uploaders, its changes joined to their actors' memberships and
    # deliveries, its comments joined to their authors' memberships, its checklist (a copy of
    # a repeating request adds one more, its series); for the practice, the
    # client's assistants (the reassign form); then the viewer's notifications about it
    # marked read (one UPDATE, after rendering)
    with django_assert_num_queries({"owner": 9, "assistant": 10, "contact1": 9}[persona]):
        response = http.get(f"/tasks/{task.pk}/")
    page = response.context["page"]
    # Created, accepted, started, the comments, the deliveries and the sendings back: the
    # latest shown, the rest behind "Show earlier entries".
    assert len(page.entries) + page.earlier_count == 3 + rows + rows + (rows - 1)
    assert page.latest_delivery is not None
    assert page.latest_delivery.body == f"<p>Draft {rows - 1}</p>\n"


@pytest.mark.parametrize("rows", SIZES)
def test_owner_dashboard(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.owner)
    # 3.-4. the day's totals and sections (tests/test_day.py), 5. the onboarding checklist
    # (one query of EXISTS), 6. the first clients with a contact count, 7. the requests
    # whose promised answer is late ("No answer yet"), 8. what clients owe past its date
    # ("Still waiting on the client")
    with django_assert_num_queries(8):
        response = http.get("/dashboard/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES)
def test_assistant_dashboard(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.assistant)
    # 3.-4. the day's totals and sections (tests/test_day.py), 5. the first assigned
    # clients with a contact count, 6. the requests whose promised answer is late, 7. what
    # clients owe past its date
    with django_assert_num_queries(7):
        response = http.get("/dashboard/")
    assert response.status_code == 200


# What the client owes (issue 12, planning) ---------------------------------------------------


def populate_owed(world: PracticeWorld, rows: int) -> Task:
    """A request of client 1 in progress owing ``rows`` things (every third answered), and
    ``rows`` more requests each owing one; all due in a minute."""
    task = populate_tasks(world, 1)
    soon = timezone.now() + timedelta(minutes=1)
    for i in range(rows):
        owed = ask_client(task, actor=world.assistant, what=f"Part {i:02}", due_at=soon)
        if i % 3 == 0:
            answer_owed(owed, actor=world.contact1)
        other = create_task(
            world.client1, actor=world.contact1, title=f"Owing {i:02}", expectations="Done",
            deadline_at=timezone.now() + timedelta(days=7),
        )  # fmt: skip
        ask_client(other, actor=world.owner, what=f"Piece {i:02}", due_at=soon)
    return task


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("persona", ["assistant", "contact1"])
def test_owed_panel(personas: Personas, rows: int, persona: str, django_assert_num_queries) -> None:
    task = populate_owed(personas.a, rows)
    http = signed_in(personas.a.persona(persona))
    # 3. the task joined to its client and practice, 4. its items joined to who asked and
    # who settled them, 5. the practice's reminder setting
    with django_assert_num_queries(5):
        response = http.get(f"/tasks/{task.pk}/owed/", headers={"HX-Request": "true"})
    assert response.content.decode().count('class="owed-item') == min(rows, 20)


@pytest.mark.parametrize("rows", SIZES)
def test_dashboards_and_portal_with_what_is_owed(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    world = personas.a
    populate_owed(world, rows)
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        # The owner's and the assistant's dashboards: as above, "Still waiting" included.
        for user, queries in ((world.owner, 8), (world.assistant, 7)):
            http = signed_in(user)
            with django_assert_num_queries(queries):
                response = http.get("/dashboard/")
            still = response.context["page"].still_waiting
            unanswered = rows - (rows + 2) // 3 + rows
            assert (len(still.items), still.has_more) == (min(unanswered, 10), unanswered > 10)
        http = signed_in(world.contact1)
        # The portal as above, its heads-ups and latest weekly check-in included.
        with django_assert_num_queries(13):
            response = http.get("/portal/")
    assert len(response.context["page"].owed) == min(rows + rows - (rows + 2) // 3, 10)


# Heads-ups (issue 12, planning) ------------------------------------------------------------


def populate_heads_ups(world: PracticeWorld, rows: int) -> None:
    """``rows`` heads-ups of client 1 (every third confirmed, every fourth withdrawn) and
    ``rows`` of client 2, given by their contacts."""
    from decimal import Decimal

    from tandem.planning.headsups import (
        confirm_heads_up,
        give_heads_up,
        size_of,
        withdraw_heads_up,
    )

    size = size_of(practice_id=world.practice.pk, hours=Decimal(2), letter="")
    for i in range(rows):
        for client, contact in ((world.client1, world.contact1), (world.client2, world.contact2)):
            heads_up = give_heads_up(
                client, actor=contact, what=f"Coming {i:02}", size=size,
                due_at=timezone.now() + timedelta(days=10 + i),
            )  # fmt: skip
            if i % 3 == 0:
                confirm_heads_up(heads_up, actor=world.owner)
            elif i % 4 == 1:
                withdraw_heads_up(heads_up, actor=contact)


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("persona", ["owner", "assistant", "contact1"])
def test_heads_ups_list(
    personas: Personas, rows: int, persona: str, django_assert_num_queries
) -> None:
    populate_heads_ups(personas.a, rows)
    http = signed_in(personas.a.persona(persona))
    path = "/portal/heads-ups/" if persona == "contact1" else "/heads-ups/"
    # 3. the heads-ups still coming joined to client and people, 4. the recently settled
    with django_assert_num_queries(4):
        response = http.get(path)
    assert response.status_code == 200
    assert response.content.decode().count('class="heads-up-item') == (
        2 * rows if persona == "owner" else rows
    )


@pytest.mark.parametrize("rows", SIZES)
def test_portal_home_with_heads_ups(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    populate_heads_ups(personas.a, rows)
    http = signed_in(personas.a.contact1)
    # As the portal above: its heads-ups still coming are one query, a few of them.
    with django_assert_num_queries(13):
        response = http.get("/portal/")
    withdrawn = sum(1 for i in range(rows) if i % 3 and i % 4 == 1)
    assert len(response.context["page"].heads_ups) == min(rows - withdrawn, 5)


def populate_check_ins(world: PracticeWorld, rows: int) -> None:
    """``rows`` more clients of the assistant, each with a contact and a check-in: a third
    prepared, a third sent, a third answered."""
    from tandem.planning import check_in_job
    from tandem.planning.check_in_times import week_start
    from tandem.planning.check_ins import answer_check_in, note_check_in
    from tandem.planning.models import CheckIn

    now = timezone.now()
    for i in range(rows):
        client = create_client(actor=world.owner, name=f"Checked {i:02}", time_zone="UTC")
        assign_assistant(client, assistant=world.assistant, actor=world.owner)
        contact = join(
            world.owner, f"checked{i}@more.example.com", role=Role.CONTACT, client=client
        )
        due = now + (timedelta(hours=12) if i % 3 == 0 else -timedelta(hours=1))
        check_in_job.prepare_batch(
            world.practice.pk, {client.pk: (week_start(due.date()), due)}, now=now
        )
        check_in = CheckIn.objects.get(client=client)
        if i % 3 == 0:
            note_check_in(check_in, actor=world.assistant, note="Back on Thursday.")
        check_in_job.send_practice(world.practice.pk, now=now)
        if i % 3 == 2:
            answer_check_in(check_in, actor=contact, answer="The spring catalogue.")


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("persona", ["owner", "assistant"])
def test_check_ins_page(
    personas: Personas, rows: int, persona: str, django_assert_num_queries
) -> None:
    populate_check_ins(personas.a, rows)
    http = signed_in(personas.a.persona(persona))
    # 3. the check-ins of the clients the viewer serves, with their clients, who noted and
    # who answered, 4. the practice's check-in schedule
    with django_assert_num_queries(4):
        response = http.get("/check-ins/")
    page = response.context["page"]
    assert len(page.to_go) + len(page.waiting) + len(page.answered) == rows


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("persona", ["assistant", "contact1"])
def test_check_in_page(
    personas: Personas, rows: int, persona: str, django_assert_num_queries
) -> None:
    from tandem.planning.models import CheckIn

    world = personas.a
    populate_check_ins(world, 1)
    for i in range(rows):
        create_task(
            world.client1, actor=world.contact1, title=f"Request {i:02}", expectations="Done",
            deadline_at=timezone.now() + timedelta(days=3), assignee=world.assistant,
        )  # fmt: skip
    from tandem.planning import check_in_job
    from tandem.planning.check_in_times import week_start

    now = timezone.now()
    due = now - timedelta(hours=1)
    week = {world.client1.pk: (week_start(due.date()), due)}
    check_in_job.prepare_batch(world.practice.pk, week, now=now)
    check_in_job.send_practice(world.practice.pk, now=now)
    check_in = CheckIn.objects.get(client=world.client1)
    http = signed_in(world.persona(persona))
    # 3. the check-in joined to its client, practice, who noted and who answered; what it
    # says is kept on it
    with django_assert_num_queries(3):
        response = http.get(f"/check-ins/{check_in.pk}/")
    assert response.content.decode().count("Request ") == min(rows, 10) * 2


@pytest.mark.parametrize("rows", [2, 30])
def test_portal_home_with_requests_waiting_for_the_go_ahead(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    from tandem.delegation.models import WorkKind

    world = personas.a
    calendar = WorkKind.objects.get(practice=world.practice, name="Running the calendar")
    for i in range(rows):
        create_task(
            world.client1,
            actor=world.contact1,
            title=f"Calendar {i}",
            expectations="Booked",
            deadline_at=timezone.now() + timedelta(days=3 + i),
            kind=calendar,
        )
    http = signed_in(world.contact1)
    # As the portal above: the requests waiting for the go-ahead are picked with the
    # sections' first rows, in the same query; a few of them.
    with django_assert_num_queries(13):
        response = http.get("/portal/")
    page = response.context["page"]
    assert [task.title for task in page.go_aheads] == [
        f"Calendar {i}" for i in range(min(rows, 10))
    ]
    # They are new requests too: "With your assistant" shows its own first few, no more.
    assert [task.title for task in page.sections["in_progress"].tasks] == [
        f"Calendar {i}" for i in range(min(rows, 5))
    ]


# Agreements (issue 14) ------------------------------------------------------------------------


def populate_agreements(world: PracticeWorld, rows: int) -> None:
    """``rows`` agreements of client 1 (withdrawn ones, one of each kind waiting)."""
    from tandem.agreements import services as agreements
    from tests import agreements_flow as flow

    for _ in range(rows):
        sent = flow.issue_and_send(world.client1, world.owner)
        agreements.withdraw_agreement(sent, actor=world.owner)
    flow.issue_and_send(world.client1, world.owner)
    flow.issue_and_send(world.client1, world.owner, "confidentiality")


@pytest.mark.parametrize("rows", SIZES)
def test_a_clients_agreements(personas: Personas, rows: int, django_assert_num_queries) -> None:
    world = personas.a
    populate_agreements(world, rows)
    http = signed_in(world.owner)
    # 3. the client joined to its practice, 4. its agreements waiting or in force, 5. all of
    # its agreements
    with django_assert_num_queries(5):
        response = http.get(f"/clients/{world.client1.pk}/agreements/")
    assert len(response.context["agreements"]) == rows + 2
    http = signed_in(world.contact1)
    with django_assert_num_queries(5):
        response = http.get(f"/clients/{world.client1.pk}/agreements/")
    assert len(response.context["agreements"]) == rows + 2


@pytest.mark.parametrize("rows", SIZES)
def test_an_agreement_page(personas: Personas, rows: int, django_assert_num_queries) -> None:
    from tandem.agreements.models import Agreement
    from tests import agreements_flow as flow

    world = personas.a
    populate_agreements(world, rows)
    agreement = Agreement.objects.filter(state="awaiting_client").first()
    flow.sign(agreement, world.contact1)
    http = signed_in(world.owner)
    # 3. the agreement joined to its client, practice and the version it amends, 4. its
    # signatures with their records, 5. its amendment, if any
    with django_assert_num_queries(5):
        response = http.get(f"/agreements/{agreement.pk}/")
    assert response.context["page"].signing_side == "practice"


# References, both ways (issue 14) -------------------------------------------------------------


def populate_references(world: PracticeWorld, rows: int) -> str:
    """``rows`` more clients, each with a contact; every other one agreed to be a reference,
    the others were asked; ``rows`` prospects asked through the link, half passed on. Returns
    the link's token."""
    from tandem.references import consents, links, prospects

    domain = "refs.example.com"
    agreeing = []
    for i in range(rows):
        client = create_client(actor=world.owner, name=f"Ref {i:02}", time_zone="UTC")
        contact = join(world.owner, f"ref{i}@{domain}", role=Role.CONTACT, client=client)
        if i % 2:
            consents.ask_to_be_reference(client, actor=world.owner)
            continue
        consents.give_consent(client, actor=contact, agreed=True, note="Quick")
        agreeing.append(client)
    link, token = links.make_link(actor=world.owner)
    for i in range(rows):
        asked = prospects.ask_for_references(
            link, name=f"Prospect {i}", email=f"p{i}@example.com", question="Quick?"
        )
        if i % 2:
            prospects.pass_on(asked, actor=world.owner, clients=agreeing[:2])
    return token


@pytest.mark.parametrize("rows", SIZES)
def test_references_page(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate_references(personas.a, rows)
    http = signed_in(personas.a.owner)
    # 3. the agreeing clients' consents with client and giver, 4. the active clients with
    # when each was last asked, 5. the live link, 6. the settings, 7. the requests waiting,
    # 8. the latest decided ones with who decided, 9. where those went, with the clients
    with django_assert_num_queries(9):
        response = http.get("/settings/references/")
    assert response.status_code == 200
    page = response.context["page"]
    assert (len(page.agreed), len(page.waiting)) == ((rows + 1) // 2, rows - rows // 2)


@pytest.mark.parametrize("rows", SIZES)
def test_public_references_page(personas: Personas, rows: int, django_assert_num_queries) -> None:
    token = populate_references(personas.a, rows)
    http = signed_in(None)
    # 1. the link joined to its practice, 2. how many agree (no session: a visitor)
    with django_assert_num_queries(2):
        response = http.get(f"/r/{token}/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES)
def test_consent_page_with_history(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    from tandem.references import consents

    world = personas.a
    for _ in range(rows):
        consents.give_consent(world.client1, actor=world.contact1, agreed=True)
        consents.withdraw_consent(world.client1, actor=world.contact1)
    http = signed_in(world.contact1)
    # 3. the contact's client with its practice, 4. its consents with who gave and withdrew
    with django_assert_num_queries(4):
        response = http.get("/portal/reference/")
    assert len(response.context["page"].history) == rows


@pytest.mark.parametrize("rows", SIZES)
def test_reference_checks_page(personas: Personas, rows: int, django_assert_num_queries) -> None:
    check_references(personas.a, rows)
    http = signed_in(personas.a.assistant)
    # 3. the client (through the assistant's reach) with its practice, 4. its checks with who
    # recorded each (scoped by the same reach)
    with django_assert_num_queries(4):
        response = http.get(f"/clients/{personas.a.client1.pk}/references/")
    assert len(response.context["checks"]) == rows
