from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_notice_follows_practice")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="service_agreement_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="client",
            name="confidentiality_agreement_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
