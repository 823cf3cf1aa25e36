"""Audit entries for events that only allauth and Django announce (through signals)."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from tandem.core import audit, site
from tandem.core.audit import Action
from tandem.core.models import Membership


def _record(action: Action, user: Any, request: HttpRequest | None, **data: Any) -> None:
    membership = Membership.objects.filter(user_id=user.pk).select_related("practice").first()
    audit.record(
        action,
        practice=membership.practice if membership else None,
        actor=user,
        target=user,
        target_label=user.email,
        request=request,
        data=data,
    )


@receiver(account_signals.user_logged_in)
def on_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record(Action.SIGNED_IN, user, request)


@receiver(auth_signals.user_logged_in)
def on_any_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Django's signal, not allauth's: every way in calls ``django.contrib.auth.login``
    (allauth's form, accepting an invitation), and the address members use is where their
    practice's mail should link (core/site.py)."""
    site.remember_sign_in(request, user.pk)


@receiver(auth_signals.user_logged_out)
def on_signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record(Action.SIGNED_OUT, user, request)


@receiver(account_signals.password_changed)
def on_password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record(Action.PASSWORD_CHANGED, user, request)


@receiver(account_signals.password_reset)
def on_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record(Action.PASSWORD_RESET, user, request)


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        _record(Action.TWO_FACTOR_ENABLED, user, request)


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        _record(Action.TWO_FACTOR_DISABLED, user, request)


@receiver(mfa_signals.authenticator_reset)
def on_authenticator_reset(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _record(Action.RECOVERY_CODES_GENERATED, user, request)
