"""Repeating work, request templates and checklist ticks: the practice's pages and buttons.

Thin: fetch through ``visible_to`` (not visible is a 404; the client's side is refused these
pages with 403 before anything is looked up), bind, call one service, render or redirect.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.clients.lookups import visible_client
from tandem.clients.models import Client
from tandem.core import access
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, first_error, form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import checklists, repeating
from tandem.work.forms_repeating import RepeatForm, SeriesEditForm, TemplateForm, TickForm
from tandem.work.lookups import visible_task
from tandem.work.models import ChecklistItem, RepeatingRequest, RequestTemplate, Task
from tandem.work.recurrence import Frequency
from tandem.work.selectors_repeating import (
    checklist_of,
    client_series,
    series_row,
    templates_for,
)


def _assignees(client: Client) -> list[User]:
    assignments = client.assignments.select_related("user").order_by("user__name", "user__email")
    return [assignment.user for assignment in assignments]


# Making a request repeat --------------------------------------------------------------------------


@member_required(Capability.MANAGE_REPEATING_WORK)
@require_http_methods(["GET", "POST"])
def repeat_task(request: MemberRequest, task_id: int) -> HttpResponse:
    """ "Make this repeat…" from a request: the form starts from the request's words, its
    deadline's day and time, and its checklist."""
    task = visible_task(request.user, task_id)
    return _series_form(request, task.client, source=task)


@member_required(Capability.MANAGE_REPEATING_WORK)
@require_http_methods(["GET", "POST"])
def repeating_new(request: MemberRequest, client_id: int) -> HttpResponse:
    return _series_form(request, visible_client(request.user, client_id), source=None)


def _initial(client: Client, source: Task | None) -> dict[str, Any]:
    today = repeating.client_today(client)
    initial: dict[str, Any] = {
        "frequency": Frequency.MONTHLY.value,
        "day_of_month": 1,
        "weekday": 0,
        "starts_on": today + timedelta(days=1),
        "lead_days": 7,
    }
    if source is None:
        return initial
    initial |= {
        "title": source.title,
        "request_markdown": source.request_markdown,
        "expectations": source.expectations,
        "assignee": source.assignee_id,
        "priority": source.priority,
        "checklist": "\n".join(item.text for item in checklist_of(source).items),
    }
    if source.deadline_at is not None:
        due = timezone.localtime(source.deadline_at, ZoneInfo(client.time_zone))
        initial |= {
            "day_of_month": due.day,
            "weekday": due.weekday(),
            "due_time": due.time().replace(second=0, microsecond=0),
            # The request itself is this round's copy: the rule starts after it.
            "starts_on": max(due.date() + timedelta(days=1), today),
        }
    return initial


def _series_form(request: MemberRequest, client: Client, *, source: Task | None) -> HttpResponse:
    if not access.standing_of_visible(request.user, client).allows(
        Capability.MANAGE_REPEATING_WORK
    ):
        raise PermissionDenied
    posted = request.method == "POST"
    form = RepeatForm(
        request.POST if posted else None,
        initial=_initial(client, source),
        assignees=_assignees(client),
    )
    values = form.cleaned_data if posted and form.is_valid() else None
    preview, upcoming = _previewed(
        form, client, values or form.initial, when=values is not None or not posted
    )
    if values is not None and "preview" not in request.POST and not form.errors:
        try:
            series = repeating.start_series(
                client, actor=request.user, source_task=source, **values
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            row = series_row(series, client)
            messages.success(
                request,
                f"“{series.title}” repeats {row.schedule_text[0].lower()}"
                f"{row.schedule_text[1:]}; {row.next_text}.",
            )
            return redirect("work:repeating-list", client_id=client.pk)
    context = {
        "form": form,
        "client": client,
        "source": source,
        "preview": preview,
        "upcoming": upcoming,
    }
    return render(request, "work/repeating_form.html", context, status=form_status(form))


def _preview(
    client: Client,
    values: Mapping[str, Any],
    *,
    today: date | None = None,
    last_made: date | None = None,
) -> tuple[repeating.Schedule, list[repeating.Copy]]:
    """The schedule and its next copies; for an edit, from ``today`` after the round of the
    last copy made, as ``repeating.edit_series`` works them out."""
    rule = repeating.check_rule(
        frequency=values.get("frequency") or "",
        weekday=values.get("weekday"),
        day_of_month=values.get("day_of_month"),
        starts_on=values["starts_on"],
    )
    schedule = repeating.Schedule(
        rule, repeating.client_calendar(client), values.get("due_time"), values["lead_days"]
    )
    upcoming = schedule.upcoming(
        now=timezone.now(), count=4, from_day=today, after_round_of=last_made
    )
    return schedule, upcoming


def _previewed(
    form: RepeatForm,
    client: Client,
    values: Mapping[str, Any],
    *,
    when: bool,
    **after: date | None,
) -> tuple[repeating.Schedule | None, list[repeating.Copy]]:
    """The preview of ``values`` (``when`` they are to be shown: a blank form, or a sent
    one that reads), or none, with the reason beside the form's field when the rule has
    no date."""
    if not when:
        return None, []
    try:
        return _preview(client, values, **after)
    except DomainError as error:
        form.add_domain_error(error)
        return None, []


# Editing a series ---------------------------------------------------------------------------------


@member_required(Capability.MANAGE_REPEATING_WORK)
@require_http_methods(["GET", "POST"])
def repeating_edit(request: MemberRequest, series_id: int) -> HttpResponse:
    """The series' form filled in, its next dates previewed as the edit would make them."""
    rows = RepeatingRequest.objects.visible_to(request.user).select_related("client__practice")
    series = get_object_or_404(rows, pk=series_id)
    client = series.client
    if not access.standing_of_visible(request.user, client).allows(
        Capability.MANAGE_REPEATING_WORK
    ):
        raise PermissionDenied
    if series.is_ended:
        # The page exists for this person, not for this series any more: say why.
        context = {"client": client, "series": series, "refusal": repeating.ended_refusal(series)}
        return render(request, "work/repeating_form.html", context, status=403)
    posted = request.method == "POST"
    last_made = repeating.last_copy_made_on(series)
    form = SeriesEditForm(
        request.POST if posted else None,
        series=series,
        last_made=last_made,
        assignees=_assignees(client),
    )
    values = form.cleaned_data if posted and form.is_valid() else None
    # The dates of what was sent when it reads, else of the series as it is.
    preview, upcoming = _previewed(
        form,
        client,
        values or form.initial,
        today=repeating.client_today(client),
        last_made=last_made,
        when=values is not None or not posted,
    )
    if values is not None and "preview" not in request.POST and not form.errors:
        try:
            changed = repeating.edit_series(series, actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
            latest = rows.filter(pk=series.pk).first()
            if latest is not None:
                form.refresh_seen(latest)
        else:
            messages.success(request, _saved_words(series, client, changed=changed))
            page = reverse("work:repeating-list", args=[client.pk])
            return redirect(f"{page}#series-{series.pk}")
    context = {
        "form": form,
        "client": client,
        "series": series,
        "preview": preview,
        "upcoming": upcoming,
    }
    return render(request, "work/repeating_form.html", context, status=form_status(form))


def _saved_words(series: RepeatingRequest, client: Client, *, changed: bool) -> str:
    if not changed:
        return "Nothing changed; the series is as it was."
    row = series_row(series, client)
    if not series.is_active:
        return f"“{series.title}” saved; it stays paused until you resume it."
    schedule = row.schedule_text[:1].lower() + row.schedule_text[1:]
    return f"“{series.title}” saved: {schedule}; {row.next_text}."


# A client's repeating work ------------------------------------------------------------------------


@member_required(Capability.MANAGE_REPEATING_WORK)
@require_GET
def repeating_list(request: MemberRequest, client_id: int) -> HttpResponse:
    return _list_page(request, visible_client(request.user, client_id))


def _list_page(
    request: MemberRequest, client: Client, *, refusal: Refusal | None = None
) -> HttpResponse:
    context = {"client": client, "rows": client_series(client), "refusal": refusal}
    status = 400 if refusal is not None else 200
    return render(request, "work/repeating_list.html", context, status=status)


@member_required(Capability.MANAGE_REPEATING_WORK)
@require_POST
def repeating_change(request: MemberRequest, series_id: int) -> HttpResponse:
    """Pause, resume or end a series: a button on the client's repeating work page."""
    rows = RepeatingRequest.objects.visible_to(request.user).select_related("client__practice")
    series = get_object_or_404(rows, pk=series_id)
    to = request.POST.get("to", "")
    try:
        repeating.change_series(series, actor=request.user, to=to)
    except DomainError as error:
        refusal = Refusal(error.message, where="series", target_id=series.pk)
        return _list_page(request, series.client, refusal=refusal)
    said = {"active": "resumed", "paused": "paused", "ended": "ended"}[to]
    messages.success(request, f"“{series.title}” {said}.")
    page = reverse("work:repeating-list", args=[series.client_id])
    return redirect(f"{page}#series-{series.pk}")


# Templates ----------------------------------------------------------------------------------------


def _template_clients(request: MemberRequest) -> list[Client]:
    clients = Client.objects.visible_to(request.user).filter(archived_at__isnull=True)
    return list(clients.order_by("name"))


@member_required(Capability.KEEP_TEMPLATES)
@require_GET
def template_list(request: MemberRequest) -> HttpResponse:
    context = {"templates": templates_for(request.user)}
    return render(request, "work/template_list.html", context)


@member_required(Capability.KEEP_TEMPLATES)
@require_http_methods(["GET", "POST"])
def template_create(request: MemberRequest) -> HttpResponse:
    return _template_form(request, None)


@member_required(Capability.KEEP_TEMPLATES)
@require_http_methods(["GET", "POST"])
def template_edit(request: MemberRequest, template_id: int) -> HttpResponse:
    rows = RequestTemplate.objects.visible_to(request.user).select_related("client")
    return _template_form(request, get_object_or_404(rows, pk=template_id))


def _template_form(request: MemberRequest, template: RequestTemplate | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if template is not None:
        initial = {
            "title": template.title,
            "request_markdown": template.request_markdown,
            "expectations": template.expectations,
            "checklist": template.checklist,
            "client": template.client_id,
        }
    posted = request.method == "POST"
    form = TemplateForm(
        request.POST if posted else None, initial=initial, clients=_template_clients(request)
    )
    if posted and form.is_valid():
        try:
            saved = checklists.save_template(template, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Template “{saved.title}” saved.")
            return redirect("work:template-list")
    context = {"form": form, "template": template}
    return render(request, "work/template_form.html", context, status=form_status(form))


@member_required(Capability.KEEP_TEMPLATES)
@require_POST
def template_delete(request: MemberRequest, template_id: int) -> HttpResponse:
    rows = RequestTemplate.objects.visible_to(request.user).select_related("client")
    template = get_object_or_404(rows, pk=template_id)
    try:
        checklists.delete_template(template, actor=request.user)
    except DomainError as error:
        context = {
            "templates": templates_for(request.user),
            "refusal": Refusal(error.message, where="template", target_id=template.pk),
        }
        return render(request, "work/template_list.html", context, status=400)
    messages.success(request, f"Template “{template.title}” deleted.")
    return redirect("work:template-list")


# Checklist ticks ----------------------------------------------------------------------------------


@member_required(Capability.KEEP_CHECKLISTS)
@require_POST
def checklist_tick(request: MemberRequest, task_id: int, item_id: int) -> HttpResponse:
    """Tick a step or untick it; htmx gets the checklist back, a plain post the task page."""
    task = visible_task(request.user, task_id)
    item = get_object_or_404(ChecklistItem.objects.filter(task=task), pk=item_id)
    item.task = task
    form = TickForm(request.POST)
    refusal = None
    if form.is_valid():
        try:
            checklists.tick_step(item, actor=request.user, done=form.cleaned_data["done"])
        except DomainError as error:
            refusal = error.message
    else:
        refusal = first_error(form)
    if request.htmx:
        context = {
            "task": task,
            "checklist": checklist_of(task),
            "may_tick": True,
            "checklist_refusal": refusal,
        }
        status = 400 if refusal else 200
        return render(request, "work/task_checklist.html", context, status=status)
    if refusal:
        # The task page again (400), the sentence at its top.
        from tandem.work.views import task_page

        return task_page(request, task.pk, status=400, extra={"checklist_refusal": refusal})
    return redirect(reverse("work:task-detail", args=[task.pk]) + "#checklist")
