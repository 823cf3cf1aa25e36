"""The practice-wide board's columns: open tasks by practice, status and deadline."""

from django.db import migrations, models

import tandem.core.indexes


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0011_repeating_requests_and_templates"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=tandem.core.indexes.SortIndex(
                models.F("practice"),
                models.F("status"),
                models.OrderBy(models.F("deadline_at"), nulls_first=True),
                models.F("id"),
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "accepted",
                            "delivered",
                            "in_progress",
                            "needs_deadline",
                            "requested",
                            "waiting_on_client",
                        ],
                    )
                ),
                name="task_open_by_status",
            ),
        ),
    ]
