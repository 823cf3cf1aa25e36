"""Who hears about a request: watch, stop watching, add someone who can see it.

The panel loads into the task page with htmx after the page itself (so the task page's
queries stay fixed), and is also a page of its own without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.forms import parse_id
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import services
from tandem.work.lookups import visible_task
from tandem.work.models import Task
from tandem.work.selectors import task_audience, watcher_panel

TEMPLATE = "work/task_watchers.html"


def _render(
    request: MemberRequest, task: Task, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {"task": task, "panel": watcher_panel(task, viewer=request.user), "error": error}
    template = f"{TEMPLATE}#panel" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


def _done(request: MemberRequest, task: Task, message: str) -> HttpResponse:
    if request.htmx:
        return _render(request, task)
    messages.success(request, message)
    return redirect("work:task-detail", task_id=task.pk)


def _person(request: MemberRequest, task: Task) -> User | None:
    """The person named in the form, among those who can see the task; None otherwise."""
    user_id = parse_id(request.POST.get("user"))
    if user_id is None:
        return None
    return task_audience(task).filter(pk=user_id).first()


@member_required()
@require_GET
def watchers(request: MemberRequest, task_id: int) -> HttpResponse:
    return _render(request, visible_task(request.user, task_id, select_related=("client",)))


@member_required()
@require_POST
def watcher_add(request: MemberRequest, task_id: int) -> HttpResponse:
    return _change_watcher(
        request,
        task_id,
        services.add_watcher,
        nobody="Pick someone from the list: people who can see this request.",
        done="{who} will hear about every change.",
    )


@member_required()
@require_POST
def watcher_remove(request: MemberRequest, task_id: int) -> HttpResponse:
    return _change_watcher(
        request,
        task_id,
        services.remove_watcher,
        nobody="That person is not watching this request.",
        done="{who} will no longer hear about this request.",
    )


def _change_watcher(
    request: MemberRequest, task_id: int, change: Callable[..., object], *, nobody: str, done: str
) -> HttpResponse:
    """Add or remove the person the form names ("me", or someone who can see the task) with
    ``change``; ``nobody`` when the form names no such person, ``done`` (its ``{who}``: "You"
    or their name) when it is done."""
    task = visible_task(request.user, task_id, select_related=("client",))
    person = request.user if request.POST.get("user") == "me" else _person(request, task)
    if person is None:
        return _render(request, task, error=nobody, status=400)
    try:
        change(task, actor=request.user, user=person)
    except DomainError as error:
        return _render(request, task, error=error.message, status=400)
    you = person.pk == request.user.pk
    return _done(request, task, done.format(who="You" if you else person.display_name))
