"""Reads for planning: whose working time a person may plan, the working-time page, and each
person's ``capacity.Availability`` built from the rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.core import access
from tandem.core.calendar import PracticeCalendar, country_name, region_name
from tandem.core.models import Membership, Practice
from tandem.core.roles import Capability
from tandem.planning import capacity
from tandem.planning.capacity import Hours
from tandem.planning.models import WEEKDAY_KEYS, WEEKDAY_NAMES, TimeOff, WorkingWeek
from tandem.planning.wording import describe_time_off
from tandem.work.models import Task, TaskStatus


def plannable_members(viewer: User) -> QuerySet[Membership]:
    """The active members of the practice side whose working time ``viewer`` may see and
    change: everyone's for whoever plans the team's (the owner), one's own otherwise; none
    for the client's side. One query when evaluated."""
    membership = access.member(viewer)
    if membership is None:
        return Membership.objects.none()
    members = Membership.objects.filter(
        practice_id=membership.practice_id,
        is_active=True,
        role__in=access.roles_on_side(access.Side.PRACTICE),
    )
    if access.allows(viewer, Capability.PLAN_TEAM_TIME):
        return members
    if access.allows(viewer, Capability.PLAN_OWN_TIME):
        return members.filter(user_id=viewer.pk)
    return Membership.objects.none()


# The working-time page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    weekday: int
    key: str
    name: str
    # None: not worked.
    hours: Hours | None


@dataclass(frozen=True)
class TimeOffRow:
    id: int
    when: str
    note: str


@dataclass(frozen=True)
class TeamMember:
    user_id: int
    name: str


@dataclass(frozen=True)
class WorkingTimePage:
    person: User
    is_own: bool
    time_zone: str
    days: tuple[Day, ...]
    # No week of their own saved: the practice's days and hours apply.
    follows_practice: bool
    kept_free_percent: int
    week_minutes: int
    time_off: tuple[TimeOffRow, ...]
    # The people whose working time the viewer plans, when that is more than themself.
    team: tuple[TeamMember, ...]
    bank_holidays_of: str
    next_bank_holidays: tuple[tuple[date, str], ...]

    @property
    def plannable_minutes(self) -> int:
        return self.week_minutes * (100 - self.kept_free_percent) // 100


def working_time_page(
    *, viewer: User, person: User, practice: Practice, now: datetime
) -> WorkingTimePage:
    """``person``'s working time as their page shows it; the caller has fetched ``person``
    through ``plannable_members(viewer)``. Three queries (the week, its hours, the time off
    still to come), and one more for the team when the viewer plans the team's."""
    calendar = practice.calendar()
    week = WorkingWeek.objects.filter(person=person).prefetch_related("hours").first()
    days = _days(week, calendar)
    rows = TimeOff.objects.filter(person=person, ends_at__gt=now).values_list(
        "id", "starts_at", "ends_at", "note"
    )
    time_off = tuple(
        TimeOffRow(pk, describe_time_off(starts, ends, person.time_zone), note)
        for pk, starts, ends, note in rows
    )
    return WorkingTimePage(
        person=person,
        is_own=person.pk == viewer.pk,
        time_zone=person.time_zone,
        days=days,
        follows_practice=week is None,
        kept_free_percent=0 if week is None else week.kept_free_percent,
        week_minutes=sum(day.hours.minutes for day in days if day.hours is not None),
        time_off=time_off,
        team=_team(viewer),
        bank_holidays_of=_region_name(calendar),
        next_bank_holidays=_next_bank_holidays(calendar, now.astimezone(calendar.zone).date()),
    )


def _days(week: WorkingWeek | None, calendar: PracticeCalendar) -> tuple[Day, ...]:
    weekly = _weekly_hours(week, calendar)
    return tuple(
        Day(n, WEEKDAY_KEYS[n], WEEKDAY_NAMES[n], next(iter(weekly.get(n, ())), None))
        for n in range(7)
    )


def _weekly_hours(
    week: WorkingWeek | None, calendar: PracticeCalendar
) -> dict[int, tuple[Hours, ...]]:
    """The person's own hours (prefetched), or the practice's when they have none."""
    if week is None:
        return capacity.weekly_hours_of(calendar)
    return {row.weekday: (Hours.between(row.starts_at, row.ends_at),) for row in week.hours.all()}


def _team(viewer: User) -> tuple[TeamMember, ...]:
    if not access.allows(viewer, Capability.PLAN_TEAM_TIME):
        return ()
    members = plannable_members(viewer).select_related("user").order_by("user__name", "user__email")
    return tuple(TeamMember(m.user_id, m.user.display_name) for m in members)


def _region_name(calendar: PracticeCalendar) -> str:
    if not calendar.country:
        return ""
    if calendar.subdivision:
        return region_name(calendar.country, calendar.subdivision)
    return country_name(calendar.country)


def _next_bank_holidays(
    calendar: PracticeCalendar, today: date, count: int = 3
) -> tuple[tuple[date, str], ...]:
    found: list[tuple[date, str]] = []
    for offset in range(366):
        day = today + timedelta(days=offset)
        name = calendar.bank_holiday(day)
        if name is not None:
            found.append((day, name))
            if len(found) == count:
                break
    return tuple(found)


# Availability for capacity planning ---------------------------------------------------------


def availabilities_of(
    people: Sequence[User], *, practice: Practice, first_day: date, last_day: date
) -> dict[int, capacity.Availability]:
    """Each person's ``capacity.Availability`` by user id, right from ``first_day`` to
    ``last_day`` on their own clock (their time off is read for those days; after them
    nothing is known, so nothing is free). Two queries for the weeks and their hours, one
    for the time off, whatever the number of people.

    Not scoped to a viewer: planning reads every assistant's free time to answer a client
    "fits" or "the earliest date", never showing it. Pass only the practice's own members.
    """
    ids = [person.pk for person in people]
    weeks = {
        week.person_id: week
        for week in WorkingWeek.objects.filter(
            practice=practice, person_id__in=ids
        ).prefetch_related("hours")
    }
    # A day in any zone lies within a day either side of the same date in UTC.
    window_start = datetime.combine(first_day - timedelta(days=1), time(), UTC)
    window_end = datetime.combine(last_day + timedelta(days=2), time(), UTC)
    time_off: dict[int, list[capacity.Span]] = defaultdict(list)
    rows = TimeOff.objects.filter(
        person_id__in=ids, starts_at__lt=window_end, ends_at__gt=window_start
    ).values_list("person_id", "starts_at", "ends_at")
    for person_id, starts_at, ends_at in rows:
        time_off[person_id].append(capacity.Span(starts_at, ends_at))
    calendar = practice.calendar()
    return {
        person.pk: _availability(
            person, calendar, weeks.get(person.pk), time_off[person.pk], last_day
        )
        for person in people
    }


def availability_of(
    person: User, *, first_day: date, last_day: date, practice: Practice | None = None
) -> capacity.Availability:
    """``person``'s availability from ``first_day`` to ``last_day`` (see
    ``availabilities_of``); one more query when ``practice`` is not given."""
    if practice is None:
        practice = Practice.objects.get(memberships__user=person)
    return availabilities_of([person], practice=practice, first_day=first_day, last_day=last_day)[
        person.pk
    ]


def _availability(
    person: User,
    calendar: PracticeCalendar,
    week: WorkingWeek | None,
    time_off: list[capacity.Span],
    last_day: date,
) -> capacity.Availability:
    return capacity.Availability(
        person.pk,
        calendar,
        time_zone=person.time_zone,
        weekly=None if week is None else _weekly_hours(week, calendar),
        time_off=tuple(time_off),
        kept_free_percent=0 if week is None else week.kept_free_percent,
        known_until=capacity.instant_at(last_day + timedelta(days=1), time(0), person.time_zone),
    )


# Work as commitments ------------------------------------------------------------------------

# Requests the practice has taken on and not finished: their hours are committed. Delivered
# work waits for the client's review, not for the assistant's time.
COMMITTED_STATUSES = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.WAITING_ON_CLIENT)


def task_commitments(
    practice: Practice, *, default_hours: Decimal, assignees: Sequence[int] | None = None
) -> list[capacity.Commitment]:
    """The practice's accepted, unfinished requests as confirmed commitments (key
    ``"task:<id>"``, assignee and client by id), a request with no estimate counting as
    ``default_hours`` and marked so. Only those of ``assignees`` (user ids) when given. One
    query, on the (practice, status, deadline) index.

    Not scoped to a viewer, like ``availabilities_of``: planning needs every assistant's load
    to answer anyone "fits"; pages show only what their viewer may see."""
    tasks = Task.objects.filter(practice=practice, status__in=COMMITTED_STATUSES)
    if assignees is not None:
        tasks = tasks.filter(assignee_id__in=assignees)
    rows = tasks.values_list(
        "id", "estimate_hours", "assignee_id", "deadline_at", "client_id", "is_short_notice"
    )
    commitments = []
    # Worked out once: most requests have no estimate, and Decimal arithmetic per row adds up
    # over a practice's thousands.
    default = capacity.commitment_minutes(None, default_hours=default_hours)
    for pk, estimate, assignee, deadline_at, client, short in rows.order_by("deadline_at", "id"):
        minutes, is_default = (
            default
            if estimate is None
            else capacity.commitment_minutes(estimate, default_hours=default_hours)
        )
        commitments.append(
            capacity.Commitment(
                key=f"task:{pk}",
                minutes=minutes,
                assignee=assignee,
                deadline_at=deadline_at,
                client=client,
                is_default_size=is_default,
                is_short_notice=short,
            )
        )
    return commitments


def assigned_practice_members(client_id: int) -> list[User]:
    """The active practice-side members assigned to the client, by id: whom the client's
    heads-ups and check-in answers are told to (one query)."""
    return list(
        User.objects.filter(
            assignments__client_id=client_id,
            membership__is_active=True,
            membership__role__in=access.roles_on_side(access.Side.PRACTICE),
        ).order_by("pk")
    )
