"""Database sessions that keep only a hash of each session's key.

The key is the session cookie: with Django's own database sessions, a copy of the database
holds every signed-in session, ready to be put in a browser. Here the table's
``session_key`` column holds a BLAKE2b digest of the key instead, so the cookie is the only
place the key itself lives. The key is 32 random characters, so an unkeyed digest cannot be
turned back into it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db.models import QuerySet
from django.utils import timezone

from tandem.core.compiled import compiled_rows


def stored_key(session_key: str) -> str:
    """What the table keeps for ``session_key``: 40 hex digits (the column's length)."""
    return hashlib.blake2b(session_key.encode(), digest_size=20).hexdigest()


def _live_session(
    model: type[AbstractBaseSession], key: str, now: datetime
) -> QuerySet[AbstractBaseSession, AbstractBaseSession]:
    return model.objects.filter(session_key=key, expire_date__gt=now)[:1]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        if self.session_key is None:
            return None
        # Compiled once (core.compiled): every signed-in request starts here.
        found = compiled_rows(
            _live_session, self.model, ids=[stored_key(self.session_key)], moments=[timezone.now()]
        )
        if not found:
            self._session_key = None
            return None
        session: AbstractBaseSession = found[0]
        return session

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
