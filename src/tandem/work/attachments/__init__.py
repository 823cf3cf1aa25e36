"""Files on tasks and comments, in four modules by job:

- ``rules``: the names a file is shown and sent under, the size limit, the deny-list and the
  content sniffing that refuse programs and active markup (``check_file``);
- ``storage``: storing a checked file (``store_attachment``), pending uploads, and putting
  them on the task or comment a form creates (``link_uploads``, ``attach_to_task``);
- ``thumbnails``: the small WebP of an image, made in a job;
- ``sweep``: deleting stale pending uploads and stored files that no row names.

The bytes live in Django's default storage: ``MEDIA_ROOT``, or an S3-compatible bucket when
``TANDEM_S3_BUCKET`` is set (see settings). Every module goes through the storage API only.

Callers import from here. The background jobs are declared here too, not in their modules:
django-tasks stores a job's dotted path (``tandem.work.attachments.make_thumbnail``) in every
queued row and runs the row by importing that path, and ``ScheduledRun`` keys periodic jobs
by it. These paths are the ones queued before the package was split, so rows queued by an
older version still run, and no periodic job is scheduled twice under two names.
"""

from __future__ import annotations

from django.utils import timezone

from tandem.core import jobs
from tandem.work.attachments import rules, sweep, thumbnails
from tandem.work.attachments.rules import (
    FIELD,
    FILES_PER_POST_MAX,
    FORBIDDEN_EXTENSIONS,
    MARKUP_EXTENSIONS,
    NAME_MAX,
    check_file,
    clean_name,
    content_disposition,
    extension_of,
    max_bytes,
    size_words,
)
from tandem.work.attachments.storage import (
    attach_to_task,
    link_uploads,
    pending_uploads,
    store_attachment,
    store_uploaded_files,
)
from tandem.work.attachments.sweep import (
    ORPHAN_MIN_AGE,
    PENDING_LIFETIME,
    STORED_FOLDERS,
    SWEEP_BATCH,
    delete_orphaned_files,
    delete_pending_uploads,
)
from tandem.work.attachments.thumbnails import (
    THUMBNAIL_FORMATS,
    THUMBNAIL_MAX_PIXELS,
    THUMBNAIL_SIZE,
    thumbnail_bytes,
)

__all__ = [
    "FIELD",
    "FILES_PER_POST_MAX",
    "FORBIDDEN_EXTENSIONS",
    "MARKUP_EXTENSIONS",
    "NAME_MAX",
    "ORPHAN_MIN_AGE",
    "PENDING_LIFETIME",
    "STORED_FOLDERS",
    "SWEEP_BATCH",
    "THUMBNAIL_FORMATS",
    "THUMBNAIL_MAX_PIXELS",
    "THUMBNAIL_SIZE",
    "attach_to_task",
    "check_file",
    "clean_name",
    "content_disposition",
    "delete_orphaned_files",
    "delete_pending_uploads",
    "delete_stale_uploads",
    "extension_of",
    "link_uploads",
    "make_thumbnail",
    "max_bytes",
    "pending_uploads",
    "rules",
    "size_words",
    "store_attachment",
    "store_uploaded_files",
    "sweep",
    "sweep_orphaned_files",
    "thumbnail_bytes",
    "thumbnails",
]


# Background jobs: the entry points whose dotted paths the queue stores ----------------------


@jobs.job()
def make_thumbnail(attachment_id: int) -> None:
    """The thumbnail of an image attachment (``thumbnails.add_thumbnail``); idempotent."""
    # The limit is read here, when the job runs, so this package's THUMBNAIL_MAX_PIXELS is
    # the one in force (tests lower it to try a "decompression bomb" cheaply).
    thumbnails.add_thumbnail(attachment_id, max_pixels=THUMBNAIL_MAX_PIXELS)


@jobs.periodic(every_seconds=3600)
@jobs.job(max_attempts=1)
def delete_stale_uploads() -> None:
    sweep.delete_pending_uploads(older_than=timezone.now() - PENDING_LIFETIME)


@jobs.periodic(every_seconds=24 * 3600)
@jobs.job(max_attempts=1)
def sweep_orphaned_files() -> None:
    sweep.delete_orphaned_files(older_than=timezone.now() - ORPHAN_MIN_AGE)
