"""The client's word on accepted work (issue 13): a thank-you, a rating, and whether the
practice may quote the thank-you as a testimonial.

Written with the move that accepts delivered work (``services.move_task``), in its
transaction, when the client said anything: the accept is the move, this row is what the
client said about it. The track record and the practice's feedback page read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.clients.models import Client, scoped_by_client
from tandem.core.models import Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User

RATING_MIN = 1
RATING_MAX = 5
RATING_WORDS = {1: "poor", 2: "fair", 3: "good", 4: "very good", 5: "excellent"}


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, user: User) -> ReviewQuerySet:
        return scoped_by_client(self, user)


class Review(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    task = models.ForeignKey("work.Task", on_delete=models.CASCADE, related_name="reviews")
    # The move that accepted the work; its note is the thank-you.
    event = models.OneToOneField("work.TaskEvent", on_delete=models.CASCADE, related_name="review")
    # Who did the work when it was accepted: the practice reads feedback per assistant.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    thanks = models.TextField(blank=True)
    # The client's consent to quote the thank-you as a testimonial, and its withdrawal.
    quote_consent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["practice", "created_at"]),
            models.Index(fields=["assignee", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="review_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.task_id}"

    @property
    def rating_words(self) -> str:
        return RATING_WORDS.get(self.rating or 0, "")

    @property
    def may_quote(self) -> bool:
        return self.quote_consent_at is not None
