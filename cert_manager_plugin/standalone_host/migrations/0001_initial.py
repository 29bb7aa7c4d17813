"""
The standalone adapter's courses and course team roles, on the tables ``cert_manager_plugin`` created for them.

State: both models, with their old table names. Database: a table is created only when it does not exist yet; a
standalone install upgraded from ``cert_manager_plugin`` 0008 (or earlier) keeps its tables and rows (its 0009 left
them to this app), a host that adds the app later gets them new. Backwards, the tables are left alone:
``cert_manager_plugin`` 0009 takes them back.
"""

import django.db.models.deletion
import opaque_keys.edx.django.models
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MODELS = ("StandaloneCourse", "StandaloneCourseRole")


def create_missing_tables(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create each of the two tables that does not exist yet (with its indexes and constraints)."""
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        model = apps.get_model("cert_manager_standalone", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


class Migration(migrations.Migration):
    """Take the two models over from ``cert_manager_plugin`` (see the module docstring)."""

    initial = True

    dependencies = [
        ("cert_manager_plugin", "0009_standalone_models_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StandaloneCourse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("course_key", opaque_keys.edx.django.models.CourseKeyField(max_length=255, unique=True)),
                        ("display_name", models.CharField(max_length=255)),
                        ("org", models.CharField(blank=True, default="", max_length=255)),
                        ("start", models.DateTimeField(blank=True, null=True)),
                        ("end", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"db_table": "cert_manager_plugin_standalonecourse"},
                ),
                migrations.CreateModel(
                    name="StandaloneCourseRole",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("course_key", opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255)),
                        (
                            "role",
                            models.CharField(choices=[("instructor", "instructor"), ("staff", "staff")], max_length=32),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cert_manager_plugin_standalonecourserole",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "course_key", "role"), name="cm_role_user_course_role"
                            )
                        ],
                    },
                ),
            ],
        ),
        # DDL: not in a transaction of its own (MariaDB/MySQL refuse DDL inside one; PostgreSQL's migration is atomic)
        migrations.RunPython(create_missing_tables, migrations.RunPython.noop, atomic=False, elidable=False),
    ]
