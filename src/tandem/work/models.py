"""Projects, tasks (a client's written requests), their timeline, comments and watchers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone

from tandem.clients.models import Client, scoped_by_client
from tandem.core.indexes import SortIndex
from tandem.core.models import Practice
from tandem.delegation.models import WorkKind

if TYPE_CHECKING:
    from tandem.accounts.models import User


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: User) -> ProjectQuerySet:
        return scoped_by_client(self, user)


class Project(models.Model):
    """A group of one client's tasks with a goal and what done looks like."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        DONE = "done", "Done"
        # A contact's proposal the practice said no to; kept so the contact reads why.
        TURNED_DOWN = "turned_down", "Turned down"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    goal = models.TextField(blank=True)
    done_means = models.TextField("what done looks like", blank=True)
    target_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A contact's proposal, waiting for the practice to take it on.
    is_proposal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="turned_down") | models.Q(is_proposal=True),
                name="project_only_proposals_turned_down",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectEventQuerySet(models.QuerySet["ProjectEvent"]):
    def visible_to(self, user: User) -> ProjectEventQuerySet:
        return scoped_by_client(self, user, client_field="project__client")


class ProjectEvent(models.Model):
    """One line of a project's history ("Put on hold by Ada, 3 Dec"). Only ever inserted."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        PROPOSED = "proposed", "Proposed"
        EDITED = "edited", "Edited"
        PUT_ON_HOLD = "put_on_hold", "Put on hold"
        RESUMED = "resumed", "Resumed"
        MARKED_DONE = "marked_done", "Marked done"
        REOPENED = "reopened", "Reopened"
        TAKEN_ON = "taken_on", "Taken on"
        TURNED_DOWN = "turned_down", "Turned down"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Why a proposal was turned down, or which fields an edit changed.
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.project_id}"


class TaskStatus(models.TextChoices):
    # Saved from an e-mail with no readable deadline; the sender is asked for one.
    NEEDS_DEADLINE = "needs_deadline", "Needs a deadline"
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_CLIENT = "waiting_on_client", "Waiting on client"
    DELIVERED = "delivered", "Delivered for review"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_STATUSES = frozenset({TaskStatus.DECLINED, TaskStatus.DONE, TaskStatus.CANCELLED})
OPEN_STATUSES = frozenset(TaskStatus) - CLOSED_STATUSES


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: User) -> TaskQuerySet:
        return scoped_by_client(self, user)

    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Task(models.Model):
    """One written request from (or for) a client, with a real deadline."""

    # No index of their own for practice, client and assignee: each leads one of the
    # composite indexes below, which serve the same lookups. A lone (client) index also
    # tempted PostgreSQL to filter a client's every task instead of reading the
    # (client, status, deadline) range an assistant's dashboard needs.
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="tasks", db_index=False
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    request_markdown = models.TextField("request", blank=True)
    expectations = models.TextField("what done looks like")
    deadline_at = models.DateTimeField(null=True, blank=True)
    estimate_hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=TaskStatus.choices, default=TaskStatus.REQUESTED
    )
    waiting_for = models.CharField(max_length=300, blank=True)
    waiting_until = models.DateTimeField(null=True, blank=True)
    # When the practice promised the client an answer (its response time, on its calendar),
    # while nobody on the practice side has accepted, declined or answered the request;
    # None once they have, or when the practice created the request itself (``promises``).
    respond_by = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # A copy of a repeating request (models_repeating), and the date of the rule it is for:
    # one copy per (series, date), so a retried job never makes two.
    series = models.ForeignKey(
        "work.RepeatingRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        db_index=False,
    )
    occurrence_on = models.DateField(null=True, blank=True)
    # Sent inside the notice the practice asks for, or when it did not fit in the free hours
    # before its deadline (planning's short-notice check, ``work.short_notice``): the practice
    # sees a badge, and planning lets it use the time kept free for unplanned work.
    is_short_notice = models.BooleanField(default=False)
    # Trust in phases (issue 13): the kind of work it is (from the practice's catalogue;
    # suggested from its words, changeable), whose phase the access policy compares with
    # the client's; and the client's go-ahead for it when that phase is above the client's
    # (given on this request, or standing for its kind: ``work.go_aheads``).
    kind = models.ForeignKey(
        WorkKind, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    go_ahead_at = models.DateTimeField(null=True, blank=True)
    go_ahead_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whether the go-ahead came from the client's standing go-ahead for the kind.
    go_ahead_standing = models.BooleanField(default=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        indexes = [
            # The VA's dashboard: open tasks of the practice by how soon they are due.
            models.Index(fields=["practice", "status", "deadline_at"]),
            # A client's board and the portal's lists, by status; an assistant's dashboard
            # and practice-wide board (each of their clients' tasks by how soon they are
            # due). With the id and nulls first, PostgreSQL picks a column's first cards
            # from this index alone: the assistant's board read its 6,000 entries' rows.
            SortIndex(
                F("client"),
                F("status"),
                F("deadline_at").asc(nulls_first=True),
                F("id"),
                name="task_client_by_deadline",
            ),
            # The request list's "Recently updated" and "Priority" for the practice: each
            # sorts the index's entries, never the rows.
            models.Index(fields=["practice", "status", "updated_at"]),
            models.Index(fields=["practice", "status", "priority", "deadline_at"]),
            # Open requests by deadline, those without one first: the request list's first
            # page and the dashboard's sections read their first rows in this order.
            SortIndex(
                F("practice"),
                F("deadline_at").asc(nulls_first=True),
                F("id"),
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="task_open_by_deadline",
            ),
            # The same per status: the practice-wide board's columns read their first cards
            # and capped counts as one range each, instead of filtering the range above.
            SortIndex(
                F("practice"),
                F("status"),
                F("deadline_at").asc(nulls_first=True),
                F("id"),
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="task_open_by_status",
            ),
            # The dashboard's "Waiting on the client", by when the client's part is due (id
            # breaks ties, so PostgreSQL reads the first rows in order instead of sorting).
            models.Index(
                fields=["practice", "waiting_until", "id"],
                condition=models.Q(status=TaskStatus.WAITING_ON_CLIENT),
                name="task_waiting_by_practice",
            ),
            models.Index(
                fields=["client", "waiting_until", "id"],
                condition=models.Q(status=TaskStatus.WAITING_ON_CLIENT),
                name="task_waiting_by_client",
            ),
            # An assistant's own work, by status, soonest deadline first: "my work" on the
            # practice-wide board reads each column's first cards from it, not sorting all
            # of that person's tasks of the status.
            SortIndex(
                F("assignee"),
                F("status"),
                F("deadline_at").asc(nulls_first=True),
                F("id"),
                name="task_assignee_by_deadline",
            ),
            # Planning (issue 12) reads every accepted, unfinished request of a practice
            # (its size, assignee, client, deadline, short notice) for the capacity plan:
            # from this index alone, in deadline order, never from the table's rows. The
            # statuses are planning's COMMITTED_STATUSES, in its order (SQLite uses a
            # partial index only for a query that names the same condition).
            models.Index(
                fields=[
                    "practice",
                    "deadline_at",
                    "id",
                    "assignee",
                    "client",
                    "estimate_hours",
                    "is_short_notice",
                    # Read back by SQLite to check the condition; here it needs no row.
                    "status",
                    # The plan's version (planning.plan_cache): the latest change of any.
                    "updated_at",
                ],
                condition=models.Q(
                    status__in=[
                        TaskStatus.ACCEPTED,
                        TaskStatus.IN_PROGRESS,
                        TaskStatus.WAITING_ON_CLIENT,
                    ]
                ),
                name="task_committed_for_plan",
            ),
            # The dashboard's "No answer yet": promises still open, by when they fall due.
            # Only unanswered requests have one, so the index stays small.
            models.Index(
                fields=["practice", "respond_by", "id"],
                condition=models.Q(respond_by__isnull=False),
                name="task_awaiting_answer",
            ),
        ]
        constraints = [
            # A request has a real deadline from the moment it is a request. Only an e-mailed
            # one still waiting for it has none, and it keeps none if it is called off.
            models.CheckConstraint(
                condition=models.Q(deadline_at__isnull=False)
                | models.Q(status__in=[TaskStatus.NEEDS_DEADLINE, TaskStatus.CANCELLED]),
                name="task_deadline_unless_needs_deadline",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TaskStatus.WAITING_ON_CLIENT)
                | models.Q(waiting_until__isnull=False),
                name="task_waiting_has_until",
            ),
            # Also the index of a series' copies.
            models.UniqueConstraint(
                fields=["series", "occurrence_on"],
                condition=models.Q(series__isnull=False),
                name="task_one_copy_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # What the access policy reads of the work (``core.access.Delegable``); load ``kind``
    # with the task (select_related) where it is asked, or this is a query.
    @property
    def kind_phase(self) -> int | None:
        return self.kind.phase if self.kind_id is not None and self.kind is not None else None

    @property
    def has_go_ahead(self) -> bool:
        return self.go_ahead_at is not None


class TaskEventQuerySet(models.QuerySet["TaskEvent"]):
    def visible_to(self, user: User) -> TaskEventQuerySet:
        return scoped_by_client(self, user)


class TaskEvent(models.Model):
    """One line of a task's timeline: who changed what, and when. Only ever inserted."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        # The request was changed after it was sent (``work.editing``): ``changes`` says how.
        EDITED = "edited", "Edited"
        # The repeating series made from this request was started, edited, paused, resumed
        # or ended (``work.repeating``): ``changes["series"]`` says which, with its rule.
        SERIES = "series", "Repeating series"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # The task's client, kept here so a client's latest changes are one index range (the
    # portal's recent activity) instead of a sort of every event of its tasks. Client and
    # task are indexed by the (client, created_at) and (task, created_at) indexes alone.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events", db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=TaskStatus.choices, blank=True)
    # A reason (declined, cancelled), what is awaited, or why the work was sent back.
    note = models.TextField(blank=True)
    # What an edit or a reassignment changed, as data ({"title": {"from": …, "to": …}, …};
    # instants in ISO 8601 UTC), so each reader sees it in words and in their own time zone
    # (``work.changes.describe``).
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["task", "created_at"]),
            models.Index(fields=["client", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_status} → {self.to_status}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(self, user: User) -> CommentQuerySet:
        return scoped_by_client(self, user)


class Comment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # The task's client, as on TaskEvent: the portal's recent comments are one index range.
    # Both indexed by the composite indexes below alone.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body_markdown = models.TextField("comment")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["task", "created_at"]),
            models.Index(fields=["client", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.task}"


class WatcherQuerySet(models.QuerySet["Watcher"]):
    def visible_to(self, user: User) -> WatcherQuerySet:
        return scoped_by_client(self, user, client_field="task__client")


class Watcher(models.Model):
    """Someone who hears about every change to a task."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watching"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WatcherQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="watcher_once")]

    def __str__(self) -> str:
        return f"{self.user} watches {self.task}"


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def visible_to(self, user: User) -> DeliveryQuerySet:
        return scoped_by_client(self, user)


# A delivery's links: at most this many, each at most this long.
LINKS_MAX = 10
LINK_MAX = 2000


class Delivery(models.Model):
    """Work handed to the client for review: the move to "Delivered for review".

    Its ``event`` is that move on the timeline, and the event's note is the delivery's
    message (so every reader of moves, the notifications too, says it without knowing
    about deliveries). The row adds what a note cannot hold: the links (http and https
    only) and the files, which point at it (``Attachment.delivery``). Only ever inserted;
    a later delivery of the same task is a new row.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    # The task's client, as on TaskEvent; indexed by nothing: deliveries are read by task.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.OneToOneField(TaskEvent, on_delete=models.CASCADE, related_name="delivery")
    links = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["task", "created_at"])]

    def __str__(self) -> str:
        return f"Delivery of {self.task_id}"

    @property
    def message(self) -> str:
        return self.event.note


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: User) -> AttachmentQuerySet:
        """Files on tasks the user may see: exactly the tasks' own scoping (same client rule).

        Pending uploads (not linked to a task yet) are nobody's to download; only their
        uploader may link them, which ``attachments.link_uploads`` checks.
        """
        return scoped_by_client(self, user).filter(task__isnull=False)


class Attachment(models.Model):
    """A file on a task, or on one of its comments or deliveries; metadata only, the bytes
    are in storage.

    A row with no task is a *pending upload*: stored by the uploader while writing a request
    or comment, linked when the form is sent, deleted by a periodic job after a day unused.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    # Covered by the (task, created_at) index below, which the task page reads.
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        db_index=False,
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    # A file handed over with a delivery (also on the delivery's task, like a comment's).
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # For display only, cleaned of path parts and control characters: never a path.
    name = models.CharField(max_length=255)
    # The storage key: random, so nothing the uploader typed ever reaches the file system.
    file = models.FileField(max_length=200)
    thumbnail = models.FileField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField()
    # What the download is sent as: the sniffed type for a few inert kinds, else bytes.
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        indexes = [
            # The task page: all of a task's files (its own and its comments'), in order.
            models.Index(fields=["task", "created_at"]),
            # The hourly clean-up of pending uploads nobody used.
            models.Index(
                fields=["created_at"],
                condition=models.Q(task__isnull=True),
                name="attachment_pending_idx",
            ),
        ]
        constraints = [
            # A comment's file is also on the comment's task, so one query finds both.
            models.CheckConstraint(
                condition=models.Q(comment__isnull=True) | models.Q(task__isnull=False),
                name="attachment_comment_has_task",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery__isnull=True) | models.Q(task__isnull=False),
                name="attachment_delivery_has_task",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pending(self) -> bool:
        return self.task_id is None

    @property
    def extension(self) -> str:
        """What the file is, for an icon: ``PDF``, ``DOCX``; empty when the name has none."""
        stem, dot, extension = self.name.rpartition(".")
        return extension[:5].upper() if dot and stem else ""


# Repeating requests, request templates and checklists (issue 11, part 9).
from tandem.work.models_repeating import (  # noqa: E402, F401
    ChecklistItem,
    RepeatingRequest,
    RequestTemplate,
)

# The client's word on accepted work: thanks, a rating, consent to quote (issue 13).
from tandem.work.models_reviews import Review  # noqa: E402, F401
