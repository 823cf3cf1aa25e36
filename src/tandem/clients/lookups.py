"""One client or invitation by its id, as the viewer may see it, for a page or a button.

Every fetch goes through ``visible_to``, so a row the viewer may not see is missing (404), the
same as one that does not exist. The views of every app above fetch through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from tandem.clients.models import Client, Invitation

if TYPE_CHECKING:
    from tandem.accounts.models import User


def visible_client(
    user: User, client_id: int, *, select_related: Sequence[str] = ("practice",)
) -> Client:
    """The client ``user`` may see, with ``select_related`` joined: by default its practice,
    which most pages read (its name, its calendar); raises Http404 otherwise."""
    clients = Client.objects.visible_to(user)
    # select_related() with no names would join every relation.
    if select_related:
        clients = clients.select_related(*select_related)
    return get_object_or_404(clients, pk=client_id)


def visible_invitation(
    user: User, invitation_id: int, *, of_client: Client | None = None
) -> Invitation:
    """The invitation ``user`` may see (an owner's, of their practice), with its practice;
    with ``of_client``, only one of that client's contact invitations. Raises Http404
    otherwise."""
    invitations = Invitation.objects.visible_to(user).select_related("practice")
    if of_client is not None:
        invitations = invitations.filter(client=of_client)
    return get_object_or_404(invitations, pk=invitation_id)
