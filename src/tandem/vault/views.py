"""The vault's pages (issue 14): a client's vault for both sides, a credential's page, adding
and changing one, revealing it, revoking access, the reveal log, one-time share links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.clients.models import Client
from tandem.core import access, site
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, form_status, parse_id
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.vault import credentials, reveals, selectors, sharing
from tandem.vault.forms import (
    CredentialForm,
    EditCredentialForm,
    RevealForm,
    RevokeForm,
    ShareLinkForm,
)
from tandem.vault.models import AccessEnded, Credential, Grant

C = Capability


def _side(request: MemberRequest, client: Client) -> dict[str, Any]:
    standing = access.standing_of_visible(request.user, client)
    return {
        "is_client_side": standing.side == access.Side.CLIENT,
        "may_store": standing.allows(C.STORE_CREDENTIAL),
        "may_control": standing.allows(C.CONTROL_CREDENTIALS),
        "may_read_log": standing.allows(C.READ_REVEAL_LOG),
    }


@member_required(C.SEE_VAULT)
@require_http_methods(["GET"])
def vault_list(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    page = selectors.vault_page(client, viewer=request.user)
    return render(
        request, "vault/list.html", {"client": client, "page": page, **_side(request, client)}
    )


@member_required(C.STORE_CREDENTIAL)
@require_http_methods(["GET", "POST"])
def credential_add(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    people = list(credentials.nameable(client))
    data = request.POST if request.method == "POST" else None
    form = CredentialForm(data, people=people)
    if form.is_valid():
        try:
            stored = credentials.store_credential(
                client,
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                username=form.cleaned_data["username"],
                secrets=form.secrets(),
                minimum_phase=form.cleaned_data["minimum_phase"],
                named=form.chosen_people(),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"Stored “{stored.name}”, sealed. Only the people named can reveal it."
            )
            return redirect("vault:credential", credential_id=stored.pk)
    context = {"client": client, "form": form, **_side(request, client)}
    return render(request, "vault/credential_form.html", context, status=form_status(form))


def _visible_credential(request: MemberRequest, credential_id: int) -> Credential:
    rows = Credential.objects.visible_to(request.user).select_related(
        "client__practice", "created_by"
    )
    return get_object_or_404(rows, pk=credential_id)


def _credential_page(
    request: MemberRequest, credential: Credential, *, refusal: Refusal | None = None
) -> HttpResponse:
    client = credential.client
    context = {
        "client": client,
        "credential": credential,
        "page": selectors.credential_page(credential, viewer=request.user),
        "refusal": refusal,
        **_side(request, client),
    }
    return render(request, "vault/credential.html", context, status=400 if refusal else 200)


@member_required(C.SEE_VAULT)
@require_http_methods(["GET"])
def credential_detail(request: MemberRequest, credential_id: int) -> HttpResponse:
    return _credential_page(request, _visible_credential(request, credential_id))


@member_required(C.CONTROL_CREDENTIALS)
@require_http_methods(["GET", "POST"])
def credential_edit(request: MemberRequest, credential_id: int) -> HttpResponse:
    credential = _visible_credential(request, credential_id)
    client = credential.client
    people = list(credentials.nameable(client))
    open_now = Grant.objects.filter(credential=credential, ended_at__isnull=True)
    initial = {
        "name": credential.name,
        "url": credential.url,
        "username": credential.username,
        "minimum_phase": credential.minimum_phase,
        "named": [str(pk) for pk in open_now.values_list("user_id", flat=True)],
    }
    data = request.POST if request.method == "POST" else None
    form = EditCredentialForm(data, people=people, initial=initial)
    if form.is_valid():
        try:
            credentials.update_credential(
                credential,
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                username=form.cleaned_data["username"],
                secrets=form.secrets(),
                minimum_phase=form.cleaned_data["minimum_phase"],
                named=form.chosen_people(),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved. Anyone you unticked can no longer reveal it.")
            return redirect("vault:credential", credential_id=credential.pk)
    context = {"client": client, "credential": credential, "form": form, **_side(request, client)}
    return render(request, "vault/credential_form.html", context, status=form_status(form))


@never_cache
@member_required(C.REVEAL_CREDENTIAL)
@require_http_methods(["GET", "POST"])
def credential_reveal(request: MemberRequest, credential_id: int) -> HttpResponse:
    """The reason and password form; a refused member reads why (and gets no form)."""
    credential = _visible_credential(request, credential_id)
    refused = reveals.refusal_for(credential, request.user)
    form = RevealForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"client": credential.client, "credential": credential, "form": form}
    if refused is not None:
        context["refused"] = refused
        return render(request, "vault/reveal.html", context, status=400 if form.is_bound else 200)
    if form.is_valid():
        try:
            revealed = reveals.reveal_secret(
                credential,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            context |= {"revealed": revealed, "seconds": int(reveals.SHOWN_FOR.total_seconds())}
            return render(request, "vault/revealed.html", context)
    return render(request, "vault/reveal.html", context, status=form_status(form))


@member_required(C.CONTROL_CREDENTIALS)
@require_POST
def credential_revoke(request: MemberRequest, credential_id: int) -> HttpResponse:
    credential = _visible_credential(request, credential_id)
    named = Grant.objects.filter(credential=credential, ended_at__isnull=True).select_related(
        "user"
    )
    form = RevokeForm(request.POST, people=[grant.user for grant in named])
    if not form.is_valid():
        return _credential_page(request, credential, refusal=Refusal.of(form, where="access"))
    person = form.chosen()
    try:
        if person is not None:
            credentials.revoke_access(
                credential, actor=request.user, person=person, request=request
            )
        else:
            credentials.revoke_everyone(credential, actor=request.user, request=request)
    except DomainError as error:
        return _credential_page(request, credential, refusal=Refusal(error.message, "access"))
    if person is not None:
        done = f"Revoked: {person.display_name} can no longer reveal “{credential.name}”."
    else:
        done = f"Revoked: nobody at the practice can reveal “{credential.name}” now."
    messages.success(request, done)
    return redirect("vault:credential", credential_id=credential.pk)


@member_required(C.CONTROL_CREDENTIALS)
@require_POST
def credential_delete(request: MemberRequest, credential_id: int) -> HttpResponse:
    credential = _visible_credential(request, credential_id)
    try:
        credentials.delete_credential(credential, actor=request.user, request=request)
    except DomainError as error:
        return _credential_page(request, credential, refusal=Refusal(error.message, "delete"))
    messages.success(
        request, f"Deleted “{credential.name}”: its secrets are gone. Its reveal log stays."
    )
    return redirect("vault:list", client_id=credential.client_id)


@member_required(C.READ_REVEAL_LOG)
@require_http_methods(["GET"])
def reveal_log(request: MemberRequest, client_id: int) -> HttpResponse:
    """Newest first, a page at a time (``?before=<id>``); ``?credential=<id>`` for one. A
    value that is no id is ignored (the newest entries, every credential)."""
    client = visible_client(request.user, client_id)
    credential_id = parse_id(request.GET.get("credential"))
    credential = None
    if credential_id is not None:
        credential = Credential.objects.filter(client=client, pk=credential_id).first()
    page = selectors.reveal_log(
        client,
        viewer=request.user,
        credential_id=credential.pk if credential else None,
        before=parse_id(request.GET.get("before")),
    )
    context = {
        "client": client,
        "page": page,
        "credential": credential,
        "is_first_page": "before" not in request.GET,
        **_side(request, client),
    }
    return render(request, "vault/log.html", context)


@never_cache
@member_required(C.CONTROL_CREDENTIALS)
@require_http_methods(["GET", "POST"])
def share_new(request: MemberRequest, client_id: int) -> HttpResponse:
    """Making a link shows it here, once: its token is never stored, so this answer (not a
    redirect to a page that would need it again) is the only place it appears."""
    client = visible_client(request.user, client_id)
    form = ShareLinkForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"client": client, "form": form}
    if form.is_valid():
        try:
            made = sharing.make_share_link(
                client,
                actor=request.user,
                label=form.cleaned_data["label"],
                secret=form.cleaned_data["secret"],
                lifetime=form.cleaned_data["lifetime"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            address = site.absolute(client.practice, reverse("vault:share-open", args=[made.token]))
            context |= {"made": made.link, "address": address}
            return render(request, "vault/share_made.html", context)
    return render(request, "vault/share_new.html", context, status=form_status(form))


@never_cache
@member_required(C.OPEN_SHARE_LINK)
@require_http_methods(["GET", "POST"])
def share_open(request: MemberRequest, token: str) -> HttpResponse:
    """GET asks before opening (a link preview must not use the one view up); POST opens.
    An unknown token, or a link of a client the member does not work on, is missing."""
    link = sharing.find_link(token)
    if link is None or not access.standing(request.user, link.client).sees:
        raise Http404("No such link.")
    context: dict[str, Any] = {"link": link, "client": link.client}
    gone = sharing.gone_sentence(link)
    if gone is not None:
        return render(request, "vault/share_open.html", context | {"gone": gone}, status=410)
    if request.method == "POST":
        try:
            secret = sharing.open_share_link(link, actor=request.user, request=request)
        except sharing.LinkGoneError as error:
            return render(
                request, "vault/share_open.html", context | {"gone": error.message}, status=410
            )
        except DomainError as error:
            return render(
                request, "vault/share_open.html", context | {"error": error.message}, status=400
            )
        context |= {"secret": secret, "seconds": int(reveals.SHOWN_FOR.total_seconds())}
    return render(request, "vault/share_open.html", context)


@member_required(C.CONTROL_CREDENTIALS)
@require_POST
def notice_dismiss(request: MemberRequest, client_id: int, notice_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    notices = AccessEnded.objects.visible_to(request.user).filter(client=client)
    notice = get_object_or_404(notices.select_related("user"), pk=notice_id)
    credentials.dismiss_notice(notice, actor=request.user)
    messages.success(request, f"Dismissed the notice about {notice.user.display_name}.")
    return redirect("vault:list", client_id=client.pk)
