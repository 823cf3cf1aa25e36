"""A client's track record, read by both sides, and the next phase it suggests.

The record counts what happened on the client's requests: how many the client accepted as
done, how many of those were first delivered by their deadline, how often delivered work
was sent back, how long the two have worked together, the client's thanks and ratings, the
postmortem actions still open, and the times the practice said honestly that work was
beyond it (counted as honesty, never as a failure). Each part is one aggregate query on an
index range of the client's rows, whatever their number.

When the record meets the practice's thresholds (``TrustPolicy``) and no postmortem action
is open, the next phase is suggested to the client with that evidence (``promotion``); the
client decides (``delegation.services.change_phase``), or says "not yet", which holds the
next suggestion back for a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from tandem.clients.models import Client, Phase
from tandem.delegation import phases
from tandem.delegation.phases import JobDescription
from tandem.trust.models_track import (
    NOT_YET_DAYS,
    Answer,
    PhaseSuggestion,
    TrustPolicy,
    trust_policy,
)
from tandem.trust.selectors_feedback import feedback_summary
from tandem.trust.selectors_postmortems import open_action_count
from tandem.trust.selectors_way_out import honest_way_outs
from tandem.work.models import Task, TaskEvent, TaskStatus

if TYPE_CHECKING:
    from tandem.accounts.models import User

S = TaskStatus
DAYS_A_MONTH = 30.44


@dataclass(frozen=True)
class TrackRecord:
    client: Client
    months_together: int
    # Requests the client accepted as done, and those first delivered by their deadline.
    accepted: int
    on_time: int
    # Deliveries made, and how many the client sent back.
    deliveries: int
    sent_back: int
    # The client's thank-you notes and ratings (1 to 5) on accepted work.
    thanks: int = 0
    ratings: int = 0
    average_rating: Decimal | None = None
    # Postmortem actions not yet done, and honest ways out offered.
    open_actions: int = 0
    honest_way_outs: int = 0

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.accepted) if self.accepted else None

    @property
    def sent_back_percent(self) -> int | None:
        return round(100 * self.sent_back / self.deliveries) if self.deliveries else None


def track_record(client: Client, *, viewer: User | None) -> TrackRecord:
    """The record of ``client`` (fetched through ``visible_to(viewer)``; None: Tandem's own
    scan, which reads every client): five queries."""
    tasks = (Task.objects.visible_to(viewer) if viewer else Task.objects).filter(client=client)
    events = TaskEvent.objects.visible_to(viewer) if viewer else TaskEvent.objects.all()
    first_delivered = (
        TaskEvent.objects.filter(
            task=OuterRef("pk"), kind=TaskEvent.Kind.STATUS_CHANGED, to_status=S.DELIVERED
        )
        .order_by()
        .values("task")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    done = (
        tasks.filter(status=S.DONE)
        .annotate(first_delivered=Subquery(first_delivered))
        .aggregate(
            accepted=Count("pk"),
            on_time=Count("pk", filter=Q(first_delivered__lte=F("deadline_at"))),
        )
    )
    moves = events.filter(client=client, kind=TaskEvent.Kind.STATUS_CHANGED).aggregate(
        deliveries=Count("pk", filter=Q(to_status=S.DELIVERED)),
        sent_back=Count("pk", filter=Q(from_status=S.DELIVERED, to_status=S.IN_PROGRESS)),
    )
    together = timezone.now() - client.created_at
    said = feedback_summary(client.pk)
    return TrackRecord(
        client=client,
        months_together=max(0, int(together.days / DAYS_A_MONTH)),
        accepted=done["accepted"],
        on_time=done["on_time"],
        deliveries=moves["deliveries"],
        sent_back=moves["sent_back"],
        thanks=said.thanks,
        ratings=said.ratings,
        average_rating=said.average,
        honest_way_outs=honest_way_outs(client.pk),
        open_actions=open_action_count(client.pk),
    )


# The suggestion -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One threshold of the practice, and whether the record meets it, in words."""

    label: str
    met: bool


@dataclass(frozen=True)
class Suggestion:
    """The next phase, what the record must show for it, and whether the client has said
    "not yet" recently."""

    to_phase: int
    description: JobDescription
    checks: list[Check] = field(default_factory=list)
    not_yet_until: datetime | None = None

    @property
    def is_met(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def is_suggested(self) -> bool:
        """Met, and not held back by a recent "not yet": shown to the client as a suggestion."""
        return self.is_met and self.not_yet_until is None


def _percent(value: int | None) -> str:
    return "none yet" if value is None else f"{value} %"


def next_phase(record: TrackRecord, policy: TrustPolicy, *, now: datetime) -> Suggestion | None:
    """What moving to the phase after the client's would take; None in Phase III."""
    client = record.client
    to_phase = client.phase + 1
    if to_phase > Phase.EXECUTIVE:
        return None
    months = policy.months_for(to_phase)
    checks = [
        Check(
            f"Working together for {months} month{'s' if months != 1 else ''} or more "
            f"(now {record.months_together})",
            record.months_together >= months,
        ),
        Check(
            f"At least {policy.min_accepted} requests accepted as done (now {record.accepted})",
            record.accepted >= policy.min_accepted,
        ),
        Check(
            f"At least {policy.min_on_time_percent} % delivered on time "
            f"(now {_percent(record.on_time_percent)})",
            record.on_time_percent is not None
            and record.on_time_percent >= policy.min_on_time_percent,
        ),
        Check(
            f"At most {policy.max_sent_back_percent} % sent back "
            f"(now {_percent(record.sent_back_percent)})",
            (record.sent_back_percent or 0) <= policy.max_sent_back_percent,
        ),
    ]
    if record.average_rating is not None:
        checks.append(
            Check(
                f"An average rating of {policy.min_average_rating} or more "
                f"(now {record.average_rating})",
                record.average_rating >= policy.min_average_rating,
            )
        )
    checks.append(
        Check(
            f"No postmortem action still open (now {record.open_actions})",
            record.open_actions == 0,
        )
    )
    said = (
        PhaseSuggestion.objects.filter(
            client=client,
            to_phase=to_phase,
            answer=Answer.NOT_YET,
            answered_at__gte=now - timedelta(days=NOT_YET_DAYS),
        )
        .order_by("-answered_at")
        .values_list("answered_at", flat=True)
        .first()
    )
    return Suggestion(
        to_phase=to_phase,
        description=phases.description(to_phase),
        checks=checks,
        not_yet_until=said + timedelta(days=NOT_YET_DAYS) if said else None,
    )


def suggestion_for(
    client: Client, *, viewer: User | None, now: datetime
) -> tuple[TrackRecord, Suggestion | None]:
    record = track_record(client, viewer=viewer)
    return record, next_phase(record, trust_policy(client.practice_id), now=now)
