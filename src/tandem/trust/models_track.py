"""When a client's track record suggests the next phase: the practice's thresholds, and the
suggestions made, each answered by the client (moved up, or "not yet")."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.clients.models import Client, Phase, scoped_by_client
from tandem.core.models import Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User

# The defaults a practice starts with (no row: these).
MONTHS_FOR_PHASE_2 = 1
MONTHS_FOR_PHASE_3 = 3
MIN_ACCEPTED = 5
MIN_ON_TIME_PERCENT = 90
MAX_SENT_BACK_PERCENT = 20
MIN_AVERAGE_RATING = Decimal("4.0")
# A "not yet" holds the suggestion back this long.
NOT_YET_DAYS = 30


class TrustPolicy(models.Model):
    """The practice's thresholds for suggesting a client's next phase (one row per practice;
    none: the defaults above). Open postmortem actions always hold a suggestion back."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    months_for_phase_2 = models.PositiveSmallIntegerField(
        "Months together before Phase II",
        default=MONTHS_FOR_PHASE_2,
        validators=[MaxValueValidator(60)],
    )
    months_for_phase_3 = models.PositiveSmallIntegerField(
        "Months together before Phase III",
        default=MONTHS_FOR_PHASE_3,
        validators=[MaxValueValidator(120)],
    )
    min_accepted = models.PositiveSmallIntegerField(
        "Requests accepted by the client, at least",
        default=MIN_ACCEPTED,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    min_on_time_percent = models.PositiveSmallIntegerField(
        "Delivered on time, at least (%)",
        default=MIN_ON_TIME_PERCENT,
        validators=[MaxValueValidator(100)],
    )
    max_sent_back_percent = models.PositiveSmallIntegerField(
        "Sent back, at most (%)",
        default=MAX_SENT_BACK_PERCENT,
        validators=[MaxValueValidator(100)],
    )
    min_average_rating = models.DecimalField(
        "Average rating, at least (when rated)",
        max_digits=2,
        decimal_places=1,
        default=MIN_AVERAGE_RATING,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "trust policies"

    def __str__(self) -> str:
        return f"Trust thresholds of {self.practice_id}"

    def months_for(self, phase: int) -> int:
        return self.months_for_phase_3 if phase >= Phase.EXECUTIVE else self.months_for_phase_2


def trust_policy(practice_id: int) -> TrustPolicy:
    """The practice's thresholds: its row, or the defaults (unsaved) without one."""
    found = TrustPolicy.objects.filter(practice_id=practice_id).first()
    return found if found is not None else TrustPolicy(practice_id=practice_id)


class Answer(models.TextChoices):
    OPEN = "", "Waiting for the client"
    PROMOTED = "promoted", "Moved up"
    NOT_YET = "not_yet", "Not yet"
    # The phase changed some other way meanwhile (stepped back, or moved on the phase page).
    OVERTAKEN = "overtaken", "Overtaken"


class PhaseSuggestionQuerySet(models.QuerySet["PhaseSuggestion"]):
    def visible_to(self, user: User) -> PhaseSuggestionQuerySet:
        return scoped_by_client(self, user)

    def open(self) -> PhaseSuggestionQuerySet:
        return self.filter(answer=Answer.OPEN)


class PhaseSuggestion(models.Model):
    """Tandem's suggestion that a client move up a phase, made once the track record met the
    practice's thresholds, with the evidence as it stood; the client answers it. One open
    suggestion per client at most; a "not yet" holds the next back for ``NOT_YET_DAYS``."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    from_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    # The checks as they stood: [{"label": "...", "met": true}, ...].
    evidence = models.JSONField(default=list)
    suggested_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = PhaseSuggestionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "suggested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(answer=""), name="one_open_phase_suggestion"
            )
        ]

    def __str__(self) -> str:
        return f"Phase {self.to_phase} for {self.client_id}"
