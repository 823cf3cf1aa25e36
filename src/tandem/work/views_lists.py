"""The request list (everyone's requests, filtered, sorted, searched) and its "New request"
chooser for the practice side. Thin: bind the filter form, call the selectors, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.clients.lookups import visible_client
from tandem.core.access import is_practice_side
from tandem.core.forms import parse_id
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import selectors_lists
from tandem.work.forms_lists import RequestFilterForm


@member_required()
@require_GET
def request_list(request: MemberRequest) -> HttpResponse:
    """A bad filter value is named in the page and the valid ones still apply: 400, for the
    page and for an htmx refresh of the results alike (base.html lets htmx swap a 400 in)."""
    practice_side = is_practice_side(request.user.membership)
    choices = selectors_lists.filter_choices(viewer=request.user)
    form = RequestFilterForm(request.GET, choices=choices, practice_side=practice_side)
    form.is_valid()
    filters = form.filters()
    now = timezone.now()
    result = selectors_lists.request_page(
        viewer=request.user, filters=filters, page_number=request.GET.get("page"), now=now
    )
    page = result.page
    context = {
        "now": now,
        "ranked": result.ranked,
        "too_many_matches": result.too_many,
        "form": form,
        "page": page,
        "clients": choices.clients,
        "practice_side": practice_side,
        "searching": filters.search is not None,
        "query_string": _without_page(request),
        "filters_on": _filters_on(request),
        # Only an empty list needs to know whether there is anything at all.
        "has_any": bool(page.object_list) or selectors_lists.has_any_request(viewer=request.user),
    }
    template = "work/request_list.html#results" if request.htmx else "work/request_list.html"
    return render(request, template, context, status=400 if form.errors else 200)


@member_required()
@require_GET
def request_new(request: MemberRequest) -> HttpResponse:
    """The practice side's "New request": the chosen client's request form. A client the
    viewer may not see is missing (404); no client chosen goes back to the list."""
    client_id = parse_id(request.GET.get("client"))
    if client_id is None:
        return redirect("work:request-list")
    client = visible_client(request.user, client_id, select_related=())
    return redirect("work:task-create", client_id=client.pk)


def _without_page(request: MemberRequest) -> str:
    """The current filters as a query string, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# What the folded filters' button counts: the filters set, besides the search words.
FOLDED_FILTERS = ("status", "client", "project", "due", "deadline_from", "deadline_to", "sort")


def _filters_on(request: MemberRequest) -> int:
    return sum(1 for name in FOLDED_FILTERS if request.GET.get(name, "").strip())
