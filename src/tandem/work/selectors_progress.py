"""A request's checklist progress in lists: "2 of 5 steps done" beside each row or card.

Lists read it with the rows they already load (``with_checklist_progress``: two counts per
row, each a range of the checklist's (task, position) index), so a page shows progress
without a query of its own, let alone one per row. The task page reads the steps themselves
(``selectors_repeating.checklist_of``) and says the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tandem.work.models import ChecklistItem

# The names the counts are read under: attributes of a task, keys of a ``.values()`` row.
STEPS_TOTAL = "steps_total"
STEPS_DONE = "steps_done"

Rows = TypeVar("Rows", bound=QuerySet[Any, Any])


def _count_of(steps: QuerySet[ChecklistItem]) -> Coalesce:
    counted = steps.order_by().values("task").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_checklist_progress(tasks: Rows) -> Rows:
    """``tasks`` (already scoped) with ``steps_total`` and ``steps_done`` on each row: the
    number of its checklist's steps and of those ticked, 0 and 0 without a checklist."""
    steps = ChecklistItem.objects.filter(task=OuterRef("pk"))
    return tasks.annotate(
        **{
            STEPS_TOTAL: _count_of(steps),
            STEPS_DONE: _count_of(steps.filter(done_at__isnull=False)),
        }
    )


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int

    @property
    def summary(self) -> str:
        """ "3 of 5 steps done" (the task page and the client's lists)."""
        step = "step" if self.total == 1 else "steps"
        return f"{self.done} of {self.total} {step} done"

    @property
    def label(self) -> str:
        """ "3 of 5 checklist steps done": what "☑ 3/5" says to a screen reader, out of
        the context of the task page."""
        step = "checklist step" if self.total == 1 else "checklist steps"
        return f"{self.done} of {self.total} {step} done"

    @property
    def short(self) -> str:
        return f"{self.done}/{self.total}"

    @property
    def is_complete(self) -> bool:
        return self.done >= self.total


def progress_of(row: Model | dict[str, Any]) -> Progress | None:
    """The progress read by ``with_checklist_progress`` (a task or a ``.values()`` row);
    None without a checklist (or when the row was read without it)."""
    if isinstance(row, dict):
        total, done = row.get(STEPS_TOTAL) or 0, row.get(STEPS_DONE) or 0
    else:
        total, done = getattr(row, STEPS_TOTAL, 0) or 0, getattr(row, STEPS_DONE, 0) or 0
    return Progress(done=done, total=total) if total else None
