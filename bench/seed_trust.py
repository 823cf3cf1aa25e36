"""What the benchmark's trust pages read (issue 13), added to seeded data (fresh or reused)
and idempotent: kinds of work named on a fifth of the busiest client's requests, a history
of phase changes, 200 done requests' worth of track record (the seed has them already) and
one request above the client's phase waiting for its go-ahead, whose page is measured."""

from __future__ import annotations

from typing import Any


def prepare(info: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from tandem.clients.models import Client
    from tandem.delegation.models import PhaseChange, WorkKind
    from tandem.work.models import Task, TaskStatus

    client = Client.objects.get(pk=info["busiest_client_id"])
    kinds = list(WorkKind.objects.filter(practice_id=client.practice_id).order_by("pk"))
    above = next(kind for kind in kinds if kind.phase == 3)
    with transaction.atomic():
        Client.objects.filter(pk=client.pk).update(phase=1)
        tasks = Task.objects.filter(client=client)
        if not tasks.filter(kind__isnull=False).exists():
            ids = list(tasks.order_by("pk").values_list("pk", flat=True))
            for offset, kind in enumerate(kinds):
                Task.objects.filter(pk__in=ids[offset :: len(kinds) * 5]).update(kind=kind)
        if not PhaseChange.objects.filter(client=client).exists():
            owner_id = tasks.values_list("created_by_id", flat=True).first()
            assert owner_id is not None
            PhaseChange.objects.bulk_create(
                PhaseChange(
                    practice_id=client.practice_id,
                    client=client,
                    from_phase=1 + number % 2,
                    to_phase=2 - number % 2,
                    changed_by_id=owner_id,
                    changed_at=timezone.now(),
                    note="Benchmark",
                )
                for number in range(20)
            )
        waiting = (
            tasks.filter(status=TaskStatus.REQUESTED).order_by("pk").values_list("pk", flat=True)
        ).first()
        assert waiting is not None, "the busiest client has a new request"
        Task.objects.filter(pk=waiting).update(kind=above, go_ahead_at=None)
    return {"phase_task_id": waiting}
