"""What the client owes, on a request's page: ask for it, answer it, mark it received or drop
it; and the practice's reminder setting.

The panel loads into the request's page with htmx after the page itself (so the request
page's queries stay fixed), and is also a page of its own without JavaScript. Its forms are
plain posts (files go with "Here it is"): success goes back to the request with a message; a
refusal comes back as the panel's own page, 400, the sentence beside the field or the button
and what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.planning import owed as services
from tandem.planning.forms_owed import AnswerForm, AskForm, ReminderPolicyForm
from tandem.planning.models_owed import Owed
from tandem.planning.selectors_owed import owed_panel
from tandem.work.lookups import visible_task
from tandem.work.models import Task

TEMPLATE = "planning/task_owed.html"
# Opened again after a refused form (Enter in the address bar): the panel, if visible.
FORM_METHODS = ["GET", "POST"]


def _visible_owed(request: MemberRequest, owed_id: int) -> Owed:
    # Items about a request only: those about a heads-up will live on the heads-ups' pages.
    rows = Owed.objects.visible_to(request.user).filter(task__isnull=False)
    return get_object_or_404(rows.select_related("client", "task__client__practice"), pk=owed_id)


def _render(
    request: MemberRequest,
    task: Task,
    *,
    ask_form: AskForm | None = None,
    answer_form: tuple[int, AnswerForm] | None = None,
    refusal: Refusal | None = None,
) -> HttpResponse:
    panel = owed_panel(task, viewer=request.user)
    answer_forms = {
        item.pk: AnswerForm(client=task.client, owed_id=item.pk)
        for item in panel.open_items
        if panel.can_answer
    }
    if answer_form is not None:
        answer_forms[answer_form[0]] = answer_form[1]
    ask_form = ask_form or (AskForm(client=task.client) if panel.can_ask else None)
    context: dict[str, Any] = {
        "task": task,
        "panel": panel,
        # Each item with the client's "Here it is" form for it, while it is open.
        "rows": [(item, answer_forms.get(item.pk)) for item in panel.items],
        # With one thing to send, its form is open at once.
        "answers_open": len(answer_forms) == 1,
        "ask_form": ask_form,
        "refusal": refusal,
    }
    forms = [ask_form, *answer_forms.values()]
    refused = refusal is not None or any(form.errors for form in forms if form is not None)
    template = f"{TEMPLATE}#panel" if request.htmx else TEMPLATE
    return render(request, template, context, status=400 if refused else 200)


def _back_to_task(request: MemberRequest, task: Task, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{reverse('work:task-detail', args=[task.pk])}#owed")


@member_required()
@require_GET
def task_owed(request: MemberRequest, task_id: int) -> HttpResponse:
    return _render(request, visible_task(request.user, task_id))


@member_required(Capability.ASK_CLIENT_FOR_INPUT)
@require_http_methods(FORM_METHODS)
def owed_ask(request: MemberRequest, task_id: int) -> HttpResponse:
    task = visible_task(request.user, task_id)
    if request.method == "GET":
        return redirect("planning:task-owed", task_id=task.pk)
    form = AskForm(request.POST, client=task.client)
    if form.is_valid():
        try:
            owed = services.ask_client(
                task,
                actor=request.user,
                what=form.cleaned_data["waiting_for"],
                due_at=form.cleaned_data["waiting_until"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _back_to_task(
                request,
                task,
                f"Asked {task.client.name} for {owed.what}. If it has not arrived by then, "
                "they will be reminded.",
            )
    return _render(request, task, ask_form=form)


@member_required()
@require_http_methods(FORM_METHODS)
def owed_answer(request: MemberRequest, owed_id: int) -> HttpResponse:
    # Missing first (another client's item, or none), then the practice's side refused.
    owed = _visible_owed(request, owed_id)
    require(request.user, Capability.ANSWER_WHAT_IS_OWED)
    task = owed.task
    assert task is not None
    if request.method == "GET":
        return redirect("planning:task-owed", task_id=task.pk)
    form = AnswerForm(
        request.POST, request.FILES, client=owed.client, uploader=request.user, owed_id=owed.pk
    )
    if form.is_valid():
        try:
            services.answer_owed(
                owed,
                actor=request.user,
                note=form.cleaned_data["note"],
                uploads=form.cleaned_data["uploads"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _back_to_task(request, task, "Thank you: the practice can see you sent it.")
    return _render(request, task, answer_form=(owed.pk, form))


def _settle(request: MemberRequest, owed_id: int, *, received: bool) -> HttpResponse:
    owed = _visible_owed(request, owed_id)
    task = owed.task
    assert task is not None
    try:
        if received:
            services.mark_received(owed, actor=request.user)
        else:
            services.drop_owed(owed, actor=request.user)
    except DomainError as error:
        return _render(request, task, refusal=Refusal(error.message, "owed", target_id=owed.pk))
    done = "is marked received" if received else "is no longer asked for"
    return _back_to_task(request, task, f"“{owed.what}” {done}; no more reminders.")


@member_required(Capability.ASK_CLIENT_FOR_INPUT)
@require_POST
def owed_receive(request: MemberRequest, owed_id: int) -> HttpResponse:
    return _settle(request, owed_id, received=True)


@member_required(Capability.ASK_CLIENT_FOR_INPUT)
@require_POST
def owed_drop(request: MemberRequest, owed_id: int) -> HttpResponse:
    return _settle(request, owed_id, received=False)


@member_required(Capability.MANAGE_PRACTICE)
@require_http_methods(FORM_METHODS)
def reminder_settings(request: MemberRequest) -> HttpResponse:
    practice = request.user.membership.practice
    days = services.remind_again_after_days(practice.pk)
    form = ReminderPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"remind_again_after_days": days},
    )
    if form.is_valid():
        try:
            services.set_reminder_policy(
                practice,
                actor=request.user,
                remind_again_after_days=form.cleaned_data["remind_again_after_days"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved: clients are reminded on that schedule from now on.")
            return redirect("planning:reminder-settings")
    return render(
        request, "planning/reminder_settings.html", {"form": form}, status=form_status(form)
    )
