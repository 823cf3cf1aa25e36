"""Projects: starting or proposing one, its page, editing it, its status and proposals.

Thin: fetch through ``visible_to`` (not visible is a 404), bind, call one service, render or
redirect. A client's contacts may see a project but not change it: the practice-only pages
are a 403 for them; only the proposer may reword a proposal while it is pending. A refused
change re-renders the project's page (400) with the sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.core.access import is_practice_side
from tandem.core.errors import DomainError
from tandem.core.forms import first_error
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import services_projects
from tandem.work.forms_projects import ProjectForm, ProjectStatusForm, TurnDownForm
from tandem.work.models import Project
from tandem.work.selectors_projects import project_events, project_tasks


def _visible_project(request: MemberRequest, project_id: int) -> Project:
    projects = Project.objects.visible_to(request.user).select_related(
        "client__practice", "proposed_by"
    )
    return get_object_or_404(projects, pk=project_id)


def _practice_project(request: MemberRequest, project_id: int) -> Project:
    """A visible project the signed-in person may change: contacts get 403."""
    project = _visible_project(request, project_id)
    if not is_practice_side(request.user.membership):
        raise PermissionDenied
    return project


@member_required()
@require_http_methods(["GET", "POST"])
def project_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """The practice creates a project here; a contact proposes one with the same form."""
    client = visible_client(request.user, client_id)
    form = ProjectForm(request.POST if request.method == "POST" else None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            project = services_projects.start_project(
                client, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _started_message(project))
            return redirect("work:project-detail", project_id=project.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "client": client, "project": None}
    return render(request, "work/project_form.html", context, status=status)


def _started_message(project: Project) -> str:
    if project.is_proposal:
        return (
            f"Proposal sent to {project.client.practice.name}. "
            "This page shows when they take it on."
        )
    return "Project created. Add requests to it from this page."


@member_required()
@require_GET
def project_detail(request: MemberRequest, project_id: int) -> HttpResponse:
    return _project_page(request, _visible_project(request, project_id))


@member_required()
@require_http_methods(["GET", "POST"])
def project_edit(request: MemberRequest, project_id: int) -> HttpResponse:
    project = _practice_project(request, project_id)
    return _edit_page(request, project, save=services_projects.edit_project, saved="Project saved.")


@member_required()
@require_http_methods(["GET", "POST"])
def proposal_edit(request: MemberRequest, project_id: int) -> HttpResponse:
    """The contact who proposed the project rewords it while it waits for the practice.

    The practice edits projects on their own page (403 here); any other refusal (another
    contact, a proposal already answered) re-renders the project's page with the sentence.
    """
    project = _visible_project(request, project_id)
    if is_practice_side(request.user.membership):
        raise PermissionDenied
    try:
        services_projects.check_proposal_editable(project, request.user)
    except DomainError as error:
        return _project_page(request, project, refusal=error.message, status=400)
    return _edit_page(
        request,
        project,
        save=services_projects.edit_proposal,
        saved="Proposal saved. The practice reads this version.",
        is_proposal=True,
    )


def _edit_page(
    request: MemberRequest,
    project: Project,
    *,
    save: Callable[..., Any],
    saved: str,
    is_proposal: bool = False,
) -> HttpResponse:
    """The project form: shown, or sent to ``save`` (a service taking the project, the
    actor and the form's fields), whose refusal lands next to its field."""
    if request.method == "GET":
        form = ProjectForm.for_project(project)
    else:
        form = ProjectForm(request.POST, client=project.client, project=project)
        if form.is_valid():
            try:
                save(project, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, saved)
                return redirect("work:project-detail", project_id=project.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "client": project.client, "project": project}
    return render(
        request, "work/project_form.html", context | {"is_proposal": is_proposal}, status=status
    )


@member_required()
@require_POST
def project_status(request: MemberRequest, project_id: int) -> HttpResponse:
    project = _practice_project(request, project_id)
    form = ProjectStatusForm(request.POST)
    if form.is_valid():
        try:
            services_projects.change_project_status(
                project, actor=request.user, to=form.cleaned_data["to"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"The project is now {project.get_status_display().lower()}.")
            return redirect("work:project-detail", project_id=project.pk)
    refusal = first_error(form, default="That status change is not possible.")
    return _project_page(request, project, refusal=refusal, status=400)


@member_required()
@require_POST
def project_take_on(request: MemberRequest, project_id: int) -> HttpResponse:
    project = _practice_project(request, project_id)
    try:
        services_projects.take_on_proposal(project, actor=request.user)
    except DomainError as error:
        return _project_page(request, project, refusal=error.message, status=400)
    messages.success(request, "Proposal taken on: it is now an active project.")
    return redirect("work:project-detail", project_id=project.pk)


@member_required()
@require_POST
def project_turn_down(request: MemberRequest, project_id: int) -> HttpResponse:
    project = _practice_project(request, project_id)
    form = TurnDownForm(request.POST)
    if form.is_valid():
        try:
            services_projects.turn_down_proposal(project, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Proposal turned down. The client sees your reason.")
            return redirect("work:project-detail", project_id=project.pk)
    return _project_page(request, project, turn_down_form=form, status=400)


def _project_page(
    request: MemberRequest,
    project: Project,
    *,
    turn_down_form: TurnDownForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    """The project with its tasks and changes; the practice also gets its actions."""
    context: dict[str, Any] = {
        "project": project,
        "tasks": project_tasks(project),
        "events": project_events(project),
        "can_change": is_practice_side(request.user.membership),
        "can_edit_proposal": services_projects.may_edit_proposal(project, request.user),
        "status_moves": services_projects.status_moves(project),
        "turn_down_form": turn_down_form or TurnDownForm(),
        "refusal": refusal,
    }
    return render(request, "work/project_detail.html", context, status=status)
