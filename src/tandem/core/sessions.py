"""Database sessions that keep only a hash of each session's key.

The key is the session cookie: with Django's own database sessions, a copy of the database
holds every signed-in session, ready to be put in a browser. Here the table's
``session_key`` column holds a BLAKE2b digest of the key instead, so the cookie is the only
place the key itself lives. The key is 32 random characters, so an unkeyed digest cannot be
turned back into it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

logger = logging.getLogger("django.security.SuspiciousSession")


def stored_key(session_key: str) -> str:
    """What the table keeps for ``session_key``: 40 hex digits (the column's length)."""
    return hashlib.blake2b(session_key.encode(), digest_size=20).hexdigest()


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        if self.session_key is None:
            return None
        try:
            return self.model.objects.get(
                session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logger.warning(str(error))
            self._session_key = None
            return None

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        instance: AbstractBaseSession = super().create_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is not None:
            self.model.objects.filter(session_key=stored_key(session_key)).delete()
