"""The "Send requests by e-mail" line other apps' pages show (the client page, the portal).

A template tag, so that ``clients`` never imports ``inbound``: imports point down.
"""

from __future__ import annotations

from typing import Any

from django import template

from tandem.clients.models import Client
from tandem.core.access import is_practice_side
from tandem.inbound.addresses import client_address

register = template.Library()


@register.inclusion_tag("inbound/client_address.html", takes_context=True)
def inbound_address(context: template.Context, client: Client) -> dict[str, Any]:
    # The practice side also gets a link to the mail log; the portal does not.
    membership = context.get("membership")
    return {
        "client": client,
        "address": client_address(client),
        "practice_side": is_practice_side(membership),
    }
