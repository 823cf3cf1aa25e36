"""Private calendar feeds: one secret address per person that calendar apps subscribe to.

The address is ``/calendar/<secret>.ics``. The database never holds the secret: each feed
keeps a random ``seed`` and the SHA-256 of its secret, and the secret is an HMAC of the seed
under the site's ``SECRET_KEY`` (``feed_addresses``). So the owner of the feed can be shown
their address again on their calendar page (it is derived anew), while a copy of the
database alone opens no feed: the seed is useless without the key, and the hash cannot be
turned back into the secret. A request is matched by hashing the secret it presents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core import access
from tandem.core.models import Practice

if TYPE_CHECKING:
    from tandem.accounts.models import User


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def visible_to(self, user: User) -> CalendarFeedQuerySet:
        """Only a person's own feeds, in their practice: an owner does not see an
        assistant's address either, since holding it is reading their calendar."""
        membership = access.member(user)
        if membership is None:
            return self.none()
        return self.filter(person_id=user.pk, practice_id=membership.practice_id)

    def live(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """One address of one person's calendar feed; a new address revokes the old one."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    # Random; the secret is HMAC(SECRET_KEY, seed). Useless without the key.
    seed = models.CharField(max_length=64)
    # SHA-256 (hex) of the secret in the address: what a calendar app's request is matched by.
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        constraints = [
            # One live address per person: "Make a new address" revokes the old one in the
            # same transaction, and two clicks at once cannot leave two working.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar address of {self.person}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
