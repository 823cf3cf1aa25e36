"""Repeating series can be edited (who last changed one, and when, so a stale edit is
refused), remember the request they were made from (whose timeline tells of them), and a
task's timeline has lines of its series (``TaskEvent.Kind.SERIES``)."""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def link_sources(apps: Any, schema_editor: Any) -> None:
    """A series made from a request before this migration: that request is the one of its
    copies created before the series was. Its last change is its start."""
    series = apps.get_model("work", "RepeatingRequest")
    task = apps.get_model("work", "Task")
    made_before = task.objects.filter(
        series_id=OuterRef("pk"), created_at__lt=OuterRef("created_at")
    ).order_by("created_at", "id")
    series.objects.update(
        source_task_id=Subquery(made_before.values("pk")[:1]),
        updated_at=F("created_at"),
        updated_by_id=F("created_by_id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0012_open_tasks_by_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="repeatingrequest",
            name="source_task",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="work.task",
            ),
        ),
        migrations.AddField(
            model_name="repeatingrequest",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="repeatingrequest",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("status_changed", "Status changed"),
                    ("assigned", "Assigned"),
                    ("edited", "Edited"),
                    ("series", "Repeating series"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(link_sources, migrations.RunPython.noop),
    ]
