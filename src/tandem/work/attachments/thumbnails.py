"""Thumbnails of image attachments: a small WebP, made by a job from the stored image.

The image is read through Django's storage API (``FieldFile.open``), so the same code reads
a file under ``MEDIA_ROOT`` or an object in an S3-compatible bucket. The job itself,
``make_thumbnail``, is declared in the package's ``__init__`` (its dotted path is stored in
queued rows); it calls ``add_thumbnail``.
"""

from __future__ import annotations

import logging
import uuid
from io import BytesIO
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from tandem.work.models import Attachment

logger = logging.getLogger(__name__)

# The image types a thumbnail is made of, and the one Pillow format each is opened as.
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


def add_thumbnail(attachment_id: int, *, max_pixels: int = THUMBNAIL_MAX_PIXELS) -> None:
    """A small WebP of an image attachment. In a job, not the request: decoding a large
    photo takes a second and a lot of memory, which the web process should not spend.

    Idempotent: a finished thumbnail is kept, and of two runs at once only one row update
    wins (the loser deletes its file)."""
    attachment = Attachment.objects.filter(pk=attachment_id, thumbnail="").first()
    if attachment is None or attachment.content_type not in THUMBNAIL_FORMATS:
        return
    with attachment.file.open("rb") as stream:
        data = thumbnail_bytes(
            stream, THUMBNAIL_FORMATS[attachment.content_type], max_pixels=max_pixels
        )
    if data is None:
        return
    key = f"thumbnails/{attachment.practice_id}/{uuid.uuid4().hex}.webp"
    key = default_storage.save(key, ContentFile(data))
    if not Attachment.objects.filter(pk=attachment.pk, thumbnail="").update(thumbnail=key):
        default_storage.delete(key)


def thumbnail_bytes(
    stream: IO[bytes], image_format: str, *, max_pixels: int = THUMBNAIL_MAX_PIXELS
) -> bytes | None:
    """At most THUMBNAIL_SIZE on its longer side, upright, as WebP; None for an image that
    cannot be read or would decode to too large a bitmap (a "decompression bomb")."""
    try:
        with Image.open(stream, formats=[image_format]) as image:
            if image.width * image.height > max_pixels:
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
