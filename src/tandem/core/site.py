"""Where the links in mail point: the address the site is served at.

``SITE_URL`` set by the operator wins, always. Without it, ``tandem demo`` and ``tandem
serve`` put their bind address and port in ``TANDEM_SERVED_AT`` (settings read it into
``SITE_URL``), and each practice remembers the origin its members sign in at
(``Practice.site_origin``): a worker sending a practice's mail has no request to read a host
from, and a site behind a proxy is reached at a name its bind address does not tell. The
host was validated against ``ALLOWED_HOSTS`` before any view ran, so a forged Host header
cannot point a practice's mail elsewhere.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from tandem.core.models import Practice

# Longer origins are not remembered (the column's size); mail then uses SITE_URL.
MAX_ORIGIN = 200


def request_origin(request: HttpRequest) -> str:
    """ "https://va.example.com" for the request, or "" for one without a validated host."""
    if "HTTP_HOST" not in request.META and "SERVER_NAME" not in request.META:
        return ""  # a request built in code (the test client's force_login)
    return f"{request.scheme}://{request.get_host()}"


def _origin_to_remember(request: HttpRequest | None) -> str:
    """The request's origin when practices should remember it; "" when the operator has set
    SITE_URL, or the request has no validated host or one too long to keep."""
    if request is None or settings.SITE_URL_IS_SET:
        return ""
    origin = request_origin(request)
    return origin if len(origin) <= MAX_ORIGIN else ""


def remember_origin(request: HttpRequest | None, practice: Practice | None) -> None:
    """Keep the origin a member of ``practice`` used, when the operator has not set one.

    Called when someone creates or joins a practice (and, through ``remember_sign_in``,
    signs in), not on every page: one write when the address changes, and no page pays
    for the comparison.
    """
    origin = _origin_to_remember(request)
    if practice is None or not origin or origin == practice.site_origin:
        return
    Practice.objects.filter(pk=practice.pk).update(site_origin=origin)
    practice.site_origin = origin


def remember_sign_in(request: HttpRequest | None, user_id: int) -> None:
    """Keep the origin someone signed in at as their practice's, whichever way they signed
    in (allauth's form, accepting an invitation, any ``django.contrib.auth.login``): the
    accounts app calls this for Django's ``user_logged_in``. One conditional UPDATE, which
    writes nothing when the practice already has this origin; no query at all when the
    operator set SITE_URL or the request has no host (a test's ``force_login``)."""
    origin = _origin_to_remember(request)
    if not origin:
        return
    member_of = Practice.objects.filter(memberships__user_id=user_id, memberships__is_active=True)
    member_of.exclude(site_origin=origin).update(site_origin=origin)


def base_url(practice: Practice | None) -> str:
    """The scheme and host that links in ``practice``'s mail start with (no trailing "/")."""
    if practice is not None and practice.site_origin and not settings.SITE_URL_IS_SET:
        return practice.site_origin
    return str(settings.SITE_URL)


def absolute(practice: Practice | None, path: str) -> str:
    """``path`` ("/requests/7/") as an address in ``practice``'s mail."""
    return base_url(practice) + path
