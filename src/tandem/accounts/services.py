from __future__ import annotations

from tandem.accounts.models import User


def update_profile(user: User, *, name: str, time_zone: str) -> User:
    """A person's own name and time zone; nothing here is security-relevant."""
    user.name = name.strip()
    user.time_zone = time_zone
    user.save(update_fields=["name", "time_zone"])
    return user
