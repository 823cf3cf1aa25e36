"""Agreements' pages: the templates and the setting (the owner), a client's agreements (both
sides; issuing is the owner's), one agreement (read, edit the draft, send, sign, amend,
withdraw, its sealed PDF), and the verify page (anyone: see ``verify``)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.agreements import pdf, selectors, services, texts
from tandem.agreements.forms import (
    DraftForm,
    IssueForm,
    PolicyForm,
    SignForm,
    TemplateForm,
    VerifyForm,
)
from tandem.agreements.models import Agreement, Kind, PdfState, State
from tandem.clients.lookups import visible_client
from tandem.core import audit
from tandem.core.errors import DomainError
from tandem.core.forms import Refusal, form_status
from tandem.core.markdown import render_markdown
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, member_required, require

C = Capability


# The practice's templates and setting ---------------------------------------------------------


@member_required(C.KEEP_AGREEMENT_TEMPLATES)
@require_http_methods(["GET", "POST"])
def agreement_settings(request: MemberRequest) -> HttpResponse:
    practice_id = request.user.membership.practice_id
    required = services.agreements_required(practice_id)
    form = PolicyForm(request.POST if request.method == "POST" else None,
                      initial={"require_before_work": required})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["require_before_work"]
        services.set_agreements_required(actor=request.user, required=wanted)
        messages.success(
            request,
            "Requests now wait for both agreements to be signed."
            if wanted
            else "Requests no longer wait for signed agreements.",
        )
        return redirect("agreements:settings")
    templates = [services.current_template(practice_id, kind) for kind in Kind.values]
    context = {"form": form, "templates": templates}
    return render(request, "agreements/settings.html", context)


@member_required(C.KEEP_AGREEMENT_TEMPLATES)
@require_http_methods(["GET", "POST"])
def template_edit(request: MemberRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404("No such kind of agreement.")
    current = services.current_template(request.user.membership.practice_id, kind)
    initial = {"title": current.title, "body": current.body}
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            saved = services.save_template(actor=request.user, kind=kind, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Saved as version {saved.version}. Agreements already sent keep their own text.",
            )
            return redirect("agreements:settings")
    context = {
        "form": form,
        "current": current,
        "kind_label": Kind(kind).label,
        "placeholders": texts.PLACEHOLDERS,
    }
    return render(request, "agreements/template_edit.html", context, status=form_status(form))


# A client's agreements ----------------------------------------------------------------------


@member_required(C.SEE_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def client_agreements(request: MemberRequest, client_id: int) -> HttpResponse:
    """The client's agreements (both sides), and the owner's form to issue one."""
    client = visible_client(request.user, client_id)
    status = selectors.agreements_status(viewer=request.user, client=client)
    form = None
    if request.method == "POST":
        require(request.user, C.ISSUE_AGREEMENT)
        form = IssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            terms = services.Terms(data["hourly_rate"], data["payment_terms"],
                                   data["notice_period"], data["start_date"])  # fmt: skip
            try:
                issued = services.issue_agreement(
                    client, actor=request.user, kind=data["kind"], terms=terms
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "Filled in from your template: review it, then send it.")
                return redirect("agreements:edit", agreement_id=issued.pk)
    elif status.may_issue:
        form = IssueForm(initial={"start_date": timezone.localdate(), "kind": _next_kind(status)})
    context = {
        "client": client,
        "status": status,
        "agreements": selectors.client_agreements(viewer=request.user, client=client),
        "form": form,
    }
    code = 400 if form is not None and form.errors else 200
    return render(request, "agreements/client_agreements.html", context, status=code)


def _next_kind(status: selectors.AgreementsStatus) -> str:
    on_the_way = {row.kind for row in status.waiting + status.signed}
    return next((kind for kind in Kind.values if kind not in on_the_way), Kind.SERVICE)


# One agreement --------------------------------------------------------------------------------


def _visible(request: MemberRequest, agreement_id: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related(
            "client", "client__practice", "practice", "amends"
        ),
        pk=agreement_id,
    )


def _page(
    request: MemberRequest,
    agreement: Agreement,
    *,
    sign_form: SignForm | None = None,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.agreement_page(viewer=request.user, agreement=agreement)
    context: dict[str, Any] = {
        "page": page,
        "agreement": agreement,
        "body": render_markdown(agreement.body),
        "sign_form": sign_form or (SignForm() if page.signing_side else None),
        "refusal": refusal,
    }
    return render(request, "agreements/agreement.html", context, status=status)


def _refused(request: MemberRequest, agreement: Agreement, error: DomainError) -> HttpResponse:
    """The agreement's page again, 400, with the sentence beside its buttons."""
    return _page(request, agreement, refusal=Refusal(error.message, where="actions"), status=400)


@member_required(C.SEE_AGREEMENTS)
@require_GET
def agreement_detail(request: MemberRequest, agreement_id: int) -> HttpResponse:
    return _page(request, _visible(request, agreement_id))


@member_required(C.SEE_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_edit(request: MemberRequest, agreement_id: int) -> HttpResponse:
    """Review and change a draft for this client before sending it (the owner)."""
    agreement = _visible(request, agreement_id)
    require(request.user, C.ISSUE_AGREEMENT)
    if agreement.state != State.DRAFT:
        return redirect("agreements:agreement", agreement_id=agreement.pk)
    form = DraftForm(request.POST if request.method == "POST" else None,
                     initial={"title": agreement.title, "body": agreement.body})  # fmt: skip
    if form.is_valid():
        try:
            services.edit_draft(agreement, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved. Read it through once more, then send it.")
            return redirect("agreements:edit", agreement_id=agreement.pk)
    changes = (
        texts.changes_between(agreement.amends.body, agreement.body)
        if agreement.amends is not None
        else []
    )
    context = {
        "agreement": agreement,
        "form": form,
        "preview": render_markdown(agreement.body),
        "changes": changes,
        "placeholders": texts.PLACEHOLDERS,
        "refusal": None,
    }
    return render(request, "agreements/edit.html", context, status=form_status(form))


@member_required(C.ISSUE_AGREEMENT)
@require_POST
def agreement_send(request: MemberRequest, agreement_id: int) -> HttpResponse:
    agreement = _visible(request, agreement_id)
    try:
        services.send_agreement(agreement, actor=request.user, request=request)
    except DomainError as error:
        form = DraftForm(initial={"title": agreement.title, "body": agreement.body})
        changes = (
            texts.changes_between(agreement.amends.body, agreement.body)
            if agreement.amends is not None
            else []
        )
        context = {
            "agreement": agreement,
            "form": form,
            "preview": render_markdown(agreement.body),
            "changes": changes,
            "placeholders": texts.PLACEHOLDERS,
            "refusal": Refusal(error.message, where="send"),
        }
        if agreement.state != State.DRAFT:
            return _refused(request, agreement, error)
        return render(request, "agreements/edit.html", context, status=400)
    messages.success(request, f"Sent to {agreement.client.name} for signature.")
    return redirect("agreements:agreement", agreement_id=agreement.pk)


@member_required(C.ISSUE_AGREEMENT)
@require_POST
def agreement_withdraw(request: MemberRequest, agreement_id: int) -> HttpResponse:
    agreement = _visible(request, agreement_id)
    try:
        services.withdraw_agreement(agreement, actor=request.user)
    except DomainError as error:
        return _refused(request, agreement, error)
    messages.success(request, "Withdrawn. Nothing was signed.")
    return redirect("agreements:client", client_id=agreement.client_id)


@member_required(C.ISSUE_AGREEMENT)
@require_POST
def agreement_amend(request: MemberRequest, agreement_id: int) -> HttpResponse:
    agreement = _visible(request, agreement_id)
    try:
        amendment = services.amend_agreement(agreement, actor=request.user)
    except DomainError as error:
        return _refused(request, agreement, error)
    messages.success(
        request, "A new version to change: what you change is listed against the signed one."
    )
    return redirect("agreements:edit", agreement_id=amendment.pk)


@member_required(C.SEE_AGREEMENTS)
@require_POST
def agreement_code(request: MemberRequest, agreement_id: int) -> HttpResponse:
    agreement = _visible(request, agreement_id)
    try:
        services.send_code(agreement, actor=request.user)
    except DomainError as error:
        return _page(request, agreement, refusal=Refusal(error.message, where="code"), status=400)
    messages.success(request, f"A code is on its way to {request.user.email}. It lasts 15 minutes.")
    return redirect(f"{agreement_url(agreement)}#sign")


def agreement_url(agreement: Agreement) -> str:
    from django.urls import reverse

    return reverse("agreements:agreement", args=[agreement.pk])


@member_required(C.SEE_AGREEMENTS)
@require_POST
def agreement_sign(request: MemberRequest, agreement_id: int) -> HttpResponse:
    agreement = _visible(request, agreement_id)
    form = SignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        signed_by = services.SignedBy(
            ip_address=audit.client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        try:
            services.sign_agreement(
                agreement,
                actor=request.user,
                consent=data["consent"],
                typed_name=data["typed_name"],
                code=data["code"],
                drawn_png=data["drawn"],
                signed_by=signed_by,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            done = agreement.state == State.SIGNED
            messages.success(
                request,
                "Signed by both sides: the sealed PDF is being made."
                if done
                else "Signed. The practice countersigns next; you will both get the sealed PDF.",
            )
            return redirect("agreements:agreement", agreement_id=agreement.pk)
    # The drawing is not sent back: a canvas cannot be refilled from it.
    return _page(request, agreement, sign_form=form, status=400)


@member_required(C.SEE_AGREEMENTS)
@require_GET
def agreement_pdf(request: MemberRequest, agreement_id: int) -> HttpResponse:
    agreement = _visible(request, agreement_id)
    if agreement.pdf_state != PdfState.READY or not agreement.pdf_name:
        raise Http404("The sealed PDF is not ready yet.")
    response = FileResponse(
        default_storage.open(agreement.pdf_name, "rb"),
        as_attachment=True,
        filename=f"{agreement.title} v{agreement.version} - {agreement.client.name}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    # A streaming response; member_required's type only names HttpResponse.
    return cast(HttpResponse, response)


@member_required(C.SEE_AGREEMENTS)
@require_GET
def agreement_pdf_status(request: MemberRequest, agreement_id: int) -> HttpResponse:
    """The PDF's progress, polled by htmx while it is being made."""
    agreement = _visible(request, agreement_id)
    return render(request, "agreements/agreement.html#pdf", {"agreement": agreement})


# Verifying a PDF --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a PDF, signed in or not: whoever holds a signed agreement (a
    client's lawyer, a bank) can learn whether it is true and unaltered. It says nothing
    beyond what the PDF itself shows, and reads nothing without the PDF."""
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else None, request.FILES if posted else None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > pdf.MAX_UPLOAD_BYTES:
            verdict = pdf.Verdict(False, pdf.TOO_BIG)
        else:
            verdict = pdf.verify(upload.read())
        # A file that is not a PDF is a mistake to fix; a PDF that fails is an answer.
        if verdict.message in (pdf.NOT_A_PDF, pdf.TOO_BIG):
            form.add_error("document", verdict.message)
            verdict = None
    status = 400 if form.errors else 200
    context = {"form": form, "verdict": verdict}
    return render(request, "agreements/verify.html", context, status=status)
