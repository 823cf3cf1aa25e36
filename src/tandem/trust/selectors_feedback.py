"""Reads of the client's praise and feedback (issue 13): per client for the track record,
and the practice's feedback page (per assistant and per client), scoped to the viewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q, QuerySet

from tandem.core import access
from tandem.work.models_reviews import RATING_MAX, RATING_MIN, Review

if TYPE_CHECKING:
    from tandem.accounts.models import User

RECENT = 30
GROUPS_SHOWN = 20


@dataclass(frozen=True)
class FeedbackSummary:
    thanks: int
    ratings: int
    average: Decimal | None


def _average(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def feedback_summary(client_id: int) -> FeedbackSummary:
    """The client's thank-you notes and ratings: one aggregate on its (client, created_at)
    index range."""
    found = Review.objects.filter(client_id=client_id).aggregate(
        thanks=Count("pk", filter=~Q(thanks="")),
        ratings=Count("rating"),
        average=Avg("rating"),
    )
    return FeedbackSummary(found["thanks"], found["ratings"], _average(found["average"]))


@dataclass(frozen=True)
class Group:
    """Feedback of one assistant or one client."""

    pk: int | None
    name: str
    reviews: int
    thanks: int
    ratings: int
    average: Decimal | None


@dataclass(frozen=True)
class FeedbackPage:
    recent: list[Review]
    by_assistant: list[Group]
    by_client: list[Group]
    # How many ratings of each value, 5 first (the chart and its table).
    distribution: list[tuple[int, int]] = field(default_factory=list)
    total_ratings: int = 0
    # Whether the viewer reads the whole practice's feedback or only their own.
    whole_practice: bool = False


def _scoped(viewer: User) -> QuerySet[Review]:
    """The whole practice's reviews for those who see every client; an assistant's own
    (the work they did) otherwise."""
    reviews = Review.objects.visible_to(viewer)
    if not access.sees_whole_practice(access.member(viewer)):
        reviews = reviews.filter(assignee=viewer)
    return reviews


def feedback_page(
    *, viewer: User, assistant_id: int | None = None, client_id: int | None = None
) -> FeedbackPage:
    """Four queries: the recent reviews, the groups per assistant and per client, the
    distribution of ratings."""
    reviews = _scoped(viewer)
    if assistant_id is not None:
        reviews = reviews.filter(assignee_id=assistant_id)
    if client_id is not None:
        reviews = reviews.filter(client_id=client_id)
    recent = list(
        reviews.select_related("task", "client", "assignee", "reviewer").order_by(
            "-created_at", "-pk"
        )[:RECENT]
    )
    by_assistant = [
        Group(row["assignee_id"], row["assignee__name"] or row["assignee__email"] or "Nobody",
              row["reviews"], row["thanks"], row["ratings"], _average(row["average"]))
        for row in _grouped(reviews, "assignee_id", "assignee__name", "assignee__email")
    ]  # fmt: skip
    by_client = [
        Group(row["client_id"], row["client__name"], row["reviews"], row["thanks"],
              row["ratings"], _average(row["average"]))
        for row in _grouped(reviews, "client_id", "client__name")
    ]  # fmt: skip
    spread = dict(
        reviews.filter(rating__isnull=False)
        .order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    distribution = [
        (value, spread.get(value, 0)) for value in range(RATING_MAX, RATING_MIN - 1, -1)
    ]
    return FeedbackPage(
        recent=recent,
        by_assistant=by_assistant,
        by_client=by_client,
        distribution=distribution,
        total_ratings=sum(spread.values()),
        whole_practice=access.sees_whole_practice(access.member(viewer)),
    )


def _grouped(reviews: QuerySet[Review], *keys: str) -> list[dict[str, Any]]:
    """Per group of ``keys``: how many reviews, thank-yous and ratings, and their average,
    the largest groups first (one query)."""
    rows: Any = (
        reviews.order_by()
        .values(*keys)
        .annotate(
            reviews=Count("pk"),
            thanks=Count("pk", filter=~Q(thanks="")),
            ratings=Count("rating"),
            average=Avg("rating"),
        )
        .order_by("-reviews")[:GROUPS_SHOWN]
    )
    return list(rows)


def client_feedback(*, viewer: User) -> list[Review]:
    """What the contact's client said about accepted work, newest first (one query)."""
    return list(
        Review.objects.visible_to(viewer)
        .select_related("task", "reviewer")
        .order_by("-created_at", "-pk")[:100]
    )
