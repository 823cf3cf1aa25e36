"""The one event path: every event is recorded by ``record``, in the change's transaction,
and everything that reacts to it runs later from jobs queued in that same transaction.

An event's record is a row of its own app (a task's timeline line, a comment, a project's
history line, an audit entry); ``record`` inserts it and queues one ``react`` job per
reaction that hears its kind. The queue is a table of the same database, so the row and its
jobs commit together or not at all: a crash can neither lose a reaction nor run one for a
change that never happened. Nothing reacts inside the change's transaction, so a slow or
failing reaction never holds up or undoes the change.

A reaction is registered by the app that owns it (notifications today; webhooks, the track
record and check-ins later), from its ``AppConfig.ready``, with ``reaction(name, kinds=…)``.
It receives the event's row, re-loaded, and its kind. Each (reaction, event) runs at most
once: the job claims a ``ReactionRun`` row in the reaction's own transaction, so a retry, a
re-queued job or a second worker finds it claimed and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.apps import apps
from django.db import IntegrityError, models, transaction

from tandem.core import jobs

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=models.Model)
Handler = Callable[[models.Model, str], None]

# How long a reaction's run is remembered (``core.tasks.sweep_jobs`` forgets older ones). Far
# longer than any retry of its job (backoff is capped at an hour, five attempts).
REMEMBER_RUNS = timedelta(days=14)


@dataclass(frozen=True)
class Reaction:
    name: str
    kinds: frozenset[str]
    handle: Handler
    # Whether an event's row concerns the reaction at all, read from the row in memory (no
    # query) when it is recorded: a reaction to a rare case of a common event queues no job
    # for every other one. None: every event of its kinds.
    when: Callable[[models.Model], bool] | None = None

    def hears(self, kind: str, row: models.Model) -> bool:
        return kind in self.kinds and (self.when is None or self.when(row))


REACTIONS: dict[str, Reaction] = {}


def reaction(
    name: str, *, kinds: Iterable[str], when: Callable[[models.Model], bool] | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handle(row, kind)`` to run, from a job, after each event of ``kinds``
    (only those whose row ``when`` accepts, when given).

    ``name`` identifies the reaction in queued jobs and in its runs: keep it stable.
    """

    def register(handle: Handler) -> Handler:
        REACTIONS[name] = Reaction(name, frozenset(kinds), handle, when)
        return handle

    return register


def record(row: Row, *, kind: str) -> Row:
    """Insert ``row``, the record of an event of ``kind``, and queue its reactions, in the
    caller's transaction (or one of its own). Returns the saved row."""
    with transaction.atomic():
        row.save(force_insert=True)
        label = row._meta.label_lower
        for found in REACTIONS.values():
            if found.hears(kind, row):
                react.enqueue(found.name, label, row.pk, kind)
    return row


def record_many(rows: Sequence[Row], *, kind: str) -> list[Row]:
    """``record`` for many rows of one model and one ``kind`` (a batch job's events): one
    INSERT for the rows and one for their reactions' jobs, in the caller's transaction. The
    database must give bulk-created rows their ids (SQLite 3.35+, PostgreSQL)."""
    if not rows:
        return []
    model = type(rows[0])
    with transaction.atomic():
        saved = model._default_manager.bulk_create(rows)
        label = model._meta.label_lower
        calls = [
            (found.name, label, row.pk, kind)
            for found in REACTIONS.values()
            for row in saved
            if found.hears(kind, row)
        ]
        jobs.enqueue_many(react, calls)
    return saved


# Reactions go before other due jobs: they are quick, and what they queue (a notification's
# mail, batched over a window) should see every reaction to the changes of that window.
REACTION_PRIORITY = 50


@jobs.job(priority=REACTION_PRIORITY)
def react(reaction_name: str, label: str, row_id: int, kind: str) -> None:
    """Run one reaction to one event, once. Quietly nothing when the reaction is no longer
    registered or the event's row is gone (its task was deleted, say)."""
    from tandem.core.models import ReactionRun

    found = REACTIONS.get(reaction_name)
    model = apps.get_model(label)
    row = model._default_manager.filter(pk=row_id).first()
    if found is None or row is None:
        logger.info("Nothing to do for %s on %s %s", reaction_name, label, row_id)
        return
    try:
        with transaction.atomic():
            ReactionRun.objects.create(reaction=reaction_name, source=label, source_id=row_id)
            found.handle(row, kind)
    except IntegrityError:
        if not ReactionRun.objects.filter(
            reaction=reaction_name, source=label, source_id=row_id
        ).exists():
            raise
        # Another run of this job got there first: this one changes nothing.
