"""The catalogue a new practice starts with: the kinds of work article 001 names for each
phase, and the everyday ones a solo VA does. The owner edits it from the first day."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.clients.models import Phase
from tandem.delegation.models import Mode


@dataclass(frozen=True)
class DefaultKind:
    name: str
    phase: int
    mode: str
    risk_note: str
    keywords: str


R, P = Mode.REACTIVE, Mode.PROACTIVE

DEFAULT_KINDS: tuple[DefaultKind, ...] = (
    DefaultKind(
        "Mailing lists",
        Phase.CLERICAL,
        R,
        "Low: a wrong entry is easy to put right.",
        "mailing list, subscribers, newsletter list, mailchimp, contact list",
    ),
    DefaultKind(
        "Ordering supplies",
        Phase.CLERICAL,
        R,
        "Low: spends small sums the client agreed.",
        "supplies, stationery, reorder, order more, office supplies",
    ),
    DefaultKind(
        "Sending mailings",
        Phase.CLERICAL,
        R,
        "Low: sent as written by the client.",
        "mailing, mailshot, send out, letters, envelopes, postcards",
    ),
    DefaultKind(
        "Data entry and filing",
        Phase.CLERICAL,
        R,
        "Low: nothing leaves the practice.",
        "data entry, filing, scan, transcribe, typing, tidy up",
    ),
    DefaultKind(
        "Research",
        Phase.CLERICAL,
        R,
        "Low: findings go to the client, who decides.",
        "research, compare, shortlist, look up",
    ),
    DefaultKind(
        "Confirming appointments",
        Phase.ADMINISTRATIVE,
        R,
        "Medium: speaks to the client's customers in their name.",
        "confirm appointments, confirm the appointment, confirming, reminder calls",
    ),
    DefaultKind(
        "Writing ad copy",
        Phase.ADMINISTRATIVE,
        P,
        "Medium: words published in the client's name.",
        "ad copy, advert, advertisement, blog post, social media, captions, copywriting",
    ),
    DefaultKind(
        "Screening calls and e-mail",
        Phase.ADMINISTRATIVE,
        P,
        "Medium: decides what reaches the client.",
        "screen, screening, inbox, triage, voicemail",
    ),
    DefaultKind(
        "Bookkeeping entries",
        Phase.ADMINISTRATIVE,
        R,
        "Medium: touches the client's accounts.",
        "bookkeeping, receipts, expenses, reconcile, quickbooks, xero",
    ),
    DefaultKind(
        "Running the calendar",
        Phase.EXECUTIVE,
        P,
        "High: commits the client's time without asking each time.",
        "my calendar, calendar, diary, agenda",
    ),
    DefaultKind(
        "Tracking the sales pipeline",
        Phase.EXECUTIVE,
        P,
        "High: follows up prospects in the client's name.",
        "pipeline, sales leads, leads, prospects, crm",
    ),
    DefaultKind(
        "Scheduling appointments",
        Phase.EXECUTIVE,
        P,
        "High: agrees meetings for the client.",
        "schedule appointments, schedule meetings, set up a call, book meetings",
    ),
    DefaultKind(
        "Payments on the client's behalf",
        Phase.EXECUTIVE,
        R,
        "High: moves the client's money.",
        "pay the, payments, bank transfer, payroll",
    ),
)
