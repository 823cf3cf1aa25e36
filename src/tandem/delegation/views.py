"""The delegation catalogue (the owner keeps it) and a client's phase page (both sides)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.delegation import phases, selectors, services
from tandem.delegation.forms import PhaseChangeForm, WorkKindForm
from tandem.delegation.models import PhaseChange, WorkKind

C = Capability


def _own_kind(request: MemberRequest, kind_id: int) -> WorkKind:
    kinds = WorkKind.objects.of_practice(request.user.membership.practice_id).in_use()
    return get_object_or_404(kinds, pk=kind_id)


@member_required(C.KEEP_CATALOGUE)
@require_http_methods(["GET", "POST"])
def catalogue(request: MemberRequest) -> HttpResponse:
    """The catalogue, by phase, with a form to add a kind (the page again when refused)."""
    form = WorkKindForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            kind = services.add_kind(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"“{kind.name}” is in the catalogue.")
            return redirect("delegation:catalogue")
    return _catalogue_page(request, form)


def _catalogue_page(
    request: MemberRequest, form: WorkKindForm, *, editing: WorkKind | None = None
) -> HttpResponse:
    kinds = selectors.catalogue(request.user.membership.practice_id)
    by_phase = [
        (description, [kind for kind in kinds if kind.phase == number])
        for number, description in sorted(phases.DESCRIPTIONS.items())
    ]
    context = {"form": form, "by_phase": by_phase, "editing": editing}
    return render(request, "delegation/catalogue.html", context, status=form_status(form))


@member_required(C.KEEP_CATALOGUE)
@require_http_methods(["GET", "POST"])
def kind_edit(request: MemberRequest, kind_id: int) -> HttpResponse:
    kind = _own_kind(request, kind_id)
    if request.method == "POST":
        form = WorkKindForm(request.POST)
        if form.is_valid():
            try:
                services.update_kind(kind, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"“{kind.name}” is saved.")
                return redirect("delegation:catalogue")
    else:
        form = WorkKindForm(initial=WorkKindForm.initial_from(kind))
    return render(
        request,
        "delegation/kind_form.html",
        {"form": form, "kind": kind},
        status=form_status(form),
    )


@member_required(C.KEEP_CATALOGUE)
@require_POST
def kind_retire(request: MemberRequest, kind_id: int) -> HttpResponse:
    kind = _own_kind(request, kind_id)
    services.retire_kind(kind, actor=request.user)
    messages.success(
        request, f"“{kind.name}” is out of the catalogue; requests that named it keep it."
    )
    return redirect("delegation:catalogue")


@member_required(C.SEE_PHASE)
@require_http_methods(["GET", "POST"])
def phase_page(request: MemberRequest, client_id: int) -> HttpResponse:
    """The client's phase, its job description and the next one's, the kinds of work in
    each, the standing go-aheads and the history; the client changes it here, the practice
    may step it back."""
    client = visible_client(request.user, client_id)
    standing = access.standing_of_visible(request.user, client)
    form = PhaseChangeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.change_phase(client, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{client.name} is now in {phases.short_name(client.phase)}.")
            return redirect("delegation:phase", client_id=client.pk)
    return _phase_page(request, client, standing, form)


def _phase_page(
    request: MemberRequest, client: Client, standing: access.Standing, form: PhaseChangeForm
) -> HttpResponse:
    kinds = selectors.catalogue(client.practice_id)
    may_change = standing.allows(C.CHANGE_PHASE)
    may_step_back = not may_change and standing.allows(C.STEP_BACK_PHASE) and client.phase > 1
    history = selectors.phase_history(client, request.user)
    latest = history[0] if history else None
    reversible = (
        latest is not None
        and latest.reverses_id is None
        and latest.to_phase == client.phase
        and (
            standing.allows(C.CHANGE_PHASE)
            or (latest.is_promotion and standing.allows(C.STEP_BACK_PHASE))
        )
    )
    context = {
        "client": client,
        "reversible_id": latest.pk if reversible and latest is not None else None,
        "form": form,
        "current": phases.description(client.phase),
        "next": phases.next_description(client.phase),
        "rows": selectors.phase_rows(client, kinds),
        "history": history,
        "go_aheads": selectors.standing_go_aheads(client, request.user),
        "above_kinds": [kind for kind in kinds if kind.phase > client.phase],
        "may_change": may_change,
        "may_step_back": may_step_back,
        "may_give_go_ahead": standing.allows(C.GIVE_GO_AHEAD),
        "is_client_side": standing.side == access.Side.CLIENT,
    }
    return render(request, "delegation/phase.html", context, status=form_status(form))


@member_required(C.SEE_PHASE)
@require_POST
def phase_reverse(request: MemberRequest, client_id: int, change_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    change = (
        PhaseChange.objects.visible_to(request.user).filter(client=client, pk=change_id).first()
    )
    if change is None:
        raise Http404
    try:
        services.reverse_change(change, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{client.name} is back in {phases.short_name(change.from_phase)}."
        )
    return redirect("delegation:phase", client_id=client.pk)
