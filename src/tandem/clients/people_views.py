"""The people page, invitations, and accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.clients import invitations, selectors
from tandem.clients.forms import AcceptInvitationForm, InviteMemberForm, RoleForm
from tandem.clients.models import Invitation
from tandem.core import services as core_services
from tandem.core.errors import DomainError
from tandem.core.models import Membership
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require


@member_required(Capability.VIEW_PEOPLE)
@require_GET
def people(request: MemberRequest) -> HttpResponse:
    page = selectors.people_page(viewer=request.user)
    return render(request, "clients/people.html", {"page": page, "role_form": RoleForm()})


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
    return render(request, "clients/member_invite.html", {"form": form})


def _visible_invitation(request: MemberRequest, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.visible_to(request.user).select_related("practice"),
        pk=invitation_id,
    )


def _back_from(request: MemberRequest, invitation: Invitation) -> HttpResponse:
    """Back to the client's page when the button was there, else to the people page."""
    if request.POST.get("next") == "client" and invitation.client_id:
        return redirect("clients:client-detail", client_id=invitation.client_id)
    return redirect("clients:people")


@member_required()
@require_POST
def invitation_resend(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = _visible_invitation(request, invitation_id)
    try:
        invitations.resend_invitation(invitation, actor=request.user, request=request)
        messages.success(request, f"A new link is on its way to {invitation.email}.")
    except DomainError as error:
        messages.error(request, error.message)
    return _back_from(request, invitation)


@member_required()
@require_POST
def invitation_revoke(request: MemberRequest, invitation_id: int) -> HttpResponse:
    invitation = _visible_invitation(request, invitation_id)
    try:
        invitations.revoke_invitation(invitation, actor=request.user, request=request)
        messages.success(request, f"The invitation for {invitation.email} no longer works.")
    except DomainError as error:
        messages.error(request, error.message)
    return _back_from(request, invitation)


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
    if not form.is_valid():
        messages.error(request, "Pick owner or assistant.")
        return redirect("clients:people")
    try:
        core_services.change_role(
            member, role=form.cleaned_data["role"], actor=request.user, request=request
        )
        messages.success(
            request, f"{member.user.display_name} is now {member.get_role_display().lower()}."
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clients:people")


@member_required()
@require_POST
def member_remove(request: MemberRequest, membership_id: int) -> HttpResponse:
    member = _visible_member(request, membership_id)
    require(request.user, Capability.CHANGE_ROLES)
    try:
        core_services.deactivate_member(member, actor=request.user, request=request)
        messages.success(
            request, f"{member.user.display_name} no longer has access to the practice."
        )
    except DomainError as error:
        messages.error(request, error.message)
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
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.practice.name}.")
            return redirect("core:home")
    return render(
        request,
        "clients/invitation_accept.html",
        {"invitation": invitation, "form": form, "signed_in_as": signed_in_as},
    )
