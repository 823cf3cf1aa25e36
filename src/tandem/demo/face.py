"""The demo practice's own face: a logo drawn here (its initials on a rounded square of its
accent colour) and that accent, set through the branding service an owner uses in Settings,
so a new user sees at once what a branded portal, header and mail look like."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from tandem.accounts.models import User
from tandem.core import branding
from tandem.core.models import Practice

# A deep violet, far from Tandem's own blue and the portal's green: 7.4:1 under white text
# and 6.9:1 as link text on the page (branding.check_accent asks for 4.5:1).
ACCENT = "#6b3fa0"
# Drawn at twice the stored size and scaled down, so the curves and letters are smooth.
DRAWN_SIDE = 2 * branding.LOGO_STORED_SIDE


def initials(name: str) -> str:
    """ "Northwind Virtual Assistance" is "NV": the first letters of the first two words."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def draw_logo(text: str, colour: str) -> bytes:
    """``text`` in white on a rounded square of ``colour``, as PNG bytes."""
    side = DRAWN_SIDE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=colour)
    font = ImageFont.load_default(size=side * 9 // 20)
    # Pillow's built-in face is a regular weight; a stroke in the same white makes it bold.
    bold = side // 64
    draw.text(
        (side / 2, side / 2),
        text,
        font=font,
        fill="white",
        anchor="mm",
        stroke_width=bold,
        stroke_fill="white",
    )
    image = image.resize((branding.LOGO_STORED_SIDE,) * 2, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def give_face(practice: Practice, *, owner: User) -> bool:
    """Brand ``practice`` unless it has been branded already (a logo or an accent of its
    own): a demo loaded before it had a face gets one, and one whose owner has changed its
    look keeps theirs. Returns whether it branded it."""
    if practice.logo or practice.accent_colour:
        return False
    logo = draw_logo(initials(practice.name), ACCENT)
    branding.update_branding(
        practice,
        actor=owner,
        accent_colour=ACCENT,
        logo=io.BytesIO(logo),
        logo_size=len(logo),
    )
    return True
