"""Storing, changing and revoking credentials (writes).

Who may do each is ``core.access``'s answer: ``STORE_CREDENTIAL`` (both sides of a client
they reach), ``CONTROL_CREDENTIALS`` (the client's side: change a secret, who may see it and
from which phase, revoke, delete). Every change of who may reveal what is in the audit log
(``credential_access_changed``) with the service's name and the people, never a secret.
Changes that end someone's access lock the credential's row, so a reveal in flight either
finishes before the revocation or sees it (``reveals.reveal_secret`` locks it too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client, Phase
from tandem.core import access, audit
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.roles import Capability
from tandem.vault import sealing, totp
from tandem.vault.models import NAME_MAX, AccessEnded, Credential, Grant, GrantEnd

if TYPE_CHECKING:
    from django.http import HttpRequest

C = Capability

NAME_MISSING = "Name the service, such as “Mailchimp” or “Bank (online banking)”."
NOTHING_TO_KEEP = "Give the password or a TOTP seed (or both): that is what the vault keeps."
BAD_ADDRESS = (
    "Give the service's web address starting with https:// (or http://), or leave it empty."
)
PHASE_UNKNOWN = "Pick the phase from which it may be revealed: I, II or III."
NOT_NAMEABLE = (
    "Pick people from the list: the practice's owners and the assistants who work on {client}."
)
ONLY_THE_CLIENT = "Only {client}'s own people change who may see its credentials."
NOT_NAMED_NOW = "{name} cannot reveal this credential already."
NOBODY_NAMED = "Nobody on the practice's side can reveal this credential already."
DELETED = "This credential was deleted; store it again if it is needed."
NOTES_MAX = 5_000


@dataclass(frozen=True)
class Secrets:
    """The values to seal: ``None`` keeps what is stored (an edit that leaves one empty)."""

    password: str | None = None
    totp_seed: str | None = None
    notes: str | None = None


def nameable(client: Client) -> QuerySet[User]:
    """Who the client may name on its credentials: the practice's side of ``client``'s
    audience (its owners, and the assistants assigned to it while it is active)."""
    practice_roles = access.roles_on_side(access.Side.PRACTICE)
    return (
        User.objects.filter(client.audience(), membership__role__in=practice_roles)
        .distinct()
        .order_by("name", "email")
    )


def _check_fields(name: str, url: str, minimum_phase: int) -> tuple[str, str]:
    name = name.strip()
    if not name:
        raise DomainError(NAME_MISSING, field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"Keep the name under {NAME_MAX} characters.", field="name")
    url = url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise DomainError(BAD_ADDRESS, field="url")
    if minimum_phase not in Phase.values:
        raise DomainError(PHASE_UNKNOWN, field="minimum_phase")
    return name, url


def _check_secrets(secrets: Secrets) -> Secrets:
    seed = secrets.totp_seed
    if seed is not None:
        try:
            seed = totp.normalise_seed(seed)
        except totp.BadSeedError as error:
            raise DomainError(str(error), field="totp_seed") from None
    if secrets.notes is not None and len(secrets.notes) > NOTES_MAX:
        raise DomainError(f"Keep the notes under {NOTES_MAX:,} characters.", field="notes")
    return Secrets(secrets.password, seed, secrets.notes)


def _check_named(client: Client, named: Iterable[User]) -> list[User]:
    people = list({person.pk: person for person in named}.values())
    allowed = set(
        nameable(client).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    if any(person.pk not in allowed for person in people):
        raise DomainError(NOT_NAMEABLE.format(client=client.name), field="named")
    return people


def store_credential(
    client: Client,
    *,
    actor: User,
    name: str,
    url: str = "",
    username: str = "",
    secrets: Secrets,
    minimum_phase: int = Phase.CLERICAL,
    named: Iterable[User] = (),
    request: HttpRequest | None = None,
) -> Credential:
    """Keep a credential of ``client`` (either side of a client the actor reaches). A member
    of the practice who stores one is named on it: they typed the secret."""
    standing = access.standing(actor, client)
    standing.require(C.STORE_CREDENTIAL, unseen=access.NOT_YOURS)
    name, url = _check_fields(name, url, minimum_phase)
    secrets = _check_secrets(secrets)
    if not (secrets.password or secrets.totp_seed):
        raise DomainError(NOTHING_TO_KEEP, field="password")
    people = _check_named(client, named)
    if standing.side == access.Side.PRACTICE and actor.pk not in {p.pk for p in people}:
        people.append(actor)
    with transaction.atomic():
        credential = Credential.objects.create(
            practice_id=client.practice_id,
            client=client,
            name=name,
            url=url,
            username=username.strip(),
            minimum_phase=minimum_phase,
            created_by=actor,
        )
        # Sealed once the row has its id, which the sealing context names.
        _write_secrets(credential, secrets)
        _name(credential, people, actor=actor)
        _audit(credential, actor=actor, request=request, named=people, ended=[])
    return credential


def _write_secrets(credential: Credential, secrets: Secrets) -> bool:
    """Seal and save the given secrets; whether the password or TOTP seed changed."""
    changed: list[str] = []
    for field, value in (
        ("password", secrets.password),
        ("totp", secrets.totp_seed),
        ("notes", secrets.notes),
    ):
        if value is None:
            continue
        column = sealing.SEALED_FIELDS[field]
        setattr(credential, column, sealing.seal_field(credential.pk, field, value))
        changed.append(column)
    secret_changed = bool({"password_sealed", "totp_sealed"} & set(changed))
    if secret_changed:
        credential.secret_changed_at = timezone.now()
        changed.append("secret_changed_at")
    if changed:
        credential.save(update_fields=changed)
    return secret_changed


def _name(credential: Credential, people: Iterable[User], *, actor: User) -> None:
    Grant.objects.bulk_create(
        Grant(
            practice_id=credential.practice_id,
            client_id=credential.client_id,
            credential=credential,
            user=person,
            granted_by=actor,
        )
        for person in people
    )


def _end_grants(
    credential: Credential, users: Iterable[int] | None, *, actor: User | None, end: GrantEnd
) -> int:
    grants = Grant.objects.filter(credential=credential, ended_at__isnull=True)
    if users is not None:
        grants = grants.filter(user_id__in=list(users))
    return grants.update(ended_at=timezone.now(), ended_by=actor, end=end)


def _audit(
    credential: Credential,
    *,
    actor: User,
    request: HttpRequest | None,
    named: list[User],
    ended: list[str],
    what: str = "",
) -> None:
    audit.record(
        Action.CREDENTIAL_ACCESS_CHANGED,
        practice=credential.client.practice,
        actor=actor,
        target=credential,
        target_label=credential.name,
        client_id=credential.client_id,
        request=request,
        data={
            "named": [person.email for person in named],
            "ended": ended,
            **({"what": what} if what else {}),
        },
    )


def _locked(credential: Credential, actor: User) -> Credential:
    """The credential re-read under its row lock, once the actor may control it."""
    access.standing(actor, credential.client).require(
        C.CONTROL_CREDENTIALS,
        unseen=access.NOT_YOURS,
        wrong_role=ONLY_THE_CLIENT.format(client=credential.client.name),
    )
    locked = Credential.objects.select_for_update().select_related("client__practice")
    found = locked.get(pk=credential.pk)
    if found.is_deleted:
        raise DomainError(DELETED)
    return found


def update_credential(
    credential: Credential,
    *,
    actor: User,
    name: str,
    url: str = "",
    username: str = "",
    secrets: Secrets = Secrets(),
    minimum_phase: int = Phase.CLERICAL,
    named: Iterable[User] = (),
    request: HttpRequest | None = None,
) -> Credential:
    """Change a credential (the client's side): its details, any secret given (``None``
    keeps one), its phase and who is named on it. Someone no longer named loses access
    at once; a new password or TOTP seed takes the credential off "change these" lists."""
    name, url = _check_fields(name, url, minimum_phase)
    secrets = _check_secrets(secrets)
    people = _check_named(credential.client, named)
    with transaction.atomic():
        found = _locked(credential, actor)
        if not _keeps_a_secret(found, secrets):
            raise DomainError(NOTHING_TO_KEEP, field="password")
        found.name, found.url, found.username = name, url, username.strip()
        found.minimum_phase = minimum_phase
        found.save(update_fields=["name", "url", "username", "minimum_phase"])
        secret_changed = _write_secrets(found, secrets)
        open_now = set(
            Grant.objects.filter(credential=found, ended_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        wanted = {person.pk for person in people}
        gone = open_now - wanted
        _end_grants(found, gone, actor=actor, end=GrantEnd.REVOKED)
        added = [person for person in people if person.pk not in open_now]
        _name(found, added, actor=actor)
        ended = list(User.objects.filter(pk__in=gone).values_list("email", flat=True))
        if added or ended or secret_changed:
            what = "secret changed" if secret_changed else ""
            _audit(found, actor=actor, request=request, named=added, ended=ended, what=what)
    return found


def _keeps_a_secret(credential: Credential, secrets: Secrets) -> bool:
    """Whether a password or TOTP seed is left once ``secrets`` are written."""
    password = secrets.password if secrets.password is not None else credential.password_sealed
    seed = secrets.totp_seed if secrets.totp_seed is not None else credential.totp_sealed
    return bool(password or seed)


def revoke_access(
    credential: Credential, *, actor: User, person: User, request: HttpRequest | None = None
) -> None:
    """End one person's access to a credential at once (the client's side)."""
    with transaction.atomic():
        found = _locked(credential, actor)
        if not _end_grants(found, [person.pk], actor=actor, end=GrantEnd.REVOKED):
            raise DomainError(NOT_NAMED_NOW.format(name=person.display_name))
        _audit(found, actor=actor, request=request, named=[], ended=[person.email])


def revoke_everyone(
    credential: Credential, *, actor: User, request: HttpRequest | None = None
) -> None:
    """End everyone's access to a credential at once (the client's side)."""
    with transaction.atomic():
        found = _locked(credential, actor)
        emails = list(
            User.objects.filter(
                pk__in=Grant.objects.filter(credential=found, ended_at__isnull=True).values(
                    "user_id"
                )
            ).values_list("email", flat=True)
        )
        if not _end_grants(found, None, actor=actor, end=GrantEnd.REVOKED):
            raise DomainError(NOBODY_NAMED)
        _audit(found, actor=actor, request=request, named=[], ended=emails)


def delete_credential(
    credential: Credential, *, actor: User, request: HttpRequest | None = None
) -> None:
    """Delete a credential (the client's side): its sealed secrets are wiped and every
    grant ends; the row stays so the reveal log still says what was revealed."""
    with transaction.atomic():
        found = _locked(credential, actor)
        _end_grants(found, None, actor=actor, end=GrantEnd.REVOKED)
        Credential.objects.filter(pk=found.pk).update(
            password_sealed="", totp_sealed="", notes_sealed="", deleted_at=timezone.now()
        )
        _audit(found, actor=actor, request=request, named=[], ended=[], what="deleted")


def dismiss_notice(notice: AccessEnded, *, actor: User) -> None:
    """The client has dealt with a leaver's notice: it leaves the vault page (once)."""
    access.standing(actor, notice.client).require(C.CONTROL_CREDENTIALS, unseen=access.NOT_YOURS)
    AccessEnded.objects.filter(pk=notice.pk, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
