"""Deleting what no task needs: pending uploads nobody sent, and stored files no row names.

Both run as periodic jobs (``delete_stale_uploads`` and ``sweep_orphaned_files``, declared in
the package's ``__init__``). Both use only Django's storage API: ``listdir``,
``get_modified_time`` and ``delete`` mean the same on local files and on an S3-compatible
bucket (where ``listdir`` lists the keys under a prefix, relative to it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice

from django.core.files.storage import default_storage
from django.db.models import Q

from tandem.work.models import Attachment

logger = logging.getLogger(__name__)

# A pending upload nobody sent with a form is deleted after this.
PENDING_LIFETIME = timedelta(days=1)
# store_attachment writes the bytes before the row, so a caller's transaction that rolls back
# after it leaves a file no row names; so does a crash between deleting a row and its file,
# or a task deleted with its files' rows. Only files older than this are swept: a younger one
# may belong to a row whose transaction has not committed yet.
ORPHAN_MIN_AGE = timedelta(days=1)
# Where store_attachment and make_thumbnail write: "<folder>/<practice id>/<random key>".
STORED_FOLDERS = ("attachments", "thumbnails")
SWEEP_BATCH = 500


def delete_pending_uploads(*, older_than: datetime, batch: int = 1000) -> int:
    """Pending uploads made before ``older_than``, rows and files.

    Each row is deleted only while it is still pending, so an upload linked to a task at
    the same moment keeps its file. A crash between the row and the file leaves an orphan
    file, never a row without its file; ``delete_orphaned_files`` removes it later.
    """
    stale = Attachment.objects.filter(task__isnull=True, created_at__lt=older_than)
    deleted = 0
    for pk, file, thumbnail in stale.values_list("pk", "file", "thumbnail")[:batch]:
        if Attachment.objects.filter(pk=pk, task__isnull=True).delete()[0]:
            deleted += 1
            for key in (file, thumbnail):
                if key:
                    default_storage.delete(key)
    return deleted


def delete_orphaned_files(*, older_than: datetime, batch: int = SWEEP_BATCH) -> int:
    """Delete stored attachment and thumbnail files that no Attachment names and that were
    last written before ``older_than``; the number deleted.

    Walks storage folder by folder and asks the database about ``batch`` keys at a time (one
    query each), so the cost is a query per batch, not per file. A file is never deleted
    while a row names it, as its file or its thumbnail, whatever folder it is in. Safe to
    run twice at once: deleting a file that is already gone does nothing.
    """
    deleted = 0
    for keys in _chunks(_stored_keys(), batch):
        referenced = _referenced(keys)
        for key in keys:
            if key not in referenced and _written_before(key, older_than):
                default_storage.delete(key)
                deleted += 1
    if deleted:
        logger.info("Deleted %d stored file(s) that no attachment names", deleted)
    return deleted


def _stored_keys() -> Iterator[str]:
    """Every file under the folders attachments are stored in, one practice at a time."""
    for folder in STORED_FOLDERS:
        for practice_folder in _listdir(folder)[0]:
            base = f"{folder}/{practice_folder}"
            for name in _listdir(base)[1]:
                yield f"{base}/{name}"


def _listdir(path: str) -> tuple[list[str], list[str]]:
    """Folders and files at ``path``; none when it does not exist yet (no file stored)."""
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:
        return [], []


def _chunks(keys: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(islice(keys, size)):
        yield chunk


def _referenced(keys: list[str]) -> set[str]:
    """Those of ``keys`` that some Attachment names as its file or its thumbnail."""
    rows = Attachment.objects.filter(Q(file__in=keys) | Q(thumbnail__in=keys))
    return {key for pair in rows.values_list("file", "thumbnail") for key in pair}


def _written_before(key: str, moment: datetime) -> bool:
    """False for a key deleted since it was listed (by a sweep running at the same time).
    Local storage then raises FileNotFoundError, S3's its own 404 error: whatever was raised,
    it is the key's absence that makes it no error."""
    try:
        return default_storage.get_modified_time(key) < moment
    except Exception:
        if default_storage.exists(key):
            raise
        return False
