"""Clients, the practice's dashboard and the client portal. Thin: fetch, bind, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.clients import invitations, selectors, services
from tandem.clients.forms import AssignForm, ClientForm, InviteContactForm
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.models import Membership
from tandem.core.roles import Capability, Role
from tandem.core.tenancy import MemberRequest, member_required, require


def _visible_client(request: MemberRequest, client_id: int) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.user).select_related("practice"),
        pk=client_id,
    )


@member_required(Capability.VIEW_CLIENTS)
@require_GET
def dashboard(request: MemberRequest) -> HttpResponse:
    user: User = request.user
    runs_practice = access.allows(user, Capability.MANAGE_PRACTICE)
    context = {
        "onboarding": selectors.onboarding(viewer=user) if runs_practice else None,
        "clients": selectors.first_clients(viewer=user, limit=8),
    }
    return render(request, "clients/dashboard.html", context)


@member_required(Capability.VIEW_CLIENTS)
@require_GET
def client_list(request: MemberRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    archived = request.GET.get("archived") == "1" and access.sees_whole_practice(
        request.user.membership
    )
    page = selectors.client_page(
        viewer=request.user,
        search=search,
        archived=archived,
        page_number=request.GET.get("page"),
    )
    context = {"page": page, "search": search, "archived": archived}
    template = "clients/client_list.html#results" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


@member_required(Capability.MANAGE_CLIENTS)
@require_http_methods(["GET", "POST"])
def client_create(request: MemberRequest) -> HttpResponse:
    practice = request.user.membership.practice
    form = ClientForm(request.POST or None, initial={"time_zone": practice.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(
                actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"{client.name} added. Next, invite their contact and assign an assistant."
            )
            return redirect("clients:client-detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@member_required()
@require_GET
def client_detail(request: MemberRequest, client_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.VIEW_CLIENTS)
    detail = selectors.client_detail(viewer=request.user, client=client)
    assign_form = AssignForm(choices=[(m.user_id, m.user.display_name) for m in detail.assignable])
    return render(
        request,
        "clients/client_detail.html",
        {
            "detail": detail,
            "client": client,
            "assign_form": assign_form,
            "invite_form": InviteContactForm(),
        },
    )


@member_required()
@require_http_methods(["GET", "POST"])
def client_edit(request: MemberRequest, client_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.MANAGE_CLIENTS)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(client, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Client details saved.")
            return redirect("clients:client-detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@member_required()
@require_POST
def client_archive(request: MemberRequest, client_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.MANAGE_CLIENTS)
    try:
        services.archive_client(client, actor=request.user, request=request)
        messages.success(
            request, f"{client.name} is archived. Its contacts can no longer sign in to the portal."
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clients:client-detail", client_id=client.pk)


@member_required()
@require_POST
def client_restore(request: MemberRequest, client_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.MANAGE_CLIENTS)
    try:
        services.restore_client(client, actor=request.user, request=request)
        messages.success(request, f"{client.name} is active again.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clients:client-detail", client_id=client.pk)


@member_required()
@require_POST
def client_assign(request: MemberRequest, client_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.ASSIGN_ASSISTANTS)
    detail = selectors.client_detail(viewer=request.user, client=client)
    form = AssignForm(
        request.POST, choices=[(m.user_id, m.user.display_name) for m in detail.assignable]
    )
    if form.is_valid():
        assistant = (
            Membership.objects.visible_to(request.user)
            .select_related("user")
            .filter(user_id=form.cleaned_data["assistant"])
            .first()
        )
        try:
            if assistant is None:
                raise DomainError("Pick an assistant of your practice.", field="assistant")
            services.assign_assistant(
                client, assistant=assistant.user, actor=request.user, request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{assistant.user.display_name} now works on {client.name}.")
            return redirect("clients:client-detail", client_id=client.pk)
    return render(
        request,
        "clients/client_detail.html",
        {
            "detail": detail,
            "client": client,
            "assign_form": form,
            "invite_form": InviteContactForm(),
        },
        status=400,
    )


@member_required()
@require_POST
def client_unassign(request: MemberRequest, client_id: int, user_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.ASSIGN_ASSISTANTS)
    # Through the user's own id, not the foreign key: only a plain integer field's lookup
    # turns an id too large for the database into "no rows" instead of an OverflowError.
    assignment = get_object_or_404(client.assignments.select_related("user"), user__id=user_id)
    try:
        services.unassign_assistant(
            client, assistant=assignment.user, actor=request.user, request=request
        )
        messages.success(
            request, f"{assignment.user.display_name} no longer works on {client.name}."
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clients:client-detail", client_id=client.pk)


@member_required()
@require_http_methods(["GET", "POST"])
def contact_invite(request: MemberRequest, client_id: int) -> HttpResponse:
    client = _visible_client(request, client_id)
    require(request.user, Capability.INVITE_CONTACTS)
    form = InviteContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite(
                actor=request.user,
                role=Role.CONTACT,
                client=client,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("clients:client-detail", client_id=client.pk)
    return render(request, "clients/contact_invite.html", {"form": form, "client": client})


@member_required(Capability.USE_PORTAL)
@require_GET
def portal_home(request: MemberRequest) -> HttpResponse:
    portal = selectors.portal_home(viewer=request.user)
    status = 200 if portal.client is not None else 403
    return render(request, "clients/portal_home.html", {"portal": portal}, status=status)
