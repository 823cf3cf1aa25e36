"""A request keeps when the practice promised to answer it, while nobody has."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0008_task_edits"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="respond_by",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("respond_by__isnull", False)),
                fields=["practice", "respond_by", "id"],
                name="task_awaiting_answer",
            ),
        ),
    ]
