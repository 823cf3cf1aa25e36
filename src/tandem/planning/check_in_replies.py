"""The reply address of a check-in mail: a reply to it answers that check-in.

Derived, not stored, as ``inbound.addresses`` does for notifications (the same shape, its own
salt): the local part holds the check-in's and the recipient's ids and an HMAC of them under
the site's secret key, so it cannot be guessed or altered to answer another client's
check-in. Planning sits below ``inbound``: ``inbound`` reads these addresses through
``parse_reply_address`` and answers through ``check_ins.answer_check_in``.

    ci-<check-in id>-<user id>-<mac>@<TANDEM_INBOUND_DOMAIN>
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

MAC_LENGTH = 16
_SALT = "tandem.planning.check_in_replies"
_LOCAL_PART = re.compile(r"^ci-(?P<check_in>\d+)-(?P<user>\d+)-(?P<mac>[a-z2-7]+)$")


@dataclass(frozen=True)
class CheckInReply:
    """A reply to check-in ``check_in_id`` mailed to ``user_id``: their answer."""

    check_in_id: int
    user_id: int


def _mac(value: str) -> str:
    digest = salted_hmac(_SALT, value, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:MAC_LENGTH]


def reply_address(check_in_id: int, user_id: int) -> str:
    """The Reply-To of check-in ``check_in_id``'s mail to ``user_id``."""
    value = f"ci-{check_in_id}-{user_id}"
    return f"{value}-{_mac(value)}@{settings.TANDEM_INBOUND_DOMAIN}"


def parse_reply_address(address: str) -> CheckInReply | None:
    """The check-in and recipient an address answers for; None when it is not a check-in's
    reply address or was altered (the domain is not checked: the MAC is the proof)."""
    local_part = address.strip().strip("<>").rsplit("@", 1)[0].lower()
    match = _LOCAL_PART.match(local_part)
    if match is None:
        return None
    if not constant_time_compare(_mac(local_part.rsplit("-", 1)[0]), match["mac"]):
        return None
    return CheckInReply(check_in_id=int(match["check_in"]), user_id=int(match["user"]))
