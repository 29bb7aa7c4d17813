"""
StandaloneCourse and StandaloneCourseRole leave this app for the optional ``cert_manager_plugin.standalone_host``.

State: both models are removed here (``cert_manager_standalone`` 0001 adds them back under its own label, on the
same tables). Database: inside the LMS (the standalone app not installed) the two tables, which nothing there
reads, are dropped; in a standalone host that installs the app they stay, rows and all. Backwards, a dropped table
is created again (empty).
"""

from django.apps import apps as installed_apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

#: The app that keeps the tables (``standalone_host.apps.StandaloneHostConfig.name``).
STANDALONE_APP = "cert_manager_plugin.standalone_host"
#: Dropped in this order (the role table first), created in the reverse one.
MODELS = ("StandaloneCourseRole", "StandaloneCourse")


def standalone_app_installed() -> bool:
    """Whether the host installs the standalone app, which takes the tables over."""
    return installed_apps.is_installed(STANDALONE_APP)


def drop_tables_without_the_app(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Drop the two tables unless the standalone app is installed (it keeps them); a missing table is skipped."""
    if standalone_app_installed():
        return
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        model = apps.get_model("cert_manager_plugin", name)
        if model._meta.db_table in existing:
            schema_editor.delete_model(model)


def create_missing_tables(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Backwards: create the tables that do not exist (those dropped forwards), as this app last had them."""
    existing = set(schema_editor.connection.introspection.table_names())
    for name in reversed(MODELS):
        model = apps.get_model("cert_manager_plugin", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


class Migration(migrations.Migration):
    """Move the standalone adapter's models out of the plugin's app (see the module docstring)."""

    dependencies = [
        ("cert_manager_plugin", "0008_certificate_fingerprint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="StandaloneCourseRole"),
                migrations.DeleteModel(name="StandaloneCourse"),
            ],
            database_operations=[
                # DDL: not in a transaction of its own (MariaDB/MySQL refuse DDL inside one)
                migrations.RunPython(drop_tables_without_the_app, create_missing_tables, atomic=False, elidable=False),
            ],
        ),
    ]
