"""Inviting people into a practice, and accepting invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client, ClientContact, Invitation
from tandem.core import access, audit, site
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.mail import deliver, render_email, store_email
from tandem.core.models import Membership
from tandem.core.roles import Capability

TOKEN_SALT = "tandem.invitation"  # noqa: S105 (a namespace, not a secret)
INVALID_LINK = (
    "This invitation link is not valid. Check that you copied the whole link from the "
    "e-mail, or ask the practice to send a new invitation."
)


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=TOKEN_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("clients:invitation-accept", args=[make_token(invitation)])
    return site.absolute(invitation.practice, path)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link stands for; any tampering or a superseded link is refused."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        invitation_id, nonce = int(payload["i"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(INVALID_LINK) from None
    invitation = (
        Invitation.objects.select_related("practice", "client", "invited_by")
        .filter(pk=invitation_id, nonce=nonce)
        .first()
    )
    if invitation is None:
        raise DomainError(
            "This invitation link has been replaced by a newer one. Use the link in the "
            "most recent e-mail from the practice."
        )
    return invitation


def check_usable(invitation: Invitation) -> None:
    status = invitation.status
    if status == "accepted":
        raise DomainError("This invitation has already been used. Sign in instead.")
    if status == "revoked":
        raise DomainError("This invitation was withdrawn by the practice.")
    if status == "expired":
        raise DomainError("This invitation has expired. Ask the practice to send you a new one.")
    if invitation.client is not None and invitation.client.is_archived:
        raise DomainError("This client's account is no longer active with the practice.")


def _owner(actor: User, capability: Capability = Capability.INVITE_MEMBERS) -> Membership:
    membership = access.member(actor)
    if membership is None or not access.role_allows(membership.role, capability):
        raise DomainError("Only the practice owner can invite people.")
    return membership


def _speaks_for_a_client(role: str) -> bool:
    """Whether people of ``role`` belong to one client (and are invited for it)."""
    return access.side_of_role(role) == access.Side.CLIENT


def _queue_invitation_mail(invitation: Invitation) -> None:
    from tandem.clients.tasks import send_invitation_email

    send_invitation_email.enqueue(invitation.pk, invitation.nonce)


def invite(
    *,
    actor: User,
    email: str,
    role: str,
    client: Client | None = None,
    name: str = "",
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone by e-mail as an assistant, an owner, or a contact of ``client``."""
    for_client = _speaks_for_a_client(role)
    membership = _owner(
        actor, Capability.INVITE_CONTACTS if for_client else Capability.INVITE_MEMBERS
    )
    email = email.strip().lower()
    if not for_client and not access.can_hold_role(role):
        raise DomainError("Invite people as an owner or an assistant.", field="role")
    if for_client and client is None:
        raise DomainError("Pick the client this contact speaks for.", field="client")
    if not for_client:
        client = None
    if client is not None and (client.practice_id != membership.practice_id or client.is_archived):
        raise DomainError("Pick one of your active clients.", field="client")
    existing = User.objects.filter(email__iexact=email).select_related("membership").first()
    if existing is not None and hasattr(existing, "membership"):
        if existing.membership.practice_id == membership.practice_id:
            raise DomainError(f"{email} is already part of your practice.", field="email")
        raise DomainError(
            f"{email} already has a Tandem account with another practice. Ask them for "
            "another address to invite.",
            field="email",
        )
    with transaction.atomic():
        if Invitation.objects.filter(practice=membership.practice, email=email).pending().exists():
            raise DomainError(
                f"{email} already has a pending invitation. Resend it from the people page.",
                field="email",
            )
        invitation = Invitation.objects.create(
            practice=membership.practice,
            email=email,
            name=name.strip(),
            role=role,
            client=client,
            nonce=secrets.token_hex(16),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.TANDEM_INVITATION_DAYS),
        )
        _audit(Action.INVITATION_SENT, invitation, actor=actor, request=request, role=role)
        _queue_invitation_mail(invitation)
    return invitation


def _audit(
    action: Action,
    invitation: Invitation,
    *,
    actor: User,
    request: HttpRequest | None,
    **data: str,
) -> None:
    """An entry about ``invitation`` in its practice's audit log, under its address and its
    client (if it is a contact's)."""
    audit.record(
        action,
        practice=invitation.practice,
        actor=actor,
        target=invitation,
        target_label=invitation.email,
        client_id=invitation.client_id,
        request=request,
        data=data,
    )


def resend_invitation(
    invitation: Invitation, *, actor: User, request: HttpRequest | None = None
) -> Invitation:
    """Send a fresh link (the old one stops working) and restart the expiry clock."""
    _owner(actor)
    if invitation.accepted_at or invitation.revoked_at:
        raise DomainError("Only invitations that are still open can be resent.")
    with transaction.atomic():
        now = timezone.now()
        invitation.nonce = secrets.token_hex(16)
        invitation.sent_at = now
        invitation.expires_at = now + timedelta(days=settings.TANDEM_INVITATION_DAYS)
        invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
        _audit(Action.INVITATION_RESENT, invitation, actor=actor, request=request)
        _queue_invitation_mail(invitation)
    return invitation


def revoke_invitation(
    invitation: Invitation, *, actor: User, request: HttpRequest | None = None
) -> Invitation:
    _owner(actor)
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not changed:
            raise DomainError("This invitation was already used or withdrawn.")
        _audit(Action.INVITATION_REVOKED, invitation, actor=actor, request=request)
    invitation.refresh_from_db(fields=["revoked_at"])
    return invitation


def accept_invitation(
    invitation: Invitation,
    *,
    signed_in_as: User | None,
    name: str,
    password: str,
    request: HttpRequest | None = None,
) -> User:
    """Create the invited person's account (or attach a signed-in one) and their place in
    the practice. A link works once, even when two tabs submit at the same moment."""
    check_usable(invitation)
    if signed_in_as is not None and signed_in_as.email.lower() != invitation.email.lower():
        raise DomainError(
            f"You are signed in as {signed_in_as.email}, but this invitation is for "
            f"{invitation.email}. Sign out, then open the link again."
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and signed_in_as is None:
        raise DomainError(
            f"There is already an account for {invitation.email}. Sign in first, then open "
            "the link again."
        )
    if existing is not None and Membership.objects.filter(user=existing).exists():
        raise DomainError(f"{invitation.email} already belongs to a practice.")
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            nonce=invitation.nonce,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(accepted_at=timezone.now())
        if not claimed:
            raise DomainError("This invitation has already been used. Sign in instead.")
        user = existing or _create_user(invitation, name=name, password=password)
        Membership.objects.create(practice=invitation.practice, user=user, role=invitation.role)
        if _speaks_for_a_client(invitation.role) and invitation.client is not None:
            ClientContact.objects.create(
                practice=invitation.practice, client=invitation.client, user=user
            )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        _audit(
            Action.INVITATION_ACCEPTED,
            invitation,
            actor=user,
            request=request,
            role=invitation.role,
        )
    # Where the new member reached the site is where the practice's mail should link
    # (core/site.py); someone already signed in joins without signing in again.
    site.remember_origin(request, invitation.practice)
    return user


def _create_user(invitation: Invitation, *, name: str, password: str) -> User:
    user = User(email=invitation.email, name=name.strip(), time_zone=_first_time_zone(invitation))
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password1") from None
    user.set_password(password)
    user.save()
    # Following the e-mailed link proves the address.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _first_time_zone(invitation: Invitation) -> str:
    """A contact lives on their client's clock (a New York client's deadlines are written
    in New York time, so its contacts read them there); the practice's people on the
    practice's. Either can change it on their profile."""
    if _speaks_for_a_client(invitation.role) and invitation.client is not None:
        return invitation.client.time_zone
    return invitation.practice.time_zone


def invitation_email(invitation: Invitation) -> tuple[str, str, str]:
    return render_email(
        "clients/email/invitation",
        {"invitation": invitation, "url": invitation_url(invitation)},
        practice=invitation.practice,
    )


def deliver_invitation(invitation_id: int, nonce: str) -> bool:
    """Send the invitation's mail once, unless it was withdrawn, used, expired or superseded."""
    invitation = (
        Invitation.objects.select_related("practice", "client", "invited_by")
        .filter(pk=invitation_id, nonce=nonce)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    subject, text, html = invitation_email(invitation)
    email, _ = store_email(
        key=f"invitation:{invitation.pk}:{nonce}",
        to=invitation.email,
        subject=subject,
        text_body=text,
        html_body=html,
        practice=invitation.practice,
    )
    return deliver(email.pk)
