"""The practice's planning settings page (owner only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.core.errors import DomainError
from tandem.core.forms import form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.planning.forms_policy import PlanningPolicyForm
from tandem.planning.models_policy import planning_policy
from tandem.planning.policy import set_planning_policy


@member_required(Capability.MANAGE_PRACTICE)
@require_http_methods(["GET", "POST"])
def planning_settings(request: MemberRequest) -> HttpResponse:
    practice = request.user.membership.practice
    form = PlanningPolicyForm(
        request.POST if request.method == "POST" else None,
        initial=PlanningPolicyForm.initial_from(planning_policy(practice.pk)),
    )
    if form.is_valid():
        try:
            set_planning_policy(practice, actor=request.user, choices=form.choices())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved: Tandem plans with these settings from now on.")
            return redirect("planning:settings")
    return render(
        request, "planning/planning_settings.html", {"form": form}, status=form_status(form)
    )
