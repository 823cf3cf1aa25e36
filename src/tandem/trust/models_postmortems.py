"""Postmortems: when something went wrong, both sides look at it together, without blame.

A postmortem is opened on a request or a project (or the relationship as a whole) by either
side. Its template is four sections (what happened, the impact, the cause, what changes),
each written as an append-only thread of entries signed by their author and side and timed.
Its action items are requests of the client (``work.Task``), each with an owner and a
deadline; an action is done when its request is done or cancelled. Each side closes its own
side; the postmortem is closed when both have and every action is done. The client reads it
while it is open, and afterwards in the client's list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client, scoped_by_client
from tandem.core.models import Practice
from tandem.work.models import Project, Task, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User

# A request in one of these states no longer needs anything: its action is done.
FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)


class Section(models.TextChoices):
    """The blameless template: what each section asks for (``HELP`` prompts the writer)."""

    WHAT_HAPPENED = "what_happened", "What happened"
    IMPACT = "impact", "Impact"
    CAUSE = "cause", "Cause"
    CHANGES = "changes", "What changes"


# The prompts under each section: about what the process allowed, never who erred.
HELP = {
    Section.WHAT_HAPPENED: "The facts in order, as each side saw them. Describe what the "
    "process allowed, not who erred.",
    Section.IMPACT: "What it cost: time, money, a missed date, a worried customer. Be concrete.",
    Section.CAUSE: "Which step, tool or handover let it happen. Ask “what made this easy to "
    "get wrong?”, not “who got it wrong?”.",
    Section.CHANGES: "What will be different next time, so the process catches it. Each change "
    "the practice commits to becomes an action item.",
}


class PostmortemQuerySet(models.QuerySet["Postmortem"]):
    def visible_to(self, user: User) -> PostmortemQuerySet:
        return scoped_by_client(self, user)

    def open(self) -> PostmortemQuerySet:
        return self.filter(closed_at__isnull=True)


class Postmortem(models.Model):
    """One look back at something that went wrong (see the module's docstring)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    title = models.CharField(max_length=200)
    # What it is about: a request, a project, or neither (the relationship as a whole).
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # Each side closes its own side (who, when); cleared when a new action item arrives.
    practice_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practice_closed_at = models.DateTimeField(null=True, blank=True)
    client_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_closed_at = models.DateTimeField(null=True, blank=True)
    # Both sides closed with every action done.
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PostmortemQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "opened_at"], name="postmortem_by_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | Q(practice_closed_at__isnull=False, client_closed_at__isnull=False),
                name="postmortem_closed_by_both",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class EntryQuerySet(models.QuerySet["PostmortemEntry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        return scoped_by_client(self, user)


class PostmortemEntry(models.Model):
    """One signed, timed entry in a section; only ever inserted (``postmortem.entry``)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="entries")
    section = models.CharField(max_length=16, choices=Section.choices)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The side the author wrote for ("practice" or "client"), kept as it was then.
    side = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "postmortem entries"
        indexes = [models.Index(fields=["postmortem", "created_at"], name="postmortem_entry_order")]

    def __str__(self) -> str:
        return f"{self.get_section_display()} in {self.postmortem_id}"


class ActionQuerySet(models.QuerySet["PostmortemAction"]):
    def visible_to(self, user: User) -> ActionQuerySet:
        return scoped_by_client(self, user)

    def still_open(self) -> ActionQuerySet:
        """Actions whose request is not done or cancelled yet."""
        return self.exclude(task__status__in=FINISHED)


class PostmortemAction(models.Model):
    """An action item: what changes, by whom, by when; it is a request of the client."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=200)
    # A practice member working on the client, or one of the client's contacts.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The request it became (its deadline and status are the action's).
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "postmortem"], name="postmortem_action_client")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.task.status in FINISHED


class PostmortemEvent(models.Model):
    """One change of a postmortem besides its entries (opened, an action added, a side
    closed, closed), on the event path as ``postmortem.<kind>``. Only ever inserted."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        ACTION_ADDED = "action_added", "Action item added"
        SIDE_CLOSED = "side_closed", "Side closed"
        CLOSED = "closed", "Closed"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: postmortem {self.postmortem_id}"
