"""A request's kind of work and the client's go-ahead for work above its phase (issue 13)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import parse_id
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.delegation import phases
from tandem.delegation.models import StandingGoAhead, WorkKind
from tandem.work import go_aheads
from tandem.work.kinds import KIND_OF_OTHER_PRACTICE
from tandem.work.lookups import visible_task

C = Capability


@member_required()
@require_http_methods(["GET", "POST"])
def go_ahead(request: MemberRequest, task_id: int) -> HttpResponse:
    """The client's go-ahead for one request above its phase. The link in the mail opens the
    page (GET changes nothing); the button gives it."""
    task = visible_task(request.user, task_id)
    require(request.user, C.GIVE_GO_AHEAD)
    if request.method == "POST":
        try:
            go_aheads.give_go_ahead(
                task, actor=request.user, for_the_kind=request.POST.get("for_the_kind") == "on"
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Thank you: the practice can start this work now.")
        return redirect("work:task-detail", task_id=task.pk)
    standing = access.standing_of_visible(request.user, task.client)
    context = {
        "task": task,
        "client": task.client,
        "waits": access.may_give_go_ahead(standing, task),
        "kind_phase_name": phases.short_name(task.kind_phase),
        "client_phase_name": phases.short_name(task.client.phase),
        "description": phases.description(task.kind_phase) if task.kind_phase else None,
    }
    return render(request, "work/go_ahead.html", context)


@member_required()
@require_http_methods(["GET", "POST"])
def set_kind(request: MemberRequest, task_id: int) -> HttpResponse:
    """The page that names a request's kind of work: the catalogue by phase, with each
    kind's risk; refused (the page again, 400) when the person may not change it now."""
    task = visible_task(request.user, task_id)
    require(request.user, C.NAME_KIND_OF_WORK)
    kinds = go_aheads.kinds_in_use(task.practice_id)
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("kind", "")
        kind = next((k for k in kinds if str(k.pk) == chosen), None)
        try:
            if chosen and kind is None:
                raise DomainError(KIND_OF_OTHER_PRACTICE, field="kind")
            go_aheads.set_kind(task, actor=request.user, kind=kind)
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, "Kind of work saved.")
            return redirect("work:task-detail", task_id=task.pk)
    context = {
        "task": task,
        "groups": [
            (description, [kind for kind in kinds if kind.phase == number])
            for number, description in sorted(phases.DESCRIPTIONS.items())
        ],
        "client_phase_name": phases.short_name(task.client.phase),
        "chosen": request.POST.get("kind", "") if error else str(task.kind_id or ""),
        "error": error,
    }
    return render(request, "work/task_kind_page.html", context, status=400 if error else 200)


@member_required()
@require_POST
def standing_go_ahead(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    require(request.user, C.GIVE_GO_AHEAD)
    kind_id = parse_id(request.POST.get("kind"))
    kinds = WorkKind.objects.of_practice(client.practice_id).in_use()
    kind = kinds.filter(pk=kind_id).first() if kind_id is not None else None
    if kind is None:
        messages.error(request, "Choose the kind of work to give the go-ahead for.")
        return redirect("delegation:phase", client_id=client.pk)
    try:
        go_aheads.give_standing_go_ahead(client, kind, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Go-ahead given for every request of “{kind.name}”.")
    return redirect("delegation:phase", client_id=client.pk)


@member_required()
@require_POST
def standing_go_ahead_withdraw(
    request: MemberRequest, client_id: int, go_ahead_id: int
) -> HttpResponse:
    client = visible_client(request.user, client_id)
    found = get_object_or_404(
        StandingGoAhead.objects.visible_to(request.user).in_force().filter(client=client),
        pk=go_ahead_id,
    )
    require(request.user, C.GIVE_GO_AHEAD)
    try:
        go_aheads.withdraw_standing_go_ahead(found, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Withdrawn: new requests of that kind wait for your go-ahead again."
        )
    return redirect("delegation:phase", client_id=client.pk)
