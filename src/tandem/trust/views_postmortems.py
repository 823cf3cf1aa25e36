"""Postmortems' pages: a client's list, opening one (from the list or a request's page), the
postmortem's page, and writing in it, adding an action item and closing one's side."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import form_status, parse_id
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.trust import postmortems
from tandem.trust.forms_postmortems import ActionForm, EntryForm, OpenPostmortemForm
from tandem.trust.models_postmortems import Postmortem
from tandem.trust.selectors_postmortems import postmortem_page, postmortems_of
from tandem.work.models import Project, Task

C = Capability


@member_required(C.SEE_POSTMORTEMS)
@require_http_methods(["GET"])
def postmortem_list(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    still_open, closed = postmortems_of(client, viewer=request.user)
    standing = access.standing_of_visible(request.user, client)
    context = {
        "client": client,
        "still_open": still_open,
        "closed": closed,
        "is_client_side": standing.side == access.Side.CLIENT,
        "may_open": standing.allows(C.WRITE_POSTMORTEM),
    }
    return render(request, "trust/postmortems/list.html", context)


@member_required(C.WRITE_POSTMORTEM)
@require_http_methods(["GET", "POST"])
def postmortem_new(request: MemberRequest, client_id: int) -> HttpResponse:
    """The blameless template; ``?task=<id>`` (from a request's page) says what it is about."""
    client = visible_client(request.user, client_id)
    task = _task_of(request, client.pk)
    projects = list(
        Project.objects.visible_to(request.user).filter(client=client).order_by("-pk")[:50]
    )
    data = request.POST if request.method == "POST" else None
    form = OpenPostmortemForm(data, projects=projects)
    if form.is_valid():
        try:
            opened = postmortems.open_postmortem(
                client,
                actor=request.user,
                title=form.cleaned_data["title"],
                sections=form.sections(),
                task=task,
                project=form.cleaned_data.get("project"),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Opened: both sides can now write in it.")
            return redirect("trust:postmortem", postmortem_id=opened.pk)
    context = {"client": client, "form": form, "task": task}
    return render(request, "trust/postmortems/new.html", context, status=form_status(form))


def _task_of(request: MemberRequest, client_id: int) -> Task | None:
    """The request named by ``?task=`` (kept through the POST), when the viewer sees it and
    it is this client's; otherwise none (a postmortem about the relationship)."""
    pk = parse_id(request.GET.get("task"))
    if pk is None:
        return None
    return Task.objects.visible_to(request.user).filter(pk=pk, client_id=client_id).first()


def _visible_postmortem(request: MemberRequest, postmortem_id: int) -> Postmortem:
    rows = Postmortem.objects.visible_to(request.user).select_related(
        "client__practice", "task", "project", "opened_by", "practice_closed_by", "client_closed_by"
    )
    return get_object_or_404(rows, pk=postmortem_id)


def _page(
    request: MemberRequest,
    postmortem: Postmortem,
    *,
    entry_form: EntryForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    client = postmortem.client
    standing = access.standing_of_visible(request.user, client)
    may_add_actions = standing.allows(C.ADD_POSTMORTEM_ACTION) and not postmortem.is_closed
    if may_add_actions and action_form is None:
        action_form = ActionForm(client=client, owners=postmortems.owner_choices(client))
    side = standing.side
    closed_mine = (
        postmortem.practice_closed_at
        if side == access.Side.PRACTICE
        else postmortem.client_closed_at
    )
    context: dict[str, Any] = {
        "postmortem": postmortem,
        "client": client,
        "page": postmortem_page(postmortem, viewer=request.user),
        "is_client_side": side == access.Side.CLIENT,
        "may_write": standing.allows(C.WRITE_POSTMORTEM) and not postmortem.is_closed,
        "entry_form": entry_form or EntryForm(),
        "action_form": action_form if may_add_actions else None,
        "may_close": standing.allows(C.CLOSE_POSTMORTEM_SIDE)
        and not postmortem.is_closed
        and closed_mine is None,
        "still_to_close": postmortems.still_to_close(postmortem),
    }
    return render(request, "trust/postmortems/detail.html", context, status=status)


@member_required(C.SEE_POSTMORTEMS)
@require_http_methods(["GET"])
def postmortem_detail(request: MemberRequest, postmortem_id: int) -> HttpResponse:
    return _page(request, _visible_postmortem(request, postmortem_id))


@member_required(C.WRITE_POSTMORTEM)
@require_POST
def postmortem_entry(request: MemberRequest, postmortem_id: int) -> HttpResponse:
    postmortem = _visible_postmortem(request, postmortem_id)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            postmortems.add_entry(
                postmortem,
                actor=request.user,
                section=form.cleaned_data["section"],
                body=form.cleaned_data["body"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Added, signed with your name.")
            return redirect("trust:postmortem", postmortem_id=postmortem.pk)
    return _page(request, postmortem, entry_form=form, status=400)


@member_required(C.ADD_POSTMORTEM_ACTION)
@require_POST
def postmortem_action(request: MemberRequest, postmortem_id: int) -> HttpResponse:
    postmortem = _visible_postmortem(request, postmortem_id)
    client = postmortem.client
    form = ActionForm(request.POST, client=client, owners=postmortems.owner_choices(client))
    if form.is_valid():
        try:
            action = postmortems.add_action(
                postmortem,
                actor=request.user,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                deadline_at=form.cleaned_data["deadline"],
            )
        except DomainError as error:
            if error.field == "deadline_at":
                error.field = "deadline"
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Added: “{action.description}” is now a request, owned by "
                f"{action.owner.display_name}.",
            )
            return redirect("trust:postmortem", postmortem_id=postmortem.pk)
    return _page(request, postmortem, action_form=form, status=400)


@member_required(C.CLOSE_POSTMORTEM_SIDE)
@require_POST
def postmortem_close(request: MemberRequest, postmortem_id: int) -> HttpResponse:
    """Close one's side; a refusal (actions still open) is said on the postmortem's page."""
    postmortem = _visible_postmortem(request, postmortem_id)
    try:
        closed = postmortems.close_side(postmortem, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if closed.is_closed:
            messages.success(request, "Closed by both sides. It stays in the client's list.")
        else:
            messages.success(request, f"Your side is closed. {postmortems.still_to_close(closed)}")
    return redirect("trust:postmortem", postmortem_id=postmortem.pk)
