"""TOTP secrets and recovery-code seeds stored before they were sealed are sealed now.

Data only. From here on allauth seals them itself, through tandem.accounts.mfa.MFAAdapter.
Sealing needs the master key (TANDEM_MASTER_KEY or var/master_key).
"""

from typing import Any

from django.db import migrations

# The same context as tandem.accounts.mfa.CONTEXT, written out so this step never changes.
CONTEXT = "allauth.mfa.Authenticator.data"
TWO_FACTOR_TYPES = ["totp", "recovery_codes"]


def _each_value(apps: Any, change: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    rows = Authenticator.objects.filter(type__in=TWO_FACTOR_TYPES).order_by("pk")
    for pk in list(rows.values_list("pk", flat=True)):
        data = dict(Authenticator.objects.get(pk=pk).data)
        for name in ("secret", "seed"):
            if isinstance(data.get(name), str):
                data[name] = change(data[name])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(str(code)) for code in data["migrated_codes"]]
        Authenticator.objects.filter(pk=pk).update(data=data)


def seal_in_the_clear(apps: Any, schema_editor: Any) -> None:
    from tandem.core import crypto

    _each_value(
        apps,
        lambda value: value if crypto.is_sealed(value) else crypto.seal(value, context=CONTEXT),
    )


def open_sealed(apps: Any, schema_editor: Any) -> None:
    from tandem.core import crypto

    _each_value(
        apps,
        lambda value: (
            crypto.unseal_text(value, context=CONTEXT) if crypto.is_sealed(value) else value
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_in_the_clear, open_sealed, elidable=True)]
