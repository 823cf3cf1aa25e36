"""Mail in: the door a mail server posts to, and the log page the practice reads.

``receive`` is the HTTP twin of ``tandem inbound``: a mail server (or a relay such as a
webhook from a mail provider) POSTs one raw message as the body. Authenticated with
TANDEM_INBOUND_SECRET as ``Authorization: Bearer <secret>``, compared in constant time; an
empty secret turns the endpoint off. Answers are JSON: ``{"outcome": …, "task": url-or-null}``,
or ``{"detail": …}`` with 400, 403, 404 or 413.

``message_list`` is the practice side's log of what arrived and what became of it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required
from tandem.inbound import selectors, services
from tandem.inbound.forms import MessageFilterForm
from tandem.inbound.parsing import MalformedMessage, MessageTooLarge


def _error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _authorised(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.TANDEM_INBOUND_SECRET
    return scheme.lower() == "bearer" and constant_time_compare(token.strip(), expected)


@csrf_exempt  # a mail server has no session; the shared secret authenticates it
def receive(request: HttpRequest) -> JsonResponse:
    if not settings.TANDEM_INBOUND_SECRET:
        return _error("Receiving mail over HTTP is turned off on this server.", 404)
    if request.method != "POST":
        response = _error("POST the raw message as the request body.", 405)
        response["Allow"] = "POST"
        return response
    if not _authorised(request):
        return _error("Send the inbound secret as “Authorization: Bearer <secret>”.", 403)
    # Read the stream ourselves: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE,
    # far below the size a mail with attachments may have.
    raw = request.read(services.max_bytes() + 1)
    try:
        receipt = services.receive_message(raw, recipient=request.GET.get("recipient") or None)
    except MessageTooLarge as error:
        return _error(str(error), 413)
    except MalformedMessage as error:
        return _error(str(error), 400)
    task = receipt.task or (receipt.comment.task if receipt.comment else None)
    return JsonResponse(
        {"outcome": receipt.outcome, "task": services.task_url(task) if task else None}
    )


@member_required(Capability.VIEW_CLIENTS)
@require_GET
def message_list(request: MemberRequest) -> HttpResponse:
    """The mail log, newest first. An outcome that is not in the list is named on the page
    (400) and every message is listed instead; htmx swaps a 400 in like a 200."""
    form = MessageFilterForm(request.GET)
    outcome = form.outcome_filter()
    page = selectors.message_page(
        viewer=request.user, outcome=outcome, page_number=request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": bool(outcome),
        "query_string": params.urlencode(),
        # Only an empty page needs to know whether there is anything at all.
        "has_any": bool(page.object_list) or selectors.has_any_message(viewer=request.user),
    }
    template = "inbound/message_list.html#messages" if request.htmx else "inbound/message_list.html"
    return render(request, template, context, status=400 if form.errors else 200)
