"""What the benchmark's vault pages read (issue 14), added to seeded data (fresh or reused)
and idempotent: the busiest client keeps 200 credentials (each sealed as the vault seals
them, named for the bench's assistant and the owner) and 10,000 reveals spread over them."""

from __future__ import annotations

from typing import Any

CREDENTIALS = 200
REVEALS = 10_000


def prepare(
    info: dict[str, Any], *, credentials: int = CREDENTIALS, reveals: int = REVEALS
) -> dict[str, Any]:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.clients.models import Assignment, Client
    from tandem.vault import sealing
    from tandem.vault.models import Credential, Grant, Reveal

    client = Client.objects.get(pk=info["busiest_client_id"])
    owner = User.objects.get(email=info["owner_email"])
    assistant = User.objects.get(email=info["assistant_email"])
    kept = Credential.objects.filter(client=client)
    with transaction.atomic():
        # The measured assistant works on the client, so its vault page is theirs to see.
        Assignment.objects.get_or_create(
            client=client, user=assistant, defaults={"practice_id": client.practice_id}
        )
        if kept.count() < credentials:
            made = Credential.objects.bulk_create(
                Credential(
                    practice_id=client.practice_id,
                    client=client,
                    name=f"Service {number:03}",
                    url=f"https://service{number}.example.com",
                    username=f"bench{number}@example.com",
                    created_by=owner,
                )
                for number in range(credentials)
            )
            for credential in made:
                credential.password_sealed = sealing.seal_field(
                    credential.pk, "password", f"bench-secret-{credential.pk}"
                )
            Credential.objects.bulk_update(made, ["password_sealed"], batch_size=500)
            Grant.objects.bulk_create(
                Grant(
                    practice_id=client.practice_id,
                    client=client,
                    credential=credential,
                    user=person,
                    granted_by=owner,
                )
                for credential in made
                for person in (assistant, owner)
            )
        ids = list(kept.order_by("pk").values_list("pk", flat=True))
        have = Reveal.objects.filter(client=client).count()
        start = timezone.now() - timedelta(days=365)
        Reveal.objects.bulk_create(
            (
                Reveal(
                    practice_id=client.practice_id,
                    client=client,
                    credential_id=ids[number % len(ids)],
                    user=assistant,
                    revealed_at=start + timedelta(minutes=50 * number),
                    reason=f"Benchmark reveal {number}",
                    ip_address="127.0.0.1",
                )
                for number in range(have, reveals)
            ),
            batch_size=1000,
        )
    return {"vault_credential_id": ids[0]}
