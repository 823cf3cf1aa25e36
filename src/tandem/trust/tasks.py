"""Trust's jobs. Each re-reads what it needs, so running twice is harmless."""

from __future__ import annotations

from django.utils import timezone

from tandem.core import jobs
from tandem.trust import promotion

# Once a day is often enough for a track record that moves with weeks of work.
SCAN_SECONDS = 24 * 3600


@jobs.periodic(every_seconds=SCAN_SECONDS)
@jobs.job(max_attempts=1)
def suggest_phases() -> None:
    """Suggest the next phase to each client whose track record now meets the practice's
    thresholds (``promotion.scan``)."""
    promotion.scan(now=timezone.now())
