"""Quieter, truer notifications (issue 11, part 4): nobody hears of their own action, taking
a request on is worded as such and told once with its acceptance, and opening a request
reads its news (the bell goes down)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tandem.notify import services, wording
from tandem.notify.models import Kind, Notification
from tandem.work.deliveries import deliver_task
from tandem.work.models import Task, TaskStatus
from tandem.work.services import add_comment, assign_task, create_task, move_task
from tests.conftest import Personas, PracticeWorld, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

S = TaskStatus


def request_for(world: PracticeWorld, **kwargs: object) -> Task:
    fields: dict[str, object] = {
        "actor": world.contact1,
        "title": "Book the venue",
        "expectations": "A signed booking",
        "deadline_at": timezone.now() + timedelta(days=3),
    }
    return create_task(world.client1, **(fields | kwargs))  # type: ignore[arg-type]


def told(user: object) -> list[Notification]:
    react_now()
    rows = Notification.objects.filter(recipient=user).select_related("actor", "event", "comment")
    return list(rows.order_by("id"))


def bell(http: object) -> str:
    return http.get("/notifications/bell/").content.decode()  # type: ignore[attr-defined]


# Nobody is told of their own action -----------------------------------------------------------


def test_nobody_is_told_of_their_own_action_whatever_its_kind(personas: Personas) -> None:
    """Every kind a person can cause, made by someone who also watches the request (and,
    for a mention, names themself): no row ever has its actor as its recipient."""
    a = personas.a
    task = request_for(a)  # new request, by the contact
    add_comment(task, actor=a.owner, body_markdown="I will watch this one.")  # owner watches
    assign_task(task, actor=a.owner, assignee=a.assistant)  # a new assignee, by the owner
    move_task(task, to=S.ACCEPTED, actor=a.assistant)  # decided
    move_task(task, to=S.IN_PROGRESS, actor=a.assistant)  # status changed
    add_comment(task, actor=a.assistant, body_markdown="@assistant note to self, @owner")
    deliver_task(task, actor=a.assistant, message="Here it is.")  # delivered
    add_comment(task, actor=a.contact1, body_markdown="Thanks, @contact1 @assistant")  # mention
    react_now()
    rows = Notification.objects.filter(task=task)
    kinds = set(rows.values_list("kind", flat=True))
    assert kinds >= {
        Kind.NEW_REQUEST,
        Kind.STATUS_CHANGED,
        Kind.DECIDED,
        Kind.COMMENT,
        Kind.MENTION,
        Kind.DELIVERED,
    }
    for row in rows:
        assert row.recipient_id != row.actor_id, f"{row} was told of their own action"


def test_a_change_listing_its_actor_still_does_not_tell_them(personas: Personas) -> None:
    """The guard is in ``record`` itself, so a reaction that builds its list carelessly (a
    new kind, another app's) cannot tell someone of what they did."""
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    react_now()
    change = services.Change(
        task, Kind.COMMENT, "test:1", a.assistant, recipients=[a.assistant, a.contact1]
    )
    rows = services.record([change])
    assert [row.recipient_id for row in rows] == [a.contact1.pk]


# Taking a request on ---------------------------------------------------------------------------


def test_accepting_an_unassigned_request_is_one_notification_saying_they_took_it_on(
    personas: Personas,
) -> None:
    a = personas.a
    task = request_for(a)
    react_now()
    Notification.objects.all().delete()
    move_task(task, to=S.ACCEPTED, actor=a.assistant)
    task.refresh_from_db()
    assert task.assignee == a.assistant  # the timeline has both lines …
    assert task.events.count() == 3
    [news] = told(a.contact1)  # … the contact one piece of news
    assert news.kind == Kind.DECIDED
    assert wording.headline(news) == "Accepted"
    assert wording.sentence(news, timezone.get_current_timezone()) == (
        "assistant accepted the request and took it on."
    )
    assert told(a.assistant) == []
    assert Notification.objects.count() == 1


def test_accepting_and_later_taking_it_on_are_two_pieces_of_news(personas: Personas) -> None:
    a = personas.a
    task = request_for(a)
    # The owner accepts (an owner takes nothing on); the assistant takes it an hour later.
    move_task(task, to=S.ACCEPTED, actor=a.owner)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assign_task(task, actor=a.assistant, assignee=a.assistant)
    zone = timezone.get_current_timezone()
    assert [wording.headline(row) for row in told(a.contact1)] == ["Accepted", "Taken on"]
    first, second = told(a.contact1)
    assert wording.sentence(first, zone).endswith(" accepted the request.")
    assert wording.sentence(second, zone) == "assistant took it on."


def test_an_owner_accepting_is_only_an_acceptance(personas: Personas) -> None:
    a = personas.a
    task = request_for(a)
    react_now()
    Notification.objects.all().delete()
    move_task(task, to=S.ACCEPTED, actor=a.owner)
    [news] = told(a.contact1)
    assert wording.sentence(news, timezone.get_current_timezone()) == (
        "Owner A accepted the request."
    )


def test_assigning_oneself_reads_took_it_on_and_someone_else_by_name(
    personas: Personas,
) -> None:
    a = personas.a
    task = request_for(a)
    react_now()
    Notification.objects.all().delete()
    assign_task(task, actor=a.assistant, assignee=a.assistant)
    [taken] = told(a.contact1)
    zone = timezone.get_current_timezone()
    assert wording.headline(taken) == "Taken on"
    assert wording.sentence(taken, zone) == "assistant took it on."
    assign_task(task, actor=a.owner, assignee=None)
    assign_task(task, actor=a.owner, assignee=a.assistant)
    latest = told(a.contact1)[-1]
    assert wording.headline(latest) == "New assignee"
    assert wording.sentence(latest, zone) == "Owner A assigned it to assistant."
    assert "assigned it to Owner A" not in " ".join(
        wording.sentence(row, zone) for row in told(a.owner)
    )


# Opening a request reads its news --------------------------------------------------------------


def test_opening_a_request_marks_the_readers_news_about_it_read(personas: Personas) -> None:
    a = personas.a
    task = request_for(a, assignee=a.assistant)
    other = request_for(a, assignee=a.assistant, title="Order the flowers")
    move_task(task, to=S.ACCEPTED, actor=a.assistant)
    add_comment(task, actor=a.assistant, body_markdown="Called the venue.")
    add_comment(task, actor=a.contact1, body_markdown="Thank you!")
    add_comment(other, actor=a.assistant, body_markdown="Roses?")
    react_now()
    http = signed_in(a.contact1)
    assert ">2<" in bell(http)  # two requests with news

    assert http.get(f"/tasks/{task.pk}/").status_code == 200

    assert not Notification.objects.filter(recipient=a.contact1, task=task, read_at=None)
    # Only that request, and only the reader's: the other request and the assistant's
    # news about this one are still unread.
    assert Notification.objects.filter(recipient=a.contact1, task=other, read_at=None)
    assert Notification.objects.filter(recipient=a.assistant, task=task, read_at=None)
    assert ">1<" in bell(http)
    http.get(f"/tasks/{other.pk}/")
    assert "bell-count" not in bell(http)


def test_a_request_the_reader_cannot_see_reads_nothing(personas: Personas) -> None:
    a, b = personas.a, personas.b
    theirs = request_for(b, assignee=b.assistant)
    add_comment(theirs, actor=b.contact1, body_markdown="Hello")
    react_now()
    assert signed_in(a.assistant).get(f"/tasks/{theirs.pk}/").status_code == 404
    assert Notification.objects.filter(recipient=b.assistant, read_at=None).count() == 2
