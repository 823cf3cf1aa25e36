"""What the vault does after events (issue 14), run from jobs on the one event path.

- A reveal outside the practice's working hours (``vault.revealed`` with ``outside_hours``)
  mails each of the client's contacts once: who, which service, when, why; never a secret.
- Someone stops working on a client (``security.assistant_unassigned``) or leaves the
  practice (``security.member_deactivated``): their open grants end (the access policy
  already refuses them, since they no longer reach the client; ending the grants keeps a
  later re-assignment from quietly giving the access back), and each client whose
  credentials they could reveal or had revealed gets an ``AccessEnded`` notice, which its
  vault page shows with the secrets they had seen, to change them.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tandem.accounts.models import User
from tandem.clients.models import ClientContact
from tandem.core import events, mail, site
from tandem.core.audit import Action
from tandem.core.models import AuditEntry
from tandem.core.zones import zone_name
from tandem.vault.models import AccessEnded, Grant, GrantEnd, Reveal
from tandem.vault.reveals import REVEALED_EVENT


def _outside_hours(row: models.Model) -> bool:
    return isinstance(row, Reveal) and row.outside_hours


@events.reaction("vault.tell_of_late_reveal", kinds=[REVEALED_EVENT], when=_outside_hours)
def tell_of_late_reveal(row: models.Model, kind: str) -> None:
    assert isinstance(row, Reveal)
    reveal = Reveal.objects.select_related("client__practice", "credential", "user").get(pk=row.pk)
    if not reveal.outside_hours:  # read again: the row as it is now is what counts
        return
    practice = reveal.client.practice
    url = site.absolute(practice, reverse("vault:log", args=[reveal.client_id]))
    contacts = ClientContact.objects.filter(
        client_id=reveal.client_id, user__is_active=True
    ).select_related("user")
    for contact in contacts:
        zone = ZoneInfo(contact.user.time_zone)
        when = date_format(reveal.revealed_at.astimezone(zone), "l j F, H:i")
        subject, text, html = mail.render_email(
            "vault/email/late_reveal",
            {
                "reveal": reveal,
                "client": reveal.client,
                "contact": contact.user,
                "when": f"{when} {zone_name(zone)}",
                "url": url,
                "practice": practice,
            },
            practice=practice,
        )
        mail.queue_email(
            key=f"vault-reveal:{reveal.pk}:{contact.user_id}",
            to=contact.user.email,
            subject=subject,
            text_body=text,
            html_body=html,
            practice=practice,
        )


LEAVING = [f"security.{Action.ASSISTANT_UNASSIGNED}", f"security.{Action.MEMBER_DEACTIVATED}"]


@events.reaction("vault.end_access_of_leaver", kinds=LEAVING)
def end_access_of_leaver(row: models.Model, kind: str) -> None:
    assert isinstance(row, AuditEntry)
    if row.practice_id is None:
        return
    if row.action == Action.ASSISTANT_UNASSIGNED:
        person = User.objects.filter(
            email=row.data.get("assistant", ""), membership__practice_id=row.practice_id
        ).first()
        why = "stopped working on this client"
    else:
        person = User.objects.filter(
            pk=row.target_id or 0, membership__practice_id=row.practice_id
        ).first()
        why = "left the practice"
    if person is None:
        return
    clients = _clients_of(person)
    if row.action == Action.ASSISTANT_UNASSIGNED:
        clients = [client_id for client_id in clients if client_id == row.client_id]
    if not clients:
        return
    Grant.objects.filter(user=person, client_id__in=clients, ended_at__isnull=True).update(
        ended_at=row.created_at, end=GrantEnd.LEFT
    )
    AccessEnded.objects.bulk_create(
        AccessEnded(
            practice_id=row.practice_id,
            client_id=client_id,
            user=person,
            ended_at=row.created_at or timezone.now(),
            why=why,
        )
        for client_id in clients
    )


def _clients_of(person: User) -> list[int]:
    """The clients whose credentials ``person`` was named on or had revealed."""
    named = Grant.objects.filter(user=person).values_list("client_id", flat=True)
    revealed = Reveal.objects.filter(user=person).values_list("client_id", flat=True)
    return sorted(set(named) | set(revealed))
