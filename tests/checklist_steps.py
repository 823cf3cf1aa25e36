"""Checklists for the lists' tests, made through the services the practice uses."""

from __future__ import annotations

from tandem.accounts.models import User
from tandem.work.checklists import add_steps, tick_step
from tandem.work.models import Task


def with_steps(task: Task, *, actor: User, total: int = 3, done: int = 1) -> Task:
    """Give ``task`` a checklist of ``total`` steps, the first ``done`` of them ticked."""
    steps = add_steps(task, actor=actor, steps=[f"Step {n}" for n in range(1, total + 1)])
    for step in steps[:done]:
        tick_step(step, actor=actor, done=True)
    return task
