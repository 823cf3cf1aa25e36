"""Clients: the list, adding and editing one, inviting its contacts. Thin: fetch, bind, call,
render. Refused input re-renders the form (400) with the typed values and each sentence
beside its field.

A client's own page, its buttons, the dashboard and the portal show other apps' work too,
so they are composed above this app, in ``home``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.clients import invitations, selectors, services
from tandem.clients.forms import ClientForm, InviteContactForm
from tandem.clients.lookups import visible_client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import form_status
from tandem.core.roles import Capability, Role
from tandem.core.tenancy import MemberRequest, member_required, require


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
            return redirect("home:client-detail", client_id=client.pk)
    context = {"form": form, "client": None}
    return render(request, "clients/client_form.html", context, status=form_status(form))


@member_required()
@require_http_methods(["GET", "POST"])
def client_edit(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    require(request.user, Capability.MANAGE_CLIENTS)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(client, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Client details saved.")
            return redirect("home:client-detail", client_id=client.pk)
    context = {"form": form, "client": client}
    return render(request, "clients/client_form.html", context, status=form_status(form))


@member_required()
@require_http_methods(["GET", "POST"])
def contact_invite(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
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
            return redirect("home:client-detail", client_id=client.pk)
    context = {"form": form, "client": client}
    return render(request, "clients/contact_invite.html", context, status=form_status(form))
