from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from tandem.core import access
from tandem.core.tenancy import active_membership

# Paths a member without two-factor may still use when their practice requires it. allauth
# asks for the password again before TOTP can be set up, so its reauthenticate page is one.
TWO_FACTOR_SETUP_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/healthz",
)


class TenancyMiddleware:
    """Loads the acting membership and its practice once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            from tandem.core.models import Membership

            # The reverse side of Membership.user: whether user.membership is loaded.
            if Membership._meta.get_field("user").remote_field.is_cached(user):
                # Loaded with the user (accounts.backends.MemberBackend): no query.
                membership = getattr(user, "membership", None)
            else:
                # One query for both: every page needs the membership and the practice.
                membership = (
                    Membership.objects.select_related("practice").filter(user_id=user.pk).first()
                )
            user.membership = membership
            # Times are stored in UTC and shown in the viewer's own time zone.
            timezone.activate(ZoneInfo(user.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RequireTwoFactorMiddleware:
    """When a practice requires two-factor, its members set it up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = active_membership(request.user)
        if (
            membership is not None
            and access.is_practice_side(membership)
            and membership.practice.requires_two_factor
            and not request.path.startswith(TWO_FACTOR_SETUP_PREFIXES)
            and not has_two_factor(request.user.pk)
        ):
            messages.warning(
                request,
                f"{membership.practice.name} asks everyone to turn on two-factor "
                "authentication. Set it up to continue.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def has_two_factor(user_id: int | None) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).exists()


class RefusedFormStatusMiddleware:
    """Refused input answers 400 on every page (docs/architecture.md, "Refused input").

    Tandem's own views set it themselves; allauth's pages (sign-in, sign-up, password reset,
    two-factor) re-render a refused form with 200. They answer with a ``TemplateResponse``
    whose context holds the bound form, so its errors can be read here, before rendering.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(
        self, request: HttpRequest, response: TemplateResponse
    ) -> TemplateResponse:
        form = (response.context_data or {}).get("form")
        refused = form is not None and form.is_bound and bool(form.errors)
        if request.method == "POST" and response.status_code == 200 and refused:
            response.status_code = 400
        return response


class ServerTimingMiddleware:
    """Benchmarks only (``TANDEM_BENCH=1``): adds ``Server-Timing: app;dur=<ms>`` and the
    number of database queries the request ran, as ``X-Tandem-Queries``.

    Queries are counted with ``connection.execute_wrapper``, which works without DEBUG.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        response["X-Tandem-Queries"] = str(count)
        return response
