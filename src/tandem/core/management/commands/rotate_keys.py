"""``tandem manage rotate_keys``: re-seal every sealed value under the newest master key.

Rotation without downtime: put the new key first in TANDEM_MASTER_KEY and keep the old one
after it (restart, so every process seals with the new key and still opens the old), run
this, and remove the old key only once it reports that nothing needs it any more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core import crypto, rotation
from tandem.core.rotation import Outcome

# A row written by someone else during a pass is passed over again; writers seal with the
# newest key, so one more pass normally finds nothing left.
MAX_PASSES = 3


class Command(BaseCommand):
    help = "Re-seal every secret kept in the database under the newest master key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=rotation.BATCH_SIZE,
            help="Rows read per query (default %(default)s).",
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            ring = crypto.keyring()
        except crypto.MasterKeyError as error:
            raise CommandError(str(error)) from None
        older = [key.key_id for key in ring.keys[1:]]
        self.stdout.write(
            f"Newest master key: {ring.newest.key_id!r}"
            + (f"; older keys still configured: {_names(older)}." if older else ".")
        )
        tallies = self._passes(batch_size)
        unreadable = sum(tally.counts[Outcome.UNREADABLE] for tally in tallies)
        changing = sum(tally.counts[Outcome.CHANGED_MEANWHILE] for tally in tallies)
        if unreadable:
            problems = "\n".join(f"  {line}" for tally in tallies for line in tally.problems)
            raise CommandError(
                f"{unreadable} row(s) could not be opened and were left as they are; keep "
                f"every older key configured until they are dealt with:\n{problems}"
            )
        if changing:
            raise CommandError(
                f"{changing} row(s) kept changing while this ran; run rotate_keys again "
                "before removing an older key."
            )
        self.stdout.write(
            f"Everything is sealed under {ring.newest.key_id!r}."
            + (
                f" No value needs {_names(older)} any more: remove it from TANDEM_MASTER_KEY."
                if older
                else ""
            )
        )

    def _passes(self, batch_size: int) -> list[rotation.Tally]:
        tallies: list[rotation.Tally] = []
        for number in range(1, MAX_PASSES + 1):
            tallies = rotation.reseal_everything(batch_size=batch_size)
            for tally in tallies:
                self.stdout.write(_line(tally, number))
            if not any(tally.counts[Outcome.CHANGED_MEANWHILE] for tally in tallies):
                break
        return tallies


def _line(tally: rotation.Tally, number: int) -> str:
    parts = [f"{count} {outcome.value}" for outcome, count in tally.counts.items() if count]
    done = ", ".join(parts) if parts else "nothing stored"
    again = f" (pass {number})" if number > 1 else ""
    return f"{tally.label}{again}: {tally.rows} row(s): {done}."


def _names(key_ids: list[str]) -> str:
    return ", ".join(repr(key_id) for key_id in key_ids)
