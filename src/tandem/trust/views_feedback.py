"""Praise and feedback (issue 13): the practice's feedback page (the owner: everyone's; an
assistant: their own), and the client's "My feedback", where consent to quote is withdrawn."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from tandem.clients.models import Client
from tandem.core.errors import DomainError
from tandem.core.forms import parse_id
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.trust import selectors_feedback
from tandem.work import reviews
from tandem.work.models_reviews import Review

C = Capability


@member_required(C.SEE_FEEDBACK)
@require_GET
def feedback(request: MemberRequest) -> HttpResponse:
    assistant_id = parse_id(request.GET.get("assistant"))
    client_id = parse_id(request.GET.get("client"))
    page = selectors_feedback.feedback_page(
        viewer=request.user, assistant_id=assistant_id, client_id=client_id
    )
    clients = Client.objects.visible_to(request.user).order_by("name").values_list("pk", "name")
    context = {
        "page": page,
        "assistant_id": assistant_id,
        "client_id": client_id,
        "clients": list(clients) if page.whole_practice else [],
        "most": max((n for _, n in page.distribution), default=0) or 1,
    }
    return render(request, "trust/feedback/feedback.html", context)


@member_required(C.REVIEW_DELIVERY)
@require_GET
def my_feedback(request: MemberRequest) -> HttpResponse:
    said = selectors_feedback.client_feedback(viewer=request.user)
    return render(request, "trust/feedback/my_feedback.html", {"reviews": said})


@member_required()
@require_POST
def withdraw_consent(request: MemberRequest, review_id: int) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("client"), pk=review_id
    )
    require(request.user, C.REVIEW_DELIVERY)
    try:
        reviews.withdraw_quote_consent(review, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Withdrawn: the practice will not quote this thank-you.")
    return redirect("trust:my-feedback")
