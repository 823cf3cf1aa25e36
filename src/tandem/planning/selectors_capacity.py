"""The capacity page and a week's drill-down: the practice's plan, week by week, as far as
the viewer's reach goes.

One plan of the whole practice (``commitments.practice_commitments`` placed into everyone's
free time by ``capacity.plan``) answers every row, so a client's row and its assistants'
rows add up; the viewer sees only their rows: an owner everyone and every client, an
assistant themself and the clients they serve. Contacts never reach these pages.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.urls import get_script_prefix, reverse

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.models import Membership, Practice
from tandem.planning import capacity, plan_cache
from tandem.planning.commitments import PLAN_HORIZON, practice_commitments
from tandem.planning.models_policy import PlanningPolicy, planning_policy
from tandem.planning.selectors import availabilities_of
from tandem.work.models import Task

WEEKS = 12
# Stand-ins reversed in place of a week and a row's id (``week_url``).
_WEEK_MARK = "2000-01-03"
_ID_MARK = 2147483647
# The busiest clients shown on the page; the rest are counted.
CLIENT_ROWS = 25


@dataclass(frozen=True)
class Cell:
    """One week of one row."""

    starts_on: date
    # None for a client: its work is shared by its assistants.
    available_minutes: int | None
    committed_minutes: int
    tentative_minutes: int
    is_over_booked: bool
    url: str


@dataclass(frozen=True)
class Row:
    kind: str  # "person" or "client"
    id: int
    name: str
    cells: tuple[Cell, ...]

    @property
    def over_booked_weeks(self) -> int:
        return sum(cell.is_over_booked for cell in self.cells)

    @property
    def scale_minutes(self) -> int:
        """The chart's top: the largest number any of its weeks shows (at least an hour)."""
        values = [
            max(cell.available_minutes or 0, cell.committed_minutes + cell.tentative_minutes)
            for cell in self.cells
        ]
        return max([60, *values])

    @property
    def bars(self) -> list[Bar]:
        return bars(self)

    @property
    def chart_width(self) -> int:
        return COLUMN * len(self.cells)

    @property
    def chart_height(self) -> int:
        return CHART_TOP + CHART_HEIGHT + 16


# The chart (planning/capacity_chart.html): a column per week, drawn on the server.
CHART_HEIGHT = 96
CHART_TOP = 18  # room for the over-booked mark above a column
COLUMN = 44
BAR = 26


@dataclass(frozen=True)
class Bar:
    """One week's column in the chart, in SVG units (y grows downwards)."""

    x: int
    label_x: int
    available_y: int
    available_height: int
    committed_y: int
    committed_height: int
    tentative_y: int
    tentative_height: int
    is_over_booked: bool
    label: str


def bars(row: Row) -> list[Bar]:
    """The row's weeks as columns: the available hours as an outline, committed hours
    filled, tentative ones hatched on top; an over-booked week also gets a mark and a word,
    so colour is never the only sign."""
    scale = row.scale_minutes
    found = []
    for index, cell in enumerate(row.cells):
        x = index * COLUMN + (COLUMN - BAR) // 2

        def height(minutes: int) -> int:
            return round(CHART_HEIGHT * minutes / scale)

        available = height(cell.available_minutes or 0)
        committed = height(cell.committed_minutes)
        tentative = height(cell.tentative_minutes)
        bottom = CHART_TOP + CHART_HEIGHT
        found.append(
            Bar(
                x=x,
                label_x=x + BAR // 2,
                available_y=bottom - available,
                available_height=available,
                committed_y=bottom - committed,
                committed_height=committed,
                tentative_y=bottom - committed - tentative,
                tentative_height=tentative,
                is_over_booked=cell.is_over_booked,
                label=cell.starts_on.strftime("%-d %b"),
            )
        )
    return found


@dataclass(frozen=True)
class CapacityPage:
    weeks: tuple[date, ...]
    people: tuple[Row, ...]
    clients: tuple[Row, ...]
    # Clients with work in the weeks beyond the busiest ``CLIENT_ROWS``.
    more_clients: int
    time_zone: str
    default_minutes: int
    # Requests counted at the default size because they have no estimate.
    default_sized: int


def practice_people(practice: Practice) -> list[User]:
    """The practice side's active members (whose time is planned). One query."""
    members = Membership.objects.filter(
        practice=practice,
        is_active=True,
        role__in=access.roles_on_side(access.Side.PRACTICE),
    ).select_related("user")
    return sorted((m.user for m in members), key=lambda u: (u.display_name.lower(), u.pk))


def practice_plan(
    practice: Practice,
    policy: PlanningPolicy,
    people: list[User],
    *,
    now: datetime,
    assignees: list[int] | None = None,
) -> capacity.Plan:
    """The plan of the practice's commitments (of ``assignees`` only, when given) in
    ``people``'s free time from ``now`` over ``PLAN_HORIZON``. Four queries."""
    availabilities = availabilities_of(
        people,
        practice=practice,
        first_day=(now - timedelta(days=1)).date(),
        last_day=(now + PLAN_HORIZON).date(),
    )
    commitments = practice_commitments(practice, policy, assignees=assignees)
    return capacity.plan(commitments, availabilities.values(), start=now, horizon=PLAN_HORIZON)


def whole_practice_plan(
    practice: Practice,
    *,
    now: datetime,
    policy: PlanningPolicy | None = None,
    people: list[User] | None = None,
) -> capacity.Plan:
    """The plan of all the practice's work in all its people's time, from ``now`` over
    ``PLAN_HORIZON``: the one ``plan_cache`` keeps while nothing it reads changed (one
    query), or worked out afresh (the policy, the people, their weeks, hours and time off,
    the commitments). Each person's work is placed in their own time only, so it answers
    for any of them as a plan of them alone would. ``policy`` and ``people``: the caller's,
    when it has read them already."""

    def compute(at: datetime) -> capacity.Plan:
        return practice_plan(
            practice,
            policy or planning_policy(practice.pk),
            practice_people(practice) if people is None else people,
            now=at,
        )

    return plan_cache.current_plan(practice, now=now, compute=compute)


@dataclass(frozen=True)
class _Computed:
    people: list[User]
    policy: PlanningPolicy
    plan: capacity.Plan
    summary: capacity.Summary


def _compute(viewer: User, now: datetime) -> _Computed:
    """The whole practice's plan and its twelve weeks: six queries (the policy, the people,
    their weeks, hours and time off, the commitments), computed once per page."""
    practice = viewer.membership.practice
    policy = planning_policy(practice.pk)
    people = practice_people(practice)
    plan = whole_practice_plan(practice, now=now, policy=policy, people=people)
    summary = plan_cache.derived(
        plan,
        ("weekly_summary", practice.time_zone, WEEKS),
        lambda: capacity.weekly_summary(plan, time_zone=practice.time_zone, weeks=WEEKS),
    )
    return _Computed(people, policy, plan, summary)


def _shown_people(viewer: User, people: list[User]) -> list[User]:
    """An owner sees everyone's rows; anyone else their own."""
    everyone = access.sees_whole_practice(viewer.membership)
    return [person for person in people if everyone or person.pk == viewer.pk]


def capacity_page(*, viewer: User, now: datetime) -> CapacityPage:
    """The next twelve weeks per person and per client the viewer sees. Seven queries: the
    six of the plan and the viewer's clients."""
    computed = _compute(viewer, now)
    summary, plan = computed.summary, computed.plan
    shown = _shown_people(viewer, computed.people)
    person_rows = tuple(
        _row("person", person.pk, person.display_name, summary.by_assignee[person.pk])
        for person in shown
    )
    clients = dict(
        Client.objects.visible_to(viewer).filter(archived_at__isnull=True).values_list("pk", "name")
    )
    busy = [pk for pk in summary.by_client if pk in clients and _has_work(summary.by_client[pk])]
    busy.sort(key=lambda pk: (-_total(summary.by_client[pk]), clients[pk].lower()))
    client_rows = tuple(
        _row("client", pk, clients[pk], summary.by_client[pk]) for pk in busy[:CLIENT_ROWS]
    )
    shown_ids = {person.pk for person in shown}
    return CapacityPage(
        weeks=summary.weeks,
        people=person_rows,
        clients=client_rows,
        more_clients=max(0, len(busy) - CLIENT_ROWS),
        time_zone=viewer.membership.practice.time_zone,
        default_minutes=computed.policy.default_request_minutes,
        # Counted once per kept plan and set of rows: the plan holds every request.
        default_sized=plan_cache.derived(
            plan,
            ("default_sized", frozenset(shown_ids)),
            lambda: sum(
                1
                for p in plan.placements.values()
                if p.commitment.is_default_size and p.commitment.assignee in shown_ids
            ),
        ),
    )


def _has_work(weeks: tuple[capacity.Week, ...]) -> bool:
    return any(week.committed_minutes or week.tentative_minutes for week in weeks)


def _total(weeks: tuple[capacity.Week, ...]) -> int:
    return sum(week.committed_minutes + week.tentative_minutes for week in weeks)


def _row(kind: str, pk: int, name: str, weeks: tuple[capacity.Week, ...]) -> Row:
    return Row(
        kind=kind,
        id=pk,
        name=name,
        cells=tuple(
            Cell(
                starts_on=week.starts_on,
                available_minutes=week.available_minutes,
                committed_minutes=week.committed_minutes,
                tentative_minutes=week.tentative_minutes,
                is_over_booked=week.is_over_booked,
                url=week_url(week.starts_on, kind, pk),
            )
            for week in weeks
        ),
    )


def week_url(starts_on: date, kind: str, pk: int) -> str:
    """A week's drill-down: the pattern is reversed once per row kind and script prefix, and
    each cell's week and id formatted in (a page of 46 rows has 552 cells)."""
    week, row = _week_pattern(kind, get_script_prefix())
    return f"{week}{starts_on.isoformat()}{row}{int(pk)}/"


@functools.lru_cache(maxsize=8)
def _week_pattern(kind: str, prefix: str) -> tuple[str, str]:
    """The path before the week and between the week and the row's id."""
    del prefix  # part of the key only: reverse() reads it
    path = reverse("planning:capacity-week", args=[_WEEK_MARK, kind, _ID_MARK])
    before, rest = path.split(_WEEK_MARK)
    between, after = rest.split(str(_ID_MARK))
    if after != "/":
        raise ValueError(f"unexpected capacity-week path: {path}")
    return before, between


# A week's drill-down ------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One commitment counted in the week."""

    key: Hashable
    title: str
    client_name: str
    url: str
    # Minutes it counts in this week (placed before its deadline, or lacking at it).
    minutes: int
    deadline_at: datetime | None
    completes_at: datetime | None
    miss_reason: str
    is_tentative: bool
    is_default_size: bool
    is_short_notice: bool


# The requests a week's page lists, soonest deadline first.
WEEK_ITEMS = 60


@dataclass(frozen=True)
class WeekPage:
    kind: str
    id: int
    name: str
    week: capacity.Week
    items: tuple[Item, ...]
    # Work counted in the week that the viewer may not open (another client's).
    hidden_minutes: int
    # Requests of the week beyond the first WEEK_ITEMS (by deadline), and their minutes.
    more: int = 0
    more_minutes: int = 0


def week_page(*, viewer: User, kind: str, pk: int, monday: date, now: datetime) -> WeekPage | None:
    """The commitments behind one week of one row; None when the viewer does not see that
    row or the week is not one of the twelve shown (the view answers 404). Eight queries:
    the plan's six, the row's name (a client's), the week's requests."""
    computed = _compute(viewer, now)
    if monday not in computed.summary.weeks:
        return None
    name = _row_name(viewer, kind, pk, computed.people)
    if name is None:
        return None
    weeks = computed.summary.by_assignee if kind == "person" else computed.summary.by_client
    week = next((w for w in weeks.get(pk, ()) if w.starts_on == monday), None)
    if week is None:
        # A client with no work in any of the weeks: an empty week.
        week = capacity.Week(monday, _start_of(computed, monday), _start_of(computed, monday),
                             0, 0, None, None, (), (), ())  # fmt: skip
    return _week_page(viewer, kind, pk, name, week, computed.plan)


def _start_of(computed: _Computed, monday: date) -> datetime:
    found = next(iter(computed.summary.by_assignee.values()), ())
    return next((w.starts_at for w in found if w.starts_on == monday), computed.plan.start)


def _row_name(viewer: User, kind: str, pk: int, people: list[User]) -> str | None:
    if kind == "person":
        shown = _shown_people(viewer, people)
        return next((person.display_name for person in shown if person.pk == pk), None)
    clients = Client.objects.visible_to(viewer).filter(pk=pk, archived_at__isnull=True)
    name: str | None = clients.values_list("name", flat=True).first()
    return name


def _week_page(
    viewer: User, kind: str, pk: int, name: str, week: capacity.Week, plan: capacity.Plan
) -> WeekPage:
    task_ids = [int(str(key).split(":", 1)[1]) for key in week.keys if str(key).startswith("task:")]
    # Scoped by the viewer's clients rather than their practice: the same rows (a task's
    # practice is its client's), but SQLite, told a practice has about a thousand tasks by
    # its sampled statistics, walked the practice's index of 100,000 instead of looking the
    # week's few hundred ids up (20 ms → under 1).
    visible_clients = Client.objects.visible_to(viewer).values("pk")
    tasks = {
        task["pk"]: task
        for task in Task.objects.filter(pk__in=task_ids, client_id__in=visible_clients).values(
            "pk", "title", "client__name"
        )
    }
    items: list[Item] = []
    hidden = more = more_minutes = 0
    never = datetime.max.replace(tzinfo=UTC)
    by_deadline = sorted(
        week.keys,
        key=lambda key: (plan.placements[key].commitment.deadline_at or never, str(key)),
    )
    for key in by_deadline:
        placement = plan.placements[key]
        minutes = _minutes_in_week(placement, week)
        text = str(key)
        task = tasks.get(int(text.split(":", 1)[1])) if text.startswith("task:") else None
        if task is None:
            hidden += minutes
            continue
        if len(items) == WEEK_ITEMS:
            # A week of hundreds of requests is read in its first ones; the rest summed.
            more, more_minutes = more + 1, more_minutes + minutes
            continue
        commitment = placement.commitment
        items.append(
            Item(
                key=key,
                title=task["title"],
                client_name=task["client__name"],
                url=reverse("work:task-detail", args=[task["pk"]]),
                minutes=minutes,
                deadline_at=commitment.deadline_at,
                completes_at=placement.completes_at,
                miss_reason="" if placement.miss is None else placement.miss.reason,
                is_tentative=not commitment.is_confirmed,
                is_default_size=commitment.is_default_size,
                is_short_notice=commitment.is_short_notice,
            )
        )
    return WeekPage(kind, pk, name, week, tuple(items), hidden, more, more_minutes)


def _minutes_in_week(placement: capacity.Placement, week: capacity.Week) -> int:
    """As ``weekly_summary`` counts it: minutes placed in the week before the deadline, and
    what the work still lacks at its deadline when that falls in the week."""
    commitment = placement.commitment
    end = (
        week.ends_at
        if commitment.deadline_at is None
        else min(week.ends_at, commitment.deadline_at)
    )
    minutes = sum(
        max(0, (min(s.ends_at, end) - max(s.starts_at, week.starts_at)) // timedelta(minutes=1))
        for s in placement.slices
    )
    if commitment.key in week.missing or commitment.key in week.tentative_missing:
        on_time = sum(
            max(
                0,
                (min(s.ends_at, commitment.deadline_at or s.ends_at) - s.starts_at)
                // timedelta(minutes=1),
            )
            for s in placement.slices
        )
        minutes += commitment.minutes - on_time
    return minutes
