"""Writing the audit log. Services call ``record`` inside their own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from tandem.core import events
from tandem.core.models import AuditEntry, Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User


class Action(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Sign-ins held off"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    PRACTICE_CREATED = "practice_created", "Practice created"
    PRACTICE_UPDATED = "practice_updated", "Practice settings changed"
    TWO_FACTOR_REQUIRED = "two_factor_required", "Two-factor requirement changed"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor turned on"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor turned off"
    RECOVERY_CODES_GENERATED = "recovery_codes_generated", "Recovery codes generated"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_RESENT = "invitation_resent", "Invitation resent"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    ROLE_CHANGED = "role_changed", "Role changed"
    MEMBER_DEACTIVATED = "member_deactivated", "Member removed"
    CLIENT_CREATED = "client_created", "Client added"
    CLIENT_UPDATED = "client_updated", "Client changed"
    CLIENT_ARCHIVED = "client_archived", "Client archived"
    CLIENT_RESTORED = "client_restored", "Client restored"
    ASSISTANT_ASSIGNED = "assistant_assigned", "Assistant assigned"
    ASSISTANT_UNASSIGNED = "assistant_unassigned", "Assistant unassigned"
    # Private calendar feeds (planning): an address that shows someone's work to whoever
    # holds it, so its making and turning off are on the record.
    CALENDAR_FEED_MADE = "calendar_feed_made", "Calendar address made"
    CALENDAR_FEED_TURNED_OFF = "calendar_feed_turned_off", "Calendar address turned off"
    # Trust in phases (issue 13): what the practice may do for a client changes with it.
    PHASE_CHANGED = "phase_changed", "Phase changed"
    # The credential vault (issue 14): a secret revealed, who may see one changed, a
    # one-time share link opened. Never the secret itself: the service's name only.
    CREDENTIAL_REVEALED = "credential_revealed", "Credential revealed"
    CREDENTIAL_ACCESS_CHANGED = "credential_access_changed", "Credential access changed"
    SHARE_LINK_OPENED = "share_link_opened", "Share link opened"
    # Agreements (issue 14): what binds both sides, and what holds work back.
    AGREEMENT_SENT = "agreement_sent", "Agreement sent for signature"
    AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
    AGREEMENT_WITHDRAWN = "agreement_withdrawn", "Agreement withdrawn"
    AGREEMENT_TEMPLATE_CHANGED = "agreement_template_changed", "Agreement template changed"
    AGREEMENTS_REQUIRED_CHANGED = "agreements_required_changed", "Agreements before work changed"
    # References (issue 14): a client's consent to be a reference, given or withdrawn (the
    # words it agreed to are on the consent's row), and a reference the practice checked
    # about a client.
    REFERENCE_CONSENT_GIVEN = "reference_consent_given", "Agreed to be a reference"
    REFERENCE_CONSENT_WITHDRAWN = "reference_consent_withdrawn", "Reference consent withdrawn"
    REFERENCE_CHECK_RECORDED = "reference_check_recorded", "Reference check recorded"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: Action,
    *,
    practice: Practice | None,
    actor: User | None,
    target: models.Model | None = None,
    target_label: str = "",
    client_id: int | None = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, through the one event path (``security.<action>``). Call it inside
    the transaction of the change it records."""
    entry = AuditEntry(
        practice=practice,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email if actor is not None and actor.pk else "",
        action=action,
        target_type=target._meta.model_name or "" if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_label=(target_label or str(target))[:254] if target is not None else target_label,
        client_id=client_id,
        ip_address=client_ip(request),
        data=data or {},
    )
    return events.record(entry, kind=f"security.{action}")
