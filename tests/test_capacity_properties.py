"""Properties of the capacity computation (``tandem.planning.capacity``), for any working
hours, time off, bank holidays, zones and work, around daylight-saving changes.

Where a property needs to know what working time is, it asks an oracle written here from
the definition, minute by minute on the person's wall clock (``is_working_minute``), not the
module's own interval arithmetic.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.core.calendar import PracticeCalendar
from tandem.planning import capacity
from tandem.planning.capacity import Availability, Commitment, Hours, Plan, Span

MINUTE = timedelta(minutes=1)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
# Days the clocks change, on that zone's own calendar: half the examples start just before
# one, with working hours bunched in the small hours where the change happens.
CLOCK_CHANGES = [
    ("America/New_York", date(2025, 3, 9)),  # 02:00 becomes 03:00
    ("Europe/London", date(2025, 3, 30)),  # 01:00 becomes 02:00
    ("Australia/Lord_Howe", date(2025, 4, 6)),  # 02:00 becomes 01:30 again
    ("Australia/Lord_Howe", date(2025, 10, 5)),  # 02:00 becomes 02:30
    ("Europe/London", date(2025, 10, 26)),  # 02:00 becomes 01:00 again
    ("America/New_York", date(2025, 11, 2)),  # 02:00 becomes 01:00 again
]
# The others start near these (bank holidays of England and the United States among them).
AROUND = [
    datetime(2025, 3, 30, tzinfo=UTC),
    datetime(2025, 5, 26, tzinfo=UTC),
    datetime(2025, 11, 2, tzinfo=UTC),
    datetime(2025, 12, 24, tzinfo=UTC),
]
PEOPLE = ("ada", "ben")


# What the examples are made of ------------------------------------------------------------


@st.composite
def weekly_hours(draw: st.DrawFn, *, small_hours: bool = False) -> dict[int, tuple[Hours, ...]]:
    """Per weekday, none, one or two stretches, at any five minutes of the day; with
    ``small_hours``, often between 01:00 and 03:00, where the clocks change."""
    marks_of = st.integers(12, 36) | st.integers(0, 288) if small_hours else st.integers(0, 288)
    week: dict[int, tuple[Hours, ...]] = {}
    for day in range(7):
        count = draw(st.integers(0, 2))
        marks = sorted(draw(st.lists(marks_of, min_size=2 * count, max_size=2 * count)))
        stretches = [
            Hours(marks[i] * 5, marks[i + 1] * 5)
            for i in range(0, len(marks), 2)
            if marks[i] < marks[i + 1]
        ]
        week[day] = tuple(stretches)
    return week


def instants(start: datetime, *, before_days: int = 0, after_days: int = 14) -> st.SearchStrategy:
    """Instants near ``start``, to the second (so rounding to whole minutes shows)."""
    seconds = st.integers(-before_days * 86400, after_days * 86400)
    return seconds.map(lambda s: start + timedelta(seconds=s))


@dataclass(frozen=True)
class World:
    start: datetime
    calendar: PracticeCalendar
    availabilities: tuple[Availability, ...]
    commitments: tuple[Commitment, ...]
    horizon: timedelta
    # The day the clocks change, when the example is about one.
    clock_change: date | None = None

    def availability(self, person: Hashable) -> Availability:
        return next(a for a in self.availabilities if a.person == person)

    def plan(self) -> Plan:
        return capacity.plan(
            self.commitments, self.availabilities, start=self.start, horizon=self.horizon
        )


@st.composite
def worlds(draw: st.DrawFn) -> World:
    change = draw(st.none() | st.sampled_from(CLOCK_CHANGES))
    if change is None:
        start = draw(st.sampled_from(AROUND)) + timedelta(
            seconds=draw(st.integers(-4 * 86400, 4 * 86400))
        )
        zones = st.sampled_from(ZONES)
    else:
        zone, day = change
        midnight = datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)
        start = midnight - timedelta(seconds=draw(st.integers(0, 2 * 86400)))
        zones = st.sampled_from([zone, zone, zone, *ZONES])
    country, region = draw(st.sampled_from([("", ""), ("GB", "ENG"), ("US", "")]))
    calendar = PracticeCalendar(time_zone=draw(zones), country=country, subdivision=region)
    availabilities = []
    for person in PEOPLE:
        off = draw(
            st.lists(
                st.tuples(instants(start, before_days=1), st.integers(1, 3 * 1440)), max_size=3
            )
        )
        own_hours = draw(st.booleans()) or change is not None
        availabilities.append(
            Availability(
                person,
                calendar,
                time_zone=draw(zones),
                weekly=draw(weekly_hours(small_hours=change is not None)) if own_hours else None,
                time_off=tuple(Span(s, s + timedelta(minutes=m)) for s, m in off),
                kept_free_percent=draw(st.integers(0, 90)),
            )
        )
    commitments = []
    for number in range(draw(st.integers(1, 7))):
        commitments.append(
            Commitment(
                key=f"work:{number}",
                minutes=draw(st.integers(0, 600)),
                assignee=draw(st.sampled_from([*PEOPLE, None, "nobody-known"])),
                deadline_at=draw(st.none() | instants(start, before_days=1, after_days=21)),
                is_confirmed=draw(st.booleans()),
                earliest_start_at=draw(st.none() | instants(start, before_days=1, after_days=7)),
                client=draw(st.sampled_from(["client:1", "client:2", None])),
                is_short_notice=draw(st.booleans()),
            )
        )
    horizon = timedelta(days=draw(st.integers(7, 45)))
    changes_on = None if change is None else change[1]
    return World(start, calendar, tuple(availabilities), tuple(commitments), horizon, changes_on)


# The oracle: working time, minute by minute, from the definition --------------------------
#
# A stretch of working hours from s to e on a day runs from the first instant the person's
# wall clock shows s (or later) on that day to the first instant it shows e (24:00: the next
# day). Found by reading the clock every five minutes: every hour in these examples, and
# every clock change of these zones, falls on a multiple of five minutes.

STEP = timedelta(minutes=5)


@cache
def day_clock(zone_key: str, day: date) -> tuple[tuple[datetime, int], ...]:
    """Every fifth minute whose wall clock in the zone is on ``day``: (instant, clock)."""
    zone = ZoneInfo(zone_key)
    at = datetime.combine(day, time(), UTC) - timedelta(hours=15)
    found = []
    while at < datetime.combine(day, time(), UTC) + timedelta(hours=39):
        local = at.astimezone(zone)
        if local.date() == day:
            found.append((at, local.hour * 60 + local.minute))
        at += STEP
    return tuple(found)


def first_showing(zone_key: str, day: date, clock: int) -> datetime:
    """The first instant the wall clock shows ``clock`` or later on ``day``."""
    readings = day_clock(zone_key, day)
    return next((at for at, shown in readings if shown >= clock), readings[-1][0] + STEP)


def zone_key(availability: Availability) -> str:
    return availability.time_zone or availability.calendar.time_zone


def is_working_minute(availability: Availability, at: datetime) -> bool:
    """Whether the person works the whole minute from ``at``: inside one of that day's
    stretches (read as above), on a day that is no bank holiday, with no time off touching
    it."""
    key = zone_key(availability)
    day = at.astimezone(ZoneInfo(key)).date()
    weekly = availability.weekly
    if weekly is None:
        weekly = capacity.weekly_hours_of(availability.calendar)
    in_hours = any(
        first_showing(key, day, h.start_minute) <= at < first_showing(key, day, h.end_minute)
        for h in weekly.get(day.weekday(), ())
    )
    holiday = availability.calendar.bank_holiday(day) is not None
    off = any(s.starts_at < at + MINUTE and at < s.ends_at for s in availability.time_off)
    return in_hours and not holiday and not off


def minutes_of(span: Span) -> list[datetime]:
    return [span.starts_at + k * MINUTE for k in range(span.minutes)]


def ceil_minute(instant: datetime) -> datetime:
    floor = instant.replace(second=0, microsecond=0)
    return floor if floor == instant else floor + MINUTE


def floor_minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)


def slices_of(plan: Plan, person: Hashable, *, confirmed_only: bool = False) -> list[Span]:
    return sorted(
        span
        for placement in plan.placements.values()
        if placement.commitment.assignee == person
        and (placement.commitment.is_confirmed or not confirmed_only)
        for span in placement.slices
    )


def left_over(free: list[Span], taken: list[Span]) -> int:
    """Minutes of ``free`` that no span of ``taken`` covers."""
    total = 0
    for span in free:
        covered = sum(
            (
                max(timedelta(), min(span.ends_at, t.ends_at) - max(span.starts_at, t.starts_at))
                for t in taken
            ),
            timedelta(),
        )
        total += span.minutes - covered // MINUTE
    return total


# Properties -------------------------------------------------------------------------------


@SETTINGS
@given(worlds())
def test_hours_are_never_counted_twice(world: World) -> None:
    plan = world.plan()
    for person in PEOPLE:
        spans = slices_of(plan, person)
        for earlier, later in pairwise(spans):
            assert earlier.ends_at <= later.starts_at, f"{person}: {earlier} overlaps {later}"
    for placement in plan.placements.values():
        assert all(span.minutes > 0 for span in placement.slices)
        assert sum(span.minutes for span in placement.slices) == placement.placed_minutes
        assert list(placement.slices) == sorted(placement.slices)
        if placement.is_placed:
            assert placement.placed_minutes == placement.commitment.minutes
        elif placement.commitment.minutes:
            assert placement.placed_minutes < placement.commitment.minutes
        else:
            # Work of no size with nobody to do it: nothing placed, nothing to place.
            assert placement.placed_minutes == 0
            assert placement.miss is not None


@SETTINGS
@given(worlds())
def test_nothing_is_placed_outside_working_hours_during_time_off_or_on_a_bank_holiday(
    world: World,
) -> None:
    plan = world.plan()
    for placement in plan.placements.values():
        commitment = placement.commitment
        if not placement.slices:
            continue
        availability = world.availability(commitment.assignee)
        begins = ceil_minute(max(world.start, commitment.earliest_start_at or world.start))
        assert placement.slices[0].starts_at >= begins
        assert placement.slices[-1].ends_at <= plan.until
        plannable = availability.free_time(
            plan.start, plan.until, include_kept_free=commitment.is_short_notice
        )
        for span in placement.slices:
            for at in minutes_of(span):
                assert is_working_minute(availability, at), f"{commitment.key} works at {at}"
            # Planned work stays out of the share kept free.
            assert any(
                f.starts_at <= span.starts_at and span.ends_at <= f.ends_at for f in plannable
            )


@SETTINGS
@given(worlds(), st.sampled_from(PEOPLE), st.integers(0, 3))
def test_a_days_free_time_is_its_working_time_and_keeps_the_share_free(
    world: World, person: str, later: int
) -> None:
    availability = world.availability(person)
    key = zone_key(availability)
    day = world.start.astimezone(ZoneInfo(key)).date() + timedelta(days=later)
    if world.clock_change is not None and later < 2:
        day = world.clock_change
    begins, ends = first_showing(key, day, 0), first_showing(key, day, 24 * 60)
    working = [
        begins + k * MINUTE
        for k in range((ends - begins) // MINUTE)
        if is_working_minute(availability, begins + k * MINUTE)
    ]
    free = availability.free_time(begins, ends)
    assert [at for span in free for at in minutes_of(span)] == working
    plannable = availability.free_minutes(begins, ends, include_kept_free=False)
    assert plannable == len(working) * (100 - availability.kept_free_percent) // 100


@SETTINGS
@given(
    worlds(),
    st.sampled_from(PEOPLE),
    st.integers(1, 900),
    st.integers(-86400, 10 * 86400),
    st.booleans(),
    st.booleans(),
)
def test_the_earliest_fit_really_fits_and_a_minute_earlier_does_not(
    world: World, person: str, minutes: int, offset: int, use_kept_free: bool, count_tentative: bool
) -> None:
    plan = world.plan()
    after = world.start + timedelta(seconds=offset)
    done = capacity.earliest_fit(
        minutes,
        assignee=person,
        after=after,
        plan=plan,
        use_kept_free=use_kept_free,
        count_tentative=count_tentative,
    )

    def fits_by(deadline: datetime) -> bool:
        return capacity.fits(
            minutes,
            deadline,
            assignees=[person],
            after=after,
            plan=plan,
            use_kept_free=use_kept_free,
            count_tentative=count_tentative,
        )

    availability = world.availability(person)
    begins = ceil_minute(max(after, plan.start))
    taken = slices_of(plan, person, confirmed_only=not count_tentative)

    def free_until(end: datetime) -> int:
        free = availability.free_time(begins, end, include_kept_free=use_kept_free)
        return left_over(free, taken)

    if done is None:
        assert free_until(plan.until) < minutes
        return
    assert free_until(done) >= minutes
    assert free_until(done - MINUTE) < minutes
    assert fits_by(done)
    assert fits_by(done + timedelta(seconds=59))
    assert not fits_by(done - MINUTE)


@SETTINGS
@given(worlds(), st.integers(1, 600), st.integers(0, 5 * 86400))
def test_whoever_is_free_first_is_no_later_than_anyone(
    world: World, minutes: int, offset: int
) -> None:
    plan = world.plan()
    after = world.start + timedelta(seconds=offset)
    found = capacity.earliest_fit_among(minutes, assignees=PEOPLE, after=after, plan=plan)
    each = [capacity.earliest_fit(minutes, assignee=p, after=after, plan=plan) for p in PEOPLE]
    known = [done for done in each if done is not None]
    if found is None:
        assert not known
    else:
        assert found.completes_at == min(known)


@SETTINGS
@given(worlds())
def test_tentative_work_never_makes_confirmed_work_later(world: World) -> None:
    with_tentative = world.plan()
    confirmed = tuple(c for c in world.commitments if c.is_confirmed)
    without = capacity.plan(
        confirmed, world.availabilities, start=world.start, horizon=world.horizon
    )
    for commitment in confirmed:
        assert with_tentative.placements[commitment.key] == without.placements[commitment.key]


@SETTINGS
@given(worlds())
def test_a_commitment_misses_exactly_when_it_is_not_done_by_its_deadline(world: World) -> None:
    plan = world.plan()
    for placement in plan.placements.values():
        deadline = placement.commitment.deadline_at
        if deadline is None:
            assert placement.will_miss == (not placement.is_placed)
            continue
        on_time = placement.completes_at is not None and placement.completes_at <= floor_minute(
            deadline
        )
        assert placement.will_miss == (not on_time)
        if placement.miss is not None:
            assert placement.miss.free_minutes <= placement.commitment.minutes
            assert placement.miss.reason.endswith(".")


@SETTINGS
@given(worlds(), st.sampled_from(ZONES))
def test_the_weekly_summary_counts_every_minute_once(world: World, zone: str) -> None:
    plan = world.plan()
    summary = capacity.weekly_summary(plan, time_zone=zone, weeks=9)
    for person in PEOPLE:
        counted = sum(
            w.committed_minutes + w.tentative_minutes for w in summary.by_assignee[person]
        )
        expected = sum(
            p.commitment.minutes if p.commitment.deadline_at is not None else p.placed_minutes
            for p in plan.placements.values()
            if p.commitment.assignee == person
        )
        assert counted == expected
        availability = world.availability(person)
        for week in summary.by_assignee[person]:
            begins = max(week.starts_at, plan.start)
            plannable = 0
            if begins < week.ends_at:
                plannable = availability.free_minutes(begins, week.ends_at, include_kept_free=False)
            assert week.available_minutes == plannable
            over = week.committed_minutes > (week.available_minutes or 0) or bool(week.missing)
            assert week.is_over_booked == over
    weeks = summary.by_assignee[PEOPLE[0]]
    for earlier, later in pairwise(weeks):
        assert earlier.ends_at == later.starts_at
        assert later.starts_on - earlier.starts_on == timedelta(days=7)
        assert later.starts_on.weekday() == 0
    first = weeks[0].starts_at.astimezone(ZoneInfo(zone))
    assert (first.weekday(), first.hour, first.minute) == (0, 0, 0)
