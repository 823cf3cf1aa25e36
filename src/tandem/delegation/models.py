"""The delegation catalogue, standing go-aheads and the history of each client's phase."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client, Phase, scoped_by_client
from tandem.core.models import Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User


class Mode(models.TextChoices):
    """Whether the work answers a request or the assistant acts on their own (article 001)."""

    REACTIVE = "reactive", "Reactive"
    PROACTIVE = "proactive", "Proactive"


KIND_NAME_MAX = 80
RISK_NOTE_MAX = 300
KEYWORDS_MAX = 300


class WorkKindQuerySet(models.QuerySet["WorkKind"]):
    def of_practice(self, practice_id: int) -> WorkKindQuerySet:
        return self.filter(practice_id=practice_id)

    def in_use(self) -> WorkKindQuerySet:
        return self.filter(retired_at__isnull=True)


class WorkKind(models.Model):
    """A kind of work the practice does, the phase of trust it belongs to, and its risk.

    A request names its kind; work of a kind above the client's phase needs the client's
    go-ahead (``core.access.delegation``). A kind is retired, never deleted, so requests that
    named it keep their word for it.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=KIND_NAME_MAX)
    phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.REACTIVE)
    risk_note = models.CharField("risk", max_length=RISK_NOTE_MAX, blank=True)
    # Words that suggest this kind when they appear in a request's title or text.
    keywords = models.CharField(max_length=KEYWORDS_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = WorkKindQuerySet.as_manager()

    class Meta:
        ordering = ["phase", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"],
                condition=Q(retired_at__isnull=True),
                name="work_kind_name_once_in_use",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip().lower() for word in self.keywords.split(",") if word.strip()]


class StandingGoAheadQuerySet(models.QuerySet["StandingGoAhead"]):
    def visible_to(self, user: User) -> StandingGoAheadQuerySet:
        return scoped_by_client(self, user)

    def in_force(self) -> StandingGoAheadQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class StandingGoAhead(models.Model):
    """The client's go-ahead, once for all, for every request of one kind above its phase.

    Withdrawn, not deleted: the record says who allowed what, and when they stopped.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    kind = models.ForeignKey(WorkKind, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = StandingGoAheadQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="standing_go_ahead_once",
            )
        ]

    def __str__(self) -> str:
        return f"Go-ahead for {self.kind_id} at {self.client_id}"


class PhaseChangeQuerySet(models.QuerySet["PhaseChange"]):
    def visible_to(self, user: User) -> PhaseChangeQuerySet:
        return scoped_by_client(self, user)


class PhaseChange(models.Model):
    """One change of a client's phase: who decided it, from what to what, and why.

    Only ever inserted. A reversal is a change of its own that names the one it undoes.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    from_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    objects = PhaseChangeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.from_phase} → {self.to_phase}"

    @property
    def is_promotion(self) -> bool:
        return self.to_phase > self.from_phase
