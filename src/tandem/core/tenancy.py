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

from tandem.core import access
from tandem.core.models import Membership
from tandem.core.roles import Capability

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
    return access.member(user)


def can(user: User | Any, capability: Capability) -> bool:
    return access.allows(user, capability)


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
            if capability is not None and not access.role_allows(membership.role, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require(user: User | Any, capability: Capability) -> None:
    """For a view that has already fetched a visible object: 403 when the role may not act."""
    if not can(user, capability):
        raise PermissionDenied
