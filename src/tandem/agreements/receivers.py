"""A new client follows the practice's "agreements before work" setting from the start, in
the transaction that creates it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from tandem.agreements.models import AgreementPolicy
from tandem.clients.models import Client


@receiver(post_save, sender=Client, dispatch_uid="agreements.new_client_follows_policy")
def new_client_follows_policy(
    sender: type[Client], instance: Client, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    required = AgreementPolicy.objects.filter(
        practice_id=instance.practice_id, require_before_work=True
    ).exists()
    if required and not instance.requires_agreements:
        Client.objects.filter(pk=instance.pk).update(requires_agreements=True)
        instance.requires_agreements = True
