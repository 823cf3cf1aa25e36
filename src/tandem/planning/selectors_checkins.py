"""Reads of weekly check-ins: the practice's list, one check-in's page, the portal's latest.
Every read starts from ``CheckIn.objects.visible_to(viewer)`` and is one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tandem.clients.models import compiled_rows_for, scoped_by_reach
from tandem.core import access
from tandem.core.roles import Capability
from tandem.planning.check_in_content import Content, Section
from tandem.planning.check_ins import heads_up_link
from tandem.planning.models import WEEKDAY_NAMES
from tandem.planning.models_checkins import CheckIn
from tandem.planning.models_policy import planning_policy

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.access import Reach

# The practice's list: check-ins due from three weeks back, at most this many.
LIST_LIMIT = 100
LIST_WEEKS_BACK = 3
# The portal shows the latest check-in sent within this long.
PORTAL_RECENT = timedelta(days=14)


@dataclass(frozen=True)
class Schedule:
    """When the practice's check-ins go: off, or a weekday and a time on each client's clock."""

    is_on: bool
    weekday: str
    at: time


@dataclass(frozen=True)
class CheckInsPage:
    # Prepared, to go soon: a note can still be added.
    to_go: list[CheckIn]
    # Sent, no answer yet.
    waiting: list[CheckIn]
    answered: list[CheckIn]
    # More than shown.
    has_more: bool
    schedule: Schedule

    @property
    def is_empty(self) -> bool:
        return not (self.to_go or self.waiting or self.answered)


def check_ins_page(*, viewer: User, now: datetime) -> CheckInsPage:
    """The check-ins of the clients the viewer serves (an owner: the practice's), from three
    weeks back, soonest to go first, then the latest: one query, and one for the schedule."""
    rows = list(
        CheckIn.objects.visible_to(viewer)
        .filter(due_at__gte=now - timedelta(weeks=LIST_WEEKS_BACK))
        .select_related("client", "answered_by", "noted_by")
        .order_by("-due_at", "-id")[: LIST_LIMIT + 1]
    )
    shown = rows[:LIST_LIMIT]
    policy = planning_policy(viewer.membership.practice_id)
    return CheckInsPage(
        to_go=sorted((r for r in shown if r.state == CheckIn.State.PREPARED), key=_due),
        waiting=[r for r in shown if r.state == CheckIn.State.SENT],
        answered=[r for r in shown if r.state == CheckIn.State.ANSWERED],
        has_more=len(rows) > LIST_LIMIT,
        schedule=Schedule(
            is_on=policy.check_ins_on,
            weekday=WEEKDAY_NAMES[policy.check_in_weekday],
            at=policy.check_in_time,
        ),
    )


def _due(check_in: CheckIn) -> datetime:
    return check_in.due_at


@dataclass(frozen=True)
class CheckInPage:
    check_in: CheckIn
    sections: list[tuple[str, Section]]
    is_empty: bool
    can_note: bool
    can_answer: bool
    # The heads-up form filled from the answer; None hides the button.
    heads_up_url: str | None


def check_in_page(check_in: CheckIn, *, viewer: User) -> CheckInPage:
    """One check-in (fetched through ``visible_to(viewer)``) with what the viewer may do:
    no query."""
    standing = access.standing_of_visible(viewer, check_in.client)
    content = Content.from_json(check_in.content)
    client_side = standing.side == access.Side.CLIENT
    return CheckInPage(
        check_in=check_in,
        sections=content.sections(client_side=client_side),
        is_empty=content.is_empty,
        can_note=check_in.is_prepared and standing.allows(Capability.NOTE_CHECK_IN),
        can_answer=check_in.state == CheckIn.State.SENT
        and standing.allows(Capability.ANSWER_CHECK_IN),
        heads_up_url=None if client_side else heads_up_link(check_in),
    )


def portal_check_in(*, viewer: User, client_id: int, now: datetime) -> CheckIn | None:
    """The client's latest check-in sent in the last two weeks, for the portal: one query,
    compiled once per member and client (``core.compiled``)."""
    found = compiled_rows_for(viewer, _portal_check_in, client_id, moments=[now - PORTAL_RECENT])
    return found[0] if found else None


def _portal_check_in(
    practice_id: int, reach: Reach, user_id: int, client_id: int, since: datetime
) -> QuerySet[CheckIn, CheckIn]:
    rows = (
        scoped_by_reach(CheckIn.objects.all(), practice_id, reach, user_id)
        .filter(client_id=client_id, sent_at__gte=since)
        .exclude(state=CheckIn.State.PREPARED)
        .select_related("noted_by", "answered_by")
        # What the portal's card reads (planning/portal_check_in.html): two users are wide.
        .only(
            "client_id",
            "state",
            "sent_at",
            "note",
            "answer",
            "answered_at",
            "noted_by__name",
            "noted_by__email",
            "answered_by__name",
            "answered_by__email",
        )
        .order_by("-due_at", "-id")
    )
    return rows[:1]
