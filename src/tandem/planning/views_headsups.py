"""Heads-up pages: the lists (the practice's, the portal's), "Tell us what's coming", and the
buttons that confirm, decline, withdraw and make a request of one.

Thin: fetch through ``visible_to`` (missing and not visible are both 404), bind the form,
call one service. A refusal comes back as the page it was sent from, status 400, with the
sentence beside the field, or beside the row's buttons, and what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, form_status, parse_id
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.planning import headsups as services
from tandem.planning.forms_headsups import DeclineForm, HeadsUpForm
from tandem.planning.models_headsups import HeadsUp
from tandem.planning.models_policy import planning_policy
from tandem.planning.selectors_headsups import clients_to_give_for, heads_ups_page

LIST_TEMPLATE = "planning/heads_ups.html"
FORM_TEMPLATE = "planning/heads_up_form.html"


def _list_name(request: MemberRequest) -> str:
    practice_side = access.is_practice_side(access.member(request.user))
    return "planning:heads-ups" if practice_side else "planning:portal-heads-ups"


def _render_list(
    request: MemberRequest,
    *,
    refusal: Refusal | None = None,
    decline_form: tuple[int, DeclineForm] | None = None,
) -> HttpResponse:
    page = heads_ups_page(viewer=request.user)
    shown = {item.pk for item in (*page.open, *page.ended)}
    if refusal is not None and refusal.target_id not in shown:
        # Its row is not on the page (an archived client's, an old one): say it at the top.
        refusal = Refusal(refusal.message, refusal.where)
    forms = {item.pk: DeclineForm(heads_up_id=item.pk) for item in page.open}
    if decline_form is not None:
        forms[decline_form[0]] = decline_form[1]
    context: dict[str, Any] = {
        "page": page,
        "rows": [(item, forms.get(item.pk)) for item in page.open],
        "refusal": refusal,
    }
    refused = refusal is not None or decline_form is not None
    return render(request, LIST_TEMPLATE, context, status=400 if refused else 200)


@member_required(Capability.CONFIRM_HEADS_UP)
@require_GET
def heads_ups(request: MemberRequest) -> HttpResponse:
    """The practice's heads-ups across the clients the viewer serves, tentative first."""
    return _render_list(request)


@member_required(Capability.USE_PORTAL)
@require_GET
def portal_heads_ups(request: MemberRequest) -> HttpResponse:
    """The client's own heads-ups and their state."""
    return _render_list(request)


# Giving one -----------------------------------------------------------------------------------


def _chosen_client(request: MemberRequest, source: Any) -> Client | None:
    """The client asked for (``?client=<id>``, or the posted one), 404 when not one the
    viewer may give for; without one, the viewer's only client, or None (pick one first)."""
    clients = Client.objects.visible_to(request.user).active().select_related("practice")
    asked = parse_id(source.get("client") or request.GET.get("client"))
    if asked is not None:
        return get_object_or_404(clients, pk=asked)
    only = list(clients[:2])
    return only[0] if len(only) == 1 else None


@member_required(Capability.GIVE_HEADS_UP)
@require_http_methods(["GET", "POST"])
def heads_up_add(request: MemberRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    client = _chosen_client(request, source)
    if client is None:
        context: dict[str, Any] = {
            "clients": clients_to_give_for(request.user),
            "list_name": _list_name(request),
        }
        return render(request, FORM_TEMPLATE, context)
    policy = planning_policy(client.practice_id)
    if request.method == "GET":
        initial = {
            # Filled in from a check-in's answer (``check_ins.heads_up_link``).
            "what": request.GET.get("what", "")[:200],
            "details": request.GET.get("details", "")[:5000],
            "check_in": request.GET.get("check_in", ""),
        }
        form = HeadsUpForm(initial=initial, client=client, policy=policy)
    else:
        form = HeadsUpForm(request.POST, client=client, policy=policy)
        if form.is_valid() and _give(request, form, client):
            return redirect(_list_name(request))
    page: dict[str, Any] = {"form": form, "client": client, "list_name": _list_name(request)}
    return render(request, FORM_TEMPLATE, page, status=form_status(form))


def _give(request: MemberRequest, form: HeadsUpForm, client: Client) -> bool:
    data = form.cleaned_data
    try:
        size = services.size_of(
            practice_id=client.practice_id, hours=data["hours"], letter=data["size"]
        )
        heads_up = services.give_heads_up(
            client,
            actor=request.user,
            what=data["what"],
            details=data["details"],
            size=size,
            due_at=data["deadline"],
            materials_expected_at=data["waiting_until"],
            repeats=data["repeats"],
            from_check_in_id=data["check_in"],
        )
    except DomainError as error:
        form.add_domain_error(error)
        return False
    if request.user.membership.is_contact:
        said = (
            f"Thank you: {client.practice.name} knows “{heads_up.what}” is coming. It is "
            "tentative until they confirm it and reserve the time."
        )
    else:
        said = (
            f"Heads-up noted for {client.name}: “{heads_up.what}”. It is tentative until "
            "it is confirmed, which reserves the time."
        )
    messages.success(request, said)
    return True


# Its buttons ----------------------------------------------------------------------------------


def _visible_heads_up(request: MemberRequest, heads_up_id: int) -> HeadsUp:
    rows = HeadsUp.objects.visible_to(request.user).select_related(
        "client__practice", "created_by", "settled_by"
    )
    return get_object_or_404(rows, pk=heads_up_id)


def _refused(request: MemberRequest, heads_up: HeadsUp, error: DomainError) -> HttpResponse:
    return _render_list(request, refusal=Refusal(error.message, "heads-up", target_id=heads_up.pk))


def _done(request: MemberRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_list_name(request))


@member_required(Capability.CONFIRM_HEADS_UP)
@require_POST
def heads_up_confirm(request: MemberRequest, heads_up_id: int) -> HttpResponse:
    heads_up = _visible_heads_up(request, heads_up_id)
    try:
        services.confirm_heads_up(heads_up, actor=request.user)
    except DomainError as error:
        return _refused(request, heads_up, error)
    return _done(request, f"Confirmed “{heads_up.what}”: its hours are reserved.")


@member_required(Capability.CONFIRM_HEADS_UP)
@require_POST
def heads_up_decline(request: MemberRequest, heads_up_id: int) -> HttpResponse:
    heads_up = _visible_heads_up(request, heads_up_id)
    form = DeclineForm(request.POST, heads_up_id=heads_up.pk)
    if form.is_valid():
        try:
            services.decline_heads_up(
                heads_up, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if error.field != "reason":
                return _refused(request, heads_up, error)
            form.add_error("reason", error.message)
        else:
            return _done(request, f"Declined “{heads_up.what}”; the client can read why.")
    return _render_list(request, decline_form=(heads_up.pk, form))


@member_required(Capability.GIVE_HEADS_UP)
@require_POST
def heads_up_withdraw(request: MemberRequest, heads_up_id: int) -> HttpResponse:
    heads_up = _visible_heads_up(request, heads_up_id)
    try:
        services.withdraw_heads_up(heads_up, actor=request.user)
    except DomainError as error:
        return _refused(request, heads_up, error)
    return _done(request, f"Withdrawn: “{heads_up.what}” is no longer coming.")


@member_required(Capability.CONFIRM_HEADS_UP)
@require_POST
def heads_up_to_request(request: MemberRequest, heads_up_id: int) -> HttpResponse:
    heads_up = _visible_heads_up(request, heads_up_id)
    try:
        task = services.make_request(heads_up, actor=request.user)
    except DomainError as error:
        return _refused(request, heads_up, error)
    messages.success(request, f"“{task.title}” is now a request, accepted with its hours.")
    return redirect("work:task-detail", task_id=task.pk)
