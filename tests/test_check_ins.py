"""Weekly check-ins (issue 12): prepared a day ahead, sent at the practice's day and time on each
client's clock, exactly once also when a worker dies mid-batch or two scan at once; what it
says; the assistant's note; the client's answer in the portal or by replying to the mail.

The clock is controlled (time-machine). The practices check in on Mondays at 09:00 (the
default) on each client's clock; the personas' clients are on UTC unless a test moves one.
Monday 10 June 2030 is the week's check-in day.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import archive_client, assign_assistant
from tandem.core import jobs
from tandem.core.errors import DomainError
from tandem.core.roles import Role
from tandem.inbound.models import InboundMessage, Outcome
from tandem.inbound.services import receive_message
from tandem.planning import check_in_job, tasks
from tandem.planning.check_in_content import Content
from tandem.planning.check_in_replies import parse_reply_address, reply_address
from tandem.planning.check_ins import answer_check_in, heads_up_link, note_check_in
from tandem.planning.models import CheckIn, PlanningPolicy
from tandem.planning.owed import ask_client
from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, join, page_text, signed_in
from tests.jobrunner import run_worker
from tests.smtp_server import Recorder, text_and_html

MONDAY_9 = datetime(2030, 6, 10, 9, 0, tzinfo=UTC)
SUNDAY_9 = MONDAY_9 - timedelta(days=1)
WEEK_OF = date(2030, 6, 10)
S = TaskStatus
MAIL = Path(__file__).parent / "fixtures" / "mail"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(SUNDAY_9 - timedelta(days=5), tick=False) as traveller:
        yield traveller


def scan(at: datetime, **kwargs: Any) -> check_in_job.Scan:
    with time_machine.travel(at, tick=False):
        return check_in_job.run_check_ins(**kwargs)


def mail_jobs() -> list[int]:
    rows = DBTaskResult.objects.filter(task_path="tandem.planning.tasks.send_check_in_mail")
    return sorted(row.args_kwargs["args"][0] for row in rows)


def of_client1(world: PracticeWorld) -> CheckIn:
    return CheckIn.objects.select_related("client__practice").get(client=world.client1)


def request(world: PracticeWorld, title: str, *, days: int = 10, **kwargs: Any) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title=title,
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=days),
        assignee=world.assistant,
        **kwargs,
    )


def start(task: Task, actor: User) -> None:
    move_task(task, to=S.ACCEPTED, actor=actor)
    move_task(task, to=S.IN_PROGRESS, actor=actor)


# Prepared once, sent once -----------------------------------------------------------------


@pytest.mark.django_db
def test_each_clients_check_in_is_prepared_a_day_ahead_once(clock, personas: Personas) -> None:
    assert scan(SUNDAY_9 - timedelta(minutes=1)).prepared == 0
    assert scan(SUNDAY_9).prepared == 4  # two clients with a contact in each practice
    assert scan(SUNDAY_9 + timedelta(minutes=15)).prepared == 0
    rows = CheckIn.objects.filter(client=personas.a.client1)
    assert [(c.week_of, c.due_at, c.state) for c in rows] == [
        (WEEK_OF, MONDAY_9, CheckIn.State.PREPARED)
    ]
    assert mail_jobs() == []


@pytest.mark.django_db
def test_a_check_in_is_sent_at_its_time_once_with_one_mail_job(clock, personas: Personas) -> None:
    scan(SUNDAY_9)
    assert scan(MONDAY_9 - timedelta(minutes=1)).sent == []
    sent = scan(MONDAY_9).sent
    assert len(sent) == 4
    assert scan(MONDAY_9 + timedelta(minutes=15)).sent == []
    assert mail_jobs() == sorted(sent)
    check_in = of_client1(personas.a)
    assert (check_in.state, check_in.sent_at) == (CheckIn.State.SENT, MONDAY_9)


@pytest.mark.django_db
def test_the_time_is_the_practices_on_each_clients_own_clock(clock, personas: Personas) -> None:
    Client.objects.filter(pk=personas.a.client1.pk).update(time_zone="America/New_York")
    PlanningPolicy.objects.create(
        practice=personas.a.practice, check_in_weekday=2, check_in_time=time(16, 30)
    )
    clock.move_to(datetime(2030, 6, 11, 21, 0, tzinfo=UTC))  # Tuesday 17:00 in New York
    check_in_job.run_check_ins()
    # Wednesday 16:30 in New York (EDT, UTC-4) is 20:30 UTC.
    assert of_client1(personas.a).due_at == datetime(2030, 6, 12, 20, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_no_check_ins_when_turned_off_for_archived_clients_or_clients_without_contacts(
    clock, personas: Personas
) -> None:
    PlanningPolicy.objects.create(practice=personas.b.practice, check_ins_on=False)
    archive_client(personas.a.client2, actor=personas.a.owner)
    from tandem.clients.services import create_client

    create_client(actor=personas.a.owner, name="Nobody speaks for us", time_zone="UTC")
    assert scan(SUNDAY_9).prepared == 1
    assert list(CheckIn.objects.values_list("client_id", flat=True)) == [personas.a.client1.pk]


@pytest.mark.django_db
def test_a_check_in_missed_by_more_than_a_day_is_left_for_next_week(
    clock, personas: Personas
) -> None:
    scan(SUNDAY_9)
    # The workers were down from Sunday to Tuesday afternoon.
    late = scan(MONDAY_9 + timedelta(days=1, hours=1))
    assert (late.sent, late.prepared) == ([], 0)
    assert of_client1(personas.a).state == CheckIn.State.PREPARED


# A worker that dies, two that scan at once ----------------------------------------------------


@pytest.mark.django_db
def test_a_worker_dying_mid_batch_loses_nothing_and_sends_nothing_twice(
    clock, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(SUNDAY_9)
    real_enqueue = jobs.enqueue_many
    calls = {"n": 0}

    def dies_in_the_second_batch(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("killed")  # the worker stops inside the batch's transaction
        real_enqueue(*args, **kwargs)

    monkeypatch.setattr(jobs, "enqueue_many", dies_in_the_second_batch)
    with pytest.raises(SystemExit):
        scan(MONDAY_9, batch_size=1)
    # The first batch committed; the second rolled back, its check-in still prepared.
    assert CheckIn.objects.filter(state=CheckIn.State.SENT).count() == 1
    assert len(mail_jobs()) == 1
    monkeypatch.setattr(jobs, "enqueue_many", real_enqueue)

    after = scan(MONDAY_9 + timedelta(minutes=15), batch_size=1)  # the restarted worker's scan
    assert len(after.sent) == 3
    assert mail_jobs() == sorted(CheckIn.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_send_each_check_in_once(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(SUNDAY_9, tick=False):
        check_in_job.run_check_ins()
    real_enqueue = jobs.enqueue_many
    inside, go_on = threading.Event(), threading.Event()
    results: dict[str, list[int]] = {}

    def held_in_its_batch(*args: Any, **kwargs: Any) -> None:
        if threading.current_thread().name == "first" and not inside.is_set():
            inside.set()
            go_on.wait(timeout=10)
        real_enqueue(*args, **kwargs)

    def worker(name: str) -> None:
        try:
            results[name] = check_in_job.run_check_ins(now=MONDAY_9, batch_size=1).sent
        finally:
            connection.close()

    monkeypatch.setattr(jobs, "enqueue_many", held_in_its_batch)
    first = threading.Thread(target=worker, args=("first",), name="first")
    second = threading.Thread(target=worker, args=("second",), name="second")
    first.start()
    assert inside.wait(timeout=10)
    second.start()  # the first holds its batch's transaction open meanwhile
    second.join(timeout=0.5)
    go_on.set()
    first.join(timeout=30)
    second.join(timeout=30)

    claimed = results["first"] + results["second"]
    assert sorted(claimed) == sorted(CheckIn.objects.values_list("pk", flat=True))
    assert mail_jobs() == sorted(claimed)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_a_send_batch_runs_the_same_queries_for_3_check_ins_as_for_30(
    clock, personas: Personas, count: int
) -> None:
    from tandem.clients.services import create_client

    world = personas.a
    for n in range(count - 2):
        client = create_client(actor=world.owner, name=f"Extra {n}", time_zone="UTC")
        join(world.owner, f"extra{n}@a.example.com", role=Role.CONTACT, client=client)
    scan(SUNDAY_9)
    with CaptureQueriesContext(connection) as sql:
        sent = check_in_job.send_practice(world.practice.pk, now=MONDAY_9)
    # A savepoint, the due check-ins (locked), the claim (one UPDATE), their mail jobs (one
    # INSERT), the release.
    assert len(sql.captured_queries) == 5, "\n\n".join(q["sql"] for q in sql.captured_queries)
    assert len(sent) == count


# What it says ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_check_in_says_what_was_done_is_in_progress_waits_on_the_client_and_comes_up(
    clock, personas: Personas
) -> None:
    a = personas.a
    done_last_week = request(a, "Order the ribbon")
    start(done_last_week, a.assistant)
    deliver_task(done_last_week, actor=a.assistant, message="Ordered.")
    move_task(done_last_week, to=S.DONE, actor=a.contact1)
    working = request(a, "Update the price list", days=30)
    start(working, a.assistant)
    to_review = request(a, "Draft the flyer", days=30)
    start(to_review, a.assistant)
    deliver_task(to_review, actor=a.assistant, message="The draft.")
    soon = request(a, "Book the photographer", days=7)
    ask_client(soon, actor=a.assistant, what="The venue's address", due_at=SUNDAY_9)
    request(a, "Plan the autumn sale", days=40)  # beyond the next two weeks

    scan(SUNDAY_9)
    content = Content.from_json(of_client1(a).content)
    titles = {
        name: [item.title for item in section.items]
        for name, section in content.sections(client_side=True)
    }
    assert titles == {
        "Done last week": ["Order the ribbon"],
        "In progress": ["Book the photographer", "Update the price list", "Plan the autumn sale"],
        "Waiting on you": ["The venue's address", "Draft the flyer"],
        "Coming up": ["Book the photographer"],
    }
    [owed] = content.waiting.items[:1]
    assert (owed.detail, owed.at) == ("for “Book the photographer”", SUNDAY_9)


@pytest.mark.django_db
def test_what_it_says_is_read_again_when_it_goes(clock, personas: Personas) -> None:
    a = personas.a
    scan(SUNDAY_9)
    assert Content.from_json(of_client1(a).content).is_empty
    with time_machine.travel(SUNDAY_9 + timedelta(hours=2), tick=False):
        request(a, "Send the invoices", days=3)
    scan(MONDAY_9)
    check_in_job.send_check_in(of_client1(a).pk)
    check_in_job.send_check_in(of_client1(a).pk)  # a retry changes nothing
    check_in = of_client1(a)
    assert check_in.content_at == MONDAY_9
    titles = [item.title for item in Content.from_json(check_in.content).coming_up.items]
    assert titles == ["Send the invoices"]


# The note --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_assistant_adds_a_note_before_it_goes_and_not_after(clock, personas: Personas) -> None:
    a = personas.a
    scan(SUNDAY_9)
    check_in = note_check_in(of_client1(a), actor=a.assistant, note="  Back on Thursday.  ")
    assert (check_in.note, check_in.noted_by) == ("Back on Thursday.", a.assistant)
    scan(MONDAY_9)
    with pytest.raises(DomainError, match="went to the client on"):
        note_check_in(check_in, actor=a.assistant, note="Too late")
    with pytest.raises(DomainError, match="not one of your clients"):
        note_check_in(check_in, actor=a.unassigned, note="Not mine")
    with pytest.raises(DomainError, match="Only the practice"):
        note_check_in(check_in, actor=a.contact1, note="Mine")


# The mail, through the real worker to a real SMTP server ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_each_contact_gets_the_check_in_by_mail_once_with_its_own_reply_address(
    personas: Personas, smtp: Recorder
) -> None:
    a = personas.a
    colleague = join(a.owner, "colleague@a.example.com", role=Role.CONTACT, client=a.client1)
    with time_machine.travel(SUNDAY_9 - timedelta(days=3), tick=False):
        request(a, "Book the photographer", days=5)
    run_worker()  # the invitations, the receipt and the notifications so far
    smtp.messages.clear()
    with time_machine.travel(SUNDAY_9, tick=False):
        tasks.run_check_ins.enqueue()
        run_worker()
        note_check_in(of_client1(a), actor=a.assistant, note="Back on Thursday.")
    for at in (MONDAY_9, MONDAY_9 + timedelta(minutes=15)):
        with time_machine.travel(at, tick=False):
            tasks.run_check_ins.enqueue()
            run_worker()
            tasks.send_check_in_mail.enqueue(of_client1(a).pk)  # a stray second job
            run_worker()

    check_in = of_client1(a)
    check_ins = [m for m in smtp.messages if "check-in" in m["Subject"]]
    to_client1 = [m for m in check_ins if m["To"] in {a.contact1.email, colleague.email}]
    assert sorted(m["To"] for m in to_client1) == [colleague.email, a.contact1.email]
    mine = next(m for m in to_client1 if m["To"] == a.contact1.email)
    assert mine["Subject"] == "Weekly check-in from Practice A: anything coming up?"
    assert mine["Reply-To"] == reply_address(check_in.pk, a.contact1.pk)
    assert parse_reply_address(mine["Reply-To"]) is not None
    text, html = text_and_html(mine)
    text = text.replace("\r\n", "\n")
    assert "assistant writes:\nBack on Thursday." in text
    assert "Book the photographer" in text
    assert f"http://127.0.0.1:8000/check-ins/{check_in.pk}/" in text
    assert "Answer the check-in" in html
    # The practice's side gets none; client 2's contact gets their own.
    assert not [m for m in check_ins if m["To"] in {a.owner.email, a.assistant.email}]
    assert len([m for m in check_ins if m["To"] == a.contact2.email]) == 1


# The answer --------------------------------------------------------------------------------------


@pytest.fixture
def sent(clock, personas: Personas) -> CheckIn:
    scan(SUNDAY_9)
    scan(MONDAY_9)
    clock.move_to(MONDAY_9 + timedelta(hours=2))
    return of_client1(personas.a)


@pytest.mark.django_db
def test_the_clients_assistants_hear_of_an_answer_once(personas: Personas, sent: CheckIn) -> None:
    from tandem.core.mail import open_body
    from tandem.core.models import OutboundEmail
    from tandem.planning.check_in_reactions import answered_mail_key, tell_assistants
    from tandem.planning.models import CheckInAnswer
    from tests.reactions import react_now

    a = personas.a
    answer_check_in(sent, actor=a.contact1, answer="The Easter menu, photos on the 2nd.")
    react_now()
    mails = OutboundEmail.objects.filter(key__contains=":answered:")
    assert list(mails.values_list("key", "to")) == [
        (answered_mail_key(sent.pk, a.assistant.pk), a.assistant.email)
    ]
    only = mails.get()
    assert "answered the weekly check-in" in only.subject
    body = open_body(only.text_body, key=only.key, field="text_body")
    assert "The Easter menu, photos on the 2nd." in body
    assert reverse("planning:check-in", args=[sent.pk]) in body
    # The reaction again (a retried job) sends nothing new.
    tell_assistants(CheckInAnswer.objects.get())
    assert mails.count() == 1


@pytest.mark.django_db
def test_the_client_answers_in_the_portal_once(personas: Personas, sent: CheckIn) -> None:
    a = personas.a
    http = signed_in(a.contact1)
    portal = http.get(reverse("home:portal-home"))
    assert "Anything coming up?" in page_text(portal)
    answer = reverse("planning:check-in-answer", args=[sent.pk])
    response = http.post(answer, {"answer": "The spring catalogue, about 20 pages, in March."})
    assert response.status_code == 302
    check_in = of_client1(a)
    assert (check_in.state, check_in.answered_by, check_in.answered_via) == (
        CheckIn.State.ANSWERED,
        a.contact1,
        CheckIn.Via.PORTAL,
    )
    assert check_in.answer == "The spring catalogue, about 20 pages, in March."
    assert "You answered:" in page_text(http.get(reverse("home:portal-home")))
    again = http.post(answer, {"answer": "And a flyer."})
    assert again.status_code == 400
    assert "contact1 already answered this check-in on" in page_text(again)
    assert of_client1(a).answer.startswith("The spring catalogue")


@pytest.mark.django_db
def test_the_practice_sees_the_answer(personas: Personas, sent: CheckIn) -> None:
    a = personas.a
    answer_check_in(sent, actor=a.contact1, answer="A busy week: the trade fair.")
    for user in (a.owner, a.assistant):
        listed = page_text(signed_in(user).get(reverse("planning:check-ins")))
        assert "A busy week: the trade fair." in listed
        page = page_text(signed_in(user).get(reverse("planning:check-in", args=[sent.pk])))
        assert "The client's answer" in page
    assert "trade fair" not in page_text(signed_in(a.unassigned).get(reverse("planning:check-ins")))


@pytest.mark.django_db
def test_a_reply_to_the_check_in_mail_becomes_its_answer(personas: Personas, sent: CheckIn) -> None:
    a = personas.a
    raw = reply_mail(sender=a.contact1.email, to=reply_address(sent.pk, a.contact1.pk))
    receipt = receive_message(raw)
    assert receipt.outcome == Outcome.CHECK_IN_ANSWERED
    check_in = of_client1(a)
    assert (check_in.answer, check_in.answered_by, check_in.answered_via) == (
        "Yes, the matte ones please. Same as last year.",
        a.contact1,
        CheckIn.Via.EMAIL,
    )
    log = InboundMessage.objects.get()
    assert (log.practice_id, log.client_id) == (a.practice.pk, a.client1.pk)
    # The same mail again, now answered: nothing changes.
    assert receive_message(raw).outcome == "duplicate"


@pytest.mark.django_db
def test_a_reply_from_another_person_or_to_an_altered_address_answers_nothing(
    personas: Personas, sent: CheckIn
) -> None:
    a = personas.a
    address = reply_address(sent.pk, a.contact1.pk)
    assert receive_message(reply_mail(sender=a.contact2.email, to=address)).outcome == (
        Outcome.UNKNOWN_SENDER
    )
    altered = address.replace(f"ci-{sent.pk}-", f"ci-{sent.pk + 1}-")
    assert receive_message(reply_mail(sender=a.contact1.email, to=altered)).outcome == (
        Outcome.UNKNOWN_ADDRESS
    )
    other = of_client1(personas.b)
    forged = reply_address(other.pk, a.contact1.pk)  # another practice's check-in
    assert receive_message(reply_mail(sender=a.contact1.email, to=forged)).outcome == (
        Outcome.NO_ACCESS
    )
    assert not CheckIn.objects.filter(state=CheckIn.State.ANSWERED).exists()


def reply_mail(*, sender: str, to: str) -> bytes:
    """The Gmail-style reply fixture (a new line above a quote), from ``sender`` to ``to``."""
    raw = (MAIL / "gmail-reply.eml").read_bytes()
    head, separator, body = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
    for header, value in ((b"From", sender), (b"To", to)):
        head = re.sub(
            rb"(?m)^" + header + rb":.*(?:\r?\n[ \t].*)*", header + b": " + value.encode(), head
        )
    head = re.sub(rb"(?mi)^Message-ID:.*$", f"Message-ID: <{sender}-{to}>".encode(), head)
    return head + separator + body


# One click to a heads-up ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_answer_becomes_a_link_to_the_heads_up_form_filled_from_it(
    personas: Personas, sent: CheckIn
) -> None:
    a = personas.a
    assert heads_up_link(sent) is None  # no answer yet
    long = "The spring catalogue & a flyer: " + "x" * 400
    answered = answer_check_in(sent, actor=a.contact1, answer=long)
    link = heads_up_link(answered)
    assert link is not None
    assert link.startswith(f"/heads-ups/new/?client={a.client1.pk}&what=The+spring+catalogue+%26")
    assert f"&check_in={sent.pk}" in link
    # The title is cut to fit a heads-up's; the whole answer goes into its details.
    query = parse_qs(urlsplit(link).query)
    assert len(query["what"][0]) == 200
    assert query["what"][0].endswith("…")
    assert query["details"] == [long]
    page = page_text(signed_in(a.assistant).get(reverse("planning:check-in", args=[sent.pk])))
    assert "Make it a heads-up" in page
    # The form opens with the client and the answer filled in.
    form = page_text(signed_in(a.assistant).get(link))
    assert 'value="The spring catalogue & a flyer: xxx' in form
    assert f"{long}</textarea>" in form
    # A short answer is the title alone.
    short = CheckIn(pk=sent.pk, client_id=a.client1.pk, answer="A flyer, later this month")
    assert "details" not in parse_qs(urlsplit(heads_up_link(short) or "").query)


# The calendar feed ------------------------------------------------------------------------------


def feed_summaries(person: User, world: PracticeWorld) -> dict[str, str]:
    """The check-in events of ``person``'s feed: summary → start on the event's own clock."""
    from tandem.core.access import side_of
    from tandem.planning import feeds

    viewer = feeds.Viewer(person, world.practice, side_of(person))  # type: ignore[arg-type]
    events = feeds.sources()["planning.check-ins"](
        viewer, feeds.Window.around(timezone.now()), limit=50
    )
    return {
        event.summary: event.starts_at.astimezone(ZoneInfo(event.time_zone)).strftime("%a %H:%M")
        for event in events
    }


@pytest.mark.django_db
def test_the_feed_shows_the_check_ins_each_person_may_see_on_the_clients_clock(
    clock, personas: Personas
) -> None:
    a = personas.a
    Client.objects.filter(pk=a.client1.pk).update(time_zone="America/New_York")
    assign_assistant(a.client2, assistant=a.owner, actor=a.owner)
    clock.move_to(MONDAY_9)  # Monday 05:00 in New York: its check-in is prepared, not sent
    check_in_job.run_check_ins()
    assert feed_summaries(a.assistant, a) == {"Weekly check-in goes out: Client A1": "Mon 09:00"}
    assert feed_summaries(a.contact1, a) == {}  # not sent yet
    assert feed_summaries(a.contact2, a) == {"Weekly check-in: Client A2": "Mon 09:00"}
    assert feed_summaries(a.owner, a) == {"Weekly check-in: Client A2": "Mon 09:00"}
    assert feed_summaries(a.unassigned, a) == {}
    clock.move_to(MONDAY_9 + timedelta(hours=4))
    check_in_job.run_check_ins()
    answer_check_in(of_client1(a), actor=a.contact1, answer="Nothing new.")
    assert feed_summaries(a.contact1, a) == {"Weekly check-in (answered): Client A1": "Mon 09:00"}


# The demo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_a_check_in_waiting_for_an_answer_and_one_ready_for_a_note() -> None:
    from tandem.demo import loader as demo

    demo.load()
    states = dict(CheckIn.objects.values_list("client__name", "state"))
    assert states == {"Bloom Florist": CheckIn.State.SENT, "Summit Coaching": "prepared"}
    chloe = User.objects.get(email="chloe@bloom.example.com")
    portal = page_text(signed_in(chloe).get(reverse("home:portal-home")))
    assert "Is anything coming up for Mother's Day?" in portal
    assert "Anything coming up?" in portal
    ada = page_text(signed_in(User.objects.get(email="ada@demo.example.com")).get("/check-ins/"))
    assert "Going out soon" in ada
    assert "Waiting for an answer" in ada


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "has_link"),
    [("owner", True), ("assistant", True), ("unassigned", True), ("contact1", False)],
)
def test_the_practice_side_finds_check_ins_under_planning(
    personas: Personas, persona: str, has_link: bool
) -> None:
    home = "/portal/" if persona == "contact1" else "/dashboard/"
    content = signed_in(personas.a.persona(persona)).get(home).content.decode()
    nav = re.search(r'<nav id="main-nav".*?</nav>', content, re.S)
    assert nav is not None
    assert (">Planning</a>" in nav.group(0)) is has_link
    if has_link:
        page = signed_in(personas.a.persona(persona)).get("/check-ins/").content.decode()
        tabs = re.search(r'<nav class="section-tabs" aria-label="Planning">.*?</nav>', page, re.S)
        assert tabs is not None
        assert '<a href="/check-ins/" aria-current="page">Check-ins</a>' in tabs.group(0)
        assert 'aria-current="page">Planning</a>' in nav.group(0) or home == "/dashboard/"


@pytest.mark.django_db
def test_an_empty_answer_from_the_portal_comes_back_on_the_check_ins_page_saying_what_to_write(
    personas: Personas, sent: CheckIn
) -> None:
    http = signed_in(personas.a.contact1)
    response = http.post(reverse("planning:check-in-answer", args=[sent.pk]), {"answer": "  "})
    assert response.status_code == 400
    text = page_text(response)
    assert "Write what is coming up, or “Nothing new this week”, then send it." in text
    assert "Anything coming up?" in text
    assert of_client1(personas.a).state == CheckIn.State.SENT


@pytest.mark.django_db
def test_prepared_check_ins_follow_a_new_day_and_time_and_go_when_turned_off(
    personas: Personas,
) -> None:
    from datetime import time

    from tandem.planning.policy import PlanningChoices, set_planning_policy

    a = personas.a
    scan(SUNDAY_9)
    prepared = of_client1(a)
    assert prepared.state == CheckIn.State.PREPARED
    zone = ZoneInfo(a.client1.time_zone)

    def choose(on: bool, weekday: int, at: time) -> None:
        with time_machine.travel(SUNDAY_9 + timedelta(hours=1), tick=False):
            set_planning_policy(
                a.practice,
                actor=a.owner,
                choices=PlanningChoices(120, 60, 240, 600, 2, "", on, weekday, at),
            )

    choose(True, 1, time(10, 30))
    moved = of_client1(a)
    assert moved.due_at == datetime(2030, 6, 11, 10, 30, tzinfo=zone)
    assert moved.week_of == WEEK_OF
    choose(False, 1, time(10, 30))
    assert not CheckIn.objects.filter(client=a.client1).exists()
