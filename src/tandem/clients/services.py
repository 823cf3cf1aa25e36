"""Writes on clients and on who works on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tandem.clients.models import Assignment, Client, ClientContact
from tandem.core import access, audit
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.models import Membership
from tandem.core.roles import Capability

if TYPE_CHECKING:
    from tandem.accounts.models import User


class Unchanged:
    """A service argument left out: keep what is stored (None would clear it)."""


UNCHANGED = Unchanged()


def _practice_of(actor: User, capability: Capability = Capability.MANAGE_CLIENTS) -> Membership:
    """The actor's membership, when their role may ``capability``; refused otherwise."""
    membership = access.member(actor)
    if membership is None or not access.role_allows(membership.role, capability):
        raise DomainError("Only the practice owner can change clients.")
    return membership


def create_client(
    *,
    actor: User,
    name: str,
    time_zone: str,
    notes: str = "",
    phone: str = "",
    address: str = "",
    website: str = "",
    notice_working_days: int | None = None,
    request: HttpRequest | None = None,
) -> Client:
    """Add a client to the actor's practice. Owners only. ``notice_working_days``: the
    notice agreed with the client for new work (None: the practice's)."""
    membership = _practice_of(actor)
    _check_notice(notice_working_days)
    with transaction.atomic():
        client = Client.objects.create(
            practice=membership.practice,
            name=name.strip(),
            time_zone=time_zone,
            notes=notes,
            phone=phone.strip(),
            address=address.strip(),
            website=website.strip(),
            notice_working_days=notice_working_days,
        )
        audit.record(
            Action.CLIENT_CREATED,
            practice=membership.practice,
            actor=actor,
            target=client,
            client_id=client.pk,
            request=request,
        )
    return client


# More notice than four working weeks is not notice, it is a plan: refused.
NOTICE_MAX_WORKING_DAYS = 20


def _check_notice(days: int | None) -> None:
    if days is not None and not 0 <= days <= NOTICE_MAX_WORKING_DAYS:
        raise DomainError(
            f"Give the notice as 0 to {NOTICE_MAX_WORKING_DAYS} working days, or leave it "
            f"empty to use the practice's; {days} is not.",
            field="notice_working_days",
        )


def update_client(
    client: Client,
    *,
    actor: User,
    name: str,
    time_zone: str,
    notes: str,
    phone: str | None = None,
    address: str | None = None,
    website: str | None = None,
    main_contact: ClientContact | Unchanged | None = UNCHANGED,
    notice_working_days: int | Unchanged | None = UNCHANGED,
    request: HttpRequest | None = None,
) -> Client:
    """A client's details; the contact details, the main contact and the notice agreed
    (None: the practice's) are left as they are when not given (None, UNCHANGED). The main
    contact must speak for this client."""
    _practice_of(actor)
    if not isinstance(notice_working_days, Unchanged):
        _check_notice(notice_working_days)
    if isinstance(main_contact, ClientContact) and main_contact.client_id != client.pk:
        raise DomainError(
            f"Pick one of {client.name}'s contacts as the main contact.", field="main_contact"
        )
    with transaction.atomic():
        client.name, client.time_zone, client.notes = name.strip(), time_zone, notes
        fields = ["name", "time_zone", "notes"]
        for field, value in (("phone", phone), ("address", address), ("website", website)):
            if value is not None:
                setattr(client, field, value.strip())
                fields.append(field)
        if not isinstance(main_contact, Unchanged):
            client.main_contact = main_contact
            fields.append("main_contact")
        if not isinstance(notice_working_days, Unchanged):
            client.notice_working_days = notice_working_days
            fields.append("notice_working_days")
        client.save(update_fields=fields)
        audit.record(
            Action.CLIENT_UPDATED,
            practice=client.practice,
            actor=actor,
            target=client,
            client_id=client.pk,
            request=request,
        )
    return client


def archive_client(client: Client, *, actor: User, request: HttpRequest | None = None) -> Client:
    """Archive a client: nothing is deleted, and its contacts and assistants lose access at
    once (every scoped query leaves archived clients out for them)."""
    return _change_archived(client, archive=True, actor=actor, request=request)


def restore_client(client: Client, *, actor: User, request: HttpRequest | None = None) -> Client:
    return _change_archived(client, archive=False, actor=actor, request=request)


def _change_archived(
    client: Client, *, archive: bool, actor: User, request: HttpRequest | None
) -> Client:
    """Archive or restore, owners only. A conditional UPDATE: of two clicks (or colleagues)
    at once, one changes the client and the other is refused with a sentence."""
    _practice_of(actor)
    with transaction.atomic():
        changed = Client.objects.filter(pk=client.pk, archived_at__isnull=archive).update(
            archived_at=timezone.now() if archive else None
        )
        if not changed:
            state = "already archived" if archive else "not archived"
            raise DomainError(f"{client.name} is {state}.")
        audit.record(
            Action.CLIENT_ARCHIVED if archive else Action.CLIENT_RESTORED,
            practice=client.practice,
            actor=actor,
            target=client,
            client_id=client.pk,
            request=request,
        )
    client.refresh_from_db(fields=["archived_at"])
    return client


def assign_assistant(
    client: Client, *, assistant: User, actor: User, request: HttpRequest | None = None
) -> Assignment:
    """Let an assistant (or owner) of the same practice work on the client."""
    membership = _practice_of(actor, Capability.ASSIGN_ASSISTANTS)
    target = access.member(assistant)
    if (
        target is None
        or target.practice_id != membership.practice_id
        or not access.is_practice_side(target)
    ):
        raise DomainError("Pick an assistant of your practice.", field="assistant")
    if client.is_archived:
        raise DomainError("Restore the client before assigning anyone to it.")
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            client=client, user=assistant, defaults={"practice": client.practice}
        )
        if not created:
            raise DomainError(
                f"{assistant.display_name} already works on {client.name}.", field="assistant"
            )
        audit.record(
            Action.ASSISTANT_ASSIGNED,
            practice=client.practice,
            actor=actor,
            target=client,
            client_id=client.pk,
            request=request,
            data={"assistant": assistant.email},
        )
    return assignment


def unassign_assistant(
    client: Client, *, assistant: User, actor: User, request: HttpRequest | None = None
) -> None:
    _practice_of(actor, Capability.ASSIGN_ASSISTANTS)
    with transaction.atomic():
        deleted, _ = Assignment.objects.filter(client=client, user=assistant).delete()
        if not deleted:
            raise DomainError(f"{assistant.display_name} is not assigned to {client.name}.")
        audit.record(
            Action.ASSISTANT_UNASSIGNED,
            practice=client.practice,
            actor=actor,
            target=client,
            client_id=client.pk,
            request=request,
            data={"assistant": assistant.email},
        )
