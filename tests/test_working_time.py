"""Working time (issue 12): each member's weekly hours, the share of the day kept free and
their time off; who may plan whose; and the availability planning computes with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.core.roles import Role
from tandem.planning import capacity, services
from tandem.planning.models import TimeOff, WorkingWeek
from tandem.planning.selectors import availabilities_of, availability_of
from tandem.planning.wording import DASH
from tests.conftest import Personas, PracticeWorld, field_error, join, page_text, signed_in

pytestmark = pytest.mark.django_db

# Monday 16 June 2025, 08:00 UTC: no bank holiday, no clock change near.
NOW = datetime(2025, 6, 16, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def week_form(**overrides: str) -> dict[str, str]:
    """Monday to Friday, 09:00 to 17:00, nothing kept free, with ``overrides``."""
    days = {}
    for key in ("mon", "tue", "wed", "thu", "fri"):
        days |= {f"{key}_works": "on", f"{key}_starts_at": "09:00", f"{key}_ends_at": "17:00"}
    return days | {"kept_free_percent": "0"} | overrides


def book(world: PracticeWorld, person_kind: str, first: str, last: str = "", **times: str) -> None:
    person = world.persona(person_kind)
    url = reverse("planning:time-off-add", args=[person.pk])
    data = {"first_day": first, "last_day": last, "note": ""} | times
    response = signed_in(person).post(url, data)
    assert response.status_code == 302, page_text(response)


# The page ---------------------------------------------------------------------------------


def test_until_they_set_their_own_an_assistant_works_the_practices_hours(
    personas: Personas,
) -> None:
    response = signed_in(personas.a.assistant).get(reverse("planning:working-time"))
    assert response.status_code == 200
    text = page_text(response)
    assert "the practice's days and hours apply" in text
    assert 'name="mon_starts_at" value="09:00"' in text
    assert 'id="id_sat_works"' in text
    assert 'id="id_sat_works" checked' not in text
    assert 'id="id_fri_works" checked' in text
    assert "No time off booked" in text


def test_an_assistant_saves_their_own_week_and_planning_reads_it(personas: Personas) -> None:
    world = personas.a
    http = signed_in(world.assistant)
    data = week_form(
        mon_starts_at="08:00", mon_ends_at="12:00", fri_works="", kept_free_percent="20"
    )
    response = http.post(reverse("planning:working-time"), data)
    assert response.status_code == 302
    assert "28 h a week; 22.4 h of it for planned work" in page_text(http.get(response["Location"]))

    ada = availability_of(world.assistant, first_day=date(2025, 6, 16), last_day=date(2025, 6, 22))
    assert ada.kept_free_percent == 20
    monday = ada.free_time(datetime(2025, 6, 16, tzinfo=UTC), datetime(2025, 6, 17, tzinfo=UTC))
    assert monday == [
        capacity.Span(datetime(2025, 6, 16, 8, tzinfo=UTC), datetime(2025, 6, 16, 12, tzinfo=UTC))
    ]
    friday = (datetime(2025, 6, 20, tzinfo=UTC), datetime(2025, 6, 21, tzinfo=UTC))
    assert ada.free_minutes(*friday) == 0


def test_an_end_of_midnight_runs_to_the_end_of_the_day(personas: Personas) -> None:
    world = personas.a
    data = week_form(sat_works="on", sat_starts_at="18:00", sat_ends_at="00:00")
    assert (
        signed_in(world.assistant).post(reverse("planning:working-time"), data).status_code == 302
    )
    ada = availability_of(world.assistant, first_day=date(2025, 6, 16), last_day=date(2025, 6, 22))
    saturday = (datetime(2025, 6, 21, tzinfo=UTC), datetime(2025, 6, 22, tzinfo=UTC))
    assert ada.free_minutes(*saturday) == 6 * 60


def test_the_owner_plans_an_assistants_time_but_an_assistant_only_their_own(
    personas: Personas,
) -> None:
    world = personas.a
    owner = signed_in(world.owner)
    url = reverse("planning:member-working-time", args=[world.assistant.pk])
    page = owner.get(url)
    assert page.status_code == 200
    assert "assistant's working time" in page_text(page)
    assert owner.post(url, week_form(kept_free_percent="10")).status_code == 302
    assert WorkingWeek.objects.get(person=world.assistant).kept_free_percent == 10

    assistant = signed_in(world.assistant)
    owners_page = reverse("planning:member-working-time", args=[world.owner.pk])
    assert assistant.get(owners_page).status_code == 404
    assert assistant.post(owners_page, week_form()).status_code == 404
    assert not WorkingWeek.objects.filter(person=world.owner).exists()


def test_the_owner_picks_whose_working_time_to_plan(personas: Personas) -> None:
    text = page_text(signed_in(personas.a.owner).get(reverse("planning:working-time")))
    assert 'aria-label="Whose working time"' in text
    for person in (personas.a.assistant, personas.a.unassigned):
        assert reverse("planning:member-working-time", args=[person.pk]) in text
    for nobody in (personas.a.contact1, personas.b.assistant):
        assert reverse("planning:member-working-time", args=[nobody.pk]) not in text


def test_the_profile_links_to_working_time_for_the_practice_side_only(personas: Personas) -> None:
    link = reverse("planning:working-time")
    assert link in page_text(signed_in(personas.a.assistant).get(reverse("accounts:profile")))
    assert link not in page_text(signed_in(personas.a.contact1).get(reverse("accounts:profile")))


def test_a_client_contact_has_no_working_time_to_plan(personas: Personas) -> None:
    contact = signed_in(personas.a.contact1)
    assert contact.get(reverse("planning:working-time")).status_code == 403
    own = reverse("planning:member-working-time", args=[personas.a.contact1.pk])
    assert contact.get(own).status_code == 404
    owner = signed_in(personas.a.owner)
    assert owner.get(own).status_code == 404


def test_a_removed_member_has_no_working_time_page(personas: Personas) -> None:
    from tandem.core.models import Membership
    from tandem.core.services import deactivate_member

    world = personas.a
    deactivate_member(Membership.objects.get(user=world.unassigned), actor=world.owner)
    url = reverse("planning:member-working-time", args=[world.unassigned.pk])
    assert signed_in(world.owner).get(url).status_code == 404


# Time off ---------------------------------------------------------------------------------


def test_time_off_is_a_day_a_range_or_part_of_a_day_on_the_persons_clock(
    personas: Personas,
) -> None:
    world = personas.a
    world.assistant.time_zone = "America/New_York"
    world.assistant.save(update_fields=["time_zone"])
    book(world, "assistant", "2025-07-04")
    book(world, "assistant", "2025-07-14", "2025-07-18")
    book(world, "assistant", "2025-07-22", from_time="13:00", until_time="17:00")
    book(world, "assistant", "2025-07-28", "2025-07-29", from_time="12:00", until_time="10:00")
    rows = list(TimeOff.objects.filter(person=world.assistant).values_list("starts_at", "ends_at"))
    assert rows == [
        (datetime(2025, 7, 4, 4, tzinfo=UTC), datetime(2025, 7, 5, 4, tzinfo=UTC)),
        (datetime(2025, 7, 14, 4, tzinfo=UTC), datetime(2025, 7, 19, 4, tzinfo=UTC)),
        (datetime(2025, 7, 22, 17, tzinfo=UTC), datetime(2025, 7, 22, 21, tzinfo=UTC)),
        (datetime(2025, 7, 28, 16, tzinfo=UTC), datetime(2025, 7, 29, 14, tzinfo=UTC)),
    ]
    text = page_text(signed_in(world.assistant).get(reverse("planning:working-time")))
    for when in (
        "Fri 4 Jul",
        f"Mon 14 Jul {DASH} Fri 18 Jul",
        f"Tue 22 Jul, 13:00{DASH}17:00",
        f"Mon 28 Jul 12:00 {DASH} Tue 29 Jul 10:00",
    ):
        assert when in text


def test_time_off_over_a_clock_change_is_whole_days_on_the_persons_clock(
    personas: Personas,
) -> None:
    world = personas.a
    world.assistant.time_zone = "Europe/London"
    world.assistant.save(update_fields=["time_zone"])
    # Saturday 25 to Monday 27 October 2025: the clocks go back on the Sunday.
    book(world, "assistant", "2025-10-25", "2025-10-27")
    time_off = TimeOff.objects.get(person=world.assistant)
    assert (time_off.starts_at, time_off.ends_at) == (
        datetime(2025, 10, 24, 23, tzinfo=UTC),
        datetime(2025, 10, 28, 0, tzinfo=UTC),
    )
    assert (time_off.ends_at - time_off.starts_at) == timedelta(hours=73)


def test_planning_leaves_time_off_free(personas: Personas) -> None:
    world = personas.a
    book(world, "assistant", "2025-06-16", from_time="09:00", until_time="13:00")
    ada = availability_of(world.assistant, first_day=date(2025, 6, 16), last_day=date(2025, 6, 20))
    plan = capacity.plan([], [ada], start=NOW)
    done = capacity.earliest_fit(60, assignee=world.assistant.pk, after=NOW, plan=plan)
    assert done == datetime(2025, 6, 16, 14, tzinfo=UTC)


def test_time_off_that_overlaps_time_off_already_booked_is_refused(personas: Personas) -> None:
    world = personas.a
    book(world, "assistant", "2025-07-14", "2025-07-18")
    with pytest.raises(
        DomainError, match=rf"overlaps time off already booked \(Mon 14 Jul {DASH} Fri 18 Jul\)"
    ):
        services.add_time_off(
            world.assistant,
            actor=world.owner,
            starts_at=datetime(2025, 7, 18, 12, tzinfo=UTC),
            ends_at=datetime(2025, 7, 21, tzinfo=UTC),
        )
    # Touching is not overlapping: the Saturday after is free to book.
    book(world, "assistant", "2025-07-19")
    assert TimeOff.objects.filter(person=world.assistant).count() == 2


def test_removing_time_off_gives_the_hours_back(personas: Personas) -> None:
    world = personas.a
    book(world, "assistant", "2025-06-17")
    time_off = TimeOff.objects.get(person=world.assistant)
    url = reverse("planning:time-off-remove", args=[world.assistant.pk, time_off.pk])
    assert signed_in(world.unassigned).post(url).status_code == 404
    http = signed_in(world.assistant)
    response = http.post(url)
    assert response.status_code == 302
    assert not TimeOff.objects.exists()
    assert "Time off removed: Tue 17 Jun." in page_text(http.get(response["Location"]))


def test_time_off_of_another_person_through_ones_own_address_is_missing(personas: Personas) -> None:
    world = personas.a
    book(world, "unassigned", "2025-06-17")
    theirs = TimeOff.objects.get(person=world.unassigned)
    url = reverse("planning:time-off-remove", args=[world.owner.pk, theirs.pk])
    assert signed_in(world.owner).post(url).status_code == 404
    assert TimeOff.objects.filter(pk=theirs.pk).exists()


# The services say what to fix ---------------------------------------------------------------


def test_the_services_refuse_what_the_forms_refuse(personas: Personas) -> None:
    world = personas.a
    week = {0: (time(9), time(17))}
    with pytest.raises(DomainError, match="ends before it starts") as refused:
        services.set_working_week(
            world.assistant,
            actor=world.assistant,
            hours={2: (time(17), time(9))},
            kept_free_percent=0,
        )
    assert refused.value.field == "wed_ends_at"
    for share, sentence in ((95, "at most 90 %"), (-5, "cannot be below 0 %")):
        with pytest.raises(DomainError, match=sentence) as refused:
            services.set_working_week(
                world.assistant, actor=world.assistant, hours=week, kept_free_percent=share
            )
        assert refused.value.field == "kept_free_percent"
    with pytest.raises(DomainError, match="only plan your own"):
        services.set_working_week(
            world.owner, actor=world.assistant, hours=week, kept_free_percent=0
        )
    with pytest.raises(DomainError, match="only plan your own"):
        services.set_working_week(
            personas.b.assistant, actor=world.owner, hours=week, kept_free_percent=0
        )
    with pytest.raises(DomainError, match="ends before it starts"):
        services.add_time_off(world.assistant, actor=world.assistant, starts_at=NOW, ends_at=NOW)
    assert not WorkingWeek.objects.exists()
    assert not TimeOff.objects.exists()


# Availability, in a bounded number of queries -----------------------------------------------


@pytest.mark.parametrize("people", [2, 12])
def test_availabilities_are_read_in_three_queries_however_many_people(
    personas: Personas, people: int, django_assert_num_queries
) -> None:
    world = personas.a
    members = [world.assistant]
    for n in range(people - 1):
        members.append(join(world.owner, f"helper{n}@more.example.com", role=Role.ASSISTANT))
    for member in members:
        services.set_working_week(
            member, actor=world.owner, hours={0: (time(8), time(16))}, kept_free_percent=10
        )
        services.add_time_off(
            member,
            actor=world.owner,
            starts_at=datetime(2025, 6, 16, 8, tzinfo=UTC),
            ends_at=datetime(2025, 6, 16, 10, tzinfo=UTC),
        )
    # 1. their weeks, 2. the weeks' hours, 3. their time off in the window
    with django_assert_num_queries(3):
        found = availabilities_of(
            members,
            practice=world.practice,
            first_day=date(2025, 6, 16),
            last_day=date(2025, 6, 29),
        )
    monday = (datetime(2025, 6, 16, tzinfo=UTC), datetime(2025, 6, 17, tzinfo=UTC))
    assert {a.free_minutes(*monday) for a in found.values()} == {6 * 60}


def test_nothing_is_free_after_the_last_day_read(personas: Personas) -> None:
    ada = availability_of(
        personas.a.assistant, first_day=date(2025, 6, 16), last_day=date(2025, 6, 17)
    )
    assert (
        ada.free_minutes(datetime(2025, 6, 16, tzinfo=UTC), datetime(2025, 6, 21, tzinfo=UTC))
        == 16 * 60
    )


@pytest.mark.parametrize("rows", [2, 30])
def test_the_page_costs_the_same_queries_with_few_or_many_people_and_days_off(
    personas: Personas, rows: int, django_assert_num_queries
) -> None:
    world = personas.a
    for n in range(rows):
        join(world.owner, f"helper{n}@more.example.com", role=Role.ASSISTANT)
        day = date(2025, 7, 1) + timedelta(days=2 * n)
        services.add_time_off(
            world.assistant,
            actor=world.owner,
            starts_at=datetime.combine(day, time(), UTC),
            ends_at=datetime.combine(day, time(), UTC) + timedelta(days=1),
        )
    services.set_working_week(
        world.assistant, actor=world.assistant, hours={0: (time(9), time(17))}, kept_free_percent=0
    )
    http = signed_in(world.owner)
    url = reverse("planning:member-working-time", args=[world.assistant.pk])
    # 1. the session, 2. the user with their membership and practice, 3. the person, 4. their
    # week, 5. its hours, 6. their time off to come, 7. the people the owner plans for
    with django_assert_num_queries(7):
        response = http.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].time_off) == rows
    assert len(response.context["page"].team) == rows + 3


def test_refused_hours_keep_every_day_typed(personas: Personas) -> None:
    data = week_form(mon_ends_at="08:00", tue_starts_at="07:15", kept_free_percent="95")
    response = signed_in(personas.a.assistant).post(reverse("planning:working-time"), data)
    assert response.status_code == 400
    assert field_error(response, "mon_ends_at").startswith("Monday ends before it starts")
    assert field_error(response, "kept_free_percent").startswith("Keep at most 90 %")
    text = page_text(response)
    assert 'name="tue_starts_at" value="07:15"' in text
    assert 'name="kept_free_percent" value="95"' in text
    assert not WorkingWeek.objects.exists()


# Requests as commitments -----------------------------------------------------------------


def test_accepted_unfinished_requests_are_the_committed_work(
    personas: Personas, django_assert_num_queries
) -> None:
    from decimal import Decimal

    from tandem.planning.selectors import task_commitments
    from tandem.work.deliveries import deliver_task
    from tandem.work.models import Task, TaskStatus
    from tandem.work.services import create_task, move_task

    world = personas.a

    def request(title: str, estimate: str | None, *moves: str) -> int:
        task = create_task(
            world.client1,
            actor=world.owner,
            title=title,
            expectations="Done",
            deadline_at=datetime(2025, 6, 17, 17, tzinfo=UTC),
            assignee=world.assistant,
            estimate_hours=None if estimate is None else Decimal(estimate),
        )
        for status in moves:
            move_task(task, to=status, actor=world.assistant)
        return task.pk

    sized = request("Report", "6", TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
    unsized = request("Call", None, TaskStatus.ACCEPTED)
    request("Not taken on yet", "3")
    delivered = request("Delivered", "2", TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
    deliver_task(Task.objects.get(pk=delivered), actor=world.assistant, message="Here it is.")
    with django_assert_num_queries(1):
        found = task_commitments(world.practice, default_hours=Decimal("1.5"))
    assert [(c.key, c.minutes, c.is_default_size) for c in found] == [
        (f"task:{sized}", 360, False),
        (f"task:{unsized}", 90, True),
    ]
    assert {(c.assignee, c.client, c.is_confirmed) for c in found} == {
        (world.assistant.pk, world.client1.pk, True)
    }

    # From Monday 08:00 to Tuesday 17:00 the assistant has 16 working hours: 6 + 1.5 fit,
    # 6 + 11 do not, and the request with no estimate says so.
    ada = availability_of(world.assistant, first_day=date(2025, 6, 16), last_day=date(2025, 7, 31))
    assert not capacity.plan(found, [ada], start=NOW).misses
    more = task_commitments(world.practice, default_hours=Decimal("11"))
    late = capacity.plan(more, [ada], start=NOW).placements[f"task:{unsized}"]
    assert late.miss is not None
    assert late.miss.reason == "Needs 11 h, 10 h free before the deadline."


@pytest.mark.parametrize(
    ("field", "typed", "sentence"),
    [
        ("first_day", "9999-12-31", "Pick a day within ten years of today."),
        ("last_day", "0001-01-01", "Pick a day within ten years of today."),
        ("from_time", "x" * 5000, "is not a time of day"),
    ],
)
def test_time_off_far_from_today_or_not_a_time_is_refused_not_a_crash(
    personas: Personas, field: str, typed: str, sentence: str
) -> None:
    world = personas.a
    data = {
        "first_day": "2025-06-20",
        "last_day": "",
        "from_time": "",
        "until_time": "",
        "note": "",
    }
    url = reverse("planning:time-off-add", args=[world.assistant.pk])
    response = signed_in(world.assistant).post(url, data | {field: typed})
    assert response.status_code == 400
    assert sentence in field_error(response, field)
    assert len(field_error(response, field)) < 200
    assert not TimeOff.objects.exists()


def test_the_page_names_the_practices_bank_holidays_and_the_next_ones(personas: Personas) -> None:
    from tandem.core.models import Practice

    Practice.objects.filter(pk=personas.a.practice.pk).update(country="GB", subdivision="ENG")
    text = page_text(signed_in(personas.a.assistant).get(reverse("planning:working-time")))
    assert "The bank holidays of England are days off" in text
    assert "Mon 25 Aug: Late Summer Bank Holiday" in text
    assert "Thu 25 Dec: Christmas Day" in text
