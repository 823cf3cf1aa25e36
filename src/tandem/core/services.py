"""Writes on the practice itself."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest

from tandem.core import access, audit
from tandem.core.audit import Action
from tandem.core.calendar import UnknownRegion, normalize_region
from tandem.core.errors import DomainError
from tandem.core.models import Membership, Practice, ResponseTime
from tandem.core.roles import Capability, Role

if TYPE_CHECKING:
    from tandem.accounts.models import User


def _check_hours(working_days: list[int], starts: time, ends: time) -> None:
    if not working_days:
        raise DomainError("Pick at least one working day.", field="working_days")
    if ends <= starts:
        raise DomainError(
            "The working day must end after it starts, for example 09:00 to 17:00.",
            field="work_ends_at",
        )


def _check_region(country: str, subdivision: str) -> tuple[str, str]:
    try:
        return normalize_region(country, subdivision)
    except UnknownRegion as error:
        raise DomainError(error.message, field=error.field) from None


def create_practice(
    *,
    owner: User,
    name: str,
    time_zone: str,
    currency: str,
    working_days: list[int],
    work_starts_at: time,
    work_ends_at: time,
    request: HttpRequest | None = None,
) -> Practice:
    """Create a practice with ``owner`` as its first owner. One practice per account."""
    _check_hours(working_days, work_starts_at, work_ends_at)
    with transaction.atomic():
        if Membership.objects.filter(user=owner).exists():
            raise DomainError("Your account already belongs to a practice.")
        practice = Practice.objects.create(
            name=name,
            time_zone=time_zone,
            currency=currency,
            working_days=sorted(working_days),
            work_starts_at=work_starts_at,
            work_ends_at=work_ends_at,
        )
        Membership.objects.create(practice=practice, user=owner, role=Role.OWNER)
        audit.record(
            Action.PRACTICE_CREATED,
            practice=practice,
            actor=owner,
            target=practice,
            request=request,
        )
    return practice


def update_practice(
    practice: Practice,
    *,
    actor: User,
    name: str,
    time_zone: str,
    currency: str,
    working_days: list[int],
    work_starts_at: time,
    work_ends_at: time,
    country: str,
    subdivision: str,
    requires_two_factor: bool,
    response_time: str | None = None,
    request: HttpRequest | None = None,
) -> Practice:
    """Change the practice's settings; a change to the 2FA requirement is audited on its own.

    ``response_time`` (a ``ResponseTime``; None keeps it) is the promise every new request's
    acknowledgement makes; it applies to requests that arrive from now on.

    ``country`` (ISO code, blank for none) and ``subdivision`` (a region's code or name)
    choose the bank holidays that are days off; an unknown one is refused beside its field.
    """
    _check_hours(working_days, work_starts_at, work_ends_at)
    country, subdivision = _check_region(country, subdivision)
    if response_time is not None and response_time not in ResponseTime.values:
        raise DomainError("Pick how soon you respond from the list.", field="response_time")
    with transaction.atomic():
        # Read from the database, not from ``practice``: a bound ModelForm has already copied
        # the new value onto the instance, which would hide the change.
        stored = Practice.objects.filter(pk=practice.pk).values_list(
            "requires_two_factor", flat=True
        )
        requirement_changed = stored.get() != requires_two_factor
        practice.name = name
        practice.time_zone = time_zone
        practice.currency = currency
        practice.working_days = sorted(working_days)
        practice.work_starts_at = work_starts_at
        practice.work_ends_at = work_ends_at
        practice.country = country
        practice.subdivision = subdivision
        practice.requires_two_factor = requires_two_factor
        if response_time is not None:
            practice.response_time = response_time
        practice.save(
            update_fields=[
                "response_time",
                "name",
                "time_zone",
                "currency",
                "working_days",
                "work_starts_at",
                "work_ends_at",
                "country",
                "subdivision",
                "requires_two_factor",
            ]
        )
        audit.record(
            Action.PRACTICE_UPDATED,
            practice=practice,
            actor=actor,
            target=practice,
            request=request,
        )
        if requirement_changed:
            audit.record(
                Action.TWO_FACTOR_REQUIRED,
                practice=practice,
                actor=actor,
                target=practice,
                request=request,
                data={"required": requires_two_factor},
            )
    return practice


def _only_owner_left(membership: Membership) -> bool:
    """Whether ``membership`` is the last active member who can manage the practice."""
    managers = access.roles_with(Capability.MANAGE_PRACTICE)
    return (
        access.role_allows(membership.role, Capability.MANAGE_PRACTICE)
        and not Membership.objects.active()
        .filter(practice_id=membership.practice_id, role__in=managers)
        .exclude(pk=membership.pk)
        .exists()
    )


def change_role(
    membership: Membership, *, role: str, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Make a member an owner or an assistant. A practice always keeps one owner."""
    if not access.can_hold_role(role) or not access.is_practice_side(membership):
        raise DomainError("Members can be owners or assistants.", field="role")
    if membership.role == role:
        return membership
    with transaction.atomic():
        if _only_owner_left(membership):
            raise DomainError("Make someone else an owner first: a practice needs one.")
        old_role = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            Action.ROLE_CHANGED,
            practice=membership.practice,
            actor=actor,
            target=membership.user,
            request=request,
            data={"from": old_role, "to": role},
        )
    return membership


def deactivate_member(
    membership: Membership, *, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Remove someone from the practice at once; their history stays."""
    if membership.user_id == actor.pk:
        raise DomainError("You cannot remove yourself. Ask another owner to do it.")
    with transaction.atomic():
        if _only_owner_left(membership):
            raise DomainError("Make someone else an owner first: a practice needs one.")
        changed = Membership.objects.filter(pk=membership.pk, is_active=True).update(
            is_active=False
        )
        if not changed:
            raise DomainError("This person was already removed.")
        audit.record(
            Action.MEMBER_DEACTIVATED,
            practice=membership.practice,
            actor=actor,
            target=membership.user,
            request=request,
        )
    membership.refresh_from_db(fields=["is_active"])
    return membership
