"""The "Send requests by e-mail" line other apps' pages show (the client page, the portal).

A template tag, so that ``clients`` never imports ``inbound``: imports point down.
"""

from __future__ import annotations

from typing import Any

from django import template

from tandem.clients.models import Client
from tandem.inbound.addresses import client_address

register = template.Library()


@register.inclusion_tag("inbound/client_address.html")
def inbound_address(client: Client) -> dict[str, Any]:
    return {"client": client, "address": client_address(client)}
