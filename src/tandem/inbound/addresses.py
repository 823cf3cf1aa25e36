"""The private addresses mail for Tandem arrives at.

Each client has one address for new requests, and each notification mail carries a reply
address for its task and recipient. Both are derived, not stored: the local part holds the
ids and an HMAC of them under the site's secret key, so an address cannot be guessed or
altered to reach another client's work, and no table lookup is needed to check one.

    req-<client id>-<mac>@<TANDEM_INBOUND_DOMAIN>
    re-<task id>-<user id>-<mac>@<TANDEM_INBOUND_DOMAIN>
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.clients.models import Client
    from tandem.work.models import Task

# 16 base32 characters: 80 bits, far beyond guessing by sending mail.
MAC_LENGTH = 16
_SALT = "tandem.inbound.addresses"
_LOCAL_PART = re.compile(
    r"^(?:req-(?P<client>\d+)|re-(?P<task>\d+)-(?P<user>\d+))-(?P<mac>[a-z2-7]+)$"
)


@dataclass(frozen=True)
class ClientAddress:
    """Mail to a client's private address: a new request."""

    client_id: int


@dataclass(frozen=True)
class ReplyAddress:
    """A reply to a notification about ``task_id`` sent to ``user_id``: a comment."""

    task_id: int
    user_id: int


def _mac(value: str) -> str:
    digest = salted_hmac(_SALT, value, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:MAC_LENGTH]


def _address(local_part: str) -> str:
    return f"{local_part}@{settings.TANDEM_INBOUND_DOMAIN}"


def client_address(client: Client) -> str:
    """The private address a client's contacts send new requests to."""
    value = f"req-{client.pk}"
    return _address(f"{value}-{_mac(value)}")


def reply_address(task: Task, user: User) -> str:
    """The Reply-To of a notification about ``task`` sent to ``user``."""
    value = f"re-{task.pk}-{user.pk}"
    return _address(f"{value}-{_mac(value)}")


def parse_address(address: str) -> ClientAddress | ReplyAddress | None:
    """What an address points at, or None when it is not one of ours or was tampered with.

    The domain is not checked: mail servers rewrite it, and the MAC is what proves the
    address was made here.
    """
    local_part = address.strip().strip("<>").rsplit("@", 1)[0].lower()
    match = _LOCAL_PART.match(local_part)
    if match is None:
        return None
    value = local_part.rsplit("-", 1)[0]
    if not constant_time_compare(_mac(value), match["mac"]):
        return None
    if match["client"] is not None:
        return ClientAddress(client_id=int(match["client"]))
    return ReplyAddress(task_id=int(match["task"]), user_id=int(match["user"]))
