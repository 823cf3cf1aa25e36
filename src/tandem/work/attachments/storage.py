"""Storing files and putting them on tasks and comments.

Every file, whichever way it arrives (the upload endpoint, a plain form post, an e-mail),
goes through ``store_attachment``, which checks it (``rules.check_file``) and writes its bytes
under a random key in Django's default storage: ``MEDIA_ROOT``, or an S3-compatible bucket
when ``TANDEM_S3_BUCKET`` is set. Only the storage API is used (``save``, ``open``,
``delete``), never a local path, so both work the same. A file stored without a task is its
uploader's pending upload until ``link_uploads`` puts it on the task or comment their form
creates; one nobody sends is deleted by the sweep (``sweep.delete_pending_uploads``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from tandem.clients.models import Client
from tandem.core import events
from tandem.core.errors import DomainError
from tandem.work.attachments.rules import FIELD, FILES_PER_POST_MAX, check_file, clean_name
from tandem.work.attachments.thumbnails import THUMBNAIL_FORMATS
from tandem.work.models import Attachment, Comment, Delivery, Task, TaskEvent

if TYPE_CHECKING:
    from tandem.accounts.models import User


def store_attachment(
    *,
    client: Client,
    uploaded_by: User,
    name: str,
    content: bytes | File,
    task: Task | None = None,
    comment: Comment | None = None,
) -> Attachment:
    """Check and store one file for ``client``: on ``task`` or ``comment``, or pending.

    Refused with DomainError(field="attachments") and a sentence naming the file when it is
    empty, too large or a program (by name or content), when ``uploaded_by`` cannot see the
    client, or when the task is another client's. Without a task the file is the uploader's
    pending upload: ``link_uploads`` puts it on the task or comment their form creates.
    """
    if comment is not None:
        task = task or comment.task
        if comment.task_id != task.pk:
            raise ValueError("the comment is on another task")
    if not Client.objects.visible_to(uploaded_by).filter(pk=client.pk).exists():
        raise DomainError("Pick one of your own clients.", field=FIELD)
    if task is not None and task.client_id != client.pk:
        raise DomainError("That task belongs to another client.", field=FIELD)
    name = clean_name(name)
    file = ContentFile(content) if isinstance(content, bytes) else content
    content_type = check_file(name, file.size, file)
    key = default_storage.save(f"attachments/{client.practice_id}/{uuid.uuid4().hex}", file)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                practice_id=client.practice_id,
                client=client,
                task=task,
                comment=comment,
                uploaded_by=uploaded_by,
                name=name,
                file=key,
                size=file.size,
                content_type=content_type,
            )
            if content_type in THUMBNAIL_FORMATS:
                # The job is declared in the package's __init__, which imports this module.
                from tandem.work.attachments import make_thumbnail

                make_thumbnail.enqueue(attachment.pk)
    except BaseException:
        default_storage.delete(key)
        raise
    return attachment


def store_uploaded_files(
    files: Iterable[File], *, client: Client, uploaded_by: User
) -> tuple[list[Attachment], list[str]]:
    """Each file as a pending upload of ``uploaded_by``: the ones kept, and a sentence for
    each one refused. For forms posted without JavaScript, where every file comes at once."""
    kept: list[Attachment] = []
    refusals: list[str] = []
    for file in files:
        try:
            kept.append(
                store_attachment(
                    client=client, uploaded_by=uploaded_by, name=file.name or "", content=file
                )
            )
        except DomainError as refusal:
            refusals.append(refusal.message)
    return kept, refusals


def pending_uploads(ids: Iterable[int], *, client: Client, uploaded_by: User) -> list[Attachment]:
    """Those of ``ids`` that are still ``uploaded_by``'s pending uploads for ``client``."""
    return list(
        Attachment.objects.filter(
            pk__in=list(ids), task__isnull=True, client=client, uploaded_by=uploaded_by
        ).order_by("created_at", "id")
    )


def link_uploads(
    ids: Iterable[int],
    *,
    actor: User,
    task: Task,
    comment: Comment | None = None,
    delivery: Delivery | None = None,
) -> int:
    """Put the actor's pending uploads on ``task`` (and ``comment`` or ``delivery``). Call
    it inside the transaction that creates them: a refusal rolls that back too.

    Only the actor's own pending uploads for the task's client move; anything else (someone
    else's upload, another client's, one already used or cleaned up) refuses the whole post,
    and the update is conditional, so a file cannot end up on two tasks.
    """
    wanted = set(ids)
    if not wanted:
        return 0
    if len(wanted) > FILES_PER_POST_MAX:
        raise DomainError(f"Attach at most {FILES_PER_POST_MAX} files at a time.", field=FIELD)
    linked = Attachment.objects.filter(
        pk__in=wanted, task__isnull=True, uploaded_by=actor, client_id=task.client_id
    ).update(task=task, comment=comment, delivery=delivery)
    if linked != len(wanted):
        raise DomainError(
            "One of the files is no longer waiting to be attached (uploads are kept for a "
            "day); add it again.",
            field=FIELD,
        )
    return linked


def attach_to_task(task: Task, *, actor: User, uploads: Iterable[int]) -> int:
    """“Add files” on a task: anyone who can see the task may add files to it.

    The files are a line on the timeline, as when they come with an edit ("added 2 files"),
    through the one event path: watchers hear of them, and files from the client's side
    answer what the request was waiting for (``planning.owed_reactions``)."""
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise DomainError("This task is not one of yours; open it from your own task list.")
    wanted = list(uploads)
    if not wanted:
        raise DomainError("Choose at least one file to add.", field=FIELD)
    with transaction.atomic():
        added = link_uploads(wanted, actor=actor, task=task)
        names = Attachment.objects.filter(pk__in=wanted).order_by("created_at", "id")
        event = TaskEvent(
            practice_id=task.practice_id,
            client_id=task.client_id,
            task=task,
            actor=actor,
            kind=TaskEvent.Kind.EDITED,
            changes={"files_added": list(names.values_list("name", flat=True))},
        )
        events.record(event, kind=f"task.{TaskEvent.Kind.EDITED}")
        return added
