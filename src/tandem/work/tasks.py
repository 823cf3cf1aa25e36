"""The work app's background jobs, imported here so workers find the periodic ones.

``jobs.ensure_scheduled`` discovers ``tasks`` modules; the jobs themselves live beside the
rules they serve.
"""

from tandem.core import jobs
from tandem.work import repeating_copies
from tandem.work.attachments import delete_stale_uploads, make_thumbnail, sweep_orphaned_files

# How often repeating requests are looked at: a copy is made at most this late.
REPEATING_SCAN_SECONDS = 900


@jobs.periodic(every_seconds=REPEATING_SCAN_SECONDS)
@jobs.job(max_attempts=1)
def make_repeating_copies() -> None:
    """The copies of repeating requests whose time has come
    (``repeating_copies.make_due_copies``); a copy this run misses is made by the next, never
    twice."""
    repeating_copies.make_due_copies()


__all__ = [
    "delete_stale_uploads",
    "make_repeating_copies",
    "make_thumbnail",
    "sweep_orphaned_files",
]
