"""The capacity page and a week's drill-down (``selectors_capacity``): the practice side
only (``SEE_CAPACITY``); whose rows a member sees is their reach. A week that is not a
date, not a Monday of the twelve weeks shown, or a row the viewer does not see is a 404
with a sentence, never an error."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.planning import selectors_capacity, selectors_expected, selectors_headsups
from tandem.work.lookups import visible_task

ROW_KINDS = ("person", "client")
NO_SUCH_WEEK = "There is no such week in the plan: open a week from the capacity page."


@member_required(Capability.SEE_CAPACITY)
@require_GET
def capacity(request: MemberRequest) -> HttpResponse:
    page = selectors_capacity.capacity_page(viewer=request.user, now=timezone.now())
    return render(request, "planning/capacity.html", {"page": page})


@member_required(Capability.SEE_CAPACITY)
@require_GET
def capacity_week(request: MemberRequest, week: str, kind: str, row_id: int) -> HttpResponse:
    monday = _monday(week)
    if monday is None or kind not in ROW_KINDS:
        raise Http404(NO_SUCH_WEEK)
    page = selectors_capacity.week_page(
        viewer=request.user, kind=kind, pk=row_id, monday=monday, now=timezone.now()
    )
    if page is None:
        raise Http404(NO_SUCH_WEEK)
    return render(request, "planning/capacity_week.html", {"page": page})


def _monday(text: str) -> date | None:
    """The week's Monday as written in the address (2030-06-10); None for anything else."""
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.weekday() == 0 else None


@member_required(Capability.SEE_CAPACITY)
@require_GET
def task_plan(request: MemberRequest, task_id: int) -> HttpResponse:
    """When the request is expected done (a fragment the request page loads)."""
    task = visible_task(request.user, task_id, select_related=("client__practice", "assignee"))
    plan = selectors_expected.task_plan(task, now=timezone.now())
    return render(request, "planning/task_plan.html", {"plan": plan, "task": task})


@member_required(Capability.SEE_CAPACITY)
@require_GET
def will_miss(request: MemberRequest) -> HttpResponse:
    """The dashboard's planning sections, a fragment the dashboard loads after itself: what
    will miss its deadline, and the heads-ups waiting to be confirmed."""
    found = selectors_expected.will_miss(viewer=request.user, now=timezone.now())
    context = {"will_miss": found, "to_confirm": selectors_headsups.to_confirm(viewer=request.user)}
    return render(request, "planning/will_miss.html", context)
