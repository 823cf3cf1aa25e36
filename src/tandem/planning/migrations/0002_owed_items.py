"""What the client owes (issue 12), and the requests already waiting on their client.

A request waiting on its client from before this migration gets its item, as the move would
make it now (``owed.owe_while_waiting``). One already past its date is marked as reminded
(twice), so that deploying sends no burst of reminders about old waits; it still shows on the
dashboard as "Still waiting on the client".
"""

from typing import Any

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

BATCH = 1000


def owe_what_requests_wait_for(apps: Any, schema_editor: Any) -> None:
    Task = apps.get_model("work", "Task")
    TaskEvent = apps.get_model("work", "TaskEvent")
    Owed = apps.get_model("planning", "Owed")
    now = timezone.now()
    move = TaskEvent.objects.filter(
        task_id=OuterRef("pk"), kind="status_changed", to_status="waiting_on_client"
    ).order_by("-created_at", "-pk")
    waiting = (
        Task.objects.filter(status="waiting_on_client", waiting_until__isnull=False)
        .annotate(
            move_id=Subquery(move.values("pk")[:1]),
            moved_at=Subquery(move.values("created_at")[:1]),
            mover_id=Subquery(move.values("actor_id")[:1]),
        )
        .order_by("pk")
    )
    after = 0
    while batch := list(waiting.filter(pk__gt=after)[:BATCH]):
        Owed.objects.bulk_create(
            [
                Owed(
                    practice_id=task.practice_id,
                    client_id=task.client_id,
                    task_id=task.pk,
                    what=task.waiting_for or "What the request waits for",
                    due_at=task.waiting_until,
                    source="waiting",
                    from_event_id=task.move_id,
                    created_by_id=task.mover_id,
                    created_at=task.moved_at or task.updated_at,
                    first_reminded_at=now if task.waiting_until <= now else None,
                    second_reminded_at=now if task.waiting_until <= now else None,
                )
                for task in batch
            ],
            ignore_conflicts=True,
        )
        after = batch[-1].pk


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clients", "0003_client_contact_details"),
        ("core", "0007_practice_branding"),
        ("planning", "0001_calendar_feeds"),
        ("work", "0013_series_edits_and_timeline"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "remind_again_after_days",
                    models.PositiveSmallIntegerField(
                        default=2,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="Remind again after (working days)",
                    ),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "practice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.practice",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Owed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("what", models.CharField(max_length=300, verbose_name="what is needed")),
                ("due_at", models.DateTimeField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("asked", "Asked for on the request"),
                            ("waiting", "The request waits on it"),
                        ],
                        default="asked",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for it"),
                            ("answered", "Answered"),
                            ("received", "Received"),
                            ("dropped", "No longer needed"),
                        ],
                        default="open",
                        max_length=8,
                    ),
                ),
                ("settled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answer",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("here_it_is", "Here it is"),
                            ("comment", "A comment"),
                            ("file", "A file"),
                            ("resumed", "Sent what was needed"),
                        ],
                        max_length=12,
                    ),
                ),
                ("first_reminded_at", models.DateTimeField(blank=True, null=True)),
                ("remind_again_at", models.DateTimeField(blank=True, null=True)),
                ("second_reminded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "answer_comment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="work.comment",
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clients.client",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "from_event",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="work.taskevent",
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.practice",
                    ),
                ),
                (
                    "settled_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="work.task",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("state", "open")),
                        fields=["practice", "due_at", "id"],
                        name="owed_open_by_practice",
                    ),
                    models.Index(
                        condition=models.Q(("state", "open")),
                        fields=["client", "due_at", "id"],
                        name="owed_open_by_client",
                    ),
                    models.Index(
                        condition=models.Q(
                            ("remind_again_at__isnull", False),
                            ("second_reminded_at__isnull", True),
                            ("state", "open"),
                        ),
                        fields=["practice", "remind_again_at", "id"],
                        name="owed_second_reminder_due",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("settled_at__isnull", True), ("state", "open")),
                            models.Q(
                                models.Q(("state", "open"), _negated=True),
                                ("settled_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="owed_settled_unless_open",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("answer", ""), ("state", "answered"), _connector="OR"),
                        name="owed_answer_only_if_answered",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("second_reminded_at__isnull", True),
                            ("first_reminded_at__isnull", False),
                            _connector="OR",
                        ),
                        name="owed_second_reminder_after_first",
                    ),
                ],
            },
        ),
        migrations.RunPython(owe_what_requests_wait_for, migrations.RunPython.noop),
    ]
