"""Reads for the audit log page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tandem.core.models import AuditEntry

if TYPE_CHECKING:
    from tandem.accounts.models import User

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None
    before_id: int | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    older_than_id: int | None  # where the next page starts, or None on the last page


def audit_page(*, viewer: User, filters: AuditFilters, time_zone: str) -> AuditPage:
    """One page of the viewer's practice's audit log, newest first, in two queries at most.

    Pages by id rather than by offset, so the hundredth page costs what the first does.
    """
    entries = AuditEntry.objects.visible_to(viewer).select_related("actor")
    tz = ZoneInfo(time_zone)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor_id:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.since:
        entries = entries.filter(created_at__gte=datetime.combine(filters.since, time.min, tz))
    if filters.until:
        entries = entries.filter(created_at__lte=datetime.combine(filters.until, time.max, tz))
    if filters.before_id:
        entries = entries.filter(id__lt=filters.before_id)
    rows = list(entries[: AUDIT_PAGE_SIZE + 1])
    older = rows[AUDIT_PAGE_SIZE - 1].pk if len(rows) > AUDIT_PAGE_SIZE else None
    return AuditPage(entries=rows[:AUDIT_PAGE_SIZE], older_than_id=older)
