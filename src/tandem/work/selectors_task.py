"""The request (task) page, composed in one call: the conversation, the latest delivery,
the progress line with what happens next, and the files.

Every query of the page runs in ``task_page`` (after the view's fetch of the task): the
viewer's standing (none for an owner), the changes with their actors and deliveries, the
comments with their authors, and every file of the task. Whatever the number of entries,
that is four queries. Each entry is written out here once, in plain values (who, which
side, the words of a change, the rendered comment, the files' addresses), so the template
does little per entry: a task with 50 comments and changes renders in a few milliseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.core import access
from tandem.core.access import Side
from tandem.core.compiled import compiled_rows
from tandem.core.markdown import render_markdown_cached
from tandem.core.templatetags.when import time_tag, zoned_time
from tandem.work.changes import describe
from tandem.work.models import Attachment, Comment, Task, TaskEvent, TaskStatus
from tandem.work.workflow import Move, moves_for

if TYPE_CHECKING:
    from tandem.accounts.models import User

S = TaskStatus

# Older entries fold behind "Show earlier" so the newest ones and the reply box are near
# the top of the page, however long the conversation.
RECENT_ENTRIES = 6
FOLD_AFTER = 10
WHEN = "D j M, H:i"
DEADLINE = "l j M, H:i"
EMPTY = mark_safe("")


@dataclass(frozen=True, slots=True)
class FileLink:
    """A file as the page shows it: its addresses written once, not per template loop."""

    name: str
    size: int
    extension: str
    url: str
    thumbnail_url: str
    uploader: str
    added: SafeString | str
    # Where it came with: "", "comment" or "delivery".
    came_with: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the conversation: a comment, a delivery, or a change (``kind`` is the
    change's ``TaskEvent.Kind``, and ``timeline_event.html`` words it)."""

    anchor: str
    when: SafeString | str
    who: str
    # "practice" or "client" (a CSS class), and the label shown: the practice's or the
    # client's name. Empty when the person is no longer a member.
    side: str
    side_label: str
    # Written by the viewer's side: shown on the other edge of the column, as in a chat.
    mine: bool = False
    is_comment: bool = False
    is_delivery: bool = False
    kind: str = ""
    # A change in words ("Moved it from … to …"), and its note (a reason, a thank-you).
    text: str = ""
    note: str = ""
    is_thanks: bool = False
    body: SafeString = EMPTY
    files: tuple[FileLink, ...] = ()
    links: tuple[str, ...] = ()

    @property
    def shape(self) -> str:
        """ "said" (a bubble: what someone wrote, a delivery, a thank-you) or "changed" (a
        quiet line: a change of status or assignee)."""
        if self.is_comment or self.is_delivery or (self.is_thanks and self.note):
            return "said"
        return "changed"


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"


@dataclass
class TaskPage:
    task: Task
    viewer_side: str
    # The viewer's standing with the task's client: the view's forms ask it, not again.
    standing: access.Standing
    entries: list[Entry]
    files: list[FileLink]
    moves: list[Move]
    # The delivery awaiting the client's review, shown above the conversation.
    latest_delivery: Entry | None = None
    progress: list[Step] = field(default_factory=list)
    next_step: SafeString = EMPTY
    # The names the two sides go by on this page.
    practice_name: str = ""
    client_name: str = ""
    # How many older entries are not shown ("Show 44 earlier entries" opens them all).
    earlier_count: int = 0

    @property
    def is_client(self) -> bool:
        return self.viewer_side == Side.CLIENT


def task_page(task: Task, *, viewer: User, everything: bool = False) -> TaskPage:
    """The page of ``task`` (already fetched through ``visible_to``, with its client and
    practice) for ``viewer``: four queries, whatever the number of entries and files.

    A long conversation shows its latest entries only (the reply box stays near the top,
    and the page's work stays the same however long it grows), unless ``everything``."""
    standing = access.standing(viewer, task.client)
    side = standing.side or Side.CLIENT
    names = {Side.PRACTICE: task.client.practice.name, Side.CLIENT: task.client.name}
    raw_files = compiled_rows(_attachments, ids=[task.pk])
    files = {file.pk: _file_link(file) for file in raw_files}
    entries, latest, hidden = _entries(
        task, raw_files, files, names, viewer_side=str(side), everything=everything
    )
    page = TaskPage(
        task=task,
        viewer_side=str(side),
        standing=standing,
        entries=entries,
        files=list(files.values()),
        moves=moves_for(task.status, standing, task),
        latest_delivery=latest if task.status == S.DELIVERED else None,
        practice_name=names[Side.PRACTICE],
        client_name=names[Side.CLIENT],
        earlier_count=hidden,
    )
    page.progress = progress(task.status)
    page.next_step = next_step(task, side=side, latest=page.latest_delivery, names=names)
    return page


# Entries -------------------------------------------------------------------------------------


class ChangeRow(NamedTuple):
    """A change as the page reads it: plain values, not a model (a long conversation's
    rows, each with its person and delivery, made building models most of the page)."""

    pk: int
    created_at: datetime
    kind: str
    from_status: str
    to_status: str
    note: str
    actor_name: str | None
    actor_email: str | None
    actor_role: str | None
    delivery_pk: int | None
    links: list[str] | None
    # What an edit or a reassignment changed (``work.changes``), and who made it.
    changes: dict[str, Any] | None
    actor_id: int | None


class CommentRow(NamedTuple):
    pk: int
    created_at: datetime
    body_markdown: str
    author_name: str
    author_email: str
    author_role: str | None


CHANGE_COLUMNS = (
    "pk", "created_at", "kind", "from_status", "to_status", "note",
    "actor__name", "actor__email", "actor__membership__role", "delivery__pk", "delivery__links",
    "changes", "actor_id",
)  # fmt: skip
COMMENT_COLUMNS = (
    "pk", "created_at", "body_markdown", "author__name", "author__email",
    "author__membership__role",
)  # fmt: skip


# The task's files, changes and comments: compiled once for every request's page
# (``core.compiled``), the task's id put in; the task came through ``visible_to``.


def _attachments(task_id: int) -> QuerySet[Attachment, Attachment]:
    files = Attachment.objects.filter(task_id=task_id).select_related("uploaded_by")
    return files.order_by("created_at", "id")


def _changes(task_id: int) -> QuerySet[TaskEvent, tuple[Any, ...]]:
    events = TaskEvent.objects.filter(task_id=task_id).order_by("created_at", "id")
    return events.values_list(*CHANGE_COLUMNS)


def _comments(task_id: int) -> QuerySet[Comment, tuple[Any, ...]]:
    comments = Comment.objects.filter(task_id=task_id).order_by("created_at", "id")
    return comments.values_list(*COMMENT_COLUMNS)


def _entries(
    task: Task,
    raw_files: Sequence[Attachment],
    files: dict[int, FileLink],
    names: dict[Side, str],
    *,
    viewer_side: str,
    everything: bool,
) -> tuple[list[Entry], Entry | None, int]:
    """The entries shown (changes and comments, oldest first; at the same instant a change
    comes before a comment, and ids break the remaining ties), the latest delivery's entry,
    and how many older entries are left out. Only what is shown is written out."""
    by_comment: dict[int, list[FileLink]] = defaultdict(list)
    by_delivery: dict[int, list[FileLink]] = defaultdict(list)
    for raw in raw_files:
        if raw.comment_id is not None:
            by_comment[raw.comment_id].append(files[raw.pk])
        elif raw.delivery_id is not None:
            by_delivery[raw.delivery_id].append(files[raw.pk])
    changes = [ChangeRow(*row) for row in compiled_rows(_changes, ids=[task.pk])]
    comments = [CommentRow(*row) for row in compiled_rows(_comments, ids=[task.pk])]
    rows: list[tuple[tuple[datetime, int, int], ChangeRow | CommentRow]] = [
        ((change.created_at, 0, change.pk), change) for change in changes
    ]
    rows += [((comment.created_at, 1, comment.pk), comment) for comment in comments]
    rows.sort(key=lambda pair: pair[0])
    hidden = 0 if everything or len(rows) <= FOLD_AFTER else len(rows) - RECENT_ENTRIES

    def written(row: ChangeRow | CommentRow) -> Entry:
        if isinstance(row, CommentRow):
            return _comment_entry(row, names, tuple(by_comment[row.pk]), viewer_side)
        return _change_entry(row, names, by_delivery, viewer_side)

    delivered = [change for change in changes if change.delivery_pk is not None]
    latest = written(delivered[-1]) if delivered else None
    return [written(row) for _, row in rows[hidden:]], latest, hidden


def _person(
    name: str | None, email: str | None, role: str | None, names: dict[Side, str]
) -> tuple[str, str, str]:
    """Who, their side and the side's name; a former member keeps their name."""
    if email is None:
        return "Someone", "", ""
    side = access.side_of_role(role) if role else None
    return name or email, str(side or ""), names.get(side, "") if side else ""


def _change_entry(
    change: ChangeRow,
    names: dict[Side, str],
    by_delivery: dict[int, list[FileLink]],
    viewer_side: str,
) -> Entry:
    who, side, label = _person(change.actor_name, change.actor_email, change.actor_role, names)
    common: dict[str, Any] = {
        "anchor": f"event-{change.pk}",
        "when": time_tag(change.created_at, WHEN),
        "who": who,
        "side": side,
        "side_label": label,
        "mine": side == viewer_side,
        "kind": change.kind,
    }
    if change.delivery_pk is not None:
        return Entry(
            **common,
            is_delivery=True,
            text="Delivered the work for review.",
            body=render_markdown_cached(change.note),
            files=tuple(by_delivery[change.delivery_pk]),
            links=tuple(change.links or ()),
        )
    thanks = change.from_status == S.DELIVERED and change.to_status == S.DONE
    # A move's note is quoted apart, as is where a request came from (a heads-up, on its
    # creation); an assignment's note is only the name its words say.
    quoted = (TaskEvent.Kind.STATUS_CHANGED, TaskEvent.Kind.CREATED)
    note = change.note if change.kind in quoted else ""
    return Entry(**common, text=event_words(change), note=note, is_thanks=thanks)


_STATUS_LABELS = dict(TaskStatus.choices)


def event_words(change: ChangeRow | TaskEvent) -> str:
    """A change in words, as the conversation shows it (its note is shown apart). An edit or
    a reassignment says what it changed (``changes.describe``) in the zone the page is
    rendered in, the viewer's; someone assigning it to themself "took it on"."""
    was, now = _STATUS_LABELS.get(change.from_status, ""), _STATUS_LABELS.get(change.to_status, "")
    if change.changes:
        if _took_it_on(change):
            return "Took it on."
        words = describe(change.changes, timezone.get_current_timezone())
        return f"{words[:1].upper()}{words[1:]}."
    if change.kind == TaskEvent.Kind.CREATED:
        return f"Created the request ({now.lower()})."
    if change.kind == TaskEvent.Kind.ASSIGNED:
        return f"Assigned it to {change.note}." if change.note else "Unassigned it."
    if change.from_status == S.DELIVERED and change.to_status == S.IN_PROGRESS:
        return "Sent it back for more work."
    if change.from_status == S.DELIVERED and change.to_status == S.DONE:
        return "Accepted the work."
    return f"Moved it from “{was}” to “{now}”."


def _took_it_on(change: ChangeRow | TaskEvent) -> bool:
    """Someone assigned the task to themself: the assignee's id is the actor's (as
    ``notify.wording.took_it_on``, which work may not import; names can be shared)."""
    if change.kind != TaskEvent.Kind.ASSIGNED or change.actor_id is None:
        return False
    assignee = (change.changes or {}).get("assignee") or {}
    return bool(assignee.get("to_id") == change.actor_id)


def _comment_entry(
    comment: CommentRow, names: dict[Side, str], files: tuple[FileLink, ...], viewer_side: str
) -> Entry:
    who, side, label = _person(
        comment.author_name, comment.author_email, comment.author_role, names
    )
    return Entry(
        anchor=f"comment-{comment.pk}",
        when=time_tag(comment.created_at, WHEN),
        who=who,
        side=side,
        side_label=label,
        mine=side == viewer_side,
        is_comment=True,
        body=render_markdown_cached(comment.body_markdown),
        files=files,
    )


def _file_link(file: Attachment) -> FileLink:
    came_with = "comment" if file.comment_id else "delivery" if file.delivery_id else ""
    return FileLink(
        name=file.name,
        size=file.size,
        extension=file.extension or "FILE",
        url=reverse("work:attachment-download", args=[file.pk]),
        thumbnail_url=(
            reverse("work:attachment-thumbnail", args=[file.pk]) if file.thumbnail else ""
        ),
        uploader=file.uploaded_by.display_name,
        added=time_tag(file.created_at, "j M"),
        came_with=came_with,
    )


# Progress and what happens next ---------------------------------------------------------------

STEPS = ("Requested", "Accepted", "In progress", "Delivered", "Done")
STEP_OF = {
    S.NEEDS_DEADLINE: 0,
    S.REQUESTED: 0,
    S.ACCEPTED: 1,
    S.IN_PROGRESS: 2,
    S.WAITING_ON_CLIENT: 2,
    S.DELIVERED: 3,
    S.DONE: 4,
}


def progress(status: str) -> list[Step]:
    """requested → accepted → in progress → delivered → done, the current step marked;
    none for a request declined or cancelled (it left the line)."""
    current = STEP_OF.get(S(status))
    if current is None:
        return []
    return [
        Step(
            label,
            "done" if i < current or status == S.DONE else "current" if i == current else "todo",
        )
        for i, label in enumerate(STEPS)
    ]


def next_step(
    task: Task, *, side: Side, latest: Entry | None, names: dict[Side, str]
) -> SafeString:
    """What happens next and when, in a sentence for the viewer's side."""
    worker = task.assignee.display_name if task.assignee else names[Side.PRACTICE]
    # On the client's clock, its zone named only when it is not the viewer's.
    due = zoned_time(task.deadline_at, task.client.time_zone, DEADLINE)
    status = task.status
    if side == Side.CLIENT:
        return _for_client(task, status, worker, due, latest)
    return _for_practice(task, status, due, names[Side.CLIENT])


def _for_client(
    task: Task, status: str, worker: str, due: SafeString | str, latest: Entry | None
) -> SafeString:
    if status == S.NEEDS_DEADLINE:
        return conditional_escape(
            "We need a deadline from you before work can start; set one below."
        )
    if status == S.REQUESTED:
        return format_html("{} will look at it and accept it; it is due {}.", worker, due)
    if status == S.ACCEPTED:
        return format_html("{} will start on it; it is due {}.", worker, due)
    if status == S.IN_PROGRESS:
        return format_html("{} is working on it; it is due {}.", worker, due)
    if status == S.WAITING_ON_CLIENT:
        return format_html(
            "We need {} from you by {}. Send it in a reply below, then say you have sent it.",
            task.waiting_for,
            zoned_time(task.waiting_until, task.client.time_zone, DEADLINE),
        )
    if status == S.DELIVERED and latest is not None:
        return format_html(
            "{} delivered it ({}). Look at the delivery below, then accept it or send it "
            "back saying what is missing.",
            latest.who,
            latest.when,
        )
    if status == S.DONE:
        return conditional_escape("Done: you accepted the work. Thank you!")
    return _closed(status)


def _for_practice(task: Task, status: str, due: SafeString | str, client: str) -> SafeString:
    if status == S.NEEDS_DEADLINE:
        return format_html("{} has not given a deadline yet; set one, or ask in a reply.", client)
    if status == S.REQUESTED:
        return format_html("New request, due {}: accept it, or decline it saying why.", due)
    if status == S.ACCEPTED:
        return format_html("Accepted, due {}: start work when you begin.", due)
    if status == S.IN_PROGRESS:
        return format_html("Due {}. When it is ready, deliver it with a message.", due)
    if status == S.WAITING_ON_CLIENT:
        return format_html(
            "Waiting for {}: {}, by {}.",
            client,
            task.waiting_for,
            zoned_time(task.waiting_until, task.client.time_zone, DEADLINE),
        )
    if status == S.DELIVERED:
        return format_html("Delivered: waiting for {} to accept it or send it back.", client)
    if status == S.DONE:
        return format_html("Done: {} accepted the work.", client)
    return _closed(status)


def _closed(status: str) -> SafeString:
    if status == S.DECLINED:
        return conditional_escape("This request was declined; the reason is in the conversation.")
    return conditional_escape("This request was cancelled; the reason is in the conversation.")
