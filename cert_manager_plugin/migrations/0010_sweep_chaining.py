"""When a course's last sweep ended: the next one keeps a minimum gap after it (``reconcile.sweep_course``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    """Add ``CourseSweep.swept_at`` (empty on existing rows: their next sweep starts at once)."""

    dependencies = [
        ("cert_manager_plugin", "0009_standalone_models_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="coursesweep",
            name="swept_at",
            field=models.DateTimeField(blank=True, help_text="when the course's last sweep ended", null=True),
        ),
    ]
