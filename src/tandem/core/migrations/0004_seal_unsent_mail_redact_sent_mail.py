"""Mail stored before bodies were sealed: unsent bodies are sealed, sent ones lose their links.

Data only; no column changes. Sealing needs the master key (TANDEM_MASTER_KEY or
var/master_key), which production requires at start-up anyway.
"""

from typing import Any

from django.db import migrations


def seal_unsent_and_redact_sent(apps: Any, schema_editor: Any) -> None:
    from tandem.core import crypto, mail

    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for pk in list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True)):
        row = OutboundEmail.objects.get(pk=pk)
        fresh = {}
        for field in ("text_body", "html_body"):
            stored = getattr(row, field)
            if row.sent_at is not None:
                fresh[field] = mail.redact(stored)
            elif not crypto.is_sealed(stored):
                fresh[field] = mail.seal_body(stored, key=row.key, field=field)
        OutboundEmail.objects.filter(pk=pk).update(**fresh)


def open_unsent(apps: Any, schema_editor: Any) -> None:
    """Back to bodies in the clear for unsent mail; sent mail's links are gone for good."""
    from tandem.core import mail

    OutboundEmail = apps.get_model("core", "OutboundEmail")
    unsent = OutboundEmail.objects.filter(sent_at__isnull=True).order_by("pk")
    for pk in list(unsent.values_list("pk", flat=True)):
        row = OutboundEmail.objects.get(pk=pk)
        OutboundEmail.objects.filter(pk=pk).update(
            text_body=mail.open_body(row.text_body, key=row.key, field="text_body"),
            html_body=mail.open_body(row.html_body, key=row.key, field="html_body"),
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_reaction_runs")]

    operations = [migrations.RunPython(seal_unsent_and_redact_sent, open_unsent, elidable=True)]
