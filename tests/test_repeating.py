"""Repeating requests: the rule's dates and deadlines, starting and changing a series, and the
job that makes each copy once, in batches of a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tandem.core.calendar import PracticeCalendar
from tandem.core.errors import DomainError
from tandem.work import repeating, repeating_copies
from tandem.work.models import ChecklistItem, RepeatingRequest, Task, TaskEvent, Watcher
from tandem.work.recurrence import LAST_DAY, Frequency, Rule, created_at, due_at
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld
from tests.reactions import react_now

NEW_YORK = ZoneInfo("America/New_York")
LONDON_CAL = PracticeCalendar(time_zone="Europe/London", country="GB", subdivision="ENG")


# The rule's dates ------------------------------------------------------------------------------


def test_weekly_falls_on_the_weekday_from_the_start() -> None:
    rule = Rule(Frequency.WEEKLY, date(2027, 3, 3), weekday=0)  # a Wednesday; Mondays
    assert rule.upcoming(date(2027, 3, 1), 3) == [
        date(2027, 3, 8),
        date(2027, 3, 15),
        date(2027, 3, 22),
    ]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    rule = Rule(Frequency.MONTHLY, date(2027, 1, 1), day_of_month=31)
    assert rule.upcoming(date(2027, 1, 1), 4) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]


def test_monthly_on_the_30th_in_a_leap_february_is_the_29th() -> None:
    rule = Rule(Frequency.MONTHLY, date(2028, 1, 1), day_of_month=30)
    assert rule.upcoming(date(2028, 1, 1), 2) == [date(2028, 1, 30), date(2028, 2, 29)]


def test_last_day_of_the_month() -> None:
    rule = Rule(Frequency.MONTHLY, date(2027, 2, 1), day_of_month=LAST_DAY)
    assert rule.upcoming(date(2027, 2, 1), 2) == [date(2027, 2, 28), date(2027, 3, 31)]
    assert rule.describe() == "Every month on the last day"


def test_quarterly_counts_three_months_from_the_start_month() -> None:
    rule = Rule(Frequency.QUARTERLY, date(2027, 1, 20), day_of_month=5)
    # The 5th of January is before the start: the first quarter's date is April's.
    assert rule.upcoming(date(2027, 1, 1), 3) == [
        date(2027, 4, 5),
        date(2027, 7, 5),
        date(2027, 10, 5),
    ]
    assert rule.describe() == "Every three months on the 5th"


def test_a_rule_without_its_day_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="weekday"):
        Rule(Frequency.WEEKLY, date(2027, 1, 1))
    with pytest.raises(ValueError, match="day of the month"):
        Rule(Frequency.MONTHLY, date(2027, 1, 1), day_of_month=32)


# Deadlines on the calendar ---------------------------------------------------------------------


def test_a_weekend_date_is_due_the_next_working_day_at_close_of_business() -> None:
    # Saturday 1 May 2027; Monday 3 May is England's early May bank holiday.
    due = due_at(date(2027, 5, 1), calendar=LONDON_CAL)
    assert due == datetime(2027, 5, 4, 17, 0, tzinfo=ZoneInfo("Europe/London"))


def test_a_bank_holiday_moves_to_the_next_working_day() -> None:
    # Christmas and Boxing Day 2026 (the substitute day on Monday 28th).
    due = due_at(date(2026, 12, 25), calendar=LONDON_CAL, at=time(12, 0))
    assert due.date() == date(2026, 12, 29)
    assert due.hour == 12


def test_the_deadline_is_on_the_clients_clock() -> None:
    calendar = LONDON_CAL.in_time_zone("America/New_York")
    due = due_at(date(2027, 6, 1), calendar=calendar)
    assert due.astimezone(NEW_YORK) == datetime(2027, 6, 1, 17, 0, tzinfo=NEW_YORK)
    assert due.astimezone(UTC).hour == 21


def test_a_wall_time_the_clocks_skip_moves_past_the_change() -> None:
    calendar = PracticeCalendar(time_zone="America/New_York", working_days=frozenset(range(7)))
    # 14 March 2027, 02:30 does not exist in New York.
    due = due_at(date(2027, 3, 14), calendar=calendar, at=time(2, 30))
    assert due.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


def test_lead_time_counts_days_on_the_wall_clock_across_a_clock_change() -> None:
    deadline = datetime(2027, 3, 16, 17, 0, tzinfo=NEW_YORK)  # after the change on the 14th
    made = created_at(deadline, lead_days=7)
    assert made.astimezone(NEW_YORK) == datetime(2027, 3, 9, 17, 0, tzinfo=NEW_YORK)


# Starting a series -----------------------------------------------------------------------------


def start(world: PracticeWorld, **overrides: object) -> RepeatingRequest:
    fields: dict[str, object] = {
        "actor": world.owner,
        "title": "Monthly newsletter",
        "expectations": "Sent to the list",
        "frequency": "monthly",
        "day_of_month": 1,
        "starts_on": date(2027, 1, 1),
        "lead_days": 7,
        "checklist": "Draft\nImages\n- Send",
    }
    fields.update(overrides)
    return repeating.start_series(world.client1, **fields)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_series_knows_its_first_copy(personas: Personas) -> None:
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        series = start(personas.a)
    assert series.next_occurrence_on == date(2027, 1, 1)
    # The practice has no country, so no bank holidays: Friday 1 January is a working day.
    assert series.next_due_at == datetime(2027, 1, 1, 17, 0, tzinfo=UTC)
    assert series.next_create_at == datetime(2026, 12, 25, 17, 0, tzinfo=UTC)
    assert series.checklist_steps == ["Draft", "Images", "Send"]


@pytest.mark.django_db
def test_made_from_a_request_that_request_is_the_first_copy(personas: Personas) -> None:
    world = personas.a
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        task = create_task(
            world.client1,
            actor=world.owner,
            title="Newsletter",
            expectations="Sent",
            deadline_at=datetime(2026, 12, 4, 17, tzinfo=UTC),
        )
        series = start(world, source_task=task, starts_on=date(2026, 12, 5))
        with pytest.raises(DomainError, match="already repeats"):
            start(world, source_task=Task.objects.get(pk=task.pk), starts_on=date(2026, 12, 5))
    task.refresh_from_db()
    assert (task.series_id, task.occurrence_on) == (series.pk, date(2026, 12, 4))
    assert series.next_occurrence_on == date(2027, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"expectations": ""}, "expectations"),
        ({"frequency": "daily"}, "frequency"),
        ({"frequency": "weekly", "weekday": None}, "weekday"),
        ({"day_of_month": 0}, "day_of_month"),
        ({"starts_on": date(2026, 11, 1)}, "starts_on"),
        ({"lead_days": 91}, "lead_days"),
        ({"checklist": "x" * 201}, "checklist"),
        ({"checklist": "\n".join(f"Step {n}" for n in range(31))}, "checklist"),
    ],
)
def test_a_series_with_a_mistake_is_refused_beside_its_field(
    personas: Personas, overrides: dict[str, object], field: str
) -> None:
    with (
        time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False),
        pytest.raises(DomainError) as refused,
    ):
        start(personas.a, **overrides)
    assert refused.value.field == field


@pytest.mark.django_db
def test_contacts_and_other_practices_cannot_start_a_series(personas: Personas) -> None:
    with pytest.raises(DomainError, match="Only the practice"):
        start(personas.a, actor=personas.a.contact1)
    with pytest.raises(DomainError, match="your own clients"):
        start(personas.a, actor=personas.b.owner)
    with pytest.raises(DomainError, match="your own clients"):
        start(personas.a, actor=personas.a.unassigned)


# The job ----------------------------------------------------------------------------------------


def run_job_at(moment: datetime, **kwargs: object) -> int:
    with time_machine.travel(moment, tick=False):
        return repeating_copies.make_due_copies(**kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_job_makes_the_copy_once_with_its_own_deadline(personas: Personas) -> None:
    world = personas.a
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        series = start(world, assignee=world.assistant)
    assert run_job_at(datetime(2026, 12, 25, 16, tzinfo=UTC)) == 0  # not time yet
    assert run_job_at(datetime(2026, 12, 25, 17, 5, tzinfo=UTC)) == 1
    assert run_job_at(datetime(2026, 12, 25, 17, 20, tzinfo=UTC)) == 0  # run twice: one copy
    copy = Task.objects.get(series=series)
    assert copy.deadline_at == datetime(2027, 1, 1, 17, tzinfo=UTC)
    assert (copy.title, copy.assignee, copy.created_by) == (
        "Monthly newsletter",
        world.assistant,
        world.owner,
    )
    assert list(copy.checklist_items.order_by("position").values_list("text", flat=True)) == [
        "Draft",
        "Images",
        "Send",
    ]
    assert set(Watcher.objects.filter(task=copy).values_list("user_id", flat=True)) == {
        world.owner.pk,
        world.assistant.pk,
    }
    assert TaskEvent.objects.get(task=copy).kind == TaskEvent.Kind.CREATED
    series.refresh_from_db()
    assert series.next_occurrence_on == date(2027, 2, 1)
    assert series.next_create_at == datetime(2027, 1, 25, 17, tzinfo=UTC)


@pytest.mark.django_db
def test_a_copy_the_job_finds_already_made_is_not_made_again(personas: Personas) -> None:
    # A worker that made the copy but crashed before moving the series on.
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        series = start(personas.a)
    run_job_at(datetime(2026, 12, 26, tzinfo=UTC))
    RepeatingRequest.objects.filter(pk=series.pk).update(
        next_occurrence_on=date(2027, 1, 1),
        next_due_at=datetime(2027, 1, 1, 17, tzinfo=UTC),
        next_create_at=datetime(2026, 12, 25, 17, tzinfo=UTC),
    )
    assert run_job_at(datetime(2026, 12, 26, 1, tzinfo=UTC)) == 0
    assert Task.objects.filter(series=series).count() == 1


@pytest.mark.django_db
def test_copies_tell_the_people_a_new_request_tells(personas: Personas) -> None:
    world = personas.a
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        start(world, assignee=world.assistant)
    run_job_at(datetime(2026, 12, 26, tzinfo=UTC))
    assert DBTaskResult.objects.filter(task_path="tandem.core.events.react").exists()
    react_now()
    from tandem.notify.models import Notification

    assert Notification.objects.filter(recipient=world.assistant).exists()


@pytest.mark.django_db
def test_missed_dates_are_skipped_and_paused_series_make_nothing(personas: Personas) -> None:
    world = personas.a
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        weekly = start(world, frequency="weekly", weekday=0, starts_on=date(2026, 12, 7))
        paused = start(world, title="Paused one")
        repeating.change_series(paused, actor=world.owner, to="paused")
    # Three weeks without a run: only the copies still ahead are made.
    made = run_job_at(datetime(2026, 12, 22, 12, tzinfo=UTC))
    days = sorted(Task.objects.filter(series=weekly).values_list("occurrence_on", flat=True))
    assert days == [date(2026, 12, 28)]
    assert made == 1
    assert not Task.objects.filter(series=paused).exists()


@pytest.mark.django_db
def test_pause_resume_and_end(personas: Personas) -> None:
    world = personas.a
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        series = start(world)
        repeating.change_series(series, actor=world.owner, to="paused")
        with pytest.raises(DomainError, match="already paused"):
            repeating.change_series(series, actor=world.owner, to="paused")
    with time_machine.travel(datetime(2027, 1, 10, 9, tzinfo=UTC), tick=False):
        repeating.change_series(series, actor=world.assistant, to="active")
        # Resumed after 1 January: the next copy is February's.
        assert series.next_occurrence_on == date(2027, 2, 1)
        repeating.change_series(series, actor=world.owner, to="ended")
        with pytest.raises(DomainError, match="has ended"):
            repeating.change_series(series, actor=world.owner, to="active")
        with pytest.raises(DomainError, match="Only the practice"):
            repeating.change_series(series, actor=world.contact1, to="paused")


def _many_series(world: PracticeWorld, count: int) -> None:
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=UTC), tick=False):
        for number in range(count):
            start(world, title=f"Report {number}", assignee=world.assistant)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_a_batch_costs_the_same_queries_whatever_its_size(personas: Personas, count: int) -> None:
    _many_series(personas.a, count)
    with (
        time_machine.travel(datetime(2026, 12, 26, tzinfo=UTC), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        made = repeating_copies.make_due_copies(batch_size=40)
    assert made == count
    # The series; the copies made already; the assignees; tasks, watchers, checklists,
    # events and their jobs; the series' next dates; and the savepoint around the events.
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT")]
    writes = [sql for sql in writes if not sql.startswith("RELEASE")]
    assert len(writes) == 9, "\n".join(writes)
    assert ChecklistItem.objects.count() == 3 * count


@pytest.mark.django_db
def test_batches_go_through_every_series(personas: Personas) -> None:
    _many_series(personas.a, 7)
    assert run_job_at(datetime(2026, 12, 26, tzinfo=UTC), batch_size=3) == 7
    assert run_job_at(datetime(2026, 12, 26, 1, tzinfo=UTC), batch_size=3) == 0


@pytest.mark.django_db
def test_an_archived_clients_series_makes_nothing(personas: Personas) -> None:
    from tandem.clients.services import archive_client

    world = personas.a
    _many_series(world, 1)
    archive_client(world.client1, actor=world.owner)
    assert run_job_at(datetime(2026, 12, 26, tzinfo=UTC)) == 0


@pytest.mark.django_db
def test_an_assignee_no_longer_on_the_client_is_not_given_the_copy(personas: Personas) -> None:
    from tandem.clients.services import unassign_assistant

    world = personas.a
    _many_series(world, 1)
    unassign_assistant(world.client1, assistant=world.assistant, actor=world.owner)
    run_job_at(datetime(2026, 12, 26, tzinfo=UTC))
    assert Task.objects.get(series__isnull=False).assignee is None


def test_the_schedule_in_plain_words() -> None:
    calendar = LONDON_CAL.in_time_zone("America/New_York")
    rule = Rule(Frequency.MONTHLY, date(2026, 12, 5), day_of_month=1)
    schedule = repeating.Schedule(rule, calendar, None, 7)
    assert schedule.describe() == "Every month on the 1st, due 17:00 New York time"
    now = datetime(2026, 12, 2, tzinfo=UTC)
    upcoming = schedule.upcoming(now=now, count=3)
    # 1 January is a bank holiday in England, the practice's calendar: due on the 4th.
    assert [copy.due_at.date() for copy in upcoming] == [
        date(2027, 1, 4),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]
    assert upcoming[0].create_at == datetime(2026, 12, 28, 22, tzinfo=UTC)
    assert timedelta(days=7) == upcoming[1].due_at - upcoming[1].create_at
