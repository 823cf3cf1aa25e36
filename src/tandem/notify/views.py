"""The bell, the notifications page, marking read, preferences, and who can be mentioned.

Thin: read through the selectors (every one scoped to the viewer), call one service,
render or redirect. Another person's notification, or a task the viewer cannot see, is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import form_status, parse_id
from tandem.core.tenancy import MemberRequest, member_required
from tandem.notify import selectors, services
from tandem.notify.forms import PreferenceForm
from tandem.work.lookups import visible_task


@member_required()
@require_GET
def notification_list(request: MemberRequest) -> HttpResponse:
    # A page cursor from the address; anything else is the first page.
    before_id = parse_id(request.GET.get("before"))
    page = selectors.notification_page(viewer=request.user, before_id=before_id)
    context = {
        "page": page,
        "is_first_page": before_id is None,
        # Judged from the items shown, not a count query: what is unread is nearly always
        # the newest, and an older unread one can still be marked read on its own.
        "has_unread": any(item.unread for item in page.items),
    }
    template = "notify/notification_list.html"
    return render(request, f"{template}#items" if request.htmx else template, context)


@member_required()
@require_GET
def bell(request: MemberRequest) -> HttpResponse:
    """The header's bell with the unread count; the header loads it with htmx, so pages
    themselves never pay for the count."""
    here = (request.htmx.current_url_abs_path or "") if request.htmx else ""
    context = {
        "unread": selectors.unread_count(request.user),
        "on_list": here.startswith(reverse("notify:notification-list")),
    }
    return render(request, "notify/bell.html", context)


@member_required()
@require_POST
def notification_read(request: MemberRequest, notification_id: int) -> HttpResponse:
    try:
        services.mark_read(notification_id, actor=request.user)
    except DomainError:
        raise Http404 from None
    # Back at the item, so someone going down the list by keyboard keeps their place.
    return redirect(reverse("notify:notification-list") + f"#notification-{notification_id}")


@member_required()
@require_POST
def notification_read_all(request: MemberRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notify:notification-list")


@member_required()
@require_http_methods(["GET", "POST"])
def preferences(request: MemberRequest) -> HttpResponse:
    current = services.preference_for(request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(request.user, actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Notification preferences saved.")
            return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form}, status=form_status(form))


@member_required()
@require_GET
def mentionable(request: MemberRequest, task_id: int) -> HttpResponse:
    """Who can be mentioned in the task's comments, and how: the task page loads this."""
    task = visible_task(request.user, task_id, select_related=("client",))
    people = [m for m in selectors.mentionable(task) if m.person.pk != request.user.pk]
    context = {"task": task, "people": people}
    template = "notify/mentionable.html"
    return render(request, f"{template}#people" if request.htmx else template, context)
