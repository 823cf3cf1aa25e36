"""References' pages (issue 14): the owner's References page and its buttons, the client's
consent page in the portal, the public page a prospect asks through, and the references
the practice checked about a client."""

from __future__ import annotations

from functools import wraps
from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.clients.models import Client
from tandem.core import access, site
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.references import checks, consents, links, prospects, selectors
from tandem.references.forms import (
    AutomaticForm,
    CheckForm,
    ConsentForm,
    PassOnForm,
    ProspectForm,
)
from tandem.references.models import Consent, Request, RequestState

C = Capability
# allauth's rate limits (ACCOUNT_RATE_LIMITS in settings), counted in the shared cache.
RATE_ACTION = "reference_request"
TOO_MANY = (
    "Too many requests from here in a short time. Wait a while and send it again: what you "
    "typed is kept below."
)


# The owner's References page --------------------------------------------------------------


def _references_page(request: MemberRequest, *, refusal: Refusal | None = None) -> HttpResponse:
    page = selectors.references_page(viewer=request.user, now=timezone.now())
    practice = request.user.membership.practice
    link_url = (
        site.absolute(practice, reverse("references:public", args=[page.token]))
        if page.token
        else ""
    )
    context = {"page": page, "refusal": refusal, "now": timezone.now(), "link_url": link_url}
    return render(request, "references/references.html", context, status=400 if refusal else 200)


@member_required(C.KEEP_REFERENCES)
@require_http_methods(["GET"])
def references_list(request: MemberRequest) -> HttpResponse:
    return _references_page(request)


@member_required(C.KEEP_REFERENCES)
@require_POST
def ask(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    try:
        consents.ask_to_be_reference(client, actor=request.user)
    except DomainError as error:
        return _references_page(request, refusal=Refusal(error.message, "ask", client.pk))
    messages.success(request, f"Asked {client.name}'s contacts, politely, by e-mail.")
    return redirect("references:list")


@member_required(C.KEEP_REFERENCES)
@require_POST
def link_make(request: MemberRequest) -> HttpResponse:
    try:
        links.make_link(actor=request.user)
    except DomainError as error:
        return _references_page(request, refusal=Refusal(error.message, "link"))
    messages.success(request, "Your link for references is ready: copy it below and share it.")
    return redirect("references:list")


@member_required(C.KEEP_REFERENCES)
@require_POST
def link_off(request: MemberRequest) -> HttpResponse:
    try:
        links.turn_off_link(actor=request.user)
    except DomainError as error:
        return _references_page(request, refusal=Refusal(error.message, "link"))
    messages.success(request, "Turned off: the link no longer takes requests.")
    return redirect("references:list")


@member_required(C.KEEP_REFERENCES)
@require_POST
def automatic(request: MemberRequest) -> HttpResponse:
    form = AutomaticForm(request.POST)
    form.is_valid()  # a checkbox: absent is False, and nothing else can be wrong
    on = bool(form.cleaned_data.get("pass_on_automatically"))
    prospects.set_pass_on_automatically(actor=request.user, automatically=on)
    if on:
        messages.success(request, "New requests now go to every client who agreed, at once.")
    else:
        messages.success(request, "New requests now wait for you to choose whom to ask.")
    return redirect("references:list")


def _refusal_on(found: Request, error: DomainError) -> Refusal:
    """Beside the request's buttons while it waits; at the head of the list once it is gone
    from the waiting ones (dealt with meanwhile, in another window)."""
    if found.state == RequestState.WAITING:
        return Refusal(error.message, "request", found.pk)
    return Refusal(error.message, "requests")


def _waiting_request(request: MemberRequest, reference_request_id: int) -> Request:
    return get_object_or_404(Request.objects.visible_to(request.user), pk=reference_request_id)


@member_required(C.KEEP_REFERENCES)
@require_POST
def pass_on(request: MemberRequest, reference_request_id: int) -> HttpResponse:
    found = _waiting_request(request, reference_request_id)
    practice_id = request.user.membership.practice_id
    agreeing = [
        consent.client
        for consent in Consent.objects.of_active_clients(practice_id).select_related("client")
    ]
    form = PassOnForm(request.POST, agreeing=agreeing)
    if not form.is_valid():
        refusal = Refusal.of(form, where="request", target_id=found.pk)
        return _references_page(request, refusal=refusal)
    try:
        prospects.pass_on(found, actor=request.user, clients=form.chosen())
    except DomainError as error:
        return _references_page(request, refusal=_refusal_on(found, error))
    messages.success(
        request, f"Passed {found.name}'s request on. The clients decide whether to answer."
    )
    return redirect("references:list")


@member_required(C.KEEP_REFERENCES)
@require_POST
def set_aside(request: MemberRequest, reference_request_id: int) -> HttpResponse:
    found = _waiting_request(request, reference_request_id)
    try:
        prospects.set_aside(found, actor=request.user)
    except DomainError as error:
        return _references_page(request, refusal=_refusal_on(found, error))
    messages.success(request, f"Set {found.name}'s request aside; nobody was asked.")
    return redirect("references:list")


# The client's consent, in the portal ---------------------------------------------------------


def _own_client(request: MemberRequest) -> Client:
    """The contact's own client while it is active; missing otherwise."""
    client = Client.objects.visible_to(request.user).select_related("practice").first()
    if client is None:
        raise Http404("No client.")
    return client


def _consent_page(
    request: MemberRequest, client: Client, form: ConsentForm, *, refusal: Refusal | None = None
) -> HttpResponse:
    page = selectors.consent_page(client, viewer=request.user)
    context = {"page": page, "client": client, "form": form, "refusal": refusal}
    status = 400 if refusal else form_status(form)
    return render(request, "references/consent.html", context, status=status)


@member_required(C.AGREE_TO_BE_REFERENCE)
@require_http_methods(["GET", "POST"])
def consent(request: MemberRequest) -> HttpResponse:
    client = _own_client(request)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            consents.give_consent(
                client,
                actor=request.user,
                agreed=form.cleaned_data["agree"],
                note=form.cleaned_data["note"],
                ask_by=form.cleaned_data["ask_by"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Thank you: {client.name} is now a reference.")
            return redirect("references:consent")
    return _consent_page(request, client, form)


@member_required(C.AGREE_TO_BE_REFERENCE)
@require_POST
def consent_withdraw(request: MemberRequest) -> HttpResponse:
    client = _own_client(request)
    try:
        consents.withdraw_consent(client, actor=request.user, request=request)
    except DomainError as error:
        refusal = Refusal(error.message, "withdraw")
        return _consent_page(request, client, ConsentForm(), refusal=refusal)
    messages.success(request, f"Withdrawn: {client.name} is no longer a reference.")
    return redirect("references:consent")


# The public page a prospect asks through -------------------------------------------------------


def _link_or_gone(request: HttpRequest, token: str) -> Any:
    link = links.live_link_at(token)
    if link is None:
        return render(request, "references/public_gone.html", {}, status=404)
    return link


@never_cache
@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: the token is the permission. A bot that fills the hidden field is thanked
    and nothing is recorded; a burst of requests from one address (or to one link) is held
    off by allauth's rate limits, with what was typed kept."""
    link = _link_or_gone(request, token)
    if isinstance(link, HttpResponse):
        return link
    form = ProspectForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        if not ratelimit.consume(request, action=RATE_ACTION, key=link.token_hash):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_bot:
            return redirect("references:public-thanks", token=token)
        else:
            try:
                prospects.ask_for_references(
                    link,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    question=form.cleaned_data["question"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("references:public-thanks", token=token)
    context = {
        "practice": link.practice,
        "count": prospects.agreeing_count(link.practice_id),
        "form": form,
    }
    status = status if status != 200 else form_status(form)
    return render(request, "references/public.html", context, status=status)


@require_http_methods(["GET"])
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_gone(request, token)
    if isinstance(link, HttpResponse):
        return link
    return render(request, "references/public_thanks.html", {"practice": link.practice})


# References the practice checked about a client ---------------------------------------------


def _practice_side_only(view: Any) -> Any:
    """To anyone whose role may not check references the page is missing (404), whatever the
    method, not refused: the client's side is not told that notes about it exist."""

    @wraps(view)
    def wrapped(request: MemberRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access.allows(request.user, C.CHECK_REFERENCES):
            raise Http404("No such page.")
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapped


@member_required()
@_practice_side_only
@require_http_methods(["GET", "POST"])
def client_checks(request: MemberRequest, client_id: int) -> HttpResponse:
    """The references checked about a client and the form to record one."""
    client = visible_client(request.user, client_id)
    form = CheckForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            checks.record_check(client, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Recorded. Only the practice sees it.")
            return redirect("references:checks", client_id=client.pk)
    context = {
        "client": client,
        "form": form,
        "checks": selectors.checks_of(client, viewer=request.user),
    }
    return render(request, "references/checks.html", context, status=form_status(form))
