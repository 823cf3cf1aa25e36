"""Weekly check-ins: the practice's list, one check-in's page, the note and the answer.

Forms are plain posts: success goes back to the check-in's page with a message; a refusal
comes back as that page, 400, the sentence beside the field and what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require
from tandem.planning import check_ins as services
from tandem.planning.forms_checkins import AnswerForm, NoteForm
from tandem.planning.models_checkins import CheckIn
from tandem.planning.selectors_checkins import check_in_page, check_ins_page

# Opened again after a refused form (Enter in the address bar): the check-in's page.
FORM_METHODS = ["GET", "POST"]


def _visible_check_in(request: MemberRequest, check_in_id: int) -> CheckIn:
    rows = CheckIn.objects.visible_to(request.user).select_related(
        "client__practice", "noted_by", "answered_by"
    )
    return get_object_or_404(rows, pk=check_in_id)


@member_required(Capability.SEE_CHECK_INS)
@require_GET
def check_ins(request: MemberRequest) -> HttpResponse:
    page = check_ins_page(viewer=request.user, now=timezone.now())
    return render(request, "planning/check_ins.html", {"page": page})


def _render(
    request: MemberRequest,
    check_in: CheckIn,
    *,
    note_form: NoteForm | None = None,
    answer_form: AnswerForm | None = None,
) -> HttpResponse:
    page = check_in_page(check_in, viewer=request.user)
    if page.can_note and note_form is None:
        note_form = NoteForm(initial={"note": check_in.note})
    if page.can_answer and answer_form is None:
        answer_form = AnswerForm(check_in_id=check_in.pk)
    refused = any(form is not None and form.errors for form in (note_form, answer_form))
    context = {"page": page, "note_form": note_form, "answer_form": answer_form}
    return render(request, "planning/check_in.html", context, status=400 if refused else 200)


@member_required()
@require_GET
def check_in(request: MemberRequest, check_in_id: int) -> HttpResponse:
    return _render(request, _visible_check_in(request, check_in_id))


@member_required(Capability.NOTE_CHECK_IN)
@require_http_methods(FORM_METHODS)
def check_in_note(request: MemberRequest, check_in_id: int) -> HttpResponse:
    found = _visible_check_in(request, check_in_id)
    if request.method == "GET":
        return redirect("planning:check-in", check_in_id=found.pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_check_in(found, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            said = "Note saved" if form.cleaned_data["note"] else "Note removed"
            messages.success(request, f"{said}: it goes with the check-in.")
            return redirect("planning:check-in", check_in_id=found.pk)
    return _render(request, found, note_form=form)


@member_required()
@require_http_methods(FORM_METHODS)
def check_in_answer(request: MemberRequest, check_in_id: int) -> HttpResponse:
    # Missing first (another client's check-in, or none), then the practice's side refused.
    found = _visible_check_in(request, check_in_id)
    require(request.user, Capability.ANSWER_CHECK_IN)
    if request.method == "GET":
        return redirect("planning:check-in", check_in_id=found.pk)
    form = AnswerForm(request.POST, check_in_id=found.pk)
    if form.is_valid():
        try:
            services.answer_check_in(found, actor=request.user, answer=form.cleaned_data["answer"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Thank you: your assistant can see your answer.")
            return redirect("planning:check-in", check_in_id=found.pk)
    return _render(request, found, answer_form=form)
