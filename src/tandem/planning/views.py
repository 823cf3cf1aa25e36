"""The working-time page: a member's weekly hours, the share of the day kept free, and their
time off. A person plans their own; the owner plans everyone's (``selectors.plannable_members``).

A refused form comes back as the page (400) with what was typed and the sentence beside its
field; a refused "Remove" brings the page back with the sentence beside that time off.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.forms import MAX_ID, Refusal, form_status
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.planning import selectors, services
from tandem.planning.forms import TimeOffForm, WeeklyHoursForm
from tandem.planning.models import TimeOff
from tandem.planning.wording import describe_hours, describe_time_off


@member_required(Capability.PLAN_OWN_TIME)
@require_http_methods(["GET", "POST"])
def my_working_time(request: MemberRequest) -> HttpResponse:
    return _weekly_hours(request, _person(request, request.user.pk))


@member_required()
@require_http_methods(["GET", "POST"])
def member_working_time(request: MemberRequest, user_id: int) -> HttpResponse:
    return _weekly_hours(request, _person(request, user_id))


@member_required()
@require_POST
def time_off_add(request: MemberRequest, user_id: int) -> HttpResponse:
    person = _person(request, user_id)
    form = TimeOffForm(request.POST, time_zone=person.time_zone)
    if form.is_valid():
        data = form.cleaned_data
        try:
            time_off = services.add_time_off(
                person,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                note=data["note"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            when = describe_time_off(time_off.starts_at, time_off.ends_at, person.time_zone)
            messages.success(request, f"Time off added: {when}. Planning leaves it free.")
            return redirect(_page_url(request, person))
    return _page(request, person, time_off_form=form, status=400)


@member_required()
@require_POST
def time_off_remove(request: MemberRequest, user_id: int, time_off_id: int) -> HttpResponse:
    person = _person(request, user_id)
    time_off = get_object_or_404(
        TimeOff.objects.visible_to(request.user).select_related("person"),
        pk=time_off_id,
        person_id=person.pk,
    )
    when = describe_time_off(time_off.starts_at, time_off.ends_at, person.time_zone)
    try:
        services.remove_time_off(time_off, actor=request.user)
    except DomainError as error:
        refusal = Refusal(error.message, where="time-off", target_id=time_off.pk)
        return _page(request, person, refusal=refusal, status=400)
    messages.success(request, f"Time off removed: {when}.")
    return redirect(_page_url(request, person))


def _person(request: MemberRequest, user_id: int) -> User:
    """The member whose working time this is, if the viewer may plan it; 404 otherwise."""
    if user_id > MAX_ID:  # SQLite cannot compare a foreign key with a bigger number
        raise Http404
    members = selectors.plannable_members(request.user).select_related("user")
    return get_object_or_404(members, user_id=user_id).user


def _page_url(request: MemberRequest, person: User) -> str:
    if person.pk == request.user.pk:
        return reverse("planning:working-time")
    return reverse("planning:member-working-time", args=[person.pk])


def _weekly_hours(request: MemberRequest, person: User) -> HttpResponse:
    page = _page_data(request, person)
    data = request.POST if request.method == "POST" else None
    form = WeeklyHoursForm(
        data, days=page.days, initial={"kept_free_percent": page.kept_free_percent}
    )
    if form.is_bound and form.is_valid():
        try:
            services.set_working_week(
                person,
                actor=request.user,
                hours=form.hours(),
                kept_free_percent=form.cleaned_data["kept_free_percent"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Working hours saved. Planning uses them from now on.")
            return redirect(_page_url(request, person))
    return _render(request, page, hours_form=form, status=form_status(form))


def _page(
    request: MemberRequest,
    person: User,
    *,
    time_off_form: TimeOffForm | None = None,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    page = _page_data(request, person)
    form = WeeklyHoursForm(days=page.days, initial={"kept_free_percent": page.kept_free_percent})
    return _render(
        request, page, hours_form=form, time_off_form=time_off_form, refusal=refusal, status=status
    )


def _page_data(request: MemberRequest, person: User) -> selectors.WorkingTimePage:
    practice = request.user.membership.practice
    return selectors.working_time_page(
        viewer=request.user, person=person, practice=practice, now=timezone.now()
    )


def _render(
    request: MemberRequest,
    page: selectors.WorkingTimePage,
    *,
    hours_form: WeeklyHoursForm,
    time_off_form: TimeOffForm | None = None,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "page": page,
        "hours_form": hours_form,
        "time_off_form": time_off_form or TimeOffForm(time_zone=page.time_zone),
        "refusal": refusal,
        "page_url": _page_url(request, page.person),
        "week_hours": describe_hours(page.week_minutes),
        "plannable_hours": describe_hours(page.plannable_minutes),
    }
    return render(request, "planning/working_time.html", context, status=status)
