"""Where sealed values live, so ``tandem manage rotate_keys`` can re-seal all of them.

Each app that keeps sealed values registers one function per place in its ``AppConfig.ready``
(core its unsent mail, accounts the two-factor secrets, the vault its credentials), so core
never imports the apps above it. A function walks its rows in small batches and writes each
re-sealed value with a conditional update (or under a row lock), so a concurrent write is
never overwritten and nothing has to stop while it runs.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tandem.core import crypto

BATCH_SIZE = 200


class Outcome(enum.Enum):
    CURRENT = "already under the newest key"
    RESEALED = "re-sealed under the newest key"
    # Written in the clear by a process still running older code during a deploy.
    FIRST_SEALED = "were in the clear and are now sealed"
    # Someone else wrote the row while this pass was at it: nothing was overwritten, and
    # the value is still readable; the command passes over the place again.
    CHANGED_MEANWHILE = "changed by someone else meanwhile (left for the next pass)"
    # Altered, or sealed with a key that is no longer configured: left as it is.
    UNREADABLE = "could not be opened"


@dataclass
class Tally:
    """What one pass over one place did, row by row."""

    label: str
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    problems: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome] += 1

    def add_unreadable(self, row: str, error: crypto.UnsealError) -> None:
        self.add(Outcome.UNREADABLE)
        self.problems.append(f"{row}: {error}")

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def reseal_value(value: str, *, context: str) -> tuple[str, Outcome]:
    """The value to store under the newest key, and what that took.

    A value not in the sealed format is taken as written in the clear by older code and is
    sealed now; a sealed one that does not open raises UnsealError (it is never replaced).
    """
    if not crypto.is_sealed(value):
        return crypto.seal(value, context=context), Outcome.FIRST_SEALED
    resealed = crypto.reseal(value, context=context)
    return (value, Outcome.CURRENT) if resealed is None else (resealed, Outcome.RESEALED)


def row_outcome(outcomes: Iterable[Outcome]) -> Outcome:
    """A row holding several values counts by the most that was done to any of them."""
    done = set(outcomes)
    for outcome in (Outcome.FIRST_SEALED, Outcome.RESEALED):
        if outcome in done:
            return outcome
    return Outcome.CURRENT


Resealer = Callable[[int], Tally]
_places: dict[str, Resealer] = {}


def register(name: str, resealer: Resealer) -> None:
    """``resealer(batch_size)`` re-seals one place's values under the newest key."""
    _places[name] = resealer


def registered() -> dict[str, Resealer]:
    return dict(_places)


def reseal_everything(*, batch_size: int = BATCH_SIZE) -> list[Tally]:
    """Re-seal every registered place under the newest master key, one place at a time."""
    crypto.keyring()  # a key written wrongly stops here, before any row is read
    return [resealer(batch_size) for resealer in _places.values()]
