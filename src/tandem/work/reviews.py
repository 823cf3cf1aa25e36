"""What the client says when accepting delivered work (issue 13): a thank-you, a rating
from 1 to 5 and consent to quote the thank-you. Checked before the move, written with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.work.models import Task, TaskEvent
from tandem.work.models_reviews import RATING_MAX, RATING_MIN, Review
from tandem.work.workflow import Need

if TYPE_CHECKING:
    from tandem.accounts.models import User

RATING_OUT_OF_RANGE = f"Rate the work from {RATING_MIN} to {RATING_MAX} stars, or leave it unrated."
QUOTE_WITHOUT_THANKS = "Write the thank-you you allow the practice to quote, or untick the box."
ONLY_ON_ACCEPTING = "A rating goes with accepting delivered work."


@dataclass(frozen=True)
class Said:
    thanks: str
    rating: int | None
    may_quote: bool


def checked(needs: Need | None, *, note: str, rating: int | None, may_quote: bool) -> Said | None:
    """What the client said, checked; None when the move is not an acceptance or nothing
    was said (a one-click accept)."""
    if needs != Need.THANKS:
        if rating is not None or may_quote:
            raise DomainError(ONLY_ON_ACCEPTING, field="rating")
        return None
    if rating is not None and not RATING_MIN <= rating <= RATING_MAX:
        raise DomainError(RATING_OUT_OF_RANGE, field="rating")
    thanks = note.strip()
    if may_quote and not thanks:
        raise DomainError(QUOTE_WITHOUT_THANKS, field="may_quote")
    if not thanks and rating is None:
        return None
    return Said(thanks=thanks, rating=rating, may_quote=may_quote)


def record(
    task: Task, event: TaskEvent, *, actor: User, assignee_id: int | None, said: Said
) -> Review:
    """The review of the acceptance ``event``, in the move's transaction."""
    return Review.objects.create(
        practice_id=task.practice_id,
        client_id=task.client_id,
        task=task,
        event=event,
        assignee_id=assignee_id,
        reviewer=actor,
        rating=said.rating,
        thanks=said.thanks,
        quote_consent_at=timezone.now() if said.may_quote else None,
    )


def withdraw_quote_consent(review: Review, *, actor: User) -> None:
    """The client takes back its consent to quote a thank-you (its own side only)."""
    standing = access.standing(actor, review.client)
    standing.require(
        Capability.REVIEW_DELIVERY, wrong_role="Only the client can change its consent."
    )
    Review.objects.filter(pk=review.pk).update(quote_consent_at=None)
    review.quote_consent_at = None
