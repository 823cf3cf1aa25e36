"""The rules a file must pass to be attached, and the names it is shown and sent under.

``check_file`` refuses, with a sentence naming the file:

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
parts and control characters (``clean_name``). Nothing here touches storage or the database.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from typing import IO
from urllib.parse import quote

import filetype  # type: ignore[import-untyped]
from django.conf import settings

from tandem.core.errors import DomainError

FIELD = "attachments"
NAME_MAX = 120
# More than this in one form is almost certainly a mistake (a whole folder dropped).
FILES_PER_POST_MAX = 20
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
