"""The dashboard, the portal home and a client's page, and the buttons of a client's page.

Thin: fetch through ``visible_to`` (not visible is a 404), call one service, render what
``home.selectors`` composed. A refused form or button re-renders the page it lives on with
status 400 and the sentence where the person acted (beside the field, or beside the
button's section); success redirects back with a message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tandem.clients import invitations, services
from tandem.clients import selectors as clients_selectors
from tandem.clients.forms import AssignForm
from tandem.clients.lookups import visible_client, visible_invitation
from tandem.clients.models import Client, Invitation
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal
from tandem.core.models import Membership
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.home import selectors


@member_required(Capability.VIEW_CLIENTS)
@require_GET
def dashboard(request: MemberRequest) -> HttpResponse:
    page = selectors.dashboard_page(
        viewer=request.user, now=timezone.now(), zone=timezone.get_current_timezone()
    )
    return render(request, "home/dashboard.html", {"page": page})


@member_required(Capability.USE_PORTAL)
@require_GET
def portal_home(request: MemberRequest) -> HttpResponse:
    page = selectors.portal_page(viewer=request.user, now=timezone.now())
    status = 200 if page.client is not None else 403
    return render(request, "home/portal_home.html", {"page": page}, status=status)


# A client's page ----------------------------------------------------------------------------


@member_required()
@require_GET
def client_detail(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    require(request.user, Capability.VIEW_CLIENTS)
    return _client_page(request, client)


def _client_page(
    request: MemberRequest,
    client: Client,
    *,
    assign_form: AssignForm | None = None,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    """The client's page; a posted form that was refused replaces its blank twin."""
    page = selectors.client_page(viewer=request.user, client=client, now=timezone.now())
    context = {
        "page": page,
        "client": client,
        "assign_form": assign_form or AssignForm(choices=_assignable(page.detail)),
        "refusal": refusal,
    }
    return render(request, "home/client_detail.html", context, status=status)


def _assignable(detail: clients_selectors.ClientDetail) -> list[tuple[int, str]]:
    return [(member.user_id, member.user.display_name) for member in detail.assignable]


def _back_to_client(request: MemberRequest, client: Client, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("home:client-detail", client_id=client.pk)


@member_required()
@require_POST
def client_archive(request: MemberRequest, client_id: int) -> HttpResponse:
    done = "{name} is archived. Its contacts can no longer sign in to the portal."
    return _on_client(request, client_id, services.archive_client, done)


@member_required()
@require_POST
def client_restore(request: MemberRequest, client_id: int) -> HttpResponse:
    return _on_client(request, client_id, services.restore_client, "{name} is active again.")


def _on_client(
    request: MemberRequest, client_id: int, action: Callable[..., Client], done: str
) -> HttpResponse:
    """Archive or restore the client (owners: 403 for others); a refusal comes back beside
    the page's actions, success goes back to the page saying ``done`` (its ``{name}``)."""
    client = visible_client(request.user, client_id)
    require(request.user, Capability.MANAGE_CLIENTS)
    try:
        action(client, actor=request.user, request=request)
    except DomainError as error:
        refusal = Refusal(error.message, where="actions")
        return _client_page(request, client, refusal=refusal, status=400)
    return _back_to_client(request, client, done.format(name=client.name))


@member_required()
@require_POST
def client_assign(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    require(request.user, Capability.ASSIGN_ASSISTANTS)
    detail = clients_selectors.client_detail(viewer=request.user, client=client)
    form = AssignForm(request.POST, choices=_assignable(detail))
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
            message = f"{assistant.user.display_name} now works on {client.name}."
            return _back_to_client(request, client, message)
    return _client_page(request, client, assign_form=form, status=400)


@member_required()
@require_POST
def client_unassign(request: MemberRequest, client_id: int, user_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    require(request.user, Capability.ASSIGN_ASSISTANTS)
    # Anyone of the practice: someone a colleague unassigned a moment ago is refused beside
    # the button, not a 404. Through the user's own id, not the foreign key: only a plain
    # integer field's lookup turns an id too large for the database into "no rows".
    members = Membership.objects.visible_to(request.user).select_related("user")
    person = get_object_or_404(members, user__id=user_id).user
    try:
        services.unassign_assistant(client, assistant=person, actor=request.user, request=request)
    except DomainError as error:
        refusal = Refusal(error.message, where="assistants")
        return _client_page(request, client, refusal=refusal, status=400)
    message = f"{person.display_name} no longer works on {client.name}."
    return _back_to_client(request, client, message)


# A contact's invitation, from the client's page: the people page has its own buttons for
# the same actions (clients.people_views), which re-render the people page instead.


def _on_contact_invitation(
    request: MemberRequest,
    client_id: int,
    invitation_id: int,
    action: Callable[..., Invitation],
    done: str,
) -> HttpResponse:
    """Resend or revoke one of the client's contact invitations; a refusal comes back beside
    the Contacts section, success goes back to the page saying ``done`` (its ``{email}``)."""
    client = visible_client(request.user, client_id)
    invitation = visible_invitation(request.user, invitation_id, of_client=client)
    try:
        action(invitation, actor=request.user, request=request)
    except DomainError as error:
        refusal = Refusal(error.message, where="contacts")
        return _client_page(request, client, refusal=refusal, status=400)
    return _back_to_client(request, client, done.format(email=invitation.email))


@member_required()
@require_POST
def contact_invitation_resend(
    request: MemberRequest, client_id: int, invitation_id: int
) -> HttpResponse:
    done = "A new link is on its way to {email}."
    return _on_contact_invitation(
        request, client_id, invitation_id, invitations.resend_invitation, done
    )


@member_required()
@require_POST
def contact_invitation_revoke(
    request: MemberRequest, client_id: int, invitation_id: int
) -> HttpResponse:
    done = "The invitation for {email} no longer works."
    return _on_contact_invitation(
        request, client_id, invitation_id, invitations.revoke_invitation, done
    )
