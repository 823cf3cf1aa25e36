"""The people page, invitations, and accepting an invitation.

A refused form re-renders its page (400) with the typed values and each sentence beside its
field; a refused button re-renders the people page (400) with the sentence where it was.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.clients import invitations, selectors
from tandem.clients.forms import AcceptInvitationForm, InviteMemberForm, RoleForm
from tandem.clients.lookups import visible_invitation
from tandem.clients.models import Invitation
from tandem.core import services as core_services
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, form_status
from tandem.core.models import Membership
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require


@member_required(Capability.VIEW_PEOPLE)
@require_GET
def people(request: MemberRequest) -> HttpResponse:
    return _people_page(request)


def _people_page(
    request: MemberRequest, *, refusal: Refusal | None = None, status: int = 200
) -> HttpResponse:
    """The people page; a refused button's sentence is shown where the button was."""
    page = selectors.people_page(viewer=request.user)
    context = {"page": page, "refusal": refusal}
    return render(request, "clients/people.html", context, status=status)


@member_required(Capability.INVITE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_invite(request: MemberRequest) -> HttpResponse:
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite(
                actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("clients:people")
    return render(request, "clients/member_invite.html", {"form": form}, status=form_status(form))


# A contact's invitation is also listed on its client's page, whose own buttons post to
# home.views (they re-render that page instead).


@member_required()
@require_POST
def invitation_resend(request: MemberRequest, invitation_id: int) -> HttpResponse:
    done = "A new link is on its way to {email}."
    return _on_invitation(request, invitation_id, invitations.resend_invitation, done)


@member_required()
@require_POST
def invitation_revoke(request: MemberRequest, invitation_id: int) -> HttpResponse:
    done = "The invitation for {email} no longer works."
    return _on_invitation(request, invitation_id, invitations.revoke_invitation, done)


def _on_invitation(
    request: MemberRequest,
    invitation_id: int,
    action: Callable[..., Invitation],
    done: str,
) -> HttpResponse:
    """Resend or revoke an invitation; a refusal comes back beside the people page's
    invitations, success goes back to that page saying ``done`` (its ``{email}``)."""
    invitation = visible_invitation(request.user, invitation_id)
    try:
        action(invitation, actor=request.user, request=request)
    except DomainError as error:
        refusal = Refusal(error.message, where="invitations")
        return _people_page(request, refusal=refusal, status=400)
    messages.success(request, done.format(email=invitation.email))
    return redirect("clients:people")


def _visible_member(request: MemberRequest, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("practice", "user"),
        pk=membership_id,
    )


@member_required()
@require_POST
def member_role(request: MemberRequest, membership_id: int) -> HttpResponse:
    member = _visible_member(request, membership_id)
    require(request.user, Capability.CHANGE_ROLES)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            core_services.change_role(
                member, role=form.cleaned_data["role"], actor=request.user, request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            role = member.get_role_display().lower()
            messages.success(request, f"{member.user.display_name} is now {role}.")
            return redirect("clients:people")
    refusal = Refusal.of(form, where="member", target_id=member.pk)
    return _people_page(request, refusal=refusal, status=400)


@member_required()
@require_POST
def member_remove(request: MemberRequest, membership_id: int) -> HttpResponse:
    member = _visible_member(request, membership_id)
    require(request.user, Capability.CHANGE_ROLES)
    try:
        core_services.deactivate_member(member, actor=request.user, request=request)
    except DomainError as error:
        refusal = Refusal(error.message, where="member", target_id=member.pk)
        return _people_page(request, refusal=refusal, status=400)
    messages.success(request, f"{member.user.display_name} no longer has access to the practice.")
    return redirect("clients:people")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open to visitors: the signed link is what lets them in."""
    try:
        invitation = invitations.invitation_from_token(token)
        invitations.check_usable(invitation)
    except DomainError as error:
        return render(
            request, "clients/invitation_invalid.html", {"message": error.message}, status=404
        )
    signed_in_as: User | None = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None, initial={"name": invitation.name})
    if signed_in_as is not None:
        form = AcceptInvitationForm(request.POST or None, initial={"name": signed_in_as.name})
        for field in ("password1", "password2"):
            form.fields[field].required = False
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(
                invitation,
                signed_in_as=signed_in_as,
                name=form.cleaned_data["name"],
                password=form.cleaned_data.get("password1") or "",
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if signed_in_as is None:
                login(request, user, backend="tandem.accounts.backends.MemberBackend")
            messages.success(request, f"Welcome to {invitation.practice.name}.")
            return redirect("core:home")
    context = {"invitation": invitation, "form": form, "signed_in_as": signed_in_as}
    return render(request, "clients/invitation_accept.html", context, status=form_status(form))
