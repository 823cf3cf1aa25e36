"""Files on tasks and comments: the rules a file must pass, where its bytes go, thumbnails.

Every file, whichever way it arrives (the upload endpoint, a plain form post, an e-mail),
goes through ``store_attachment``. It refuses, with a sentence naming the file:

- an empty file, or one over ``TANDEM_ATTACHMENT_MAX_MB``;
- a name ending in a type that runs code when opened (``FORBIDDEN_EXTENSIONS``): programs,
  libraries, installers, scripts, Java/Android/Mac apps, disk images Windows opens like a
  folder (a common way to slip a program past mail filters), web archives;
- content that *is* such a thing whatever the name says: Windows (MZ), Linux (ELF) and Mac
  (Mach-O) programs, Java classes, Windows installers (MSI/MSP in an OLE file), scripts
  starting with ``#!``, Linux and Chrome packages, ZIP files holding any of those or laid
  out as a Java/Android/Windows app; a renamed ``setup.exe`` → ``invoice.pdf`` is refused;
- HTML and SVG (by name or by content) that carry active content (script, event handlers,
  ``javascript:`` links, frames, embedded objects). Plain HTML templates and SVG logos are
  ordinary work files for a VA, so they are accepted, and like every file they are only ever
  sent as a download (``Content-Disposition: attachment``, ``nosniff``, a sandboxing CSP),
  never rendered on our origin.

Sniffing uses ``filetype``: pure Python (nothing to install on a server or in CI, unlike
libmagic), it knows executables, packages, documents and images by their first bytes. What
it does not know (Mach-O, MSI, ``#!``, ZIP contents, markup) is checked below in a few lines.

The name a person gave the file is kept for display and downloads only, cleaned of path
parts and control characters; the bytes are stored under a random key in Django's default
storage (MEDIA_ROOT here, S3-compatible storage later).
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from io import BytesIO
from itertools import islice
from typing import IO, TYPE_CHECKING
from urllib.parse import quote

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageOps

from tandem.clients.models import Client
from tandem.core import jobs
from tandem.core.errors import DomainError
from tandem.work.models import Attachment, Comment, Task

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)

FIELD = "attachments"
NAME_MAX = 120
# More than this in one form is almost certainly a mistake (a whole folder dropped).
FILES_PER_POST_MAX = 20
# A pending upload nobody sent with a form is deleted after this.
PENDING_LIFETIME = timedelta(days=1)
HEAD_BYTES = 8192
MARKUP_SCAN_BYTES = 5 * 1024 * 1024


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


FORBIDDEN_EXTENSIONS = _words(
    # Windows programs, libraries, shortcuts and settings files that run or change things.
    "exe dll com scr pif cpl sys drv ocx msc lnk scf reg inf hta gadget url",
    # Windows installers and app packages.
    "msi msp mst appx appxbundle msix msixbundle cab",
    # Scripts.
    "bat cmd ps1 psm1 psd1 vbs vbe js jse mjs wsf wsh sh bash zsh csh ksh command py pyw",
    # Java, Android, iOS and Mac apps and installers.
    "jar class apk aab xapk ipa app dmg pkg mpkg",
    # Linux programs and packages.
    "deb rpm run appimage so elf",
    # Disk images Windows mounts like folders; web archives that open in a browser.
    "iso vhd vhdx mht mhtml xht",
)
MARKUP_EXTENSIONS = frozenset({"html", "htm", "xhtml", "shtml", "svg"})

# What ``filetype`` recognises that we refuse, in words for the message.
SNIFFED_PROGRAMS = {
    "exe": "a Windows program",
    "elf": "a Linux program",
    "crx": "a browser extension",
    "deb": "a Linux installer",
    "rpm": "a Linux installer",
    "cab": "a Windows installer archive",
    "swf": "a Flash program",
}
MACH_O_MAGIC = {
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
}
# A Mac universal binary and a Java class file share this magic; both are programs.
CAFEBABE = b"\xca\xfe\xba\xbe"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Root storage CLSIDs of Windows Installer packages, patches and transforms
# ({000C1084-…}, {000C1086-…}, {000C1082-…}), as stored: little-endian first field.
MSI_CLSID_HEADS = {b"\x84\x10\x0c\x00", b"\x86\x10\x0c\x00", b"\x82\x10\x0c\x00"}
MSI_CLSID_TAIL = b"\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"
ZIP_APP_MARKERS = {
    "meta-inf/manifest.mf": "a Java program",
    "androidmanifest.xml": "an Android app",
    "classes.dex": "an Android app",
    "appxmanifest.xml": "a Windows app package",
}
MARKUP_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|svg|script)\b", re.IGNORECASE)
ACTIVE_CONTENT = re.compile(
    rb"<\s*(script|iframe|frame|object|embed|applet|foreignobject|base)\b"
    rb"|<[^>]*\son[a-z]+\s*="
    rb"|(java|vb)script\s*:"
    rb"|<\s*meta[^>]*http-equiv",
    re.IGNORECASE,
)
# Kinds sent with their own type; everything else goes out as application/octet-stream.
THUMBNAIL_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
THUMBNAIL_SIZE = 320
# Pillow refuses images over ~179 Mpx (DecompressionBombError) and warns over ~89 Mpx; we
# stay far below both, so a small file that decodes to a huge bitmap gets no thumbnail.
THUMBNAIL_MAX_PIXELS = 40_000_000


# Names -------------------------------------------------------------------------------------


def clean_name(raw: str) -> str:
    """The name to show: no folders, no control or direction-changing characters, short.

    Trailing dots and spaces go too, because Windows drops them when saving: ``x.exe.``
    would become ``x.exe`` on the reader's disk.
    """
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "file"
    if len(name) <= NAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 10:
        return f"{stem[: NAME_MAX - len(extension) - 1].rstrip(' .')}.{extension}"
    return name[:NAME_MAX].rstrip(" .")


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def size_words(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def content_disposition(name: str) -> str:
    """The header that names a download: a plain ASCII ``filename`` every browser reads,
    and the exact name in UTF-8 (RFC 5987) for the ones that read ``filename*``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9 ._()-]", "_", plain).strip(" .") or "download"
    header = f'attachment; filename="{plain}"'
    if plain != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def max_bytes() -> int:
    return int(settings.TANDEM_ATTACHMENT_MAX_MB) * 1024 * 1024


# Content -----------------------------------------------------------------------------------


def check_file(name: str, size: int, stream: IO[bytes]) -> str:
    """The content type to send the file as; DomainError with a sentence when refused."""
    if size == 0:
        raise DomainError(f"“{name}” is empty; choose the file again.", field=FIELD)
    limit = settings.TANDEM_ATTACHMENT_MAX_MB
    if size > max_bytes():
        raise DomainError(
            f"“{name}” is {size_words(size)}; files can be at most {limit} MB. "
            "Share larger files as a link instead.",
            field=FIELD,
        )
    extension = extension_of(name)
    if extension in FORBIDDEN_EXTENSIONS:
        raise DomainError(
            f"“{name}” cannot be attached: .{extension} files can run programs on the "
            "computer that opens them.",
            field=FIELD,
        )
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    kind = filetype.guess(head)
    program = _program_in(head, kind, stream)
    if program is None and (extension in MARKUP_EXTENSIONS or MARKUP_SNIFF.search(head)):
        program = _active_markup(stream)
    stream.seek(0)
    if program is not None:
        raise DomainError(
            f"“{name}” cannot be attached: its content is {program}, whatever its name says.",
            field=FIELD,
        )
    return str(kind.mime) if kind is not None else "application/octet-stream"


def _program_in(head: bytes, kind: object, stream: IO[bytes]) -> str | None:
    sniffed = getattr(kind, "extension", None)
    if sniffed in SNIFFED_PROGRAMS:
        return SNIFFED_PROGRAMS[sniffed]
    if head[:4] in MACH_O_MAGIC:
        return "a Mac program"
    if head.startswith(CAFEBABE):
        return "a Mac or Java program"
    if head.startswith(b"#!"):
        return "a script"
    if head.startswith(OLE_MAGIC) and _is_windows_installer(head, stream):
        return "a Windows installer"
    if head.startswith(b"PK\x03\x04"):
        return _program_in_zip(stream)
    return None


def _is_windows_installer(head: bytes, stream: IO[bytes]) -> bool:
    """An OLE file (also old Word/Excel) whose root storage says Windows Installer."""
    sector_size = 1 << int.from_bytes(head[0x1E:0x20], "little")
    first_directory_sector = int.from_bytes(head[0x30:0x34], "little")
    if sector_size not in (512, 4096):
        return False
    stream.seek((first_directory_sector + 1) * sector_size + 0x50)
    clsid = stream.read(16)
    return clsid[:4] in MSI_CLSID_HEADS and clsid[4:] == MSI_CLSID_TAIL


def _program_in_zip(stream: IO[bytes]) -> str | None:
    """Programs packed in a ZIP, or the ZIP itself laid out as an app. Only the directory
    at the end is read; a damaged ZIP is stored as the opaque bytes it is."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for member in members[:10_000]:
        lowered = member.lower()
        if lowered in ZIP_APP_MARKERS:
            return ZIP_APP_MARKERS[lowered]
        if ".app/contents/macos/" in lowered:
            return "a Mac app"
        inner = clean_name(member)
        if extension_of(inner) in FORBIDDEN_EXTENSIONS:
            return f"an archive with a program in it ({inner})"
    return None


def _active_markup(stream: IO[bytes]) -> str | None:
    """HTML or SVG with script in it. Read in overlapping chunks, so a tag split between
    two reads is still seen."""
    stream.seek(0)
    tail = b""
    read = 0
    while read < MARKUP_SCAN_BYTES and (chunk := stream.read(65_536)):
        read += len(chunk)
        if ACTIVE_CONTENT.search(tail + chunk):
            return "a web page with script in it"
        tail = chunk[-512:]
    return None


# Storing and linking -----------------------------------------------------------------------


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
    ids: Iterable[int], *, actor: User, task: Task, comment: Comment | None = None
) -> int:
    """Put the actor's pending uploads on ``task`` (and ``comment``). Call it inside the
    transaction that creates them: a refusal rolls the task or comment back too.

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
    ).update(task=task, comment=comment)
    if linked != len(wanted):
        raise DomainError(
            "One of the files is no longer waiting to be attached (uploads are kept for a "
            "day); add it again.",
            field=FIELD,
        )
    return linked


def attach_to_task(task: Task, *, actor: User, uploads: Iterable[int]) -> int:
    """“Add files” on a task: anyone who can see the task may add files to it."""
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise DomainError("This task is not one of yours; open it from your own task list.")
    wanted = list(uploads)
    if not wanted:
        raise DomainError("Choose at least one file to add.", field=FIELD)
    with transaction.atomic():
        return link_uploads(wanted, actor=actor, task=task)


# Background jobs ---------------------------------------------------------------------------


@jobs.job()
def make_thumbnail(attachment_id: int) -> None:
    """A small WebP of an image attachment. In a job, not the request: decoding a large
    photo takes a second and a lot of memory, which the web process should not spend.

    Idempotent: a finished thumbnail is kept, and of two runs at once only one row update
    wins (the loser deletes its file)."""
    attachment = Attachment.objects.filter(pk=attachment_id, thumbnail="").first()
    if attachment is None or attachment.content_type not in THUMBNAIL_FORMATS:
        return
    with attachment.file.open("rb") as stream:
        data = thumbnail_bytes(stream, THUMBNAIL_FORMATS[attachment.content_type])
    if data is None:
        return
    key = f"thumbnails/{attachment.practice_id}/{uuid.uuid4().hex}.webp"
    key = default_storage.save(key, ContentFile(data))
    if not Attachment.objects.filter(pk=attachment.pk, thumbnail="").update(thumbnail=key):
        default_storage.delete(key)


def thumbnail_bytes(stream: IO[bytes], image_format: str) -> bytes | None:
    """At most THUMBNAIL_SIZE on its longer side, upright, as WebP; None for an image that
    cannot be read or would decode to too large a bitmap (a "decompression bomb")."""
    try:
        with Image.open(stream, formats=[image_format]) as image:
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                return None
            # JPEG decodes straight at 1/2 to 1/8 scale: a fraction of the memory.
            image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            small = ImageOps.exif_transpose(image)
            small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            if small.mode not in ("RGB", "RGBA"):
                small = small.convert("RGBA")
            out = BytesIO()
            small.save(out, "WEBP", quality=80)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.info("No thumbnail: the image could not be read", exc_info=True)
        return None


@jobs.periodic(every_seconds=3600)
@jobs.job(max_attempts=1)
def delete_stale_uploads() -> None:
    delete_pending_uploads(older_than=timezone.now() - PENDING_LIFETIME)


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


# Files with no row ---------------------------------------------------------------------------

# store_attachment writes the bytes before the row, so a caller's transaction that rolls back
# after it leaves a file no row names; so does a crash between deleting a row and its file,
# or a task deleted with its files' rows. Only files older than this are swept: a younger one
# may belong to a row whose transaction has not committed yet.
ORPHAN_MIN_AGE = timedelta(days=1)
# Where store_attachment and make_thumbnail write: "<folder>/<practice id>/<random key>".
STORED_FOLDERS = ("attachments", "thumbnails")
SWEEP_BATCH = 500


@jobs.periodic(every_seconds=24 * 3600)
@jobs.job(max_attempts=1)
def sweep_orphaned_files() -> None:
    delete_orphaned_files(older_than=timezone.now() - ORPHAN_MIN_AGE)


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
    try:
        return default_storage.get_modified_time(key) < moment
    except FileNotFoundError:
        return False  # deleted since it was listed
