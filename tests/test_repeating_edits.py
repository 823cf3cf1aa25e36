"""Editing a repeating series, and the request it was made from telling of it.

The practice changes a series' words, rule, time, lead time, assignee and checklist while it
is active or paused; the next copy moves to the new rule without a second copy for a round
(week, month, quarter) that already has one, and the copies already made keep their
deadlines. A save over someone else's change is refused with what was typed kept; an ended
series is refused. The request a series was made from says on its timeline when it was made
to repeat, edited, paused, resumed or stopped; each copy's page has a badge naming the rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tandem.clients.services import assign_assistant
from tandem.core.errors import DomainError
from tandem.core.roles import Role
from tandem.notify.models import Notification
from tandem.work import repeating, repeating_copies
from tandem.work.changes import describe
from tandem.work.models import RepeatingRequest, Task, TaskEvent
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld, join, page_text, signed_in
from tests.reactions import react_now

pytestmark = pytest.mark.django_db

# A Wednesday. The personas' practice has no country (no bank holidays), works Monday to
# Friday and closes at 17:00; their clients are on UTC.
NOW = datetime(2026, 12, 2, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def monthly(world: PracticeWorld, **overrides: object) -> RepeatingRequest:
    """The newsletter on the 1st of each month from January, made a week ahead."""
    fields: dict[str, object] = {
        "actor": world.owner,
        "title": "Monthly newsletter",
        "expectations": "Sent to the list",
        "frequency": "monthly",
        "day_of_month": 1,
        "starts_on": date(2027, 1, 1),
        "lead_days": 7,
        "checklist": "Draft\nSend",
    }
    fields.update(overrides)
    return repeating.start_series(world.client1, **fields)  # type: ignore[arg-type]


def fresh(series: RepeatingRequest) -> RepeatingRequest:
    """The series as a new page would load it."""
    return RepeatingRequest.objects.select_related("client__practice").get(pk=series.pk)


def make_copies(moment: datetime) -> int:
    with at(moment):
        return repeating_copies.make_due_copies()


def newsletter_request(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.owner,
        title="Monthly newsletter",
        expectations="Sent to the list",
        deadline_at=datetime(2026, 12, 4, 17, tzinfo=UTC),
        assignee=world.assistant,
    )


# The next copy under the new rule -------------------------------------------------------------


def test_moving_the_day_after_this_months_copy_was_made_starts_with_next_month(
    personas: Personas,
) -> None:
    world = personas.a
    series = monthly(world)
    assert make_copies(datetime(2026, 12, 26, tzinfo=UTC)) == 1  # January's, due Fri 1 Jan
    with at(datetime(2026, 12, 28, 9, tzinfo=UTC)):
        assert repeating.edit_series(fresh(series), actor=world.owner, day_of_month=5)
    series.refresh_from_db()
    # January has its copy: no second one on the 5th; February's is next.
    assert series.next_occurrence_on == date(2027, 2, 5)
    assert series.next_due_at == datetime(2027, 2, 5, 17, tzinfo=UTC)
    assert series.next_create_at == datetime(2027, 1, 29, 17, tzinfo=UTC)
    january = Task.objects.get(series=series)
    assert january.deadline_at == datetime(2027, 1, 1, 17, tzinfo=UTC)
    assert make_copies(datetime(2027, 1, 29, 18, tzinfo=UTC)) == 1
    assert sorted(Task.objects.filter(series=series).values_list("occurrence_on", flat=True)) == [
        date(2027, 1, 1),
        date(2027, 2, 5),
    ]


def test_moving_the_day_earlier_before_the_round_is_made_takes_effect_at_once(
    personas: Personas,
) -> None:
    world = personas.a
    series = monthly(world, day_of_month=15, starts_on=date(2026, 12, 3))
    assert make_copies(datetime(2026, 12, 9, tzinfo=UTC)) == 1  # December's, due Tue 15 Dec
    with at(datetime(2026, 12, 20, 9, tzinfo=UTC)):
        repeating.edit_series(fresh(series), actor=world.owner, day_of_month=5)
    series.refresh_from_db()
    assert series.next_occurrence_on == date(2027, 1, 5)


def test_a_week_that_has_its_copy_gets_no_second_one_on_the_new_weekday(
    personas: Personas,
) -> None:
    world = personas.a
    series = monthly(world, frequency="weekly", weekday=0, starts_on=date(2026, 12, 7))
    assert make_copies(datetime(2026, 12, 2, 10, tzinfo=UTC)) == 1  # Monday 7 December's
    with at(datetime(2026, 12, 3, 9, tzinfo=UTC)):
        repeating.edit_series(fresh(series), actor=world.owner, weekday=4)
    series.refresh_from_db()
    # Not Friday 11 December: that week has Monday's copy.
    assert series.next_occurrence_on == date(2026, 12, 18)


def test_changing_only_the_words_keeps_the_next_copy(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    before = (series.next_occurrence_on, series.next_due_at, series.next_create_at)
    assert repeating.edit_series(
        fresh(series), actor=world.owner, title="The newsletter", checklist="Draft\nCheck\nSend"
    )
    series.refresh_from_db()
    assert (series.next_occurrence_on, series.next_due_at, series.next_create_at) == before
    assert (series.title, series.checklist_steps) == ("The newsletter", ["Draft", "Check", "Send"])
    assert series.updated_by == world.owner


def test_a_longer_lead_time_makes_the_next_copy_earlier(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    repeating.edit_series(fresh(series), actor=world.owner, lead_days=14, due_time=time(12))
    series.refresh_from_db()
    assert series.next_due_at == datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert series.next_create_at == datetime(2026, 12, 18, 12, tzinfo=UTC)


def test_an_edit_that_changes_nothing_writes_nothing(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    seen = series.updated_at
    with at(NOW + timedelta(minutes=5)):
        assert not repeating.edit_series(
            fresh(series), actor=world.assistant, title=" Monthly newsletter ", day_of_month=1
        )
    assert fresh(series).updated_at == seen


def test_a_paused_series_can_be_edited_and_stays_paused(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    repeating.change_series(series, actor=world.owner, to="paused")
    with at(NOW + timedelta(minutes=1)):
        repeating.edit_series(fresh(series), actor=world.assistant, day_of_month=-1)
    series.refresh_from_db()
    assert (series.status, series.next_occurrence_on) == ("paused", date(2027, 1, 31))


# Refused edits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"frequency": "weekly", "weekday": None}, "weekday", "Pick the weekday"),
        ({"lead_days": 500}, "lead_days", "between 0 and 90 days"),
        ({"title": "  "}, "title", "Give the request a short title."),
        ({"expectations": ""}, "expectations", "Say what done looks like"),
        ({"starts_on": date(2026, 11, 30)}, "starts_on", "already passed"),
        ({"day_of_month": 0}, "day_of_month", "Pick the day of the month"),
        ({"priority": "urgent"}, "priority", "Pick a priority"),
        ({"checklist": "x" * 201}, "checklist", "under 200 characters"),
    ],
)
def test_a_mistake_is_refused_beside_its_part_and_nothing_changes(
    personas: Personas, changes: dict[str, object], field: str, sentence: str
) -> None:
    world = personas.a
    series = monthly(world)
    with pytest.raises(DomainError) as refused:
        repeating.edit_series(fresh(series), actor=world.owner, **changes)
    assert (refused.value.field, sentence in refused.value.message) == (field, True)
    assert fresh(series).updated_at == series.updated_at


def test_an_assignee_who_does_not_work_on_the_client_is_refused(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    with pytest.raises(DomainError, match="does not work on Client A1") as refused:
        repeating.edit_series(fresh(series), actor=world.owner, assignee=world.unassigned)
    assert refused.value.field == "assignee"


def test_a_first_date_long_past_may_stay_as_it_is(personas: Personas) -> None:
    world = personas.a
    series = monthly(world, starts_on=date(2026, 12, 3))
    with at(datetime(2027, 3, 10, 9, tzinfo=UTC)):
        assert repeating.edit_series(fresh(series), actor=world.owner, title="Still going")


def test_a_stale_edit_is_refused_and_says_who_changed_it(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    opened = fresh(series)  # the owner opens the edit page
    with at(NOW + timedelta(minutes=2)):
        repeating.edit_series(fresh(series), actor=world.assistant, title="Assistant's title")
    with (
        at(NOW + timedelta(minutes=3)),
        pytest.raises(DomainError, match="changed this series while you were editing it"),
    ):
        repeating.edit_series(opened, actor=world.owner, seen=opened.updated_at, day_of_month=5)
    series.refresh_from_db()
    assert (series.title, series.day_of_month) == ("Assistant's title", 1)


def test_an_ended_series_cannot_be_edited(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    opened = fresh(series)
    repeating.change_series(series, actor=world.owner, to="ended")
    with pytest.raises(DomainError, match="has ended, so it can no longer be changed"):
        repeating.edit_series(fresh(series), actor=world.owner, title="New")
    # Ended while the form was open: refused the same way.
    with pytest.raises(DomainError, match="has ended"):
        repeating.edit_series(opened, actor=world.owner, title="New")


def test_only_the_practice_working_on_the_client_edits_a_series(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    with pytest.raises(DomainError, match="Only the practice"):
        repeating.edit_series(fresh(series), actor=world.contact1, title="Mine")
    with pytest.raises(DomainError, match="your own clients"):
        repeating.edit_series(fresh(series), actor=world.unassigned, title="Mine")
    with pytest.raises(DomainError, match="your own clients"):
        repeating.edit_series(fresh(series), actor=personas.b.owner, title="Mine")


# The timeline of the request it was made from ---------------------------------------------------


def timeline(task: Task, viewer) -> str:
    return page_text(signed_in(viewer).get(reverse("work:task-detail", args=[task.pk])))


def test_the_request_says_it_was_made_to_repeat_and_each_change_after(
    personas: Personas,
) -> None:
    world = personas.a
    task = newsletter_request(world)
    series = monthly(world, source_task=task, starts_on=date(2026, 12, 5), due_time=time(17))
    assert series.source_task == task
    with at(NOW + timedelta(minutes=1)):
        repeating.edit_series(fresh(series), actor=world.assistant, day_of_month=15)
    with at(NOW + timedelta(minutes=2)):
        repeating.edit_series(
            fresh(series), actor=world.owner, title="Newsletter", checklist="One\nTwo"
        )
    with at(NOW + timedelta(minutes=3)):
        repeating.change_series(fresh(series), actor=world.owner, to="paused")
    with at(NOW + timedelta(minutes=4)):
        repeating.change_series(fresh(series), actor=world.owner, to="active")
    with at(NOW + timedelta(minutes=5)):
        repeating.change_series(fresh(series), actor=world.owner, to="ended")
    lines = [
        "Made this repeat every month on the 1st, due 17:00.",
        "Changed how it repeats: now every month on the 15th, due 17:00.",
        "Changed its repeating series (the title and the checklist).",
        "Paused its repeats.",
        "Resumed its repeats, every month on the 15th, due 17:00.",
        "Stopped its repeats; the copies already made stay.",
    ]
    for viewer in (world.owner, world.contact1):
        text = timeline(task, viewer)
        where = [text.index(line) for line in lines]
        assert where == sorted(where), text
    kinds = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.SERIES)
    assert [event.actor for event in kinds.order_by("id")][:2] == [world.owner, world.assistant]


def test_a_series_line_notifies_nobody(personas: Personas) -> None:
    world = personas.a
    task = newsletter_request(world)
    react_now()
    before = Notification.objects.count()
    monthly(world, source_task=task, starts_on=date(2026, 12, 5))
    react_now()
    assert Notification.objects.count() == before


def test_a_series_started_on_its_own_writes_no_timeline_line(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    repeating.edit_series(fresh(series), actor=world.owner, day_of_month=2)
    repeating.change_series(series, actor=world.owner, to="paused")
    assert not TaskEvent.objects.filter(kind=TaskEvent.Kind.SERIES).exists()


def test_the_rules_time_is_told_on_the_clients_clock_to_a_reader_elsewhere() -> None:
    change = {
        "series": {
            "did": "started",
            "rule": {
                "frequency": "weekly",
                "weekday": 0,
                "day_of_month": None,
                "due": "09:30",
                "zone": "America/New_York",
            },
        }
    }
    assert describe(change, ZoneInfo("America/New_York")) == (
        "made this repeat every week on Monday, due 09:30"
    )
    assert describe(change, ZoneInfo("Europe/London")) == (
        "made this repeat every week on Monday, due 09:30 New York time"
    )


# The badge on each copy --------------------------------------------------------------------------


def test_each_copy_has_a_badge_naming_the_rule_linking_the_practice_to_the_series(
    personas: Personas,
) -> None:
    world = personas.a
    series = monthly(world)
    make_copies(datetime(2026, 12, 26, tzinfo=UTC))
    copy = Task.objects.get(series=series)
    series_url = reverse("work:repeating-list", args=[world.client1.pk]) + f"#series-{series.pk}"
    practice = timeline(copy, world.assistant)
    assert f'<a class="badge" href="{series_url}"' in practice
    assert ">Repeats monthly on the 1st</a>" in practice
    assert reverse("work:repeating-edit", args=[series.pk]) in practice
    client = timeline(copy, world.contact1)
    assert '<span class="badge">Repeats monthly on the 1st</span>' in client
    assert "/repeating/" not in client


# The edit page -----------------------------------------------------------------------------------


def edit_url(series: RepeatingRequest) -> str:
    return reverse("work:repeating-edit", args=[series.pk])


def edit_data(series: RepeatingRequest, **overrides: str) -> dict[str, str]:
    """The edit form as the page filled it in."""
    data = {
        "title": series.title,
        "request_markdown": series.request_markdown,
        "expectations": series.expectations,
        "frequency": series.frequency,
        "day_of_month": "" if series.day_of_month is None else str(series.day_of_month),
        "weekday": "" if series.weekday is None else str(series.weekday),
        "starts_on": series.starts_on.isoformat(),
        "due_time": "" if series.due_time is None else f"{series.due_time:%H:%M}",
        "lead_days": str(series.lead_days),
        "assignee": "" if series.assignee_id is None else str(series.assignee_id),
        "priority": series.priority,
        "checklist": series.checklist,
        "seen": series.updated_at.isoformat(),
    }
    return data | overrides


def test_the_edit_page_is_the_series_filled_in_with_its_next_dates(personas: Personas) -> None:
    world = personas.a
    series = monthly(world, assignee=world.assistant)
    response = signed_in(world.assistant).get(edit_url(series))
    text = page_text(response)
    assert response.status_code == 200
    assert "<h1>Edit repeating request</h1>" in text
    assert 'value="Monthly newsletter"' in text
    assert '<option value="1" selected>1st</option>' in text
    assert f'<option value="{world.assistant.pk}" selected>' in text
    assert "Draft\nSend</textarea>" in text
    assert f'name="seen" value="{series.updated_at.isoformat()}"' in text
    assert "Every month on the 1st, due 17:00 UTC" in text
    assert "Due Fri 1 Jan 2027, 17:00" in text
    assert "Requests already made keep their own deadlines" in text


def test_saving_a_new_day_moves_the_dates_on_the_list(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    http = signed_in(world.owner)
    response = http.post(edit_url(series), edit_data(series, day_of_month="15"))
    assert response.status_code == 302
    listing = reverse("work:repeating-list", args=[world.client1.pk])
    assert response["Location"] == f"{listing}#series-{series.pk}"
    text = page_text(http.get(listing))
    assert "“Monthly newsletter” saved: every month on the 15th, due 17:00 UTC" in text
    assert "Due next: Fri 15 Jan 2027 · Mon 15 Feb 2027 · Mon 15 Mar 2027 · Thu 15 Apr 2027" in (
        text
    )
    assert fresh(series).day_of_month == 15


def test_previewing_an_edit_shows_the_new_dates_and_saves_nothing(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    data = edit_data(series, frequency="weekly", weekday="0", day_of_month="") | {"preview": "1"}
    response = signed_in(world.owner).post(edit_url(series), data)
    text = page_text(response)
    assert response.status_code == 200
    assert "Every week on Monday, due 17:00 UTC" in text
    assert "Due Mon 4 Jan 2027, 17:00" in text
    assert fresh(series).frequency == "monthly"


def test_a_stale_save_keeps_what_was_typed_and_saves_on_the_second_try(
    personas: Personas,
) -> None:
    world = personas.a
    series = monthly(world)
    data = edit_data(series, title="Typed by the owner", day_of_month="20")
    with at(NOW + timedelta(minutes=1)):
        repeating.edit_series(fresh(series), actor=world.assistant, lead_days=3)
    http = signed_in(world.owner)
    with at(NOW + timedelta(minutes=2)):
        refused = http.post(edit_url(series), data)
    text = page_text(refused)
    assert refused.status_code == 400
    assert "changed this series while you were editing it" in text
    assert 'value="Typed by the owner"' in text
    assert '<option value="20" selected>' in text
    latest = fresh(series)
    assert f'name="seen" value="{latest.updated_at.isoformat()}"' in text
    # Sent again as the page now holds it: saved over the assistant's change.
    with at(NOW + timedelta(minutes=3)):
        again = http.post(edit_url(series), data | {"seen": latest.updated_at.isoformat()})
    assert again.status_code == 302
    latest = fresh(series)
    assert (latest.title, latest.day_of_month, latest.lead_days) == ("Typed by the owner", 20, 7)


def test_an_ended_series_page_says_why_it_cannot_be_edited(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    repeating.change_series(series, actor=world.owner, to="ended")
    http = signed_in(world.owner)
    for response in (http.get(edit_url(series)), http.post(edit_url(series), edit_data(series))):
        text = page_text(response)
        assert response.status_code == 403
        assert "“Monthly newsletter” has ended, so it can no longer be changed" in text
        assert '<form method="post" class="card repeat-form"' not in text


def test_a_form_without_its_version_is_refused_at_the_top(personas: Personas) -> None:
    world = personas.a
    series = monthly(world)
    response = signed_in(world.owner).post(edit_url(series), edit_data(series, seen="yesterday"))
    assert response.status_code == 400
    assert "This form is out of date" in page_text(response)


def test_the_list_has_an_edit_link_for_each_series_still_going(personas: Personas) -> None:
    world = personas.a
    going, ended = monthly(world), monthly(world, title="Old report")
    repeating.change_series(ended, actor=world.owner, to="ended")
    text = page_text(
        signed_in(world.owner).get(reverse("work:repeating-list", args=[world.client1.pk]))
    )
    assert edit_url(going) in text
    assert edit_url(ended) not in text


def test_the_empty_list_says_what_to_do_next(personas: Personas) -> None:
    world = personas.a
    text = page_text(
        signed_in(world.assistant).get(reverse("work:repeating-list", args=[world.client1.pk]))
    )
    assert "Nothing repeats for Client A1 yet" in text
    assert reverse("work:repeating-new", args=[world.client1.pk]) in text
    assert reverse("work:board", args=[world.client1.pk]) in text
    assert "Make this repeat…" in text


# What the edit page costs ------------------------------------------------------------------------


def grow(world: PracticeWorld, series: RepeatingRequest, size: int) -> None:
    """``size`` more assistants on the client, copies made and checklist steps."""
    for number in range(size):
        helper = join(world.owner, f"helper{number}@a.example.com", role=Role.ASSISTANT)
        assign_assistant(world.client1, assistant=helper, actor=world.owner)
    Task.objects.bulk_create(
        Task(
            practice_id=series.practice_id,
            client_id=series.client_id,
            title=f"Copy {number}",
            expectations="x",
            created_by=world.owner,
            deadline_at=datetime(2026, 1, 1, 17, tzinfo=UTC) + timedelta(days=number),
            series=series,
            occurrence_on=date(2026, 1, 1) + timedelta(days=number),
        )
        for number in range(size)
    )
    steps = "\n".join(f"Step {number}" for number in range(size))
    RepeatingRequest.objects.filter(pk=series.pk).update(checklist=steps)


@pytest.mark.parametrize("size", [2, 25])
@pytest.mark.parametrize("persona", ["owner", "assistant"])
def test_the_edit_page_costs_the_same_at_two_sizes(
    personas: Personas, size: int, persona: str, django_assert_num_queries
) -> None:
    world = personas.a
    series = monthly(world, assignee=world.assistant)
    grow(world, series, size)
    http = signed_in(world.persona(persona))
    # 1.-2. the session, the user with their membership and practice; 3. the series joined to
    # its client and practice (through visible_to: for an assistant, the clients they work
    # on as a subquery; the standing with the client comes from the same rows), 4. the last
    # copy made (the copies' index), 5. the client's assistants, for the assignee's choices
    with django_assert_num_queries(5):
        response = http.get(edit_url(series))
    assert response.status_code == 200
