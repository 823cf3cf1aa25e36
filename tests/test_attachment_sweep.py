"""The sweep of stored files no attachment names: real files in a temporary MEDIA_ROOT.

A file is left behind when the transaction that stored it rolls back (store_attachment
writes the bytes before the row). The sweep deletes such files once they are a day old, and
never a file a row names or one young enough to belong to a row not committed yet.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tandem.core import jobs
from tandem.work.attachments import (
    delete_orphaned_files,
    make_thumbnail,
    store_attachment,
    sweep_orphaned_files,
)
from tandem.work.models import Attachment, Task
from tandem.work.services import create_task
from tests.conftest import Personas, PracticeWorld

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A one-pixel PNG, so a thumbnail is made.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_keys() -> set[str]:
    root = Path(default_storage.location)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def age(key: str, *, days: float) -> str:
    """Make the stored file ``key`` look written ``days`` ago."""
    moment = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(default_storage.path(key), (moment, moment))
    return key


def orphan(world: PracticeWorld, folder: str = "attachments") -> str:
    """A file where store_attachment (or make_thumbnail) would put one, with no row."""
    key = f"{folder}/{world.practice.pk}/{uuid.uuid4().hex}"
    return default_storage.save(key, ContentFile(b"left behind"))


def a_task(world: PracticeWorld) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Print the flyers",
        expectations="200 flyers at the office",
        deadline_at=timezone.now() + timedelta(days=3),
    )


def attached(world: PracticeWorld, name: str = "brief.pdf", content: bytes = PDF) -> Attachment:
    return store_attachment(
        client=world.client1,
        uploaded_by=world.contact1,
        name=name,
        content=content,
        task=a_task(world),
    )


def store_then_fail(world: PracticeWorld, task: Task) -> None:
    """A caller that stores a file in its transaction, then fails and rolls back."""
    with transaction.atomic():
        store_attachment(
            client=world.client1, uploaded_by=world.contact1, name="a.pdf", content=PDF, task=task
        )
        raise RuntimeError("the caller's next step failed")


def sweep() -> int:
    return delete_orphaned_files(older_than=timezone.now() - timedelta(days=1))


def test_an_old_file_no_attachment_names_is_deleted_and_named_or_fresh_files_are_kept(
    personas: Personas,
) -> None:
    world = personas.a
    image = attached(world, "photo.png", PNG)
    make_thumbnail.call(image.pk)
    image.refresh_from_db()
    document = attached(world)
    kept = {age(image.file.name, days=3), age(image.thumbnail.name, days=3)}
    kept |= {age(document.file.name, days=3), orphan(world)}
    old_orphans = {age(orphan(world), days=2), age(orphan(personas.b, "thumbnails"), days=2)}

    assert sweep() == 2

    assert stored_keys() == kept
    assert not stored_keys() & old_orphans


def test_a_thumbnail_is_kept_when_checked_apart_from_its_image(personas: Personas) -> None:
    image = attached(personas.a, "photo.png", PNG)
    make_thumbnail.call(image.pk)
    image.refresh_from_db()
    kept = {age(image.file.name, days=3), age(image.thumbnail.name, days=3)}

    # One key per batch: the thumbnail's own reference is what keeps it.
    assert delete_orphaned_files(older_than=timezone.now() - timedelta(days=1), batch=1) == 0

    assert stored_keys() == kept


def test_the_periodic_job_sweeps_and_is_scheduled_with_the_others(personas: Personas) -> None:
    old = age(orphan(personas.a), days=2)

    sweep_orphaned_files.call()

    assert not default_storage.exists(old)
    assert "tandem.work.attachments.sweep_orphaned_files" in jobs.PERIODIC


def test_a_file_stored_in_a_transaction_that_rolled_back_is_swept_once_old(
    personas: Personas,
) -> None:
    world = personas.a
    with pytest.raises(RuntimeError):
        store_then_fail(world, a_task(world))
    assert not Attachment.objects.exists()
    [left_behind] = stored_keys()

    # A day has not passed: its row might still be on its way, so it stays.
    assert sweep() == 0
    assert default_storage.exists(left_behind)

    age(left_behind, days=1.5)
    assert sweep() == 1
    assert not stored_keys()


def test_an_old_pending_upload_keeps_its_file_for_the_pending_clean_up(
    personas: Personas,
) -> None:
    upload = store_attachment(
        client=personas.a.client1, uploaded_by=personas.a.contact1, name="a.pdf", content=PDF
    )
    age(upload.file.name, days=5)

    assert sweep() == 0
    assert default_storage.exists(upload.file.name)


def test_the_files_of_a_deleted_task_are_swept_with_it_gone(personas: Personas) -> None:
    document = attached(personas.a)
    age(document.file.name, days=2)
    Task.objects.filter(pk=document.task_id).delete()

    assert sweep() == 1
    assert not stored_keys()


def test_references_are_checked_a_batch_at_a_time_not_per_file(
    personas: Personas, django_assert_num_queries
) -> None:
    for _ in range(3):
        age(attached(personas.a).file.name, days=2)
    for _ in range(7):
        age(orphan(personas.a), days=2)

    # Ten files in batches of four: one query for each of the three batches.
    with django_assert_num_queries(3):
        assert delete_orphaned_files(older_than=timezone.now() - timedelta(days=1), batch=4) == 7

    assert len(stored_keys()) == 3


def test_nothing_stored_yet_sweeps_nothing(db) -> None:
    assert sweep() == 0
