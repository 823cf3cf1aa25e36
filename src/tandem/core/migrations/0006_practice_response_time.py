"""Practices say how soon they respond to a new request (the client's acknowledgement)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_forget_unhashed_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="response_time",
            field=models.CharField(
                choices=[
                    ("4h", "Within 4 working hours"),
                    ("1d", "Within one working day"),
                    ("2d", "Within two working days"),
                ],
                default="1d",
                max_length=4,
                verbose_name="How soon we respond to a new request",
            ),
        ),
    ]
