"""Files: the upload endpoint upload.js sends each file to, “Add files” on a task, and the
download and thumbnail views.

Files are only ever read through ``Attachment.objects.visible_to`` (the task's own scoping):
an attachment the person may not see is a 404, the same as one that does not exist. They
are sent with headers that stop a browser from running them on our origin.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.lookups import visible_client
from tandem.core.errors import DomainError
from tandem.core.tenancy import MemberRequest, member_required
from tandem.work import attachments
from tandem.work.forms import FILES_AUTO_ID, AttachmentsForm
from tandem.work.lookups import visible_task_for_page
from tandem.work.models import Attachment
from tandem.work.views import TASK_FORM_METHODS, _task_page, back_to_task

# Multipart framing around one file; a body larger than the limit plus this is refused
# before Django reads it.
MULTIPART_OVERHEAD = 64 * 1024


@member_required()
@require_POST
def attachment_upload(request: MemberRequest, client_id: int) -> JsonResponse:
    """One file (``file``) as the person's pending upload for the client: its id as JSON, or
    ``{"error": sentence}``."""
    client = visible_client(request.user, client_id, select_related=())
    if _content_length(request) > attachments.max_bytes() + MULTIPART_OVERHEAD:
        limit = settings.TANDEM_ATTACHMENT_MAX_MB
        return JsonResponse(
            {"error": f"That file is too large; files can be at most {limit} MB."}, status=413
        )
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "Choose a file to upload."}, status=400)
    try:
        attachment = attachments.store_attachment(
            client=client, uploaded_by=request.user, name=upload.name or "", content=upload
        )
    except DomainError as refusal:
        return JsonResponse({"error": refusal.message}, status=400)
    return JsonResponse(
        {
            "id": attachment.pk,
            "name": attachment.name,
            "size": attachment.size,
            "size_label": attachments.size_words(attachment.size),
        },
        status=201,
    )


def _content_length(request: MemberRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@member_required()
@require_http_methods(TASK_FORM_METHODS)
def attachment_add(request: MemberRequest, task_id: int) -> HttpResponse:
    """“Add files” on a task: anyone who sees the task may add files to it."""
    task = visible_task_for_page(request.user, task_id)
    if request.method == "GET":
        return back_to_task(task)
    form = AttachmentsForm(
        request.POST,
        request.FILES,
        client=task.client,
        uploader=request.user,
        auto_id=FILES_AUTO_ID,
    )
    if form.is_valid():
        try:
            added = attachments.attach_to_task(
                task, actor=request.user, uploads=form.cleaned_data["uploads"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{added} file{'s' if added != 1 else ''} added.")
            return redirect("work:task-detail", task_id=task.pk)
    return _task_page(request, task, files_form=form, status=400)


@member_required()
@require_GET
def attachment_download(request: MemberRequest, attachment_id: int) -> HttpResponse:
    attachment = _visible_attachment(request, attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = attachments.content_disposition(attachment.name)
    return _harden(response, cache="private, no-cache")


@member_required()
@require_GET
def attachment_thumbnail(request: MemberRequest, attachment_id: int) -> HttpResponse:
    attachment = _visible_attachment(request, attachment_id)
    if not attachment.thumbnail:
        raise Http404("This file has no thumbnail.")
    response = FileResponse(attachment.thumbnail.open("rb"), content_type="image/webp")
    return _harden(response, cache="private, max-age=86400")


def _visible_attachment(request: MemberRequest, attachment_id: int) -> Attachment:
    return get_object_or_404(Attachment.objects.visible_to(request.user), pk=attachment_id)


def _harden(response: FileResponse, *, cache: str) -> HttpResponse:
    """Never run or render what a person uploaded: no type sniffing, and a policy that
    sandboxes the response and allows nothing, should a browser open it anyway."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = cache
    # A streaming response; member_required's type only names HttpResponse.
    return cast(HttpResponse, response)
