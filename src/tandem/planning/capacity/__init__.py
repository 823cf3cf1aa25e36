"""Capacity: when each person of the practice is free, and where the work they have taken on
fits in that time.

Pure, like ``core/calendar.py``: no models, no database, no Django settings. The selectors of
``planning`` build its values from rows (``selectors.availability_of``); the capacity page,
heads-ups, short-notice checks and calendar feeds all ask it the same questions, so they can
never disagree.

What it answers:

* ``Availability``: a person's free working time (``free_time``, ``free_minutes``).
* ``plan(commitments, availabilities, start=…)``: each commitment's placed slices, its
  expected completion, and the ones that will miss their deadline with the reason.
* ``earliest_fit`` / ``earliest_fit_among`` / ``fits``: when new work of a size would be done
  in the free time the plan leaves, by one person or by whoever of several is free first.
* ``weekly_summary``: per person and per client, each week's available, committed and
  tentative hours, and whether it is over-booked.

Decisions worth knowing:

* **Whole minutes.** Time is counted in whole minutes (internally, minutes since 1970 in UTC),
  so every sum is exact and "a minute earlier" is the smallest step there is. Instants at
  which work may begin (the plan's start, ``after``, an earliest start) are rounded up to the
  next whole minute, deadlines down, and time off is widened to whole minutes.
* **Working time is the person's wall clock.** Weekly hours are read in the person's zone
  (by default the practice calendar's working days and hours, on the person's own clock).
  A stretch lies inside one day, from 00:00 to at most 24:00. On the night the clocks go
  back the repeated hour is worked once more (01:00 to 03:00 lasts three hours); a time the
  clocks skip is read as the moment of the change, so a stretch never reaches beyond its
  wall-clock end. (``core.calendar`` reads a skipped time as the same time after the change,
  which would make "until 02:30" end at 03:30.)
* **Days off.** A day whose date (on the person's clock) is a bank holiday of the practice's
  calendar has no working time; time off (instants) is taken out of the rest.
* **The share kept free** (0 to 90 %) is kept in every working day: of each day's free
  minutes, the first share is plannable and the last ``kept_free_percent`` are kept free
  (rounded so that the kept-free part is never smaller). Kept per day rather than as the end
  of each week, so a short-notice request finds room on the day it arrives, not only on
  Friday; every week then keeps at least that share too.
* **Placing** (``plan``): work goes into its assignee's free time, earliest deadline first
  (work with no deadline last; at equal deadlines the earlier earliest start, then the order
  given). Each commitment takes the earliest free minutes from its earliest start on, in as
  many slices as it needs; work that cannot finish by its deadline goes on after it (so it
  still has an expected completion) and is reported as a miss; work that does not fit within
  the horizon is not placed, and says so.
* **Confirmed before tentative, always.** All confirmed work is placed before any tentative
  work, whatever their deadlines: only confirming a heads-up reserves hours, so a tentative
  one can never make confirmed work late. A tentative one that misses tells what confirming
  it now would mean. For the same reason ``earliest_fit`` counts the time tentative work was
  placed in as free, unless asked to ``count_tentative``.
* **Unplanned work and the kept-free share.** Planned work uses only the plannable share.
  Work taken on at short notice (``Commitment.is_short_notice``) is placed after all
  planned work of its kind (confirmed or tentative), into the plannable time left and the
  kept-free share alike, so a rush never makes planned work late; ``earliest_fit(…,
  use_kept_free=True)`` asks the same question before it is taken on ("when could we do
  this if we use the time kept free?"), and without it asks about plannable time only.
* **earliest_fit never moves planned work.** It looks only at the free time the plan leaves,
  so the time it offers is never time already promised to someone else. Reshuffling work
  due later might find an earlier answer; Tandem does not promise it.
* **Weeks** (``weekly_summary``) start on Monday at 00:00 in the zone given (the practice's).
  A week's available minutes are its plannable minutes from the plan's start on (the current
  week counts what is left of it). A commitment's minutes count in the weeks they are placed
  in up to its deadline; minutes it still lacks at its deadline count in its deadline's week,
  so the week that was asked for too much shows it. A week is over-booked when more is
  committed to it than it has, or when confirmed work due in it will miss its deadline.
"""

from __future__ import annotations

from tandem.planning.capacity.availability import (
    DAY_MINUTES,
    KEPT_FREE_MAX_PERCENT,
    Availability,
    Hours,
    Span,
    instant_at,
    weekly_hours_of,
)
from tandem.planning.capacity.placing import (
    DEFAULT_HORIZON,
    Commitment,
    Fit,
    Miss,
    Placement,
    Plan,
    commitment_minutes,
    describe_minutes,
    earliest_fit,
    earliest_fit_among,
    fits,
    plan,
)
from tandem.planning.capacity.weeks import Summary, Week, weekly_summary

__all__ = [
    "DAY_MINUTES",
    "DEFAULT_HORIZON",
    "KEPT_FREE_MAX_PERCENT",
    "Availability",
    "Commitment",
    "Fit",
    "Hours",
    "Miss",
    "Placement",
    "Plan",
    "Span",
    "Summary",
    "Week",
    "commitment_minutes",
    "describe_minutes",
    "earliest_fit",
    "earliest_fit_among",
    "fits",
    "instant_at",
    "plan",
    "weekly_hours_of",
    "weekly_summary",
]
