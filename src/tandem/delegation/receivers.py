"""A new practice starts with the default catalogue, in the transaction that creates it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from tandem.core.models import Practice
from tandem.delegation.services import seed_catalogue


@receiver(post_save, sender=Practice, dispatch_uid="delegation.seed_catalogue")
def give_new_practice_the_catalogue(
    sender: type[Practice], instance: Practice, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        seed_catalogue(instance)
