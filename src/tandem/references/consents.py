"""A client agrees to be a reference for the practice, or withdraws (issue 14); the owner asks a
client to be one.

The consent is the client's: one of its contacts gives it for the client, with the exact
words they agreed to kept on the row, what they would say and how they like to be asked (by
e-mail for now). Any contact of the client withdraws it at any time; the row stays, with who
and when, so the References page and the audit log can say what happened. Both are audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tandem.clients.models import Client
from tandem.core import access, audit, site
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.references import mailing
from tandem.references.models import ASK_AGAIN_AFTER, NOTE_MAX, Ask, AskBy, Consent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tandem.accounts.models import User

C = Capability

WORDING = (
    "I agree that {client} may be a reference for {practice}. When someone thinking of "
    "working with {practice} asks for references, {practice} may pass on to {client}'s "
    "contacts, by e-mail, that person's name, e-mail address and question. We decide whether "
    "and how to answer. {practice} never gives our names or contact details to them. We can "
    "withdraw this at any time in the portal."
)
ONLY_THE_CLIENT = "Only {client}'s own people can agree that {client} be a reference."
ALREADY_AGREED = "{client} already agrees to be a reference; there is nothing more to agree to."
NOT_AGREED = "{client} is not a reference now, so there is nothing to withdraw."
MUST_AGREE = "Tick the box to agree, or leave this page if you would rather not."
NOTE_TOO_LONG = f"Keep what you would say under {NOTE_MAX} characters."
ASK_BY_UNKNOWN = "Pick how you would like to be asked: by e-mail."
ALREADY_A_REFERENCE = "{client} already agrees to be a reference; no need to ask."
ASKED_RECENTLY = (
    "You asked {client} on {asked}. To keep it polite, ask again from {again}, or talk to "
    "them yourself."
)
NO_ONE_TO_ASK = "{client} has no contact who can sign in yet: invite one first, then ask."


def wording_for(client: Client) -> str:
    """The words a contact agrees to for ``client`` (kept on the consent as shown)."""
    return WORDING.format(client=client.name, practice=client.practice.name)


def open_consent(client: Client) -> Consent | None:
    return Consent.objects.open().filter(client=client).select_related("given_by").first()


def give_consent(
    client: Client,
    *,
    actor: User,
    agreed: bool,
    note: str = "",
    ask_by: str = AskBy.MAIL,
    request: HttpRequest | None = None,
) -> Consent:
    """``client`` agrees to be a reference, said by ``actor`` (one of its contacts)."""
    access.standing(actor, client).require(
        C.AGREE_TO_BE_REFERENCE,
        unseen=access.NOT_YOURS,
        wrong_role=ONLY_THE_CLIENT.format(client=client.name),
    )
    note = note.strip()
    if not agreed:
        raise DomainError(MUST_AGREE, field="agree")
    if len(note) > NOTE_MAX:
        raise DomainError(NOTE_TOO_LONG, field="note")
    if ask_by not in AskBy.values:
        raise DomainError(ASK_BY_UNKNOWN, field="ask_by")
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                practice_id=client.practice_id,
                client=client,
                given_by=actor,
                wording=wording_for(client),
                note=note,
                ask_by=ask_by,
            )
            _audit(Action.REFERENCE_CONSENT_GIVEN, consent, actor=actor, request=request)
    except IntegrityError as error:
        # Another contact (or another window) agreed a moment ago: one open consent a client.
        raise DomainError(ALREADY_AGREED.format(client=client.name)) from error
    return consent


def withdraw_consent(client: Client, *, actor: User, request: HttpRequest | None = None) -> Consent:
    """``client`` is no longer a reference; requests already passed on stay as they were."""
    access.standing(actor, client).require(
        C.AGREE_TO_BE_REFERENCE,
        unseen=access.NOT_YOURS,
        wrong_role=ONLY_THE_CLIENT.format(client=client.name),
    )
    with transaction.atomic():
        consent = open_consent(client)
        # Conditional on still being open: a second click, or another contact, withdrew it.
        withdrawn = consent is not None and Consent.objects.filter(
            pk=consent.pk, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now(), withdrawn_by=actor)
        if consent is None or not withdrawn:
            raise DomainError(NOT_AGREED.format(client=client.name))
        consent.refresh_from_db(fields=["withdrawn_at", "withdrawn_by"])
        _audit(Action.REFERENCE_CONSENT_WITHDRAWN, consent, actor=actor, request=request)
    return consent


def _audit(action: Action, consent: Consent, *, actor: User, request: HttpRequest | None) -> None:
    audit.record(
        action,
        practice=consent.client.practice,
        actor=actor,
        target=consent,
        target_label=f"{consent.client.name} as a reference",
        client_id=consent.client_id,
        request=request,
        data={"ask_by": consent.ask_by},
    )


def last_ask(client: Client) -> Ask | None:
    return Ask.objects.filter(client=client).order_by("-asked_at", "-pk").first()


def ask_to_be_reference(client: Client, *, actor: User) -> Ask:
    """Mail ``client``'s contacts a polite question with the link to agree; once per client
    per ``ASK_AGAIN_AFTER`` (the owner)."""
    access.standing(actor, client).require(C.KEEP_REFERENCES, unseen=access.NOT_YOURS)
    name = client.name
    if open_consent(client) is not None:
        raise DomainError(ALREADY_A_REFERENCE.format(client=name))
    previous = last_ask(client)
    now = timezone.now()
    if previous is not None and previous.asked_at > now - ASK_AGAIN_AFTER:
        asked = date_format(timezone.localtime(previous.asked_at), "j F Y")
        again = date_format(timezone.localtime(previous.asked_at + ASK_AGAIN_AFTER), "j F Y")
        raise DomainError(ASKED_RECENTLY.format(client=name, asked=asked, again=again))
    people = mailing.contacts_of(client)
    if not people:
        raise DomainError(NO_ONE_TO_ASK.format(client=name))
    with transaction.atomic():
        ask = Ask.objects.create(
            practice_id=client.practice_id, client=client, asked_by=actor, asked_at=now
        )
        mailing.send_to_people(
            "ask",
            key=f"reference-ask:{ask.pk}",
            people=people,
            context={
                "client": client,
                "asked_by": actor,
                "url": site.absolute(client.practice, reverse("references:consent")),
            },
            practice=client.practice,
        )
    return ask
