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
        "mailing list, contacts, subscribers, newsletter list, mailchimp, spreadsheet",
    ),
    DefaultKind(
        "Ordering supplies",
        Phase.CLERICAL,
        R,
        "Low: spends small sums the client agreed.",
        "order, supplies, stationery, purchase, reorder",
    ),
    DefaultKind(
        "Sending mailings",
        Phase.CLERICAL,
        R,
        "Low: sent as written by the client.",
        "mailing, send out, post, letters, newsletter, mailshot",
    ),
    DefaultKind(
        "Data entry and filing",
        Phase.CLERICAL,
        R,
        "Low: nothing leaves the practice.",
        "data entry, filing, scan, tidy, organise, organize, transcribe, typing",
    ),
    DefaultKind(
        "Research",
        Phase.CLERICAL,
        R,
        "Low: findings go to the client, who decides.",
        "research, find, compare, look up, shortlist",
    ),
    DefaultKind(
        "Confirming appointments",
        Phase.ADMINISTRATIVE,
        R,
        "Medium: speaks to the client's customers in their name.",
        "confirm, appointment, reminder call, booking",
    ),
    DefaultKind(
        "Writing ad copy",
        Phase.ADMINISTRATIVE,
        P,
        "Medium: words published in the client's name.",
        "ad copy, advert, copy, blog, post, social media, write, caption",
    ),
    DefaultKind(
        "Screening calls and e-mail",
        Phase.ADMINISTRATIVE,
        P,
        "Medium: decides what reaches the client.",
        "screen, inbox, triage, email, e-mail, calls, voicemail",
    ),
    DefaultKind(
        "Bookkeeping entries",
        Phase.ADMINISTRATIVE,
        R,
        "Medium: touches the client's accounts.",
        "invoice, bookkeeping, receipts, expenses, reconcile, quickbooks, xero",
    ),
    DefaultKind(
        "Running the calendar",
        Phase.EXECUTIVE,
        P,
        "High: commits the client's time without asking each time.",
        "calendar, diary, schedule my, agenda",
    ),
    DefaultKind(
        "Tracking the sales pipeline",
        Phase.EXECUTIVE,
        P,
        "High: follows up prospects in the client's name.",
        "pipeline, sales, leads, prospects, crm, follow up, follow-up",
    ),
    DefaultKind(
        "Scheduling appointments",
        Phase.EXECUTIVE,
        P,
        "High: agrees meetings for the client.",
        "schedule, meeting, set up a call, arrange",
    ),
    DefaultKind(
        "Payments on the client's behalf",
        Phase.EXECUTIVE,
        R,
        "High: moves the client's money.",
        "pay, payment, transfer, bank, payroll",
    ),
)
