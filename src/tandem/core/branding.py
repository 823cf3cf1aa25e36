"""The practice's face: its logo and accent colour, in the portal, the app and the mail.

The accent colour must keep text readable: white text on it (buttons, the header) and it as
text on the page's background (links) both need WCAG AA's 4.5:1. A colour that fails is
refused with both figures, so the owner knows how far off it is.

The logo is checked by decoding it (Pillow), not by its name: PNG, JPEG or WebP, at most
1 MB and 2000 by 2000 pixels. It is stored re-encoded as a PNG of at most 512 pixels a side,
so what is served is a plain image we wrote (no metadata, no trailing payload) that every
mail program shows (Outlook does not show WebP). SVG is refused outright: mail programs
(Gmail, Outlook) do not show it, and an SVG is a document that can carry script, so there is
nothing to gain for the risk.

The logo's address is public but unguessable (``/brand/<practice>/<random>.png``): mail
programs fetch images without anyone's session (often through a proxy such as Gmail's),
and the logo is no secret: it is in every mail the practice sends. A new upload gets a new
random name, so the address also busts caches and can be cached for a year.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from PIL import Image, UnidentifiedImageError

from tandem.core import access, audit
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import Practice
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User

# The page background (tandem.css --c-bg) and the text on buttons and the header.
PAGE_BACKGROUND = "#f6f7f9"
WHITE = "#ffffff"
MIN_CONTRAST = 4.5
# Tandem's own accent (tandem.css --c-primary), used when the practice sets none.
DEFAULT_ACCENT = "#2f5d8a"

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000
# What is stored and shown: headers show it 40 px high, mail 48; 512 keeps it sharp on
# high-density screens at a few tens of kilobytes.
LOGO_STORED_SIDE = 512
LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
LOGO_FOLDER = "branding"

_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


# The accent colour --------------------------------------------------------------------------


def parse_colour(text: str) -> str:
    """``text`` as "#rrggbb" in lower case ("#abc", "ABC" and "#AABBCC" are fine), or a
    DomainError saying how to write one. Blank is blank: Tandem's own colour."""
    text = text.strip()
    if not text:
        return ""
    found = _HEX.fullmatch(text)
    if found is None:
        raise DomainError(
            f"“{text[:20]}” is not a colour we can read: write it as a hex code such as #2F5D8A.",
            field="accent_colour",
        )
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of "#rrggbb"."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two "#rrggbb" colours, from 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _ratio(value: float) -> str:
    # Rounded down, so a colour at 4.49:1 never reads as "4.5:1" in a refusal.
    return f"{int(value * 10) / 10:g}:1"


def check_accent(colour: str) -> None:
    """Refuse an accent that white text on it, or it as text on the page, could not be read
    in, naming the ratio and what is needed."""
    if not colour:
        return
    on_white = contrast(colour, WHITE)
    if on_white < MIN_CONTRAST:
        raise DomainError(
            f"{colour.upper()} with white text is {_ratio(on_white)}; text needs at least "
            f"{MIN_CONTRAST:g}:1. Pick a darker colour.",
            field="accent_colour",
        )
    on_page = contrast(colour, PAGE_BACKGROUND)
    if on_page < MIN_CONTRAST:
        raise DomainError(
            f"{colour.upper()} as link text on the page's background is {_ratio(on_page)}; "
            f"text needs at least {MIN_CONTRAST:g}:1. Pick a slightly darker colour.",
            field="accent_colour",
        )


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0 to 1) of ``other`` mixed in."""
    channels = (
        round(int(colour[i : i + 2], 16) * (1 - share) + int(other[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{value:02x}" for value in channels)


def accent_stylesheet(colour: str) -> str:
    """The stylesheet that puts ``colour`` in place of Tandem's blue (and the portal's green).

    Served from a URL named by the colour (``core:accent-css``), so it holds nothing of any
    practice, is the same for everyone, and is cached for good: CSP allows no inline style.
    """
    dark = _mix(colour, "#000000", 0.25)
    soft = _mix(colour, WHITE, 0.9)
    focus = _mix(colour, WHITE, 0.5)
    return (
        ":root {\n"
        f"  --c-primary: {colour};\n  --c-primary-dark: {dark};\n  --c-primary-soft: {soft};\n"
        f"  --c-portal: {colour};\n  --c-portal-soft: {soft};\n"
        f"  --focus: 0 0 0 3px {focus};\n"
        "}\n"
    )


# The logo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredLogo:
    name: str
    width: int
    height: int


def read_logo(stream: IO[bytes], size: int) -> Image.Image:
    """The uploaded logo decoded, or a DomainError saying what to upload instead."""
    if size > LOGO_MAX_BYTES:
        raise DomainError(
            f"That logo is {size / 1024 / 1024:.1f} MB; a logo can be at most 1 MB. "
            "Save it smaller (a PNG of a few hundred pixels is plenty).",
            field="logo",
        )
    head = stream.read(4096)
    stream.seek(0)
    if b"<svg" in head.lower():
        raise DomainError(
            "SVG logos are not shown by most mail programs (Gmail, Outlook): upload the "
            "logo as a PNG, JPEG or WebP instead.",
            field="logo",
        )
    try:
        image = Image.open(stream, formats=list(LOGO_FORMATS))
        width, height = image.size
        if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
            raise DomainError(
                f"That logo is {width} by {height} pixels; it can be at most "
                f"{LOGO_MAX_SIDE} by {LOGO_MAX_SIDE}. Save it smaller.",
                field="logo",
            )
        image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            "That file is not a PNG, JPEG or WebP image we can read: upload the logo as one "
            "of those.",
            field="logo",
        ) from None
    return image


def logo_png(image: Image.Image) -> tuple[bytes, int, int]:
    """``image`` as the PNG we store: at most LOGO_STORED_SIDE a side, no metadata."""
    image = image.convert("RGBA") if image.mode not in {"RGB", "RGBA", "L", "LA"} else image
    image.thumbnail((LOGO_STORED_SIDE, LOGO_STORED_SIDE))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue(), clean.width, clean.height


def store_logo(practice: Practice, image: Image.Image) -> StoredLogo:
    data, width, height = logo_png(image)
    name = f"{LOGO_FOLDER}/{practice.pk}/{secrets.token_urlsafe(18)}.png"
    return StoredLogo(default_storage.save(name, ContentFile(data)), width, height)


def logo_path(practice: Practice) -> str:
    """The logo's address on this site ("" without one); the view checks both parts."""
    if not practice.logo:
        return ""
    return reverse("core:practice-logo", args=[practice.pk, practice.logo_token])


# The service --------------------------------------------------------------------------------


def update_branding(
    practice: Practice,
    *,
    actor: User,
    accent_colour: str,
    logo: IO[bytes] | None = None,
    logo_size: int = 0,
    remove_logo: bool = False,
    request: HttpRequest | None = None,
) -> Practice:
    """Set the practice's accent colour and logo (a new one, none, or the one it has).

    Refuses, with a sentence beside the field, a colour text cannot be read on and a logo
    that is not a small PNG, JPEG or WebP. The old logo's file is deleted once the change
    has committed; a crash before that leaves a file no row names, which costs only space.
    """
    if not access.allows(actor, Capability.MANAGE_PRACTICE):
        raise DomainError("Only the practice's owners change how it looks.")
    colour = parse_colour(accent_colour)
    check_accent(colour)
    image = read_logo(logo, logo_size) if logo is not None else None
    old_logo = practice.logo
    stored = store_logo(practice, image) if image is not None else None
    try:
        with transaction.atomic():
            practice.accent_colour = colour
            if stored is not None:
                practice.logo, practice.logo_width, practice.logo_height = (
                    stored.name,
                    stored.width,
                    stored.height,
                )
            elif remove_logo:
                practice.logo, practice.logo_width, practice.logo_height = "", 0, 0
            practice.save(update_fields=["accent_colour", "logo", "logo_width", "logo_height"])
            audit.record(
                Action.PRACTICE_UPDATED,
                practice=practice,
                actor=actor,
                target=practice,
                request=request,
                data={"branding": True},
            )
    except BaseException:
        if stored is not None:
            default_storage.delete(stored.name)
        raise
    if old_logo and old_logo != practice.logo:
        default_storage.delete(old_logo)
    return practice


# In mail ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailBrand:
    """What a mail's header and buttons show of the practice that sends it."""

    name: str
    accent: str
    # Absolute (mail is read elsewhere), "" without a logo; shown 48 px high.
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0


MAIL_LOGO_HEIGHT = 48


def mail_brand(practice: Practice | None, *, base_url: str) -> MailBrand:
    if practice is None:
        return MailBrand(name="Tandem", accent=DEFAULT_ACCENT)
    if not practice.logo or not practice.logo_height:
        return MailBrand(name=practice.name, accent=practice.accent_colour or DEFAULT_ACCENT)
    height = min(MAIL_LOGO_HEIGHT, practice.logo_height)
    width = round(practice.logo_width * height / practice.logo_height)
    return MailBrand(
        name=practice.name,
        accent=practice.accent_colour or DEFAULT_ACCENT,
        logo_url=base_url + logo_path(practice),
        logo_width=width,
        logo_height=height,
    )
