"""Changing a request after it is sent: the edit page and the task page's reassign form.

Thin, as every view: fetch through ``visible_to`` (not visible is a 404), bind, call one
service, put its refusal beside the field it names (400) or redirect to the request.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tandem.accounts.models import User
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import parse_id
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import editing, services
from tandem.work.forms_editing import TaskEditForm
from tandem.work.lookups import visible_task_for_page
from tandem.work.models import Attachment, Task
from tandem.work.views import TASK_FORM_METHODS, _task_page, back_to_task
from tandem.work.workflow import edit_refusal, editable_fields


def _own_files(task: Task) -> list[Attachment]:
    """The request's own files (not its comments'), the ones its edit form may remove."""
    return list(task.attachments.filter(comment__isnull=True).order_by("created_at", "id"))


@member_required()
@require_http_methods(["GET", "POST"])
def task_edit(request: MemberRequest, task_id: int) -> HttpResponse:
    task = visible_task_for_page(request.user, task_id)
    standing = access.standing_of_visible(request.user, task.client)
    editable = editable_fields(task.status, standing)
    if not editable:
        # The page exists for this person, not in this state: say why and what to do.
        context = {"task": task, "refusal": edit_refusal(task.status, standing)}
        return render(request, "work/task_edit.html", context, status=403)
    own_files = _own_files(task) if "files" in editable else []
    form = TaskEditForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        task=task,
        editable=editable,
        own_files=own_files,
        uploader=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = editing.edit_task(task, actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
            form.refresh_seen(Task.objects.get(pk=task.pk))
        else:
            words = "Saved your changes." if event else "Nothing changed; the request is as it was."
            messages.success(request, words)
            return back_to_task(task)
    status = 400 if form.errors else 200
    return render(request, "work/task_edit.html", {"task": task, "form": form}, status=status)


PICK_AN_ASSISTANT = "Pick an assistant assigned to this client, or nobody."


@member_required(Capability.WORK_ON_REQUEST)
@require_http_methods(TASK_FORM_METHODS)
def task_assign(request: MemberRequest, task_id: int) -> HttpResponse:
    task = visible_task_for_page(request.user, task_id)
    if request.method == "GET":
        return back_to_task(task)
    posted = request.POST.get("assignee", "").strip()
    assignee_id = parse_id(posted)
    # Found among the practice's people only, so another practice's account is nobody here.
    members = User.objects.filter(membership__practice_id=task.practice_id)
    assignee = members.filter(pk=assignee_id).first() if assignee_id else None
    try:
        if posted and assignee is None:
            raise DomainError(PICK_AN_ASSISTANT, field="assignee")
        before = task.assignee_id
        services.assign_task(task, actor=request.user, assignee=assignee)
    except DomainError as error:
        return _task_page(request, task, reassign_refusal=error.message, status=400)
    if task.assignee_id == before:
        messages.success(request, "Nothing changed; it is with the same person.")
    elif assignee is None:
        messages.success(request, "Nobody is assigned to it now.")
    else:
        messages.success(request, f"{assignee.display_name} works on it now.")
    return back_to_task(task)
