"""Reads for the VA's day: the inbox, the dashboard across clients, one client's board.

Every read starts from ``Task.objects.visible_to(viewer)``, and every list is LIMITed: one
practice may hold 100,000 tasks (2,000 for one client), so nothing here loads a row it does
not show. Counts for "N more" come from one aggregate each, served by Task's indexes
(practice, status, deadline_at) for owners and (client, status) for everyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Substr

from tandem.clients.models import (
    Assignment,
    Client,
    compiled_rows_for,
    scoped_by_reach,
)
from tandem.core import access
from tandem.core.access import Reach, Standing
from tandem.core.links import link
from tandem.core.markdown import markdown_preview, shorten
from tandem.core.models import Practice
from tandem.work.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Priority,
    Task,
    TaskQuerySet,
    TaskStatus,
)
from tandem.work.selectors_progress import (
    STEPS_DONE,
    STEPS_TOTAL,
    Progress,
    progress_of,
    with_checklist_progress,
)
from tandem.work.workflow import Move, Need, WorkFacts, moves_for

if TYPE_CHECKING:
    from tandem.accounts.models import User

S = TaskStatus

SATURDAY = 5
INBOX_LIMIT = 25
SECTION_LIMIT = 10
# A dashboard section counts up to here and then says "100+": past that the number changes
# nothing for the reader, and counting stops early instead of reading every late task.
COUNT_CAP = 100
COLUMN_LIMIT = 10
RECENTLY_CLOSED_DAYS = 14

# New requests: waiting for the practice to accept or decline them, or (from e-mail) for
# the client to give a deadline first.
INBOX_STATUSES = (S.REQUESTED, S.NEEDS_DEADLINE)
# Work the practice has to act on: late or due is late or due for them. Waiting and
# delivered tasks are with the client, so they are not the VA's overdue work.
PRACTICE_STATUSES = (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS)
# The board's columns, in the workflow's order.
BOARD_STATUSES = (
    S.NEEDS_DEADLINE,
    S.REQUESTED,
    S.ACCEPTED,
    S.IN_PROGRESS,
    S.WAITING_ON_CLIENT,
    S.DELIVERED,
)
CLOSED_COLUMN = "closed"


# Moves ---------------------------------------------------------------------------------------


NEEDS_SENTENCE = {
    Need.NOTE: "add a note below",
    Need.WAITING: "say below what you need from the client and by when",
    Need.DEADLINE: "give it a deadline below",
    Need.DELIVERY: "say below what you are delivering, with any files and links",
}


def what_a_move_needs(task: Task, move: Move) -> str:
    """What to fill in on the task page before a move that needs more than a click."""
    assert move.needs is not None
    return f"To move “{task.title}” to “{move.to.label}”, {NEEDS_SENTENCE[move.needs]}."


def input_anchor(move: Move) -> str:
    """The id of the first field a move needs on the task page (its MoveForm's auto_id)."""
    if move.needs == Need.DELIVERY:
        return "id_delivery_message"  # the delivery form's (forms.DELIVERY_AUTO_ID)
    first_field = {
        Need.NOTE: "note",
        Need.THANKS: "note",
        Need.WAITING: "waiting_for",
        Need.DEADLINE: "deadline",
    }
    return f"id_{move.to}_{first_field[move.needs]}" if move.needs else ""


def _first(rows: QuerySet[Task, Any], order: list[str | OrderBy], limit: int) -> TaskQuerySet:
    """The first ``limit`` of ``rows`` in ``order``, as one query that picks their ids first.

    The inner query sorts only what the index holds (status, deadline, id), so ordering the
    thousands of overdue tasks of a big practice never reads those rows; the outer query
    then loads the few it shows.
    """
    ids = rows.order_by(*order).values("pk")[:limit]
    return Task.objects.filter(pk__in=ids).order_by(*order)


def first_ids_of_each(
    groups: Sequence[tuple[QuerySet[Task, Any], list[str | OrderBy], int]],
) -> QuerySet[Task, Any]:
    """The ids of the first few of each group, each group in its order and with its limit:
    one query, each group picking its ids from its own index range, the picks joined with
    UNION ALL (an id picked by two groups comes twice). SQLite refuses a LIMIT in a member
    of a compound query, so each pick's LIMIT sits inside a ``pk__in``. Callers load the
    rows with ``pk__in`` and sort them."""
    picks = [_first(rows, order, limit).order_by().values("pk") for rows, order, limit in groups]
    return picks[0].union(*picks[1:], all=True)


class _CountOf(Subquery):
    """``SELECT COUNT(*) FROM (rows)``: how many rows a (possibly sliced) query gives.

    Counting a LIMITed list of ids this way reads at most the limit's index entries. The
    ORM's own shape for it, ``COUNT(*) … WHERE id IN (… LIMIT n) GROUP BY``, looked each id
    up again and sorted them: 30 times slower on SQLite for a capped section of 101 tasks.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _count(rows: TaskQuerySet, cap: int | None = None) -> _CountOf:
    """How many ``rows`` there are (at most ``cap + 1``), as a subquery of one index range.

    COUNT(*) over the ids, not COUNT(id): PostgreSQL then counts from the index alone.
    """
    ids = rows.order_by().values("pk")
    return _CountOf(ids[: cap + 1] if cap is not None else ids)


# Inbox ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    """One new request as the inbox shows it: enough to decide without opening it."""

    task: Task
    # The request's start as plain text (two lines on the page) and what done looks like.
    preview: str
    expectations: str
    file_count: int
    detail_url: str
    move_url: str
    start_url: str
    # Above the client's phase without its go-ahead (issue 13): it cannot be accepted yet.
    waits_for_go_ahead: bool = False


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


# What the inbox reads of a request's text: the preview needs only its start.
PREVIEW_SOURCE = 400
EXPECTATIONS_SHOWN = 160


def with_inbox_details(tasks: QuerySet[Task, Any]) -> QuerySet[Task, Any]:
    """``tasks`` with what an inbox row shows: the client and sender, the start of the
    request (not all of it), and the number of files (a subquery per row, on the
    attachments' (task, created_at) index)."""
    files = (
        Attachment.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        tasks.select_related("client", "created_by", "kind")
        .defer("request_markdown")
        .annotate(
            request_start=Substr("request_markdown", 1, PREVIEW_SOURCE),
            file_count=Coalesce(Subquery(files), 0),
        )
    )


def inbox_row(task: Task) -> InboxRow:
    """The row of ``task``, read with ``with_inbox_details`` (or given its own text)."""
    start = getattr(task, "request_start", None)
    text = start if start is not None else task.request_markdown
    return InboxRow(
        task=task,
        preview=markdown_preview(text),
        expectations=shorten(task.expectations, EXPECTATIONS_SHOWN),
        file_count=getattr(task, "file_count", 0),
        detail_url=link("work:task-detail", task.pk),
        move_url=link("work:inbox-move", task.pk),
        start_url=link("work:inbox-accept-start", task.pk),
        waits_for_go_ahead=access.waits_for_go_ahead(task.client, task),
    )


INBOX_ROW_FIELDS = (
    "title",
    "status",
    "expectations",
    "deadline_at",
    "created_at",
    "client__name",
    "created_by__name",
    "created_by__email",
    # Planning's short-notice mark, shown as a badge (issue 12).
    "is_short_notice",
    # Trust in phases (issue 13): whether the client's go-ahead is still awaited.
    "client__phase",
    "kind__phase",
    "go_ahead_at",
)


def inbox(*, viewer: User) -> Inbox:
    """New requests of the viewer's clients, oldest first (two queries).

    Owners see the whole practice, assistants the clients assigned to them; a contact's
    scope would be their own client, but the page is for the practice side only. Ids follow
    arrival, and ordering by them lets the index alone pick the oldest.
    """
    rows = Task.objects.visible_to(viewer).filter(status__in=INBOX_STATUSES)
    # Only what a row shows: every datetime a row holds costs a conversion, 25 times over.
    shown = with_inbox_details(_first(rows, ["id"], INBOX_LIMIT)).only(*INBOX_ROW_FIELDS)
    return Inbox(rows=[inbox_row(task) for task in shown], total=rows.count())


# Dashboard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str
    tasks: list[Task]
    total: int

    @property
    def is_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def total_label(self) -> str:
        return f"{COUNT_CAP}+" if self.is_capped else str(self.total)

    @property
    def more_label(self) -> str:
        """How many more than shown: "3", or "90+" past the cap; "" when none."""
        more = min(self.total, COUNT_CAP) - len(self.tasks)
        return f"{more}+" if self.is_capped else (str(more) if more else "")


def week_ends_on(today: date) -> date:
    """The Monday that ends "this week" seen from ``today``: weeks start on Monday, and on
    a Saturday or Sunday "this week" is the coming one, so the weekend's dashboard shows
    the work ahead instead of an empty week."""
    two_days_on = today + timedelta(days=2)
    return two_days_on + timedelta(days=7 - two_days_on.weekday())


def is_weekend(today: date) -> bool:
    return today.weekday() >= SATURDAY


@dataclass(frozen=True)
class DayBounds:
    """Now, the start of tomorrow and the end of this week (see week_ends_on), in the
    viewer's zone."""

    now: datetime
    tomorrow: datetime
    next_week: datetime
    is_weekend: bool = False

    @classmethod
    def at(cls, now: datetime, zone: tzinfo) -> DayBounds:
        today = now.astimezone(zone).date()
        return cls(
            now=now,
            tomorrow=_midnight(today + timedelta(days=1), zone),
            next_week=_midnight(week_ends_on(today), zone),
            is_weekend=is_weekend(today),
        )


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


@dataclass(frozen=True)
class Day:
    sections: list[Section]
    # Requests waiting in the inbox, for its link (at most COUNT_CAP + 1).
    new_requests: int

    @property
    def new_requests_label(self) -> str:
        return f"{COUNT_CAP}+" if self.new_requests > COUNT_CAP else str(self.new_requests)


def day_dashboard(*, viewer: User, now: datetime, zone: tzinfo) -> Day:
    """Overdue, due today, due this week and waiting on the client, across the viewer's
    clients: two queries (every total in one; every section's first tasks in another).

    Each section is ordered by deadline, and the waiting one by when the client's part is
    due (``waiting_until``): the longest-overdue answer first, for the VA to chase.
    """
    bounds = DayBounds.at(now, zone)
    # Both queries are the same on every visit but for the member's ids and the day's
    # instants: compiled once per member (core.compiled), the instants put in each time.
    moments = (bounds.now, bounds.tomorrow, bounds.next_week)
    counted = compiled_rows_for(viewer, _day_totals, moments=moments)
    titles = SECTIONS | (WEEKEND_SECTIONS if bounds.is_weekend else {})
    if not counted:  # a member who sees no client
        return Day([Section(key, t, e, [], 0) for key, (t, e) in titles.items()], 0)
    (row,) = counted
    totals = dict(zip([*SECTIONS, "new"], row, strict=True))
    shown = _sections_first_tasks(viewer, moments, bounds)
    sections = [
        Section(key, title, empty, shown[key], totals[key])
        for key, (title, empty) in titles.items()
    ]
    return Day(sections=sections, new_requests=totals["new"])


def _day_rows(
    practice_id: int,
    reach: Reach,
    user_id: int,
    now: datetime,
    tomorrow: datetime,
    next_week: datetime,
) -> dict[str, TaskQuerySet]:
    """Each section's tasks among those the member sees (``DayBounds`` for the instants)."""
    visible = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    practice_work = visible.filter(status__in=PRACTICE_STATUSES)
    return {
        "overdue": practice_work.filter(deadline_at__lt=now),
        "today": practice_work.filter(deadline_at__gte=now, deadline_at__lt=tomorrow),
        "week": practice_work.filter(deadline_at__gte=tomorrow, deadline_at__lt=next_week),
        "waiting": visible.filter(status=S.WAITING_ON_CLIENT),
    }


def _day_totals(
    practice_id: int, reach: Reach, user_id: int, *moments: datetime
) -> QuerySet[Any, Any]:
    """Every section's total and the inbox's, each capped, in one row (``SECTIONS`` order,
    then "new"): each a tight range of Task's indexes (an OR of them in one aggregate would
    scan every task of the practice)."""
    rows = _day_rows(practice_id, reach, user_id, *moments)
    counts = {key: _count(qs, COUNT_CAP) for key, qs in rows.items()}
    visible = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    counts["new"] = _count(visible.filter(status__in=INBOX_STATUSES), COUNT_CAP)
    practice = Practice.objects.filter(pk=practice_id)
    return practice.annotate(**counts).values_list(*counts)


def _day_picks(
    practice_id: int, reach: Reach, user_id: int, *moments: datetime
) -> QuerySet[Task, Any]:
    """The ids of the first ``SECTION_LIMIT`` tasks of every section, each in its order."""
    rows = _day_rows(practice_id, reach, user_id, *moments)
    return first_ids_of_each([(qs, _section_order(key), SECTION_LIMIT) for key, qs in rows.items()])


SECTIONS = {
    "overdue": ("Overdue", "Nothing is overdue."),
    "today": ("Due today", "Nothing else is due today."),
    "week": ("Due later this week", "Nothing else is due this week."),
    "waiting": ("Waiting on the client", "Nothing is waiting on a client."),
}
# At the weekend "this week" is the coming one (week_ends_on), and says so.
WEEKEND_SECTIONS = {"week": ("Due in the coming week", "Nothing is due in the coming week.")}


def _sections_first_tasks(
    viewer: User, moments: tuple[datetime, ...], bounds: DayBounds
) -> dict[str, list[Task]]:
    """The first ``SECTION_LIMIT`` tasks of every section, in one query.

    ``_day_picks`` picks each section's ids from its own index range; the rows are loaded
    together with their client and assignee and put back in their sections here. The
    sections never overlap, so a task's section follows from its status and deadline.
    """
    tasks = compiled_rows_for(viewer, _day_first_tasks, moments=moments)
    shown: dict[str, list[Task]] = {key: [] for key in SECTIONS}
    for task in tasks:
        shown[_section_of(task, bounds)].append(task)
    for key, section_tasks in shown.items():
        section_tasks.sort(key=_waiting_key if key == "waiting" else _deadline_key)
    return shown


def _day_first_tasks(
    practice_id: int, reach: Reach, user_id: int, *moments: datetime
) -> QuerySet[Task, Task]:
    # Only what a line of the day shows: forty wide task rows with their clients and
    # assignees whole cost more to build than to read.
    picked = _day_picks(practice_id, reach, user_id, *moments)
    return (
        Task.objects.filter(pk__in=picked)
        .select_related("client", "assignee")
        .only(
            "title",
            "status",
            "deadline_at",
            "waiting_for",
            "waiting_until",
            "client__name",
            "assignee__name",
            "assignee__email",
        )
    )


def _section_order(key: str) -> list[str | OrderBy]:
    # Nulls first, as Task's index of open work keeps them (no section has any): so
    # PostgreSQL reads the first ten from it instead of sorting every late task.
    if key == "waiting":
        return [F("waiting_until").asc(), "id"]
    return [F("deadline_at").asc(nulls_first=True), "id"]


def _deadline_key(task: Task) -> tuple[datetime | None, int]:
    return (task.deadline_at, task.pk)


def _waiting_key(task: Task) -> tuple[datetime | None, int]:
    return (task.waiting_until, task.pk)


def _section_of(task: Task, bounds: DayBounds) -> str:
    if task.status == S.WAITING_ON_CLIENT:
        return "waiting"
    assert task.deadline_at is not None  # every section but "waiting" filters on it
    if task.deadline_at < bounds.now:
        return "overdue"
    return "today" if task.deadline_at < bounds.tomorrow else "week"


# No answer yet -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unanswered:
    """Requests the practice promised to answer by now and has not (``work.promises``)."""

    tasks: list[Task]
    # More than shown: the inbox holds them all.
    has_more: bool


def unanswered(*, viewer: User, now: datetime) -> Unanswered:
    """The viewer's clients' requests whose promised answer is past, the longest-late
    first: one query, a range of the ``task_awaiting_answer`` index (only unanswered
    requests have a ``respond_by``), compiled once per member (``core.compiled``)."""
    found = compiled_rows_for(viewer, _unanswered, moments=[now])
    return Unanswered(tasks=found[:SECTION_LIMIT], has_more=len(found) > SECTION_LIMIT)


def _unanswered(
    practice_id: int, reach: Reach, user_id: int, now: datetime
) -> QuerySet[Task, Task]:
    # The practice's own filter, redundant for scoping, lets SQLite read the small partial
    # index instead of walking every task of an assistant's clients (31 ms → 0.04 ms for
    # 50 clients at the bench's size).
    rows = (
        scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
        .filter(practice_id=practice_id, respond_by__lte=now)
        .select_related("client")
        .order_by("respond_by", "id")
    )
    return rows[: SECTION_LIMIT + 1]


# Board ---------------------------------------------------------------------------------------


# What the "Move to…" list says after a status when the move needs more than a click.
NEEDS_SAYING = {
    Need.NOTE: " (add a note)",
    Need.WAITING: " (say what and by when)",
    Need.DEADLINE: " (give a deadline)",
    Need.DELIVERY: " (write a message)",
}


@dataclass(frozen=True)
class Choice:
    """One option of a card's "Move to…" list, worded once here rather than per card in
    the template (a board renders many cards)."""

    to: str
    label: str
    needs_input: bool

    @classmethod
    def of(cls, move: Move) -> Choice:
        suffix = NEEDS_SAYING[move.needs] if move.needs and move.needs_input else ""
        return cls(str(move.to), f"{move.to.label}{suffix}", move.needs_input)


@dataclass(frozen=True, slots=True)
class Card:
    """One card, as plain values: a board renders up to 70 of them, and plain attributes
    (with the links already made, see ``core.links``) cost the template far less than model
    instances, their display methods and a ``{% url %}`` per card."""

    pk: int
    title: str
    status: str
    # The status's words, shown on cards of the closed column.
    status_label: str
    priority: str
    # "High priority", "Low priority"; empty for normal.
    priority_label: str
    deadline_at: datetime | None
    assignee: str
    # The client's name on the practice-wide board; empty on a client's own board.
    client_name: str
    # The same list object for every card of one status (and client): the template writes
    # its options once, not once per card.
    moves: tuple[Choice, ...]
    detail_url: str
    move_url: str
    # Past its deadline and not yet with the client for review.
    is_late: bool = False
    # Its checklist's progress ("☑ 2/5"); None without a checklist.
    progress: Progress | None = None
    # Sent at short notice (planning's check): a badge.
    is_short_notice: bool = False


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    cards: list[Card] = field(default_factory=list)
    total: int = 0
    # Counted up to COUNT_CAP (the practice-wide board): "100+" past it.
    capped: bool = False

    @property
    def is_closed(self) -> bool:
        return self.key == CLOSED_COLUMN

    @property
    def more(self) -> int:
        return self.total - len(self.cards)

    @property
    def total_label(self) -> str:
        return f"{COUNT_CAP}+" if self.capped and self.total > COUNT_CAP else str(self.total)

    @property
    def more_label(self) -> str:
        if self.capped and self.total > COUNT_CAP:
            return f"{COUNT_CAP - len(self.cards)}+"
        return str(self.more) if self.more else ""

    @property
    def drop_statuses(self) -> str:
        """The statuses a card dropped here may move to (board.js picks the allowed one)."""
        return " ".join(sorted(CLOSED_STATUSES)) if self.is_closed else self.key


@dataclass(frozen=True)
class Board:
    columns: list[Column]
    # None on the practice-wide board.
    client: Client | None = None

    @property
    def total(self) -> int:
        return sum(column.total for column in self.columns)


# What a card reads of its task (and its client's and assignee's names, and its checklist's
# progress): ``.values()``, not model instances.
CARD_FIELDS = (
    "pk",
    "title",
    "status",
    "priority",
    "deadline_at",
    "client_id",
    "client__name",
    "assignee__name",
    "assignee__email",
    "is_short_notice",
    # Trust in phases (issue 13): work above the client's phase waits for its go-ahead.
    "kind__phase",
    "go_ahead_at",
    STEPS_TOTAL,
    STEPS_DONE,
)


def client_board(*, viewer: User, client: Client, now: datetime) -> Board:
    """One client's tasks by status: open ones, and those closed in the last 14 days.

    Two queries, both compiled once per member (``core.compiled``; the client's id and the
    instant put in): the count per status, and at most ``COLUMN_LIMIT`` cards per column,
    each open status's picked from its own range of the client's (status, deadline) index
    and the latest closed ones, joined with UNION ALL, each with its checklist's progress.
    A busy client has thousands of tasks: neither query sorts them all.
    ``client`` must already be one the viewer can see.
    """
    since = now - timedelta(days=RECENTLY_CLOSED_DAYS)
    found = compiled_rows_for(viewer, _client_board_totals, ids=[client.pk], moments=[since])
    totals: dict[str, int] = dict(found)
    cards = compiled_rows_for(viewer, _client_board_cards, ids=[client.pk], moments=[since])
    standing = access.standing_of_visible(viewer, client)
    maker = _CardMaker(now, {client.pk: standing}, practice_wide=False)
    columns = _columns([maker.card(row) for row in cards], totals, capped=False)
    return Board(columns=columns, client=client)


def _client_board_tasks(
    practice_id: int, reach: Reach, user_id: int, client_id: int
) -> TaskQuerySet:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    return tasks.filter(client_id=client_id)


def _recently_closed(tasks: TaskQuerySet, since: datetime) -> TaskQuerySet:
    return tasks.filter(status__in=sorted(CLOSED_STATUSES), updated_at__gte=since)


def _client_board_totals(
    practice_id: int, reach: Reach, user_id: int, client_id: int, since: datetime
) -> QuerySet[Task, tuple[str, int]]:
    tasks = _client_board_tasks(practice_id, reach, user_id, client_id)
    recently_closed = Q(status__in=sorted(CLOSED_STATUSES), updated_at__gte=since)
    shown = tasks.filter(Q(status__in=sorted(OPEN_STATUSES)) | recently_closed)
    return shown.values_list("status").annotate(n=Count("pk")).values_list("status", "n")


def _client_board_cards(
    practice_id: int, reach: Reach, user_id: int, client_id: int, since: datetime
) -> QuerySet[Task, dict[str, Any]]:
    tasks = _client_board_tasks(practice_id, reach, user_id, client_id)
    soonest: list[str | OrderBy] = [F("deadline_at").asc(nulls_first=True), "pk"]
    groups = [
        (tasks.filter(status=status), soonest, COLUMN_LIMIT) for status in sorted(OPEN_STATUSES)
    ]
    latest: list[str | OrderBy] = [F("updated_at").desc(), *soonest]
    groups.append((_recently_closed(tasks, since), latest, COLUMN_LIMIT))
    closed_at = Case(When(status__in=CLOSED_STATUSES, then=F("updated_at")))
    order = [closed_at.desc(nulls_last=True), F("deadline_at").asc(nulls_first=True), F("id").asc()]
    picked = Task.objects.filter(pk__in=first_ids_of_each(groups))
    return with_checklist_progress(picked).order_by(*order).values(*CARD_FIELDS)


def practice_board(*, viewer: User, now: datetime, assignee_id: int | None = None) -> Board:
    """The practice's open work across clients: the viewer's clients (every client for an
    owner), or only the tasks of one assignee. Three queries whatever the practice's size:
    each column's count, capped at ``COUNT_CAP + 1`` (one row of counts, each a range of
    an index); the first ``COLUMN_LIMIT`` cards of each column (each column picks its ids
    from its own range, joined with UNION ALL) with their checklists' progress; and the
    clients of the cards shown (for each client's standing, which says which moves its
    cards offer). The first two are compiled once per member and assignee
    (``core.compiled``): they differ between visits only by the ids in them.

    Closed work is left to each client's board and the request list: "closed in the last
    14 days" across clients has no index range to read (tasks are indexed by deadline, not
    by when they closed, per client), so it would read every closed task of the viewer's
    clients.
    """
    counted = compiled_rows_for(viewer, _board_totals, assignee_id)
    cards: list[Card] = []
    totals: dict[str, int] = {}
    if counted:  # empty for a member who sees no client
        (counts,) = counted
        totals = dict(zip(BOARD_STATUSES, counts, strict=True))
        rows = sorted(compiled_rows_for(viewer, _board_cards, assignee_id), key=_board_order)
        clients = Client.objects.filter(pk__in={row["client_id"] for row in rows})
        standings = {client.pk: access.standing_of_visible(viewer, client) for client in clients}
        maker = _CardMaker(now, standings, practice_wide=True)
        cards = [maker.card(row) for row in rows]
    columns = _columns(cards, totals, capped=True)
    return Board(columns=[column for column in columns if not column.is_closed])


def _board_rows(
    practice_id: int, reach: Reach, user_id: int, assignee_id: int | None
) -> dict[str, TaskQuerySet]:
    """Each column's tasks among those the member sees, of one assignee or everyone's."""
    rows = Task.objects.all()
    if assignee_id is not None:
        # One person's work is a range of its own index: read it, checking each row's client.
        rows = rows.filter(assignee_id=assignee_id)
    rows = scoped_by_reach(rows, practice_id, reach, user_id, row_by_row=assignee_id is not None)
    return {str(status): rows.filter(status=status) for status in BOARD_STATUSES}


def _board_totals(
    practice_id: int, reach: Reach, user_id: int, assignee_id: int | None
) -> QuerySet[Any, Any]:
    """Every column's count, capped at ``COUNT_CAP + 1``, in one row (``BOARD_STATUSES``
    order)."""
    rows = _board_rows(practice_id, reach, user_id, assignee_id)
    counts = {f"n_{status}": _count(qs, COUNT_CAP) for status, qs in rows.items()}
    practice = Practice.objects.filter(pk=practice_id)
    return practice.annotate(**counts).values_list(*counts)


def _board_picks(
    practice_id: int, reach: Reach, user_id: int, assignee_id: int | None
) -> QuerySet[Task, Any]:
    """The ids of the first ``COLUMN_LIMIT`` cards of every column, soonest due first."""
    rows = _board_rows(practice_id, reach, user_id, assignee_id)
    order = _section_order("open")
    return first_ids_of_each([(qs, order, COLUMN_LIMIT) for qs in rows.values()])


def _board_cards(
    practice_id: int, reach: Reach, user_id: int, assignee_id: int | None
) -> QuerySet[Task, dict[str, Any]]:
    """What the cards picked by ``_board_picks`` show, with their checklists' progress."""
    picked = _board_picks(practice_id, reach, user_id, assignee_id)
    return with_checklist_progress(Task.objects.filter(pk__in=picked)).values(*CARD_FIELDS)


def board_people(*, viewer: User) -> list[tuple[int, str]]:
    """Whose work someone who sees the whole practice may pick on the practice-wide board:
    everyone assigned to one of its clients (one query). Nobody for anyone else, who
    chooses between their own work and everyone's of their clients."""
    if access.reach_of(viewer) != access.Reach.PRACTICE:
        return []
    practice_id = viewer.membership.practice_id
    users = (
        Assignment.objects.filter(practice_id=practice_id)
        .exclude(user_id=viewer.pk)
        .order_by("user__name", "user__email")
        .values_list("user_id", "user__name", "user__email")
        .distinct()
    )
    return [(pk, name or email) for pk, name, email in users]


def _board_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """Soonest deadline first, those without one before them (as the index keeps them)."""
    deadline = row["deadline_at"]
    return (deadline is not None, deadline.timestamp() if deadline else 0, row["pk"])


class _CardMaker:
    """Turns card rows into ``Card``s, with each (client, status)'s moves worded once."""

    def __init__(self, now: datetime, standings: dict[int, Standing], *, practice_wide: bool):
        self.now = now
        self.standings = standings
        self.practice_wide = practice_wide
        self.moves: dict[tuple[int, str, bool], tuple[Choice, ...]] = {}
        self.labels = {str(value): str(label) for value, label in TaskStatus.choices}
        self.priorities = {str(value): f"{label} priority" for value, label in Priority.choices}

    def _moves(self, client_id: int, status: str, row: dict[str, Any]) -> tuple[Choice, ...]:
        standing = self.standings.get(client_id)
        work = WorkFacts(kind_phase=row["kind__phase"], has_go_ahead=row["go_ahead_at"] is not None)
        # Each (client, status) is worded once, twice when some of its cards wait for a go-ahead.
        waits = standing is not None and access.waits_for_go_ahead(standing.relationship, work)
        key = (client_id, status, waits)
        if key not in self.moves:
            found = moves_for(status, standing, work) if standing is not None else []
            self.moves[key] = tuple(Choice.of(move) for move in found)
        return self.moves[key]

    def card(self, row: dict[str, Any]) -> Card:
        pk, status, deadline = row["pk"], row["status"], row["deadline_at"]
        priority = row["priority"]
        if self.practice_wide:
            move_url = link("work:practice-board-move", pk)
        else:
            move_url = link("work:board-move", row["client_id"], pk)
        return Card(
            pk=pk,
            title=row["title"],
            status=status,
            status_label=self.labels.get(status, status),
            priority=priority,
            priority_label="" if priority == Priority.NORMAL else self.priorities[priority],
            deadline_at=deadline,
            assignee=row["assignee__name"] or row["assignee__email"] or "",
            client_name=row["client__name"] if self.practice_wide else "",
            moves=self._moves(row["client_id"], status, row),
            detail_url=link("work:task-detail", pk),
            move_url=move_url,
            is_late=_is_late(status, deadline, self.now),
            progress=progress_of(row),
            is_short_notice=row["is_short_notice"],
        )


def _is_late(status: str, deadline: datetime | None, now: datetime) -> bool:
    awaited = status in OPEN_STATUSES and status != S.DELIVERED
    return awaited and deadline is not None and deadline < now


def _columns(cards: list[Card], totals: dict[str, int], *, capped: bool) -> list[Column]:
    labels = {str(value): str(label) for value, label in TaskStatus.choices}
    columns = {str(status): Column(status, labels[status]) for status in BOARD_STATUSES}
    columns[CLOSED_COLUMN] = Column(
        CLOSED_COLUMN, f"Closed in the last {RECENTLY_CLOSED_DAYS} days"
    )
    for card in cards:
        key = CLOSED_COLUMN if card.status in CLOSED_STATUSES else card.status
        columns[key].cards.append(card)
    closed_total = sum(totals.get(status, 0) for status in CLOSED_STATUSES)
    return [
        Column(
            key,
            c.label,
            c.cards,
            closed_total if key == CLOSED_COLUMN else totals.get(key, 0),
            capped=capped,
        )
        for key, c in columns.items()
    ]
