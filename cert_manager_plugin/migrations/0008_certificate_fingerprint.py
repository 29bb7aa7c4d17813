"""The certificate's fingerprint: what the engine decided its state from, so bulk jobs skip unchanged learners."""

from django.db import migrations, models


class Migration(migrations.Migration):
    """Add ``Certificate.fingerprint`` (empty on existing rows: they are reconciled once, then skipped)."""

    dependencies = [
        ("cert_manager_plugin", "0007_lists_in_lms"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="fingerprint",
            field=models.CharField(blank=True, default="", editable=False, max_length=300),
        ),
    ]
