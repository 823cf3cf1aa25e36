"""The three phases of a client relationship (article 001), as both sides read them.

Any phase may be skipped: a client who trusts the practice from the start can begin in
Phase II or III. The words are the job description of each phase; the practice's catalogue
adds the kinds of work that belong to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.clients.models import Phase


@dataclass(frozen=True)
class JobDescription:
    phase: int
    name: str
    title: str
    summary: str
    examples: tuple[str, ...]


DESCRIPTIONS: dict[int, JobDescription] = {
    Phase.CLERICAL: JobDescription(
        Phase.CLERICAL,
        "Phase I",
        "Getting to know you",
        "Client and assistant learn how the other works, thinks and communicates. The work "
        "is clerical and reactive: done when asked, with little risk if it is not right the "
        "first time.",
        ("Maintaining mailing lists", "Ordering office supplies", "Sending mailings"),
    ),
    Phase.ADMINISTRATIVE: JobDescription(
        Phase.ADMINISTRATIVE,
        "Phase II",
        "Secretarial and administrative",
        "The client trusts the assistant and is at ease working at a distance. Secretarial "
        "and administrative duties are added, split between answering requests and acting "
        "ahead of them.",
        ("Confirming appointments", "Writing ad copy", "Screening calls and e-mail"),
    ),
    Phase.EXECUTIVE: JobDescription(
        Phase.EXECUTIVE,
        "Phase III",
        "Personal executive assistant",
        "Client and assistant know and trust each other and communicate as if they shared a "
        "roof. The assistant is highly proactive: runs the daily schedule, tracks the sales "
        "pipeline, schedules appointments; in essence, the client's manager.",
        ("Running the calendar", "Tracking the sales pipeline", "Scheduling appointments"),
    ),
}

HIGHEST = max(DESCRIPTIONS)
LOWEST = min(DESCRIPTIONS)


def description(phase: int) -> JobDescription:
    return DESCRIPTIONS[phase]


def next_description(phase: int) -> JobDescription | None:
    """The job description of the phase after ``phase``; None from the last."""
    return DESCRIPTIONS.get(phase + 1)


def short_name(phase: int | None) -> str:
    return DESCRIPTIONS[phase].name if phase in DESCRIPTIONS else ""
