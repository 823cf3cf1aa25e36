"""Attachments on S3-compatible storage: every path against a real S3 server over HTTP.

moto's standalone server (``moto_server``) runs as a process for this module and answers the
S3 API on a local port; nothing is mocked in this process. Each test gets a fresh bucket, and
the default storage is the one settings build from the ``TANDEM_S3_*`` variables (under a
``tandem/`` prefix, so keys are listed relative to it). MEDIA_ROOT points at an empty folder
that must stay empty: no path may fall back to local files.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image
from storages.backends.s3 import S3Storage

from tandem.settings import file_storage
from tandem.work.attachments import (
    delete_orphaned_files,
    delete_stale_uploads,
    store_attachment,
    sweep,
    sweep_orphaned_files,
)
from tandem.work.models import Attachment, Task
from tests.conftest import Personas, PracticeWorld, signed_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PREFIX = "tandem"
REGION = "us-east-1"
# moto takes any credentials; these keep boto3 from looking for real ones.
KEYS = {"TANDEM_S3_ACCESS_KEY": "tandem-test", "TANDEM_S3_SECRET_KEY": "tandem-test-secret"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with direct.open(url, timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a moto S3 server running for this module's tests."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while not answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"moto_server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: Any  # boto3's S3 client, typed at run time only

    def stored(self) -> set[str]:
        """Every key in the bucket, as Tandem names it (relative to the prefix)."""
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {entry["Key"].removeprefix(f"{PREFIX}/") for entry in listed}

    def read(self, key: str) -> bytes:
        body = self.client.get_object(Bucket=self.name, Key=f"{PREFIX}/{key}")["Body"]
        return bytes(body.read())

    def grantees(self, key: str) -> list[str]:
        grants = self.client.get_object_acl(Bucket=self.name, Key=f"{PREFIX}/{key}")["Grants"]
        return [grant["Grantee"]["Type"] for grant in grants]

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.name, Key=f"{PREFIX}/{key}", Body=data)
        return key


@pytest.fixture
def bucket(s3_endpoint: str, settings, tmp_path: Path, monkeypatch) -> Iterator[Bucket]:
    """A fresh bucket, made the default storage the way settings make it from the variables."""
    # boto3 honours HTTP(S)_PROXY; the server is on this machine.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    name = f"tandem-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["TANDEM_S3_ACCESS_KEY"],
        aws_secret_access_key=KEYS["TANDEM_S3_SECRET_KEY"],
    )
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media"
    # Assigning STORAGES sends setting_changed; Django's receiver then drops the cached
    # storages, so default_storage (and every FileField's storage) is built anew from it.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": file_storage(
            {
                "TANDEM_S3_BUCKET": name,
                "TANDEM_S3_ENDPOINT_URL": s3_endpoint,
                "TANDEM_S3_REGION": REGION,
                "TANDEM_S3_PREFIX": PREFIX,
                **KEYS,
            }
        ),
    }
    assert isinstance(default_storage, S3Storage)
    yield Bucket(name=name, endpoint=s3_endpoint, client=client)
    assert not Path(settings.MEDIA_ROOT).exists(), "a file went to MEDIA_ROOT, not the bucket"


def image_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def run_queued(job_path: str) -> None:
    """Run the queued rows of one job as a worker would: by importing their stored path."""
    for row in DBTaskResult.objects.filter(task_path=job_path):
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def a_task(world: PracticeWorld) -> Task:
    http = signed_in(world.contact1)
    response = http.post(
        f"/clients/{world.client1.pk}/requests/new/",
        {
            "title": "Print the flyers",
            "expectations": "200 flyers",
            "deadline": "in 3 days",
            "priority": "normal",
            "attachments": [SimpleUploadedFile("flyer.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    return Task.objects.get(title="Print the flyers")


@pytest.mark.slow
def test_files_sent_with_a_request_are_stored_thumbnailed_and_downloaded_from_the_bucket(
    personas: Personas, bucket: Bucket
) -> None:
    world = personas.a
    http = signed_in(world.contact1)
    photo = image_bytes()
    response = http.post(
        f"/clients/{world.client1.pk}/requests/new/",
        {
            "title": "Print the flyers",
            "expectations": "200 flyers",
            "deadline": "in 3 days",
            "priority": "normal",
            "attachments": [
                SimpleUploadedFile("flyer.pdf", PDF),
                SimpleUploadedFile("photo.png", photo),
            ],
        },
    )
    assert response.status_code == 302
    document = Attachment.objects.get(name="flyer.pdf")
    image = Attachment.objects.get(name="photo.png")
    assert bucket.stored() == {document.file.name, image.file.name}
    assert bucket.read(image.file.name) == photo
    # Private objects, and no signed link that a page could leak.
    assert bucket.grantees(document.file.name) == ["CanonicalUser"]
    assert "Signature" not in default_storage.url(document.file.name)
    assert bucket.endpoint not in http.get(f"/tasks/{document.task.pk}/").content.decode()

    run_queued("tandem.work.attachments.make_thumbnail")

    image.refresh_from_db()
    assert image.thumbnail.name.startswith(f"thumbnails/{world.practice.pk}/")
    assert image.thumbnail.name in bucket.stored()
    download = http.get(f"/files/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="flyer.pdf"'
    thumbnail = http.get(f"/files/{image.pk}/thumbnail/")
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as small:
        assert (small.format, small.size) == ("WEBP", (320, 240))
    # Someone of another practice gets nothing, whatever the bucket holds.
    assert signed_in(personas.b.owner).get(f"/files/{document.pk}/").status_code == 404


@pytest.mark.slow
def test_a_stale_pending_upload_is_deleted_from_the_bucket(
    personas: Personas, bucket: Bucket
) -> None:
    world = personas.a
    stale = store_attachment(
        client=world.client1, uploaded_by=world.contact1, name="old.pdf", content=PDF
    )
    fresh = store_attachment(
        client=world.client1, uploaded_by=world.contact1, name="new.pdf", content=PDF
    )
    Attachment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))

    delete_stale_uploads.call()

    assert set(Attachment.objects.values_list("name", flat=True)) == {"new.pdf"}
    assert bucket.stored() == {fresh.file.name}


@pytest.mark.slow
def test_the_sweep_deletes_old_keys_no_row_names_and_keeps_named_and_young_ones(
    personas: Personas, bucket: Bucket
) -> None:
    named = a_task(personas.a).attachments.get().file.name
    orphans = {
        bucket.put(f"attachments/{personas.a.practice.pk}/{uuid.uuid4().hex}", b"left"),
        bucket.put(f"thumbnails/{personas.b.practice.pk}/{uuid.uuid4().hex}.webp", b"left"),
    }
    # Outside the folders attachments are stored in: not the sweep's to judge.
    other = bucket.put("exports/report.csv", b"kept")

    # S3 says when each key was written: all of them just now, too young to sweep.
    assert delete_orphaned_files(older_than=timezone.now() - timedelta(days=1)) == 0
    assert bucket.stored() == {named, other} | orphans

    # A minute from now, every key is "old": only the ones no row names go.
    assert delete_orphaned_files(older_than=timezone.now() + timedelta(minutes=1), batch=1) == 2
    assert bucket.stored() == {named, other}

    sweep_orphaned_files.call()
    assert bucket.stored() == {named, other}


@pytest.mark.slow
def test_a_key_deleted_after_it_was_listed_is_not_old_and_does_not_stop_the_sweep(
    bucket: Bucket,
) -> None:
    # S3 answers a missing key with its own 404 error, not FileNotFoundError.
    assert not sweep._written_before("attachments/1/gone", timezone.now() + timedelta(days=1))


# The settings ------------------------------------------------------------------------------


def test_without_a_bucket_files_stay_under_media_root() -> None:
    assert file_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_makes_private_unsigned_never_overwritten_s3_storage() -> None:
    storage = file_storage({"TANDEM_S3_BUCKET": "files", "TANDEM_S3_PREFIX": "/tandem/"})

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert options["location"] == "tandem"
    # No keys given: boto3 finds them itself (AWS_ACCESS_KEY_ID, a profile, a role).
    assert "access_key" not in options
    assert S3Storage(**options).bucket_name == "files"


def test_a_bucket_with_acls_disabled_gets_no_acl() -> None:
    storage = file_storage({"TANDEM_S3_BUCKET": "files", "TANDEM_S3_ACL": ""})

    assert storage["OPTIONS"]["default_acl"] is None


def test_an_access_key_without_its_secret_is_refused_with_a_sentence() -> None:
    with pytest.raises(RuntimeError, match="Set both TANDEM_S3_ACCESS_KEY and TANDEM_S3_SECRET"):
        file_storage({"TANDEM_S3_BUCKET": "files", "TANDEM_S3_ACCESS_KEY": "key"})
