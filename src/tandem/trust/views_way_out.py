"""An honest way out (issue 13): the referral list (the owner), the way-out page of a
request (the practice offers; both sides read what was offered; the client answers a
subcontract)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.trust import way_out
from tandem.trust.forms_way_out import ReferralForm, WayOutForm
from tandem.trust.models_way_out import Referral, State, WayOut
from tandem.work.lookups import visible_task

C = Capability


@member_required(C.KEEP_REFERRALS)
@require_http_methods(["GET", "POST"])
def referrals(request: MemberRequest) -> HttpResponse:
    practice_id = request.user.membership.practice_id
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            added = way_out.add_referral(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{added.name} is on your referral list.")
            return redirect("trust:referrals")
    listed = list(Referral.objects.of_practice(practice_id).in_use().order_by("kind", "name"))
    context = {"form": form, "referrals": listed}
    return render(request, "trust/way_out/referrals.html", context, status=form_status(form))


@member_required(C.KEEP_REFERRALS)
@require_POST
def referral_retire(request: MemberRequest, referral_id: int) -> HttpResponse:
    practice_id = request.user.membership.practice_id
    referral = get_object_or_404(Referral.objects.of_practice(practice_id).in_use(), pk=referral_id)
    way_out.retire_referral(referral, actor=request.user)
    messages.success(request, f"{referral.name} is off the list; past referrals keep the name.")
    return redirect("trust:referrals")


@member_required()
@require_http_methods(["GET", "POST"])
def task_way_out(request: MemberRequest, task_id: int) -> HttpResponse:
    """What was offered on the request (both sides), and the form that offers a way out
    (the practice side, while the request is open)."""
    task = visible_task(request.user, task_id)
    standing = access.standing_of_visible(request.user, task.client)
    may_offer = standing.allows(C.OFFER_WAY_OUT) and task.is_open
    choices = (
        list(Referral.objects.of_practice(task.practice_id).in_use().order_by("kind", "name"))
        if may_offer
        else []
    )
    form = None
    if request.method == "POST":
        require(request.user, C.OFFER_WAY_OUT)
        form = WayOutForm(request.POST, referrals=choices)
        if form.is_valid():
            try:
                way_out.offer(task, actor=request.user, **form.service_kwargs())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request, "Said honestly. The client can read why, and the way out."
                )
                return redirect("trust:task-way-out", task_id=task.pk)
    elif may_offer:
        form = WayOutForm(referrals=choices)
    offered = list(
        WayOut.objects.visible_to(request.user)
        .filter(task=task)
        .select_related("referral", "offered_by", "answered_by")
        .order_by("-created_at")
    )
    context = {
        "task": task,
        "form": form,
        "offered": offered,
        "may_answer": standing.allows(C.CONSENT_TO_SUBCONTRACT),
        "asked": State.ASKED,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "trust/way_out/task_way_out.html", context, status=status)


@member_required()
@require_POST
def consent(request: MemberRequest, way_out_id: int) -> HttpResponse:
    found = get_object_or_404(WayOut.objects.visible_to(request.user), pk=way_out_id)
    require(request.user, C.CONSENT_TO_SUBCONTRACT)
    agreed = request.POST.get("answer") == "yes"
    try:
        way_out.answer(found, actor=request.user, consent=agreed)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thank you: the practice has your answer.")
    return redirect("trust:task-way-out", task_id=found.task_id)
