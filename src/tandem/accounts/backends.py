"""Signing in, and loading the signed-in person on every request."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend

from tandem.accounts.models import User


class MemberBackend(AuthenticationBackend):
    """allauth's sign-in by e-mail address, and a signed-in user loaded together with their
    membership and its practice: every page reads both (``core.middleware``), so this is
    one query a request instead of two."""

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("membership__practice").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
