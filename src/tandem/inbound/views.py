"""The HTTP twin of ``tandem inbound``: a mail server (or a relay such as a webhook from a
mail provider) POSTs one raw message as the body.

Authenticated with TANDEM_INBOUND_SECRET as ``Authorization: Bearer <secret>``, compared in
constant time; an empty secret turns the endpoint off. Answers are JSON:
``{"outcome": …, "task": url-or-null}``, or ``{"detail": …}`` with 400, 403, 404 or 413.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from tandem.inbound import services
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
