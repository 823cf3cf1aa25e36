"""A prospect asks for references through the practice's link, and the request is passed on
(issue 14).

The prospect never sees a client's name or contact details: the request goes to the contacts
of the clients the owner picks among those who agreed (or to all of them, by the practice's
setting), each mailed the prospect's name, address and question, and the client decides
whether to answer. The prospect gets an acknowledgement; the owners are told of a request
waiting for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Client, ClientContact
from tandem.core import access, site
from tandem.core.errors import DomainError
from tandem.core.models import Membership, Practice
from tandem.core.roles import Capability
from tandem.references import mailing
from tandem.references.models import (
    EMAIL_MAX,
    NAME_MAX,
    QUESTION_MAX,
    Consent,
    Link,
    PassOn,
    Request,
    RequestState,
    Settings,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

C = Capability

NAME_MISSING = "Tell us your name, so the reference knows who is asking."
NAME_TOO_LONG = f"Keep your name under {NAME_MAX} characters."
EMAIL_MISSING = "Give your e-mail address: it is how a reference can answer you."
EMAIL_INVALID = "That does not look like an e-mail address; check it, such as name@example.com."
QUESTION_MISSING = "Say briefly what you would like to know from a reference."
QUESTION_TOO_LONG = f"Keep your question under {QUESTION_MAX:,} characters."
LINK_OFF = "This link for references is not in use any more. Ask the practice for a new one."
NOT_WAITING = "This request has been dealt with already ({state}); there is nothing to pass on."
PICK_CLIENTS = "Pick at least one client who agreed to be a reference."
NO_LONGER_AGREES = (
    "{client} no longer agrees to be a reference, so the request was not passed on. Pick "
    "again from the list."
)
ONLY_THE_OWNER = "Only the practice's owners pass requests for references on."


def settings_of(practice_id: int) -> Settings:
    return Settings.objects.filter(practice_id=practice_id).first() or Settings(
        practice_id=practice_id
    )


def set_pass_on_automatically(*, actor: User, automatically: bool) -> Settings:
    membership = _keeper(actor)
    found, _ = Settings.objects.update_or_create(
        practice_id=membership.practice_id, defaults={"pass_on_automatically": automatically}
    )
    return found


def _keeper(actor: User) -> Membership:
    membership = access.member(actor)
    if membership is None or not access.allows(actor, C.KEEP_REFERENCES):
        raise DomainError(ONLY_THE_OWNER)
    return membership


def agreeing_count(practice_id: int) -> int:
    """How many of the practice's active clients agree to be a reference now (one query)."""
    return Consent.objects.of_active_clients(practice_id).count()


def _clean(name: str, email: str, question: str) -> tuple[str, str, str]:
    name, email, question = name.strip(), email.strip(), question.strip()
    if not name:
        raise DomainError(NAME_MISSING, field="name")
    if len(name) > NAME_MAX:
        raise DomainError(NAME_TOO_LONG, field="name")
    if not email:
        raise DomainError(EMAIL_MISSING, field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(EMAIL_INVALID, field="email") from None
    if len(email) > EMAIL_MAX:
        raise DomainError(EMAIL_INVALID, field="email")
    if not question:
        raise DomainError(QUESTION_MISSING, field="question")
    if len(question) > QUESTION_MAX:
        raise DomainError(QUESTION_TOO_LONG, field="question")
    return name, email, question


def ask_for_references(link: Link, *, name: str, email: str, question: str) -> Request:
    """Record what a prospect asked through ``link`` (no one is signed in), acknowledge it
    to them, and pass it on to every agreeing client when the practice says so; otherwise
    tell the owners it waits for them."""
    name, email, question = _clean(name, email, question)
    practice = link.practice
    automatic = settings_of(practice.pk).pass_on_automatically
    with transaction.atomic():
        # Locked, so a link turned off a moment ago takes nothing more in.
        if not Link.objects.select_for_update().filter(pk=link.pk, turned_off_at__isnull=True):
            raise DomainError(LINK_OFF)
        request = Request.objects.create(
            practice=practice,
            link=link,
            name=name,
            email=email,
            question=question,
            state=RequestState.WAITING,
        )
        mailing.send(
            "acknowledgement",
            key=f"reference-request:{request.pk}:ack",
            to=[("prospect", email)],
            context={"request": request},
            practice=practice,
        )
        agreeing = list(Consent.objects.of_active_clients(practice.pk).select_related("client"))
        if automatic and agreeing:
            _pass_on(request, [consent.client for consent in agreeing], actor=None)
        else:
            _tell_owners(request, practice)
    return request


def _tell_owners(request: Request, practice: Practice) -> None:
    owners = Membership.objects.filter(
        practice=practice, role__in=access.roles_with(C.KEEP_REFERENCES), user__is_active=True
    ).select_related("user")
    mailing.send_to_people(
        "waiting",
        key=f"reference-request:{request.pk}:owner",
        people=[membership.user for membership in owners],
        context={"request": request, "url": site.absolute(practice, reverse("references:list"))},
        practice=practice,
    )


def pass_on(request: Request, *, actor: User, clients: Sequence[Client]) -> list[PassOn]:
    """Pass ``request`` on to ``clients`` (each must agree now); the owner's choice."""
    _keeper(actor)
    if not clients:
        raise DomainError(PICK_CLIENTS, field="clients")
    with transaction.atomic():
        return _pass_on(request, clients, actor=actor)


def _pass_on(request: Request, clients: Sequence[Client], *, actor: User | None) -> list[PassOn]:
    consents = {
        consent.client_id: consent
        for consent in Consent.objects.select_for_update()
        .open()
        .filter(client__in=[client.pk for client in clients], client__archived_at__isnull=True)
    }
    for client in clients:
        if client.pk not in consents:
            raise DomainError(NO_LONGER_AGREES.format(client=client.name), field="clients")
    moved = Request.objects.filter(pk=request.pk, state=RequestState.WAITING).update(
        state=RequestState.PASSED_ON, decided_at=timezone.now(), decided_by=actor
    )
    if not moved:
        request.refresh_from_db(fields=["state"])
        raise DomainError(NOT_WAITING.format(state=request.get_state_display().lower()))
    made = PassOn.objects.bulk_create(
        PassOn(
            practice_id=request.practice_id,
            request=request,
            client=client,
            consent=consents[client.pk],
        )
        for client in clients
    )
    _mail_references(request, made)
    return made


def _mail_references(request: Request, made: Sequence[PassOn]) -> None:
    by_client = {passed.client_id: passed for passed in made}
    contacts = ClientContact.objects.filter(
        client_id__in=list(by_client), user__is_active=True
    ).select_related("user", "client__practice")
    for contact in contacts:
        practice = contact.client.practice
        passed = by_client[contact.client_id]
        mailing.send(
            "passed_on",
            key=f"reference-pass:{passed.pk}",
            to=[(str(contact.user_id), contact.user.email)],
            context={
                "request": request,
                "client": contact.client,
                "person": contact.user,
                "url": site.absolute(practice, reverse("references:consent")),
            },
            practice=practice,
        )


def set_aside(request: Request, *, actor: User) -> Request:
    """The owner chooses not to pass ``request`` on (it stays on the list, set aside)."""
    _keeper(actor)
    moved = Request.objects.filter(pk=request.pk, state=RequestState.WAITING).update(
        state=RequestState.SET_ASIDE, decided_at=timezone.now(), decided_by=actor
    )
    if not moved:
        request.refresh_from_db(fields=["state"])
        raise DomainError(NOT_WAITING.format(state=request.get_state_display().lower()))
    request.refresh_from_db()
    return request
