"""One task by its id, as the viewer may see it, for a page or a button.

Through ``Task.objects.visible_to``, so a task the viewer may not see is missing (404), the
same as one that does not exist. The views of work and the apps above fetch through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from tandem.clients.models import compiled_rows_for, scoped_by_reach
from tandem.work.models import Task

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.core.access import Reach

# What the request page reads beside the task itself, joined into the task's one query: the
# forms that re-render that page (a refused move, comment, edit, file) fetch the same.
TASK_PAGE_RELATED = ("client__practice", "assignee", "created_by", "project", "kind")


def visible_task(
    user: User, task_id: int, *, select_related: Sequence[str] = ("client__practice", "kind")
) -> Task:
    """The task ``user`` may see, with ``select_related`` joined: by default its client and
    the client's practice, which the workflow and the client's clock read; raises Http404
    otherwise. Its SQL is compiled once per member and joins (``core.compiled``): every
    button and page of a request starts here."""
    found = compiled_rows_for(user, _visible_task, tuple(select_related), ids=[task_id])
    if not found:
        raise Http404("No task matches the given query.")
    return found[0]


def _visible_task(
    practice_id: int, reach: Reach, user_id: int, joined: tuple[str, ...], task_id: int
) -> QuerySet[Task, Task]:
    tasks = scoped_by_reach(Task.objects.all(), practice_id, reach, user_id)
    # select_related() with no names would join every relation.
    if joined:
        tasks = tasks.select_related(*joined)
    return tasks.filter(pk=task_id)


def visible_task_for_page(user: User, task_id: int) -> Task:
    """``visible_task`` with everything the request page reads (``TASK_PAGE_RELATED``)."""
    return visible_task(user, task_id, select_related=TASK_PAGE_RELATED)
