from __future__ import annotations

from tandem.clients import invitations
from tandem.core import jobs


@jobs.job()
def send_invitation_email(invitation_id: int, nonce: str) -> None:
    """Re-checks the invitation: a withdrawn or superseded one sends nothing."""
    invitations.deliver_invitation(invitation_id, nonce)
