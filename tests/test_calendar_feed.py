"""Private calendar feeds (issue 12): what each person's feed holds, on whose clock, and who
can open it.

The clock is fixed on Monday 2 March 2026, the week New York moves its clocks forward
(Sunday 8 March), so a deadline on Friday and one on Monday straddle the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar, Event

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.clients.services import assign_assistant, create_client
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import AuditEntry, Membership
from tandem.core.services import deactivate_member
from tandem.planning import feeds
from tandem.planning.feed_addresses import (
    ALREADY_OFF,
    NOT_YOURS,
    live_feed_of,
    make_calendar_feed,
    turn_off_calendar_feed,
)
from tandem.planning.models import CalendarFeed
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tests.conftest import Personas, PracticeWorld, page_text, signed_in

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# Helpers --------------------------------------------------------------------------------------


def address_of(person: User) -> str:
    """A new feed address for ``person``, as a path."""
    _, secret = make_calendar_feed(person, actor=person)
    return reverse("planning:feed", args=[secret])


def fetch(path: str, as_user: User | None = None) -> Calendar:
    response = signed_in(as_user).get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_of(calendar: Calendar) -> dict[str, Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def summaries(path: str, as_user: User | None = None) -> set[str]:
    return set(events_of(fetch(path, as_user)))


def client_in(world: PracticeWorld, name: str, zone: str) -> Client:
    """A client on ``zone``'s clock that the assistant works on."""
    client = create_client(actor=world.owner, name=name, time_zone=zone)
    assign_assistant(client, assistant=world.assistant, actor=world.owner)
    return client


def request(
    client: Client, *, title: str, due: datetime, by: User, assignee: User | None = None
) -> Task:
    return create_task(
        client,
        actor=by,
        title=title,
        expectations="Sent and confirmed",
        deadline_at=due,
        assignee=assignee,
    )


def waiting(task: Task, *, actor: User, what: str, until: datetime) -> Task:
    move_task(task, to=TaskStatus.ACCEPTED, actor=actor)
    move_task(task, to=TaskStatus.IN_PROGRESS, actor=actor)
    return move_task(
        task, to=TaskStatus.WAITING_ON_CLIENT, actor=actor, waiting_for=what, waiting_until=until
    )


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


# The feed's content and its time zones -------------------------------------------------------


def test_a_deadline_reads_back_as_its_instant_on_the_clients_clock(personas: Personas) -> None:
    world = personas.a
    harbor = client_in(world, "Harbor Books", "America/New_York")
    due = at(NEW_YORK, 2026, 3, 6, 17, 0)
    task = request(
        harbor, title="Send the newsletter", due=due, by=world.owner, assignee=world.assistant
    )

    calendar = fetch(address_of(world.assistant))

    event = events_of(calendar)["Due: Send the newsletter (Harbor Books)"]
    start = event.decoded("DTSTART")
    assert start == due
    assert start.tzinfo.key == "America/New_York"
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {"America/New_York"}
    assert str(event["URL"]) == f"http://127.0.0.1:8000/tasks/{task.pk}/"
    assert str(event["UID"]) == f"task-{task.pk}-due@tandem"
    assert event.decoded("LAST-MODIFIED") == task.updated_at
    assert event.decoded("DTSTAMP") == task.updated_at
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert calendar.to_ical().count(b"X-PUBLISHED-TTL:PT1H") == 1


def test_deadlines_either_side_of_a_daylight_saving_change_keep_their_wall_time(
    personas: Personas,
) -> None:
    world = personas.a
    harbor = client_in(world, "Harbor Books", "America/New_York")
    friday = at(NEW_YORK, 2026, 3, 6, 17, 0)  # EST: 22:00 UTC
    monday = at(NEW_YORK, 2026, 3, 9, 17, 0)  # EDT since Sunday: 21:00 UTC
    for title, due in (("Before", friday), ("After", monday)):
        request(harbor, title=title, due=due, by=world.owner, assignee=world.assistant)

    events = events_of(fetch(address_of(world.assistant)))

    before = events["Due: Before (Harbor Books)"].decoded("DTSTART")
    after = events["Due: After (Harbor Books)"].decoded("DTSTART")
    assert (before.hour, after.hour) == (17, 17)
    assert before.astimezone(UTC) == datetime(2026, 3, 6, 22, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2026, 3, 9, 21, 0, tzinfo=UTC)


def test_each_event_is_on_its_own_clients_zone_with_a_vtimezone_for_each(
    personas: Personas,
) -> None:
    world = personas.a
    harbor = client_in(world, "Harbor Books", "America/New_York")
    thames = client_in(world, "Thames Tea", "Europe/London")
    request(harbor, title="Call", due=at(NEW_YORK, 2026, 4, 1, 9, 30), by=world.owner,
            assignee=world.assistant)  # fmt: skip
    request(thames, title="Order", due=at(LONDON, 2026, 4, 1, 9, 30), by=world.owner,
            assignee=world.assistant)  # fmt: skip
    request(world.client1, title="Post", due=NOW + timedelta(days=1), by=world.owner,
            assignee=world.assistant)  # fmt: skip

    calendar = fetch(address_of(world.assistant))

    events = events_of(calendar)
    assert events["Due: Call (Harbor Books)"].decoded("DTSTART").tzinfo.key == "America/New_York"
    assert events["Due: Order (Thames Tea)"].decoded("DTSTART").tzinfo.key == "Europe/London"
    # A UTC client's deadline is written in UTC ("Z"), which needs no VTIMEZONE.
    assert events["Due: Post (Client A1)"].decoded("DTSTART") == NOW + timedelta(days=1)
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {
        "America/New_York",
        "Europe/London",
    }


def test_the_feed_says_what_is_awaited_from_the_client_on_both_sides(personas: Personas) -> None:
    world = personas.a
    task = request(world.client1, title="Brochure", due=NOW + timedelta(days=9),
                   by=world.contact1, assignee=world.assistant)  # fmt: skip
    until = NOW + timedelta(days=2)
    waiting(task, actor=world.assistant, what="Final copy", until=until)

    practice_side = events_of(fetch(address_of(world.assistant)))
    client_side = events_of(fetch(address_of(world.contact1)))

    theirs = practice_side["Waiting on Client A1: Final copy (Brochure)"]
    yours = client_side["Waiting on you: Final copy (Brochure)"]
    assert theirs.decoded("DTSTART") == yours.decoded("DTSTART") == until
    assert str(yours["UID"]) == f"task-{task.pk}-waiting@tandem"
    assert "Due: Brochure (Client A1)" in client_side


def test_done_requests_stay_and_cancelled_ones_leave(personas: Personas) -> None:
    world = personas.a
    kept = request(world.client1, title="Kept", due=NOW + timedelta(days=2), by=world.contact1,
                   assignee=world.assistant)  # fmt: skip
    called_off = request(world.client1, title="Called off", due=NOW + timedelta(days=2),
                         by=world.contact1, assignee=world.assistant)  # fmt: skip
    move_task(called_off, to=TaskStatus.CANCELLED, actor=world.contact1, note="Not needed")
    Task.objects.filter(pk=kept.pk).update(status=TaskStatus.DONE)

    assert summaries(address_of(world.assistant)) == {"Done: Kept (Client A1)"}


def test_only_events_from_a_month_ago_to_a_year_ahead_are_written(personas: Personas) -> None:
    world = personas.a
    for title, days in (("Last month", -29), ("Long ago", -31), ("Next year", 365),
                        ("Far off", 367)):  # fmt: skip
        with time_machine.travel(NOW + timedelta(days=days) - timedelta(hours=1), tick=False):
            request(world.client1, title=title, due=NOW + timedelta(days=days),
                    by=world.owner, assignee=world.assistant)  # fmt: skip

    assert summaries(address_of(world.assistant)) == {
        "Due: Last month (Client A1)",
        "Due: Next year (Client A1)",
    }


def test_the_feed_writes_at_most_its_limit_earliest_first(personas: Personas) -> None:
    world = personas.a
    for day in range(1, 6):
        request(world.client1, title=f"Day {day}", due=NOW + timedelta(days=day),
                by=world.owner, assignee=world.assistant)  # fmt: skip
    viewer = feeds.Viewer(world.assistant, world.practice, feeds.access.Side.PRACTICE)

    events = feeds.events_for(viewer, feeds.Window.around(NOW), limit=3)

    assert [event.summary for event in events] == [
        f"Due: Day {day} (Client A1)" for day in (1, 2, 3)
    ]


# Whose events are in whose feed ---------------------------------------------------------------


def test_a_practice_members_feed_holds_only_the_requests_assigned_to_them(
    personas: Personas,
) -> None:
    world = personas.a
    soon = NOW + timedelta(days=3)
    assign_assistant(world.client2, assistant=world.owner, actor=world.owner)
    request(world.client1, title="Assistant's", due=soon, by=world.owner, assignee=world.assistant)
    request(world.client2, title="Owner's", due=soon, by=world.owner, assignee=world.owner)
    request(world.client1, title="Nobody's", due=soon, by=world.contact1)

    assert summaries(address_of(world.assistant)) == {"Due: Assistant's (Client A1)"}
    # Owners too: a feed of the whole practice would be too long to read.
    assert summaries(address_of(world.owner)) == {"Due: Owner's (Client A2)"}
    assert summaries(address_of(world.unassigned)) == set()


def test_a_contacts_feed_holds_only_their_own_clients_requests(personas: Personas) -> None:
    world = personas.a
    soon = NOW + timedelta(days=3)
    assign_assistant(world.client2, assistant=world.owner, actor=world.owner)
    request(world.client1, title="Ours", due=soon, by=world.contact1)
    request(world.client1, title="Practice's for us", due=soon, by=world.owner,
            assignee=world.assistant)  # fmt: skip
    other = request(world.client2, title="Theirs", due=soon, by=world.contact2,
                    assignee=world.owner)  # fmt: skip
    waiting(other, actor=world.owner, what="Logo", until=soon)
    request(personas.b.client1, title="Other practice", due=soon, by=personas.b.contact1)

    contact1 = summaries(address_of(world.contact1))
    contact2 = summaries(address_of(world.contact2))

    assert contact1 == {"Due: Ours (Client A1)", "Due: Practice's for us (Client A1)"}
    assert contact2 == {"Due: Theirs (Client A2)", "Waiting on you: Logo (Theirs)"}


def test_another_persons_address_never_shows_your_events(personas: Personas) -> None:
    world = personas.a
    soon = NOW + timedelta(days=3)
    request(world.client1, title="Private", due=soon, by=world.owner, assignee=world.assistant)
    others = [world.owner, world.unassigned, world.contact2, personas.b.owner,
              personas.b.assistant]  # fmt: skip

    for person in others:
        # Whoever is signed in while fetching it: the address decides, not the session.
        seen = summaries(address_of(person), as_user=world.assistant)
        assert "Due: Private (Client A1)" not in seen, person


def test_a_session_does_not_change_what_an_address_shows(personas: Personas) -> None:
    world = personas.a
    request(world.client1, title="Plan", due=NOW + timedelta(days=1), by=world.owner,
            assignee=world.assistant)  # fmt: skip
    path = address_of(world.assistant)

    bodies = {signed_in(user).get(path).content for user in (None, world.owner, world.contact2)}

    assert len(bodies) == 1


# Addresses: unknown, revoked, replaced, turned off --------------------------------------------


def test_a_revoked_unknown_or_malformed_address_answers_the_same_404(personas: Personas) -> None:
    world = personas.a
    old = address_of(world.assistant)
    address_of(world.assistant)  # a new address revokes the old one
    unknown = reverse("planning:feed", args=["a" * 32])
    malformed = reverse("planning:feed", args=["not-a-secret!"])
    too_long = reverse("planning:feed", args=["a" * 5000])

    answers = [signed_in(None).get(path) for path in (old, unknown, malformed, too_long)]

    assert {answer.status_code for answer in answers} == {404}
    assert {answer.content for answer in answers} == {b"No calendar at this address.\n"}
    assert {answer["Cache-Control"] for answer in answers} == {"private, no-cache"}


def test_making_a_new_address_stops_the_old_one(personas: Personas) -> None:
    world = personas.a
    old = address_of(world.contact1)
    new = address_of(world.contact1)

    assert signed_in(None).get(old).status_code == 404
    assert signed_in(None).get(new).status_code == 200
    assert CalendarFeed.objects.filter(person=world.contact1, revoked_at=None).count() == 1


def test_turning_off_leaves_no_working_address(personas: Personas) -> None:
    world = personas.a
    path = address_of(world.contact1)

    turn_off_calendar_feed(world.contact1, actor=world.contact1)

    assert signed_in(None).get(path).status_code == 404
    assert live_feed_of(world.contact1) is None
    with pytest.raises(DomainError, match=ALREADY_OFF):
        turn_off_calendar_feed(world.contact1, actor=world.contact1)


def test_making_and_turning_off_an_address_is_audited(personas: Personas) -> None:
    world = personas.a
    address_of(world.assistant)
    turn_off_calendar_feed(world.assistant, actor=world.assistant)

    entries = AuditEntry.objects.filter(
        practice=world.practice,
        actor=world.assistant,
        action__in=[Action.CALENDAR_FEED_MADE, Action.CALENDAR_FEED_TURNED_OFF],
    ).order_by("id")
    assert [entry.action for entry in entries] == ["calendar_feed_made", "calendar_feed_turned_off"]
    # The record names whose address it was, never the address.
    assert {entry.target_label for entry in entries} == {"Calendar address of assistant"}


def test_nobody_makes_an_address_for_someone_else(personas: Personas) -> None:
    world = personas.a
    with pytest.raises(DomainError, match=NOT_YOURS):
        make_calendar_feed(world.assistant, actor=world.owner)
    assert not CalendarFeed.objects.exists()


def test_a_member_removed_from_the_practice_loses_their_feed(personas: Personas) -> None:
    world = personas.a
    path = address_of(world.assistant)
    membership = Membership.objects.get(user=world.assistant)

    deactivate_member(membership, actor=world.owner)

    assert signed_in(None).get(path).status_code == 404


def test_the_database_holds_no_secret_that_opens_a_feed(personas: Personas) -> None:
    world = personas.a
    path = address_of(world.assistant)
    secret = path.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()

    stored = " ".join(str(value) for value in CalendarFeed.objects.values().get().values())
    assert secret not in stored
    assert signed_in(None).get(reverse("planning:feed", args=[feed.seed])).status_code == 404
    assert signed_in(None).get(reverse("planning:feed", args=[feed.secret_hash])).status_code == 404


def test_an_address_made_under_an_old_key_works_and_is_shown_while_the_key_is_kept(
    personas: Personas, settings: Any
) -> None:
    world = personas.a
    path = address_of(world.assistant)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    page = signed_in(world.assistant).get(reverse("planning:calendar"))
    assert path in page_text(page)

    settings.SECRET_KEY_FALLBACKS = []
    page = signed_in(world.assistant).get(reverse("planning:calendar"))
    assert path not in page_text(page)
    assert "can no longer be shown here" in page_text(page)
    assert signed_in(None).get(path).status_code == 200


# The answer's headers -------------------------------------------------------------------------


def test_the_feed_is_private_and_an_unchanged_one_answers_304(personas: Personas) -> None:
    world = personas.a
    request(world.client1, title="Plan", due=NOW + timedelta(days=1), by=world.owner,
            assignee=world.assistant)  # fmt: skip
    path = address_of(world.assistant)

    first = signed_in(None).get(path)
    again = signed_in(None).get(path, headers={"If-None-Match": first["ETag"]})

    assert first["Cache-Control"] == "private, no-cache"
    assert first["Referrer-Policy"] == "no-referrer"
    assert "noindex" in first["X-Robots-Tag"]
    assert again.status_code == 304
    assert again.content == b""
    assert signed_in(None).head(path).status_code == 200


def test_a_change_to_a_request_shows_in_the_next_fetch(personas: Personas) -> None:
    world = personas.a
    task = request(world.client1, title="Plan", due=NOW + timedelta(days=1), by=world.contact1,
                   assignee=world.assistant)  # fmt: skip
    path = address_of(world.assistant)
    first = signed_in(None).get(path)

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        move_task(task, to=TaskStatus.ACCEPTED, actor=world.assistant)
    again = signed_in(None).get(path, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 200
    (event,) = Calendar.from_ical(again.content).walk("VEVENT")
    assert str(event["DESCRIPTION"]).startswith("Status: Accepted.")
    assert event.decoded("LAST-MODIFIED") == NOW + timedelta(minutes=5)


# The registry of sources -----------------------------------------------------------------------


@pytest.fixture
def reservations_source() -> Iterator[str]:
    """A source registered the way later work registers one (reservations, time off)."""

    @feeds.source("test.reservations")
    def reservations(
        viewer: feeds.Viewer, window: feeds.Window, *, limit: int
    ) -> Iterable[feeds.FeedEvent]:
        return [
            feeds.FeedEvent(
                uid=f"reservation-{viewer.person.pk}@tandem",
                summary="Reserved: launch week",
                starts_at=at(LONDON, 2026, 3, 30, 9, 0),
                ends_at=at(LONDON, 2026, 3, 30, 13, 0),
                time_zone="Europe/London",
                changed_at=NOW,
            )
        ]

    yield "test.reservations"
    feeds._SOURCES.pop("test.reservations")


def test_a_persons_own_time_off_is_in_their_feed_on_their_clock(personas: Personas) -> None:
    from tandem.planning.services import add_time_off

    world = personas.a
    User.objects.filter(pk=world.assistant.pk).update(time_zone="America/New_York")
    world.assistant.refresh_from_db()
    starts = datetime(2026, 3, 10, 13, 0, tzinfo=NEW_YORK)
    add_time_off(
        world.assistant,
        actor=world.assistant,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        note="Dentist",
    )
    add_time_off(
        world.owner,
        actor=world.owner,
        starts_at=starts,
        ends_at=starts + timedelta(days=2),
    )
    theirs = events_of(fetch(address_of(world.assistant)))
    event = theirs["Time off: Dentist"]
    assert event.decoded("DTSTART") == starts
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTEND") == starts + timedelta(hours=4)
    # Nobody else's time off, and none in a client's contact's feed.
    assert "Time off" not in theirs
    assert "Time off" in summaries(address_of(world.owner))
    assert not any(name.startswith("Time off") for name in summaries(address_of(world.contact1)))


def test_a_registered_source_joins_the_feed_without_touching_the_view(
    personas: Personas, reservations_source: str
) -> None:
    calendar = fetch(address_of(personas.a.assistant))

    event = events_of(calendar)["Reserved: launch week"]
    assert event.decoded("DTSTART") == at(LONDON, 2026, 3, 30, 9, 0)
    assert event.decoded("DTEND").hour == 13
    assert event.decoded("DTSTART").tzinfo.key == "Europe/London"


def test_two_sources_cannot_share_a_name(reservations_source: str) -> None:
    def another(viewer: feeds.Viewer, window: feeds.Window, *, limit: int) -> list[Any]:
        return []

    with pytest.raises(ValueError, match="already named"):
        feeds.source(reservations_source)(another)


# The calendar page --------------------------------------------------------------------------------


def test_the_page_makes_an_address_shows_it_and_explains_how_to_add_it(
    personas: Personas,
) -> None:
    world = personas.a
    http = signed_in(world.contact1)

    made = http.post(reverse("planning:feed-make"), follow=True)

    text = page_text(made)
    assert "Your calendar address is ready." in text
    feed = live_feed_of(world.contact1)
    assert feed is not None
    address = signed_in(None).get(_address_in(text))
    assert address.status_code == 200
    for app in ("Google Calendar", "Apple Calendar", "Outlook"):
        assert f"<h3>{app}</h3>" in text
    assert 'data-copy="calendar-address"' in text
    assert made.redirect_chain[-1][0] == reverse("planning:calendar")
    assert "no-store" in made["Cache-Control"]


def test_a_new_address_from_the_page_needs_the_tick_and_replaces_the_old(
    personas: Personas,
) -> None:
    world = personas.a
    old = address_of(world.assistant)
    http = signed_in(world.assistant)

    refused = http.post(reverse("planning:feed-make"))
    assert refused.status_code == 400
    assert signed_in(None).get(old).status_code == 200

    http.post(reverse("planning:feed-make"), {"new-confirm": "on"})
    assert signed_in(None).get(old).status_code == 404
    assert live_feed_of(world.assistant) is not None


def test_turning_off_from_the_page(personas: Personas) -> None:
    world = personas.a
    path = address_of(world.owner)

    response = signed_in(world.owner).post(
        reverse("planning:feed-turn-off"), {"off-confirm": "on"}, follow=True
    )

    assert "Your calendar address is off." in page_text(response)
    assert signed_in(None).get(path).status_code == 404
    assert "Make my calendar address" in page_text(response)


def test_the_profile_links_to_the_calendar_page_for_everyone(personas: Personas) -> None:
    world = personas.a
    for person in (world.owner, world.assistant, world.contact1):
        profile = signed_in(person).get(reverse("accounts:profile"))
        assert reverse("planning:calendar") in page_text(profile)


def _address_in(text: str) -> str:
    start = text.index('id="calendar-address" value="') + len('id="calendar-address" value="')
    address = text[start : text.index('"', start)]
    return address.removeprefix("http://127.0.0.1:8000")


# Queries ----------------------------------------------------------------------------------------


def populate(world: PracticeWorld, rows: int) -> None:
    """``rows`` requests of each kind the feeds show: assigned to the assistant in two
    zones, and waiting on client 1, and ``rows`` of client 2 nobody here should see."""
    harbor = client_in(world, "Harbor Books", "America/New_York")
    for i in range(rows):
        due = NOW + timedelta(days=1 + i)
        request(harbor, title=f"NY {i}", due=due, by=world.owner, assignee=world.assistant)
        task = request(world.client1, title=f"A1 {i}", due=due, by=world.contact1,
                       assignee=world.assistant)  # fmt: skip
        waiting(task, actor=world.assistant, what=f"Copy {i}", until=due - timedelta(hours=6))
        request(world.client2, title=f"A2 {i}", due=due, by=world.contact2)


@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize(("persona", "events_per_row"), [("assistant", 3), ("contact1", 2)])
def test_a_feed_costs_one_query_per_source_whatever_its_size(
    personas: Personas, rows: int, persona: str, events_per_row: int, django_assert_num_queries
) -> None:
    world = personas.a
    populate(world, rows)
    path = address_of(world.persona(persona))
    http = signed_in(None)
    # 1. the live feed by its hash, with its person, their membership and practice;
    # 2. the deadlines (tasks with their clients); 3. what is awaited from the client;
    # 4. the reservations (heads-ups still coming, with their clients), 5. the weekly
    # check-ins (planning), 6. the person's time off (none for a client's contact).
    with django_assert_num_queries(5 if persona == "contact1" else 6):
        response = http.get(path)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == events_per_row * rows


@pytest.mark.parametrize("rows", [2, 30])
def test_the_calendar_page_costs_the_same_whatever_the_history(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    world = personas.a
    for _ in range(rows):
        address_of(world.assistant)  # each new address revokes the one before
    http = signed_in(world.assistant)
    # 1. the session, 2. the user with their membership and practice, 3. the live feed.
    with django_assert_num_queries(3):
        response = http.get(reverse("planning:calendar"))
    assert response.status_code == 200
