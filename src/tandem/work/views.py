"""Requests: the new-request page, its live deadline preview, the task page and its moves.

Thin: fetch through ``visible_to`` (not visible is a 404), bind, call one service, render or
redirect. A refused move or comment re-renders the task page (400) with the sentence shown.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.models import User
from tandem.clients.lookups import visible_client
from tandem.clients.models import Client
from tandem.core import reading
from tandem.core.access import is_practice_side
from tandem.core.errors import DomainError
from tandem.core.forms import first_error, parse_id
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import deliveries, go_aheads, selectors_task, services, short_notice
from tandem.work.deadline_phrases import resolve_for
from tandem.work.deadlines import VagueDeadline
from tandem.work.forms import (
    FILES_AUTO_ID,
    AttachmentsForm,
    CommentForm,
    DeliveryForm,
    MoveForm,
    TaskForm,
)
from tandem.work.from_template import TemplateChoice
from tandem.work.lookups import visible_task_for_page
from tandem.work.models import Task, TaskStatus
from tandem.work.selectors import reassign_choices
from tandem.work.selectors_repeating import task_repeat_parts
from tandem.work.short_notice import Notice
from tandem.work.workflow import Need, allowed_moves, editable_fields


def _assignees(request: MemberRequest, client: Client) -> list[User] | None:
    """Who the request may go to; None for contacts, who do not choose."""
    if not is_practice_side(request.user.membership):
        return None
    assignments = client.assignments.select_related("user").order_by("user__name", "user__email")
    return [assignment.user for assignment in assignments]


@member_required()
@require_http_methods(["GET", "POST"])
def task_create(request: MemberRequest, client_id: int) -> HttpResponse:
    client = visible_client(request.user, client_id)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    # The practice's templates and checklist (views_repeating); None for contacts.
    from_template = TemplateChoice.read(request, client)
    form = TaskForm(
        data,
        files,
        client=client,
        assignees=_assignees(request, client),
        uploader=request.user,
        # "New request in this project" links here with ?project=<id>.
        initial={"project": request.GET.get("project"), **from_template.initial},
    )
    checklist = from_template.checklist_form(data)
    if request.method == "POST" and form.is_valid() and from_template.is_valid(checklist):
        try:
            task = from_template.create(
                client, actor=request.user, checklist=checklist, **form.service_kwargs()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            sent = "Request sent. Its status is on this page at any time."
            if task.is_short_notice:
                sent += " It is marked short notice for the practice."
            messages.success(request, sent)
            return redirect("work:task-detail", task_id=task.pk)
    status = 400 if form.errors or (checklist is not None and checklist.errors) else 200
    context: dict[str, Any] = {"form": form, "client": client, "template_choice": from_template}
    context["checklist_form"] = checklist
    return render(request, "work/task_form.html", context, status=status)


# The phrase fields the preview reads: a request's deadline, and when the client's part of
# a task waiting on them is needed by.
PHRASE_FIELDS = ("deadline", "waiting_until")


@member_required()
@require_GET
def deadline_preview(request: MemberRequest, client_id: int) -> HttpResponse:
    """The phrase as the date and time it will be saved as, or why it cannot be: a partial."""
    client = visible_client(request.user, client_id)
    asked = request.GET.get("field", "")
    field_name = asked if asked in PHRASE_FIELDS else "deadline"
    phrase = request.GET.get(field_name, "").strip()
    context: dict[str, Any] = {"client": client, "phrase": phrase, "field_name": field_name}
    if phrase:
        try:
            context["deadline"] = resolve_for(client, phrase)
        except VagueDeadline as refusal:
            context["refusal"] = refusal.message
            context["suggestions"] = refusal.suggestions
    if "deadline" in context and field_name == "deadline" and request.GET.get("notice") == "1":
        context["notice"] = _notice(request, client, context["deadline"].at)
    return render(request, "work/deadline_preview.html", context)


def _notice(request: MemberRequest, client: Client, deadline_at: datetime) -> Notice | None:
    """Whether the deadline is short notice (planning answers, ``short_notice``). The
    practice's size and assignee count; a contact's are never read, so nobody on the
    client's side can ask about one person's hours."""
    estimate, assignee = None, None
    if is_practice_side(request.user.membership):
        estimate = _decimal(request.GET.get("estimate_hours", ""))
        assignee = parse_id(request.GET.get("assignee", ""))
    return short_notice.check(
        client,
        deadline_at=deadline_at,
        estimate_hours=estimate,
        assignee_id=assignee,
        now=timezone.now(),
    )


def _decimal(text: str) -> Decimal | None:
    """Hours as typed, when they are a sensible number; otherwise the default size."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and 0 <= value < 10_000 else None


@member_required()
@require_GET
def task_detail(request: MemberRequest, task_id: int) -> HttpResponse:
    task = visible_task_for_page(request.user, task_id)
    return reading.opened(request.user, task, _task_page(request, task))


def task_page(
    request: MemberRequest, task_id: int, *, status: int, extra: dict[str, Any]
) -> HttpResponse:
    """The task page with ``status`` and ``extra`` context, for another module's refused
    button (a checklist tick: ``views_repeating``)."""
    task = visible_task_for_page(request.user, task_id)
    return _task_page(request, task, status=status, extra=extra)


# A form sent back with a mistake leaves its own address (…/move/, …/comment/, …/files/) in
# the browser. Opened again later (Enter in the address bar, a bookmark), it shows the task
# instead of an error page; the task must still be visible, or it is missing (404).
TASK_FORM_METHODS = ["GET", "POST"]


def back_to_task(task: Task) -> HttpResponse:
    return redirect("work:task-detail", task_id=task.pk)


@member_required()
@require_http_methods(TASK_FORM_METHODS)
def task_move(request: MemberRequest, task_id: int) -> HttpResponse:
    task = visible_task_for_page(request.user, task_id)
    if request.method == "GET":
        return back_to_task(task)
    moves = {str(move.to): move for move in allowed_moves(task, request.user)}
    form = MoveForm(request.POST, client=task.client, move=moves.get(request.POST.get("to", "")))
    if form.is_valid():
        try:
            services.move_task(
                task, to=form.cleaned_data["to"], actor=request.user, **form.service_kwargs()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Moved to “{task.get_status_display()}”.")
            return redirect("work:task-detail", task_id=task.pk)
    return _task_page(request, task, move_form=form, status=400)


@member_required()
@require_http_methods(TASK_FORM_METHODS)
def task_comment(request: MemberRequest, task_id: int) -> HttpResponse:
    task = visible_task_for_page(request.user, task_id)
    if request.method == "GET":
        return back_to_task(task)
    form = CommentForm(request.POST, request.FILES, client=task.client, uploader=request.user)
    if form.is_valid():
        try:
            services.add_comment(task, actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Comment posted.")
            return redirect("work:task-detail", task_id=task.pk)
    return _task_page(request, task, comment_form=form, status=400)


# A refused move whose form says nothing (one no longer offered): said at the page's top.
MOVE_NOT_POSSIBLE = "That move is not possible from the task's current status."


def _task_page(
    request: MemberRequest,
    task: Task,
    *,
    move_form: MoveForm | None = None,
    comment_form: CommentForm | None = None,
    files_form: AttachmentsForm | None = None,
    delivery_form: DeliveryForm | None = None,
    reassign_refusal: str = "",
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The request's page (``selectors_task.task_page``) with one form per allowed move;
    a posted form that came back replaces its blank twin."""
    # "Show earlier entries" asks for the whole conversation.
    everything = request.GET.get("all") == "1"
    page = selectors_task.task_page(task, viewer=request.user, everything=everything)
    # A deadline link in the "needs a deadline" e-mail arrives as ?deadline=… to prefill it.
    prefill = {"deadline": request.GET.get("deadline", "")[:100]}
    standing = page.standing
    forms = [
        MoveForm(client=task.client, move=move, initial=prefill)
        for move in page.moves
        if move.needs != Need.DELIVERY
    ]
    refusal = None
    if move_form is not None:
        if move_form.move is None:
            refusal = first_error(move_form, default=MOVE_NOT_POSSIBLE)
        forms = [move_form if form.move == move_form.move else form for form in forms]
    can_deliver = any(move.needs == Need.DELIVERY for move in page.moves)
    if delivery_form is not None and not can_deliver:
        # Sent by someone who may not deliver now: said where the moves are.
        refusal = first_error(delivery_form, default=MOVE_NOT_POSSIBLE)
    if can_deliver and delivery_form is None:
        delivery_form = DeliveryForm(client=task.client)
    context = {
        "page": page,
        "task": task,
        **_arranged(forms, task),
        "delivery_form": delivery_form if can_deliver else None,
        "files_form": files_form or AttachmentsForm(client=task.client, auto_id=FILES_AUTO_ID),
        "refusal": refusal,
        "comment_form": comment_form or CommentForm(client=task.client),
        # Changing the request after it is sent (issue 11): the "Edit request" link and the
        # reassign form (work/task_reassign.html).
        "can_edit": bool(editable_fields(task.status, standing)),
        "reassign": reassign_choices(task, standing),
        "reassign_refusal": reassign_refusal,
    }
    context |= task_repeat_parts(task, viewer=request.user)
    # Trust in phases (issue 13): its kind of work, and the go-ahead above the phase.
    context |= go_aheads.task_page_parts(task, standing) | (extra or {})
    return render(request, "work/task_detail.html", context, status=status)


# Moves offered behind a button ("More"), not as the page's one obvious next step.
SECONDARY = frozenset({TaskStatus.DECLINED, TaskStatus.CANCELLED, TaskStatus.WAITING_ON_CLIENT})


def _arranged(forms: list[MoveForm], task: Task) -> dict[str, Any]:
    """The move forms by place: the primary next step, the secondary ones (each behind a
    disclosure), and the client's review of a delivery (beside the delivery)."""
    review = [
        form
        for form in forms
        if task.status == TaskStatus.DELIVERED
        and form.move
        and form.move.to in (TaskStatus.DONE, TaskStatus.IN_PROGRESS)
    ]
    rest = [form for form in forms if form not in review]
    secondary = [form for form in rest if form.move and form.move.to in SECONDARY]
    primary = [form for form in rest if form not in secondary]
    return {
        "primary_form": primary[0] if primary else None,
        "secondary_forms": primary[1:] + secondary,
        "review_forms": review,
    }


@member_required()
@require_http_methods(TASK_FORM_METHODS)
def task_deliver(request: MemberRequest, task_id: int) -> HttpResponse:
    """Deliver the work for review: a message, and files and links if any."""
    task = visible_task_for_page(request.user, task_id)
    if request.method == "GET":
        return back_to_task(task)
    form = DeliveryForm(request.POST, request.FILES, client=task.client, uploader=request.user)
    if form.is_valid():
        try:
            deliveries.deliver_task(task, actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"Delivered. {task.client.name} has been told and can review it now."
            )
            return redirect("work:task-detail", task_id=task.pk)
    return _task_page(request, task, delivery_form=form, status=400)
