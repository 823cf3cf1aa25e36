"""Every practice that exists already gets the default catalogue (new ones get it when they
are created: ``delegation.receivers``)."""

from django.db import migrations

from tandem.delegation.catalogue import DEFAULT_KINDS


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Practice = apps.get_model("core", "Practice")
    WorkKind = apps.get_model("delegation", "WorkKind")
    seeded = set(WorkKind.objects.values_list("practice_id", flat=True).distinct())
    kinds = [
        WorkKind(
            practice_id=practice_id,
            name=kind.name,
            phase=kind.phase,
            mode=kind.mode,
            risk_note=kind.risk_note,
            keywords=kind.keywords,
        )
        for practice_id in Practice.objects.values_list("pk", flat=True)
        if practice_id not in seeded
        for kind in DEFAULT_KINDS
    ]
    WorkKind.objects.bulk_create(kinds, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("delegation", "0001_initial"), ("core", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
