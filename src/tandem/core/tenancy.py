"""Who is acting, in which practice, and what their role lets them do."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails

from tandem.core.models import Membership
from tandem.core.roles import Capability, Role, role_can

if TYPE_CHECKING:
    from tandem.accounts.models import User
else:
    User = Any

View = TypeVar("View", bound=Callable[..., HttpResponse])


class MemberRequest(HttpRequest):
    """A request from a signed-in person; views behind member_required take this."""

    user: User
    htmx: HtmxDetails


def active_membership(user: User | Any) -> Membership | None:
    """The acting user's membership, or None for visitors and people with no practice."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership if membership.is_active else None


def can(user: User | Any, capability: Capability) -> bool:
    membership = active_membership(user)
    return membership is not None and role_can(membership.role, capability)


def member_required(capability: Capability | None = None) -> Callable[[View], View]:
    """Visitors sign in first; people without the capability get 403 (the page exists,
    their role may not use it); people who have not set up a practice are sent to do so."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = active_membership(request.user)
            if membership is None:
                return redirect("accounts:practice-create")
            if capability is not None and not role_can(membership.role, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_practice_side(membership: Membership | None) -> bool:
    return membership is not None and membership.role in (Role.OWNER, Role.ASSISTANT)


def require(user: User | Any, capability: Capability) -> None:
    """For a view that has already fetched a visible object: 403 when the role may not act."""
    if not can(user, capability):
        raise PermissionDenied
