"""Sessions are now kept under a hash of their key (tandem.core.sessions): the rows written
before kept the key itself, which a copy of the database could sign in with. They are
deleted, so everyone signs in once more."""

from typing import Any

from django.db import migrations


def forget_sessions(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sessions", "Session").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_seal_unsent_mail_redact_sent_mail"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forget_sessions, migrations.RunPython.noop, elidable=True)]
