"""Each task event and comment carries its task's client, indexed with its time, so a
client's latest activity is one index range. Existing rows take their task's client."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE {table} SET client_id = (
    SELECT work_task.client_id FROM work_task WHERE work_task.id = {table}.task_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("work", "0003_project_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskevent",
            name="client",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clients.client",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="client",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clients.client",
            ),
        ),
        migrations.RunSQL(BACKFILL.format(table="work_taskevent"), migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL.format(table="work_comment"), migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="taskevent",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clients.client",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clients.client",
            ),
        ),
        migrations.AddIndex(
            model_name="taskevent",
            index=models.Index(
                fields=["client", "created_at"], name="work_taskev_client__fd9887_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["client", "created_at"], name="work_commen_client__dddff8_idx"
            ),
        ),
    ]
