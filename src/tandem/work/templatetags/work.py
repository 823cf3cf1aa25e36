"""The "Requests" section other apps' pages show (the client page, the portal home).

A template tag, so that ``clients`` never imports ``work``: imports point from work down.
"""

from __future__ import annotations

from typing import Any

from django import template

from tandem.clients.models import Client
from tandem.work.selectors import open_requests

register = template.Library()


@register.inclusion_tag("work/client_requests.html", takes_context=True)
def client_requests(context: template.Context, client: Client) -> dict[str, Any]:
    viewer = context["request"].user
    return {"client": client, "tasks": open_requests(viewer=viewer, client=client)}
