"""Notifications: who hears about what, preferences, mentions, reminders, and the pages.

State changes go through the work services, exactly as the pages make them; notifications
are reactions on the event path, run here with ``react_now`` as a worker would run them.
Mail delivery itself (batching, digest, SMTP, crashes) is in test_notify_mail.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import archive_client, unassign_assistant
from tandem.core.models import Membership
from tandem.core.services import deactivate_member
from tandem.notify import reminders, services, wording
from tandem.notify.models import Channel, Kind, Notification, Preference
from tandem.work.deliveries import deliver_task
from tandem.work.mentions import mentioned
from tandem.work.models import Task, TaskStatus, Watcher
from tandem.work.services import add_comment, assign_task, create_task, move_task
from tandem.work.workflow import side_of
from tests.conftest import PERSONA_KINDS, Personas, PracticeWorld, field_error, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db


def request_for(world: PracticeWorld, *, client: str = "client1", **kwargs: object) -> Task:
    defaults: dict[str, object] = {
        "actor": world.contact1 if client == "client1" else world.contact2,
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline_at": timezone.now() + timedelta(days=3),
    }
    return create_task(getattr(world, client), **{**defaults, **kwargs})  # type: ignore[arg-type]


def forget_notifications() -> None:
    """Let the reactions queued so far run, then forget what they wrote."""
    react_now()
    Notification.objects.all().delete()


def told(user: User, kind: str | None = None) -> list[Notification]:
    """What ``user`` has been told once the reactions queued so far have run."""
    react_now()
    rows = Notification.objects.filter(recipient=user).order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def kinds_by_person(world: PracticeWorld) -> dict[str, list[str]]:
    return {
        persona: [n.kind for n in told(world.persona(persona))]
        for persona in PERSONA_KINDS
        if told(world.persona(persona))
    }


def everyone_in_b_hears_nothing(personas: Personas) -> None:
    react_now()
    assert Notification.objects.filter(practice=personas.b.practice).count() == 0


# Who hears about what ------------------------------------------------------------------------


def test_a_new_request_reaches_the_assistants_assigned_to_its_client(personas: Personas) -> None:
    a = personas.a
    request_for(a)
    # The contact wrote it: they hear nothing of their own change. The owner is not told
    # when someone is assigned to the client; the unassigned assistant and the other
    # client's contact cannot see it.
    assert kinds_by_person(a) == {"assistant": [Kind.NEW_REQUEST]}
    everyone_in_b_hears_nothing(personas)


def test_a_new_request_for_a_client_nobody_works_on_reaches_the_owners(personas: Personas) -> None:
    a = personas.a
    request_for(a, client="client2")
    assert kinds_by_person(a) == {"owner": [Kind.NEW_REQUEST]}


def test_a_request_the_owner_writes_for_a_client_is_not_told_to_the_owner(
    personas: Personas,
) -> None:
    a = personas.a
    request_for(a, client="client2", actor=a.owner)
    assert kinds_by_person(a) == {}


def test_accepting_tells_the_client_who_asked_but_not_the_assistant(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    forget_notifications()
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    [notification] = told(a.contact1)
    assert notification.kind == Kind.DECIDED
    assert notification.actor == a.assistant
    assert told(a.assistant) == []


def test_each_move_is_told_as_its_own_kind(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=a.assistant)
    deliver_task(task, actor=a.assistant, message="The venue is booked.")
    move_task(task, to=TaskStatus.DONE, actor=a.contact1)
    assert [n.kind for n in told(a.contact1)] == [
        Kind.DECIDED,
        Kind.STATUS_CHANGED,
        Kind.DELIVERED,
    ]
    # The assistant heard of the new request and of the client accepting the work.
    assert [n.kind for n in told(a.assistant)] == [Kind.NEW_REQUEST, Kind.STATUS_CHANGED]


def test_a_new_assignee_is_told_and_starts_watching(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, client="client2")
    react_now()
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    from tandem.clients.services import assign_assistant

    assign_assistant(a.client2, assistant=a.unassigned, actor=a.owner)
    assign_task(task, actor=a.owner, assignee=a.unassigned)
    [notification] = told(a.unassigned)
    assert notification.kind == Kind.STATUS_CHANGED
    assert Watcher.objects.filter(task=task, user=a.unassigned).exists()


def test_a_comment_reaches_the_watchers_but_not_its_author(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    forget_notifications()
    add_comment(task, actor=a.contact1, body_markdown="The venue holds 80 people.")
    assert kinds_by_person(a) == {"assistant": [Kind.COMMENT]}


# Mentions ------------------------------------------------------------------------------------


def test_a_mention_by_name_with_spaces_tells_that_person_and_makes_them_watch(
    personas: Personas,
) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    forget_notifications()
    add_comment(task, actor=a.contact1, body_markdown="@Owner A, can you sign off the budget?")
    assert kinds_by_person(a) == {"owner": [Kind.MENTION], "assistant": [Kind.COMMENT]}
    assert Watcher.objects.filter(task=task, user=a.owner).exists()
    # From then on the owner hears about the task as a watcher.
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert [n.kind for n in told(a.owner)] == [Kind.MENTION, Kind.DECIDED]


def test_a_mention_by_e_mail_local_part_is_one_mention_not_also_a_comment(
    personas: Personas,
) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    forget_notifications()
    add_comment(task, actor=a.contact1, body_markdown="Thanks @assistant.")
    assert kinds_by_person(a) == {"assistant": [Kind.MENTION]}


def test_mentioning_people_who_cannot_see_the_task_does_nothing(personas: Personas) -> None:
    a, b = personas.a, personas.b
    task = request_for(a, assignee=a.assistant)
    forget_notifications()
    body = (
        "@unassigned @contact2 @contact2@a.example.com @contact1@b.example.com "
        "@owner@b.example.com please look"
    )
    add_comment(task, actor=a.contact1, body_markdown=body)
    assert kinds_by_person(a) == {"assistant": [Kind.COMMENT]}
    everyone_in_b_hears_nothing(personas)
    watchers = set(Watcher.objects.filter(task=task).values_list("user_id", flat=True))
    assert watchers == {a.contact1.pk, a.assistant.pk}
    assert b.owner.pk not in watchers


def test_mention_syntax_prefers_the_longest_name_and_ignores_e_mail_addresses() -> None:
    ann = User(pk=1, email="ann@x.example", name="Ann")
    ann_lee = User(pk=2, email="lee@x.example", name="Ann Lee")
    bob = User(pk=3, email="bob.smith@x.example", name="")
    people = [ann, ann_lee, bob]
    assert mentioned("@Ann Lee, see this", people) == [ann_lee]
    assert mentioned("@ann: and @ANN LEE.", people) == [ann, ann_lee]
    assert mentioned("write to bob.smith@x.example", people) == []
    assert mentioned("@bob.smith.", people) == [bob]
    assert mentioned("@bob", people) == []  # the start of a handle is not a mention
    assert mentioned("@Annabel", people) == []


# Only people who can see the task ------------------------------------------------------------


def test_watchers_who_cannot_see_the_task_are_never_told(personas: Personas) -> None:
    a, b = personas.a, personas.b
    task = request_for(a, assignee=a.assistant)
    # Watcher rows written behind the services' back, as if by guessed ids.
    for user in (a.unassigned, a.contact2, b.owner, b.contact1):
        Watcher.objects.create(practice_id=task.practice_id, task=task, user=user)
    forget_notifications()
    add_comment(task, actor=a.assistant, body_markdown="Booked a viewing.")
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert kinds_by_person(a) == {"contact1": [Kind.COMMENT, Kind.DECIDED]}
    everyone_in_b_hears_nothing(personas)


def test_an_assistant_taken_off_the_client_hears_nothing_more(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    forget_notifications()
    add_comment(task, actor=a.contact1, body_markdown="Any news?")
    assert told(a.assistant) == []
    # What they were told before is no longer listed for them either.
    assert Notification.objects.visible_to(a.assistant).count() == 0


def test_the_audience_is_exactly_who_side_of_lets_see_the_task(personas: Personas) -> None:
    a, b = personas.a, personas.b
    task = request_for(a)
    everyone = [w.persona(kind) for w in (a, b) for kind in PERSONA_KINDS]

    def check() -> None:
        task.client.refresh_from_db()
        for user in everyone:
            user = User.objects.get(pk=user.pk)  # fresh membership
            expected = side_of(task, user) is not None
            assert (user in set(services.audience(task))) == expected, user.email

    check()
    deactivate_member(Membership.objects.get(user=a.contact1), actor=a.owner)
    check()
    archive_client(a.client1, actor=a.owner)
    check()


# Preferences ---------------------------------------------------------------------------------


def prefer(user: User, **channels: str) -> None:
    services.save_preferences(
        user,
        actor=user,
        channels={kind: channels.get(kind, Channel.EMAIL) for kind in Kind.values},
        wants_digest=False,
    )


def mail_jobs() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path="tandem.notify.tasks.send_task_mail").order_by(
            "enqueued_at"
        )
    )


def test_by_default_a_notification_also_waits_for_an_e_mail_after_the_batch_window(
    personas: Personas, settings
) -> None:
    a = personas.a
    before = timezone.now()
    request_for(a)
    [notification] = told(a.assistant)
    assert notification.mail_pending
    [job] = mail_jobs()
    assert job.args_kwargs["args"] == [a.assistant.pk, notification.task_id]
    window = timedelta(seconds=settings.TANDEM_NOTIFY_BATCH_SECONDS)
    assert before + window <= job.run_after <= timezone.now() + window


def test_in_app_only_writes_no_mail_and_off_writes_nothing(personas: Personas) -> None:
    a = personas.a
    prefer(a.assistant, new_request=Channel.APP, comment=Channel.OFF)
    task = request_for(a, assignee=a.assistant)
    add_comment(task, actor=a.contact1, body_markdown="Hello")
    [notification] = told(a.assistant)
    assert notification.kind == Kind.NEW_REQUEST
    assert not notification.mail_pending
    assert mail_jobs() == []


def test_digest_readers_get_no_per_task_mail_job(personas: Personas) -> None:
    a = personas.a
    services.save_preferences(
        a.assistant,
        actor=a.assistant,
        channels=dict.fromkeys(Kind.values, Channel.EMAIL),
        wants_digest=True,
    )
    request_for(a)
    [notification] = told(a.assistant)
    assert notification.mail_pending
    assert mail_jobs() == []


def test_turning_the_digest_off_mails_what_waited_for_it(personas: Personas) -> None:
    a = personas.a
    channels = dict.fromkeys(Kind.values, Channel.EMAIL)
    services.save_preferences(a.assistant, actor=a.assistant, channels=channels, wants_digest=True)
    task = request_for(a)
    react_now()
    services.save_preferences(a.assistant, actor=a.assistant, channels=channels, wants_digest=False)
    [job] = mail_jobs()
    assert job.args_kwargs["args"] == [a.assistant.pk, task.pk]


def test_nobody_changes_someone_elses_preferences(personas: Personas) -> None:
    a = personas.a
    with pytest.raises(Exception, match="choose their own"):
        services.save_preferences(a.assistant, actor=a.owner, channels={}, wants_digest=True)
    assert not Preference.objects.exists()


# Deadline reminders --------------------------------------------------------------------------


def test_due_tomorrow_and_overdue_are_each_told_once_per_deadline(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert task.deadline_at is not None
    forget_notifications()

    assert reminders.remind_deadlines() == []  # three days ahead: nothing yet
    with time_machine.travel(task.deadline_at - timedelta(hours=20), tick=False):
        first = reminders.remind_deadlines()
        again = reminders.remind_deadlines()
    assert {(n.recipient_id, n.kind) for n in first} == {
        (a.contact1.pk, Kind.DUE_TOMORROW),
        (a.assistant.pk, Kind.DUE_TOMORROW),
    }
    assert again == []
    with time_machine.travel(task.deadline_at + timedelta(hours=1), tick=False):
        late = reminders.remind_deadlines()
        assert reminders.remind_deadlines() == []
    assert {(n.recipient_id, n.kind) for n in late} == {
        (a.contact1.pk, Kind.OVERDUE),
        (a.assistant.pk, Kind.OVERDUE),
    }
    assert Notification.objects.count() == 4


def test_delivered_and_closed_work_gets_no_reminders(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    for to in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
        move_task(task, to=to, actor=a.assistant)
    deliver_task(task, actor=a.assistant, message="The venue is booked.")
    declined = request_for(a, assignee=a.assistant)
    move_task(declined, to=TaskStatus.DECLINED, actor=a.assistant, note="Not this month")
    assert task.deadline_at is not None
    with time_machine.travel(task.deadline_at + timedelta(days=1), tick=False):
        assert reminders.remind_deadlines() == []


# Pages ---------------------------------------------------------------------------------------


def test_the_notifications_page_shows_one_entry_per_request_with_its_latest_news(
    personas: Personas,
) -> None:
    a = personas.a
    older = request_for(a, assignee=a.assistant, title="Order the flowers")
    task = request_for(a, assignee=a.assistant)
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    add_comment(older, actor=a.assistant, body_markdown="Roses or tulips?")
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=a.assistant)
    add_comment(task, actor=a.assistant, body_markdown="I have called the venue.")
    react_now()
    response = signed_in(a.contact1).get("/notifications/")
    assert response.status_code == 200
    items = response.context["page"].items
    # The venue has the latest news, so it comes first; each request is one entry.
    assert [item.notification.task_id for item in items] == [task.pk, older.pk]
    assert [item.unread for item in items] == [3, 1]
    text = " ".join(re.sub(r"<[^>]+>", "", page_text(response)).split())
    assert "assistant commented: “I have called the venue.” and 2 more updates" in text
    assert "accepted the request" not in text  # folded into the venue's entry
    assert "assistant commented: “Roses or tulips?”" in text
    assert "Roses or tulips?” and" not in text
    assert text.index("I have called the venue") < text.index("Roses or tulips")
    assert f'href="/tasks/{task.pk}/"' in response.content.decode()


def test_an_empty_notifications_page_says_what_to_do(personas: Personas) -> None:
    response = signed_in(personas.a.owner).get("/notifications/")
    assert "Nothing yet" in page_text(response)
    assert "comment on it to start following it" in page_text(response)


def test_the_page_pages_by_request(personas: Personas) -> None:
    a = personas.a
    tasks = [request_for(a, assignee=a.assistant, title=f"Job {i:02}") for i in range(32)]
    for i, task in enumerate(tasks):
        add_comment(task, actor=a.assistant, body_markdown=f"Note {i:02}")
    react_now()
    http = signed_in(a.contact1)
    first = http.get("/notifications/")
    assert first.context["page"].older_than_id is not None
    assert len(first.context["page"].items) == 30
    older = http.get(f"/notifications/?before={first.context['page'].older_than_id}")
    texts = [item.sentence for item in older.context["page"].items]
    assert texts == ["assistant commented: “Note 01”", "assistant commented: “Note 00”"]
    # A cursor that is not a number is the first page, not an error.
    assert http.get("/notifications/?before=abc").status_code == 200


def test_marking_read_one_and_all(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    other = request_for(a, assignee=a.assistant, title="Order the flowers")
    add_comment(task, actor=a.contact1, body_markdown="One")
    add_comment(task, actor=a.contact1, body_markdown="Two")
    http = signed_in(a.assistant)
    first = told(a.assistant)[0]
    # Two requests with news (one with three updates): the bell counts requests.
    assert ">2<" in http.get("/notifications/bell/").content.decode()
    response = http.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == f"/notifications/#notification-{first.pk}"
    # Marking the entry read reads every update of its request.
    assert not Notification.objects.filter(task=task, recipient=a.assistant, read_at=None)
    assert Notification.objects.filter(task=other, recipient=a.assistant, read_at=None)
    assert ">1<" in http.get("/notifications/bell/").content.decode()
    assert "Mark all read" in http.get("/notifications/").content.decode()
    http.post("/notifications/read-all/")
    assert Notification.objects.filter(recipient=a.assistant, read_at__isnull=True).count() == 0
    assert "bell-count" not in http.get("/notifications/bell/").content.decode()
    # Nothing left to mark: the button is gone.
    assert "Mark all read" not in http.get("/notifications/").content.decode()


def test_someone_elses_notification_cannot_be_marked_read(personas: Personas) -> None:
    a, b = personas.a, personas.b
    request_for(a)
    request_for(b)
    [mine] = told(a.assistant)
    [theirs] = told(b.assistant)
    for user in (a.owner, a.contact1, b.assistant):
        assert signed_in(user).post(f"/notifications/{mine.pk}/read/").status_code in (404,)
    assert signed_in(a.assistant).post(f"/notifications/{theirs.pk}/read/").status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_bell_is_loaded_after_the_page(personas: Personas) -> None:
    html = signed_in(personas.a.owner).get("/dashboard/").content.decode()
    assert 'hx-get="/notifications/bell/"' in html
    assert 'hx-trigger="load, every 60s"' in html
    assert 'href="/notifications/"' in html


def test_the_bell_counts_only_unread_notifications_about_visible_tasks(
    personas: Personas,
) -> None:
    a = personas.a
    request_for(a)
    react_now()
    response = signed_in(a.assistant).get("/notifications/bell/", headers={"HX-Request": "true"})
    assert '<span class="bell-count">1<' in response.content.decode()
    unassign_assistant(a.client1, assistant=a.assistant, actor=a.owner)
    response = signed_in(a.assistant).get("/notifications/bell/")
    assert "bell-count" not in response.content.decode()


def test_preferences_page_saves_each_kind_and_the_digest(personas: Personas) -> None:
    a = personas.a
    http = signed_in(a.contact1)
    page = http.get("/notifications/preferences/")
    assert page.status_code == 200
    assert "Daily digest instead of single e-mails" in page_text(page)
    data: dict[str, str] = dict.fromkeys(Kind.values, str(Channel.EMAIL))
    data.update(comment=Channel.OFF, status_changed=Channel.APP, wants_digest="on")
    response = http.post("/notifications/preferences/", data)
    assert response.status_code == 302
    pref = Preference.objects.get(user=a.contact1)
    assert (pref.comment, pref.status_changed, pref.mention) == ("off", "app", "email")
    assert pref.wants_digest
    assert pref.practice == a.practice


def test_preferences_refuse_an_unknown_choice_and_keep_what_was_typed(
    personas: Personas,
) -> None:
    http = signed_in(personas.a.contact1)
    data: dict[str, str] = dict.fromkeys(Kind.values, str(Channel.APP))
    data.update(comment="loud", wants_digest="on")
    del data["overdue"]
    response = http.post("/notifications/preferences/", data)
    assert response.status_code == 400
    assert field_error(response, "comment") == (
        "Pick one: in the app and by e-mail, in the app only, or off."
    )
    assert field_error(response, "overdue") != ""
    assert re.search(r'name="mention" value="app"[^>]*checked', response.content.decode())
    assert not Preference.objects.exists()


def test_the_profile_and_notifications_pages_link_to_preferences(personas: Personas) -> None:
    http = signed_in(personas.a.owner)
    assert 'href="/notifications/preferences/"' in http.get("/notifications/").content.decode()


def test_the_task_page_offers_who_can_be_mentioned(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    http = signed_in(a.contact1)
    page = http.get(f"/tasks/{task.pk}/").content.decode()
    assert f'hx-get="/notifications/tasks/{task.pk}/mentionable/"' in page
    response = http.get(
        f"/notifications/tasks/{task.pk}/mentionable/", headers={"HX-Request": "true"}
    )
    text = page_text(response)
    assert "@Owner A" in text
    assert "@assistant" in text
    for hidden in ("unassigned", "contact2", "@contact1"):  # nor the viewer themself
        assert hidden not in text
    assert "<html" not in text  # the partial only


# Query counts --------------------------------------------------------------------------------

SIZES = [2, 50]


def populate(world: PracticeWorld, rows: int) -> Task:
    """``rows`` notifications for contact 1 about one task, and ``rows`` more contacts and
    assistants of client 1 who could be mentioned."""
    from tandem.clients.services import assign_assistant
    from tandem.core.roles import Role
    from tests.conftest import join

    task = request_for(world, assignee=world.assistant)
    for i in range(rows):
        add_comment(task, actor=world.assistant, body_markdown=f"Note {i}")
    for i in range(rows // 10):
        join(world.owner, f"colleague{i}@more.example.com", role=Role.CONTACT, client=world.client1)
        helper = join(world.owner, f"helper{i}@more.example.com", role=Role.ASSISTANT)
        assign_assistant(world.client1, assistant=helper, actor=world.owner)
    react_now()
    return task


def populate_requests(world: PracticeWorld, requests: int) -> None:
    """Two updates each about ``requests`` requests for contact 1, all unread."""
    for i in range(requests):
        task = request_for(world, assignee=world.assistant, title=f"Job {i}")
        add_comment(task, actor=world.assistant, body_markdown=f"First note {i}")
        add_comment(task, actor=world.assistant, body_markdown=f"Second note {i}")
    react_now()


@pytest.mark.parametrize("requests", [2, 40])
def test_notifications_page_queries(
    personas: Personas, requests: int, django_assert_num_queries
) -> None:
    populate_requests(personas.a, requests)
    http = signed_in(personas.a.contact1)
    # 1. the session, 2. the user with their membership and practice, 3. one page of requests'
    # latest notifications joined to task, client, actor, event and comment (scoped by a subquery,
    # the latest by NOT EXISTS), 4. the unread count of each request shown
    with django_assert_num_queries(4):
        response = http.get("/notifications/")
    items = response.context["page"].items
    assert len(items) == min(requests, 30)
    assert {item.more_updates for item in items} == {1}
    assert "and 1 more update<" in page_text(response)


@pytest.mark.parametrize("requests", [2, 40])
def test_bell_queries(personas: Personas, requests: int, django_assert_num_queries) -> None:
    populate_requests(personas.a, requests)
    http = signed_in(personas.a.contact1)
    # 3. how many requests have unread news
    with django_assert_num_queries(3):
        response = http.get("/notifications/bell/")
    assert f">{requests}<" in response.content.decode()


@pytest.mark.parametrize("rows", SIZES)
def test_mentionable_queries(personas: Personas, rows: int, django_assert_num_queries) -> None:
    task = populate(personas.a, rows)
    http = signed_in(personas.a.contact1)
    # 3. the task joined to its client, 4. everyone who can see it
    with django_assert_num_queries(4):
        response = http.get(f"/notifications/tasks/{task.pk}/mentionable/")
    # The owner, the assistant, and the helpers and colleagues added (not the viewer).
    assert len(response.context["people"]) == 2 + 2 * (rows // 10)


@pytest.mark.parametrize("rows", SIZES)
def test_preferences_page_queries(personas: Personas, rows: int, django_assert_num_queries) -> None:
    populate(personas.a, rows)
    http = signed_in(personas.a.contact1)
    # 3. the viewer's preferences (none saved yet: the defaults are shown)
    with django_assert_num_queries(3):
        response = http.get("/notifications/preferences/")
    assert response.status_code == 200


# Deadlines in the reader's own time, the client's marked when it differs (issue 11, part 5)


@pytest.mark.parametrize(
    ("reader", "said"),
    [
        ("America/New_York", "Overdue: it was due Friday 4 December at 17:00."),
        ("Europe/London", "Overdue: it was due Friday 4 December at 22:00 (17:00 New York time)."),
        (
            "Asia/Tokyo",
            "Overdue: it was due Saturday 5 December at 07:00 (Friday 17:00 New York time).",
        ),
    ],
)
def test_a_deadline_is_said_in_the_readers_time_with_the_clients_when_it_differs(
    reader: str, said: str
) -> None:
    task = Task(client=Client(time_zone="America/New_York"))
    row = Notification(
        kind=Kind.OVERDUE, task=task, deadline_at=datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2026, 12, 9, 12, 0, tzinfo=UTC), tick=False):
        assert wording.sentence(row, ZoneInfo(reader)) == said
