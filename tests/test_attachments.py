"""Attachments: the rules every file passes, storage, linking to tasks and comments, the
upload endpoint, the forms with and without JavaScript, downloads, thumbnails, scoping."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tandem.core.errors import DomainError
from tandem.work import attachments
from tandem.work.attachments import (
    clean_name,
    delete_pending_uploads,
    make_thumbnail,
    store_attachment,
)
from tandem.work.models import Attachment, Task
from tandem.work.services import add_comment, create_task
from tests.conftest import PracticeWorld, field_error, page_text, signed_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
MAC_PROGRAM = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def media_files() -> list[Path]:
    from django.conf import settings

    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(out, image_format)
    return out.getvalue()


def zip_bytes(*members: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member in members:
            archive.writestr(member, b"content")
    return out.getvalue()


def windows_installer() -> bytes:
    """The start of an OLE file whose root storage is a Windows Installer package."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    header[0x1E:0x20] = struct.pack("<H", 9)  # 512-byte sectors
    header[0x30:0x34] = struct.pack("<I", 0)  # the directory starts in sector 0
    root = bytearray(128)
    root[0x50:0x60] = bytes.fromhex("84100c0000000000c000000000000046")
    return bytes(header + root)


def a_task(world: PracticeWorld, **kwargs: Any) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Print the flyers",
        expectations="200 flyers at the office",
        deadline_at=timezone.now() + timedelta(days=3),
        **kwargs,
    )


def pending(world: PracticeWorld, name: str = "brief.pdf", content: bytes = PDF, **kw: Any):
    kw.setdefault("uploaded_by", world.contact1)
    return store_attachment(client=world.client1, name=name, content=content, **kw)


def refusal(world: PracticeWorld, name: str, content: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        pending(world, name, content)
    assert caught.value.field == "attachments"
    return caught.value.message


# The rules ---------------------------------------------------------------------------------


def test_a_file_is_stored_under_a_random_key_and_keeps_its_name_for_display(personas):
    attachment = pending(personas.a, "Q3 brief.pdf")
    assert attachment.name == "Q3 brief.pdf"
    assert "brief" not in attachment.file.name
    assert attachment.file.name.startswith(f"attachments/{personas.a.practice.pk}/")
    assert default_storage.open(attachment.file.name).read() == PDF
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.is_pending


def test_an_empty_file_is_refused(personas):
    assert refusal(personas.a, "notes.txt", b"") == "“notes.txt” is empty; choose the file again."


def test_a_file_over_the_limit_is_refused_with_the_limit(personas, settings):
    settings.TANDEM_ATTACHMENT_MAX_MB = 1
    message = refusal(personas.a, "scan.pdf", PDF + b"0" * 1024 * 1024)
    assert message.startswith("“scan.pdf” is 1.0 MB; files can be at most 1 MB.")
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name", ["setup.exe", "run.BAT", "macro.vbs", "app.js", "x.msi", "a.sh"])
def test_programs_and_scripts_are_refused_by_name(personas, name: str):
    assert "can run programs" in refusal(personas.a, name, b"just text")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (WINDOWS_PROGRAM, "a Windows program"),
        (LINUX_PROGRAM, "a Linux program"),
        (MAC_PROGRAM, "a Mac program"),
        (b"#!/bin/sh\nrm -rf ~\n", "a script"),
        (windows_installer(), "a Windows installer"),
        (zip_bytes("META-INF/MANIFEST.MF", "a/B.class"), "a Java program"),
        (zip_bytes("AndroidManifest.xml", "classes.dex"), "an Android app"),
        (zip_bytes("docs/readme.txt", "docs/setup.exe"), "an archive with a program in it"),
    ],
)
def test_a_program_renamed_to_a_document_is_refused_by_its_content(personas, content, what):
    message = refusal(personas.a, "invoice.pdf", content)
    assert message.startswith(f"“invoice.pdf” cannot be attached: its content is {what}")
    assert not Attachment.objects.exists()
    assert not list(media_files())


def test_web_pages_and_svgs_with_script_are_refused(personas):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle onload="alert(1)"/></svg>'
    assert "a web page with script" in refusal(personas.a, "logo.svg", svg)
    page = b"<!doctype html><p>Hi</p>" + b" " * 70_000 + b"<scr" + b"ipt>x()</script>"
    assert "a web page with script" in refusal(personas.a, "notes.txt", page)


def test_web_pages_and_svgs_without_script_are_ordinary_files(personas):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    assert pending(personas.a, "logo.svg", svg).content_type == "application/octet-stream"
    template = b"<!doctype html><html><body><p>Newsletter</p></body></html>"
    assert pending(personas.a, "newsletter.html", template).name == "newsletter.html"


def test_office_documents_and_ordinary_zips_are_accepted(personas):
    assert pending(personas.a, "photos.zip", zip_bytes("a.jpg", "b.jpg")).size > 0
    old_word = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 1000
    assert pending(personas.a, "letter.doc", old_word).size == 1008


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("re\x00port\r\n.pdf", "report.pdf"),
        ("invoice\u202efdp.pdf", "invoicefdp.pdf"),
        ("  spaced   out .pdf  ", "spaced out .pdf"),
        ("...", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_names_lose_path_parts_and_control_characters(raw: str, shown: str):
    assert clean_name(raw) == shown


def test_a_trailing_dot_cannot_hide_a_program(personas):
    assert "can run programs" in refusal(personas.a, "setup.exe. ", b"text")


def test_a_cleaned_path_is_stored_as_the_display_name_only(personas):
    attachment = pending(personas.a, "../../../etc/passwd.pdf")
    assert attachment.name == "passwd.pdf"
    assert ".." not in attachment.file.name


def test_someone_who_cannot_see_the_client_cannot_store_for_it(personas):
    with pytest.raises(DomainError):
        pending(personas.a, uploaded_by=personas.a.contact2)
    with pytest.raises(DomainError):
        pending(personas.a, uploaded_by=personas.b.owner)


def test_a_file_for_a_task_of_another_client_is_refused(personas):
    other_task = create_task(
        personas.a.client2,
        actor=personas.a.owner,
        title="Other",
        expectations="Done",
        deadline_at=timezone.now() + timedelta(days=2),
    )
    with pytest.raises(DomainError, match="another client"):
        pending(personas.a, uploaded_by=personas.a.owner, task=other_task)


def test_a_file_stored_on_a_comment_is_on_its_task_too(personas):
    task = a_task(personas.a)
    comment = add_comment(task, actor=personas.a.assistant, body_markdown="Here it is")
    attachment = pending(personas.a, uploaded_by=personas.a.assistant, comment=comment)
    assert (attachment.task_id, attachment.comment_id) == (task.pk, comment.pk)


# Thumbnails and clean-up -------------------------------------------------------------------


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_an_image_gets_a_small_thumbnail(personas, image_format: str):
    attachment = pending(personas.a, f"photo.{image_format.lower()}", image_bytes(image_format))
    make_thumbnail.call(attachment.pk)
    attachment.refresh_from_db()
    with default_storage.open(attachment.thumbnail.name) as stored, Image.open(stored) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (320, 240)


def test_an_image_too_large_to_decode_safely_gets_no_thumbnail(personas, monkeypatch):
    monkeypatch.setattr(attachments, "THUMBNAIL_MAX_PIXELS", 1000)
    attachment = pending(personas.a, "huge.png", image_bytes("PNG", (100, 100)))
    make_thumbnail.call(attachment.pk)
    attachment.refresh_from_db()
    assert not attachment.thumbnail


def test_a_broken_image_gets_no_thumbnail_and_stays_downloadable(personas):
    attachment = pending(personas.a, "broken.png", image_bytes("PNG")[:60])
    make_thumbnail.call(attachment.pk)
    attachment.refresh_from_db()
    assert not attachment.thumbnail
    assert attachment.size == 60


def test_pending_uploads_older_than_a_day_are_deleted_with_their_files(personas):
    old = pending(personas.a, "old.pdf")
    Attachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    fresh = pending(personas.a, "fresh.pdf")
    used = pending(personas.a, "used.pdf")
    task = a_task(personas.a)
    Attachment.objects.filter(pk=used.pk).update(
        task=task, created_at=timezone.now() - timedelta(days=2)
    )
    assert delete_pending_uploads(older_than=timezone.now() - timedelta(days=1)) == 1
    assert set(Attachment.objects.values_list("name", flat=True)) == {"fresh.pdf", "used.pdf"}
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(fresh.file.name)


def test_the_clean_up_job_is_scheduled_with_the_other_periodic_jobs(db):
    from tandem.core import jobs

    jobs.ensure_scheduled()
    assert "tandem.work.attachments.delete_stale_uploads" in jobs.PERIODIC


# The upload endpoint -----------------------------------------------------------------------


def upload(http, client_pk: int, name: str = "brief.pdf", content: bytes = PDF):
    return http.post(f"/clients/{client_pk}/uploads/", {"file": SimpleUploadedFile(name, content)})


def test_an_upload_becomes_the_persons_pending_upload_and_answers_with_its_id(personas):
    response = upload(signed_in(personas.a.contact1), personas.a.client1.pk, "Brief.pdf")
    assert response.status_code == 201
    answer = response.json()
    attachment = Attachment.objects.get(pk=answer["id"])
    assert answer == {
        "id": attachment.pk,
        "name": "Brief.pdf",
        "size": len(PDF),
        "size_label": "1 KB",
    }
    assert (attachment.uploaded_by, attachment.client, attachment.task) == (
        personas.a.contact1,
        personas.a.client1,
        None,
    )


def test_a_refused_upload_answers_with_the_sentence(personas):
    http = signed_in(personas.a.contact1)
    response = upload(http, personas.a.client1.pk, "invoice.pdf", WINDOWS_PROGRAM)
    assert response.status_code == 400
    assert response.json()["error"].startswith("“invoice.pdf” cannot be attached")
    assert upload(http, personas.a.client1.pk, "empty.txt", b"").json() == {
        "error": "“empty.txt” is empty; choose the file again."
    }
    assert http.post(f"/clients/{personas.a.client1.pk}/uploads/").json() == {
        "error": "Choose a file to upload."
    }


def test_an_upload_far_over_the_limit_is_refused_before_it_is_read(personas, settings):
    settings.TANDEM_ATTACHMENT_MAX_MB = 0
    response = upload(signed_in(personas.a.owner), personas.a.client1.pk, "big.pdf", PDF * 2000)
    assert response.status_code == 413
    assert response.json()["error"] == "That file is too large; files can be at most 0 MB."


@pytest.mark.parametrize("who", ["contact2", "unassigned"])
def test_people_outside_the_client_cannot_upload_to_it(personas, who: str):
    http = signed_in(personas.a.persona(who))
    assert upload(http, personas.a.client1.pk).status_code == 404
    assert upload(signed_in(personas.b.owner), personas.a.client1.pk).status_code == 404
    assert not Attachment.objects.exists()


# Files with a new request ------------------------------------------------------------------


def request_data(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Print the flyers",
        "expectations": "200 flyers",
        "deadline": "in 3 days",
        "priority": "normal",
        **extra,
    }


def test_a_new_request_takes_the_uploaded_files(personas):
    world = personas.a
    http = signed_in(world.contact1)
    ids = [upload(http, world.client1.pk, name).json()["id"] for name in ("a.pdf", "b.pdf")]
    response = http.post(f"/clients/{world.client1.pk}/requests/new/", request_data(upload=ids))
    assert response.status_code == 302
    task = Task.objects.get(title="Print the flyers")
    assert sorted(task.attachments.values_list("name", flat=True)) == ["a.pdf", "b.pdf"]
    page = page_text(http.get(f"/tasks/{task.pk}/"))
    assert "a.pdf" in page
    assert "b.pdf" in page


def test_without_javascript_files_come_with_the_form(personas):
    world = personas.a
    http = signed_in(world.contact1)
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("photo.png", image_bytes())]
    response = http.post(
        f"/clients/{world.client1.pk}/requests/new/", request_data(attachments=files)
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert sorted(task.attachments.values_list("name", flat=True)) == ["a.pdf", "photo.png"]


def test_a_form_with_an_error_keeps_the_files_already_sent(personas):
    world = personas.a
    http = signed_in(world.contact1)
    url = f"/clients/{world.client1.pk}/requests/new/"
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("setup.exe", b"MZ")]
    response = http.post(url, request_data(title="", attachments=files))
    assert response.status_code == 400
    assert field_error(response, "title") == "Give the request a short title."
    assert "“setup.exe” cannot be attached" in field_error(response, "attachments")
    kept = Attachment.objects.get()
    assert f'name="upload" value="{kept.pk}" checked' in response.content.decode()
    assert http.post(url, request_data(upload=[kept.pk])).status_code == 302
    assert Task.objects.get().attachments.get() == kept


def test_someone_elses_pending_upload_cannot_be_taken(personas):
    world = personas.a
    theirs = pending(world, uploaded_by=world.assistant)
    http = signed_in(world.contact1)
    response = http.post(
        f"/clients/{world.client1.pk}/requests/new/", request_data(upload=[theirs.pk])
    )
    assert response.status_code == 400
    assert "no longer waiting to be attached" in field_error(response, "attachments")
    assert not Task.objects.exists()
    theirs.refresh_from_db()
    assert theirs.is_pending


def test_an_upload_for_another_client_cannot_go_on_this_clients_request(personas):
    world = personas.a
    other_clients = store_attachment(
        client=world.client2, uploaded_by=world.owner, name="x.pdf", content=PDF
    )
    response = signed_in(world.owner).post(
        f"/clients/{world.client1.pk}/requests/new/", request_data(upload=[other_clients.pk])
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_a_garbled_upload_id_is_a_message_not_an_error(personas):
    world = personas.a
    response = signed_in(world.contact1).post(
        f"/clients/{world.client1.pk}/requests/new/", request_data(upload=["x1"])
    )
    assert response.status_code == 400
    assert field_error(response, "attachments") == (
        "One of the files could not be read; add it again."
    )


# Comments, Add files -----------------------------------------------------------------------


def test_a_comment_carries_its_files_into_the_timeline(personas):
    world = personas.a
    task = a_task(world)
    http = signed_in(world.assistant)
    file_id = upload(http, world.client1.pk, "proof.pdf").json()["id"]
    response = http.post(
        f"/tasks/{task.pk}/comment/", {"body_markdown": "Proof attached", "upload": [file_id]}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(pk=file_id)
    assert attachment.comment is not None
    assert attachment.task == task
    page = http.get(f"/tasks/{task.pk}/")
    (entry,) = [e for e in page.context["page"].entries if e.is_comment]
    assert [(file.name, file.url) for file in entry.files] == [
        (attachment.name, f"/files/{attachment.pk}/")
    ]


def test_add_files_puts_them_on_the_task(personas):
    world = personas.a
    task = a_task(world)
    http = signed_in(world.contact1)
    response = http.post(
        f"/tasks/{task.pk}/files/", {"attachments": [SimpleUploadedFile("logo.svg", b"<svg/>")]}
    )
    assert response.status_code == 302
    assert task.attachments.get().name == "logo.svg"


def test_add_files_with_nothing_chosen_says_so(personas):
    task = a_task(personas.a)
    response = signed_in(personas.a.contact1).post(f"/tasks/{task.pk}/files/")
    assert response.status_code == 400
    assert field_error(response, "files_attachments") == "Choose at least one file to add."


def test_add_files_to_a_task_of_another_client_is_missing(personas):
    task = a_task(personas.a)
    for user in (personas.a.contact2, personas.a.unassigned, personas.b.owner):
        http = signed_in(user)
        response = http.post(
            f"/tasks/{task.pk}/files/", {"attachments": [SimpleUploadedFile("a.pdf", PDF)]}
        )
        assert response.status_code == 404
    assert not Attachment.objects.exists()


# Downloads and thumbnails ------------------------------------------------------------------


def test_a_download_is_sent_as_an_attachment_that_cannot_run(personas):
    task = a_task(personas.a)
    attachment = pending(personas.a, 'Résumé "final".pdf', task=task)
    response = signed_in(personas.a.assistant).get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response.getvalue() == PDF
    assert response["Content-Disposition"] == (
        'attachment; filename="Resume _final_.pdf"; '
        "filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_plain_name_is_sent_as_it_is(personas):
    attachment = pending(personas.a, "brief.pdf", task=a_task(personas.a))
    response = signed_in(personas.a.contact1).get(f"/files/{attachment.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="brief.pdf"'


def test_markup_is_never_sent_as_a_page(personas):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    attachment = pending(personas.a, "logo.svg", svg, task=a_task(personas.a))
    response = signed_in(personas.a.contact1).get(f"/files/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_image_shows_its_thumbnail_on_the_task_page(personas):
    task = a_task(personas.a)
    attachment = pending(personas.a, "photo.jpg", image_bytes("JPEG"), task=task)
    make_thumbnail.call(attachment.pk)
    http = signed_in(personas.a.contact1)
    assert (
        f'src="/files/{attachment.pk}/thumbnail/"'
        in http.get(f"/tasks/{task.pk}/").content.decode()
    )
    response = http.get(f"/files/{attachment.pk}/thumbnail/")
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(response.getvalue())) as thumb:
        assert thumb.size == (320, 240)


@pytest.mark.parametrize("who", ["contact2", "unassigned"])
def test_people_outside_the_client_cannot_download_its_files(personas, who: str):
    task = a_task(personas.a)
    attachment = pending(personas.a, "photo.png", image_bytes(), task=task)
    make_thumbnail.call(attachment.pk)
    for user in (personas.a.persona(who), personas.b.owner, personas.b.contact1):
        http = signed_in(user)
        assert http.get(f"/files/{attachment.pk}/").status_code == 404
        assert http.get(f"/files/{attachment.pk}/thumbnail/").status_code == 404


def test_a_file_of_an_archived_client_is_hidden_from_its_contact(personas):
    from tandem.clients.services import archive_client

    attachment = pending(personas.a, task=a_task(personas.a))
    archive_client(personas.a.client1, actor=personas.a.owner)
    assert signed_in(personas.a.contact1).get(f"/files/{attachment.pk}/").status_code == 404
    assert signed_in(personas.a.owner).get(f"/files/{attachment.pk}/").status_code == 200


# Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("files", [2, 50])
def test_the_task_page_costs_the_same_with_2_or_50_files(
    personas, files: int, django_assert_num_queries
):
    world = personas.a
    task = a_task(world)
    comment = add_comment(task, actor=world.assistant, body_markdown="Files")
    rows = [
        Attachment(
            practice=world.practice,
            client=world.client1,
            task=task,
            comment=comment if i % 2 else None,
            uploaded_by=world.assistant if i % 2 else world.contact1,
            name=f"file-{i}.pdf",
            file=f"attachments/x/{i}",
            thumbnail=f"thumbnails/x/{i}.webp" if i % 3 == 0 else "",
            size=1000,
            content_type="application/pdf",
        )
        for i in range(files)
    ]
    Attachment.objects.bulk_create(rows)
    http = signed_in(world.contact1)
    # 1-2. session, the user with their membership; 3. the task, 4. whether the viewer sees it, 5.
    # its files joined to their uploaders, 6. its changes, 7. its comments, 8. its checklist, 9. the
    # viewer's notifications about it marked read
    with django_assert_num_queries(9):
        response = http.get(f"/tasks/{task.pk}/")
    assert len(response.context["page"].files) == files
    assert response.content.decode().count('href="/files/') == files + files // 2


def test_a_broken_image_gets_no_thumbnail_after_an_agreement_was_rendered(personas):
    # WeasyPrint, imported to render agreements in the same worker, turns on Pillow's
    # LOAD_TRUNCATED_IMAGES for the whole process; rendering turns it off again.
    from tests import agreements_flow as flow

    a = personas.a
    agreement = flow.signed_by_both(a.client1, a.owner, a.contact1)
    flow.make_pdf(agreement)
    attachment = pending(a, "broken.png", image_bytes("PNG")[:60])
    make_thumbnail.call(attachment.pk)
    attachment.refresh_from_db()
    assert not attachment.thumbnail


def test_a_broken_image_gets_no_thumbnail_in_a_worker_warmed_up_for_agreements(personas):
    # A worker loads WeasyPrint before its first job (tandem worker); that load must leave
    # Pillow refusing truncated images as well.
    from PIL import ImageFile

    from tandem.agreements import pdf

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint's first import leaves it
    pdf.warm_up()
    attachment = pending(personas.a, "broken.png", image_bytes("PNG")[:60])
    make_thumbnail.call(attachment.pk)
    attachment.refresh_from_db()
    assert not attachment.thumbnail
