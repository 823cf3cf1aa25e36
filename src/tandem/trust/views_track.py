"""A client's track record (both sides), the client's answer to the next phase it suggests,
and the practice's thresholds (the owner)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.delegation import phases
from tandem.trust import promotion
from tandem.trust.forms import TrustPolicyForm
from tandem.trust.models_track import trust_policy
from tandem.trust.track_record import suggestion_for

C = Capability


@member_required()
@require_http_methods(["GET"])
def track_record(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    require(request.user, C.SEE_TRACK_RECORD)
    standing = access.standing_of_visible(request.user, client)
    now = timezone.now()
    record, suggestion = suggestion_for(client, viewer=request.user, now=now)
    context = {
        "client": client,
        "record": record,
        "suggestion": suggestion,
        "current": phases.description(client.phase),
        "is_client_side": standing.side == access.Side.CLIENT,
        "may_decide": standing.allows(C.CHANGE_PHASE),
        "open": promotion.open_suggestion(client, viewer=request.user),
    }
    return render(request, "trust/track_record.html", context)


@member_required()
@require_POST
def answer(request: MemberRequest, client_id: int) -> HttpResponse:
    """The client moves up to the suggested phase, or says "not yet"."""
    client = visible_client(request.user, client_id)
    move_up = request.POST.get("answer") == "move_up"
    try:
        answered = promotion.answer_now(
            client, actor=request.user, move_up=move_up, now=timezone.now()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if move_up:
            now_in = phases.short_name(answered.to_phase)
            messages.success(request, f"{client.name} is now in {now_in}.")
        else:
            messages.success(request, "Noted: Tandem will not suggest it again for a month.")
    return redirect("trust:track-record", client_id=client.pk)


@member_required(C.MANAGE_PRACTICE)
@require_http_methods(["GET", "POST"])
def trust_settings(request: MemberRequest) -> HttpResponse:
    practice = request.user.membership.practice
    policy = trust_policy(practice.pk)
    form = TrustPolicyForm(request.POST if request.method == "POST" else None, instance=policy)
    if form.is_valid():
        saved = form.save(commit=False)
        saved.practice = practice
        saved.updated_at = timezone.now()
        saved.save()
        messages.success(request, "Saved: suggestions follow these thresholds from now on.")
        return redirect("trust:settings")
    return render(request, "trust/trust_settings.html", {"form": form}, status=form_status(form))
