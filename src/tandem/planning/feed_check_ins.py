"""The calendar feed's "check-ins" source: each client's weekly check-in, on the client's clock.

Whose: a contact's feed has their own client's; a practice member's, the clients they are
assigned to (owners too, as for deadlines: a practice's every client would make a calendar
nobody reads). The check-ins already prepared or sent are rows; the weeks after are computed
from the practice's day and time (``check_in_times``) for ``WEEKS_AHEAD`` weeks, with the same
uid a week's row will have, so a calendar app updates the event rather than adding another.
Three queries: the clients, the practice's schedule, the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.clients.models import Client
from tandem.core.links import link
from tandem.core.site import absolute
from tandem.planning.check_in_times import check_in_instant, week_start
from tandem.planning.feeds import FeedEvent, Viewer, Window, source
from tandem.planning.models_checkins import CheckIn
from tandem.planning.models_policy import planning_policy

WEEKS_AHEAD = 8
DURATION = timedelta(minutes=15)


def uid(client_id: int, week_of: date) -> str:
    return f"check-in-{client_id}-{week_of.isoformat()}@tandem"


def _clients(viewer: Viewer) -> list[tuple[int, str, str]]:
    clients = Client.objects.visible_to(viewer.person).filter(archived_at__isnull=True)
    if not viewer.is_client_side:
        clients = clients.filter(assignments__user_id=viewer.person.pk)
    return list(clients.order_by("pk").values_list("pk", "name", "time_zone"))


@source("planning.check-ins")
def check_ins(viewer: Viewer, window: Window, *, limit: int) -> Iterable[FeedEvent]:
    """ "Weekly check-in (<client>)" at each week's check-in time on the client's clock."""
    clients = _clients(viewer)
    if not clients:
        return []
    names = {pk: (name, zone) for pk, name, zone in clients}
    rows = (
        CheckIn.objects.visible_to(viewer.person)
        .filter(client_id__in=names, due_at__gte=window.starts_at, due_at__lt=window.ends_at)
        .order_by("due_at", "id")
        .values_list("pk", "client_id", "week_of", "due_at", "state", "content_at")
    )
    site = absolute(viewer.practice, "")
    events: dict[str, FeedEvent] = {}
    for pk, client_id, week_of, due_at, state, changed_at in rows[:limit]:
        name, zone = names[client_id]
        answered = state == CheckIn.State.ANSWERED
        events[uid(client_id, week_of)] = FeedEvent(
            uid=uid(client_id, week_of),
            summary=f"{'Answered: ' if answered else ''}Weekly check-in ({name})",
            starts_at=due_at,
            ends_at=due_at + DURATION,
            time_zone=zone,
            changed_at=changed_at,
            url=site + link("planning:check-in", pk),
        )
    policy = planning_policy(viewer.practice.pk)
    if policy.check_ins_on:
        for client_id, (name, zone) in names.items():
            for week, due_at in _coming(zone, policy.check_in_weekday, policy.check_in_time):
                key = uid(client_id, week)
                if key not in events and window.starts_at <= due_at < window.ends_at:
                    events[key] = FeedEvent(
                        uid=key,
                        summary=f"Weekly check-in ({name})",
                        starts_at=due_at,
                        ends_at=due_at + DURATION,
                        time_zone=zone,
                        # A computed event changes only when the schedule does.
                        changed_at=policy.updated_at,
                    )
    return sorted(events.values(), key=lambda event: (event.starts_at, event.uid))[:limit]


def _coming(zone: str, weekday: int, at: time) -> list[tuple[date, datetime]]:
    """The check-ins of this week and the next WEEKS_AHEAD still to come."""
    now = timezone.now()
    monday = week_start(now.astimezone(ZoneInfo(zone)).date())
    weeks = [monday + timedelta(weeks=n) for n in range(WEEKS_AHEAD + 1)]
    found = [(week, check_in_instant(week, weekday, at, zone)) for week in weeks]
    return [(week, due) for week, due in found if due > now]
