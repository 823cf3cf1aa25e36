"""Signing in, and loading the signed-in person on every request."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.core.compiled import compiled_rows


class MemberBackend(AuthenticationBackend):
    """allauth's sign-in by e-mail address, and a signed-in user loaded together with their
    membership and its practice: every page reads both (``core.middleware``), so this is
    one query a request instead of two."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        # Compiled once (core.compiled): every signed-in request loads its user.
        found = compiled_rows(_member, ids=[pk])
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


def _member(user_id: int) -> QuerySet[User, User]:
    return User.objects.select_related("membership__practice").filter(pk=user_id)[:1]
