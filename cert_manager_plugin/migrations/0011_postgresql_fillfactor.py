"""
PostgreSQL only: leave a fifth of each page of the certificate and learner record tables free.

A bulk regenerate rewrites every certificate row (a new grade, status or fingerprint) and grade events rewrite the
records; with room on the page PostgreSQL keeps the new row version there and skips every index (a HOT update),
where full pages make each update a new tuple elsewhere plus an entry in each index. Existing pages keep their
layout until rewritten (``VACUUM FULL`` or ``pg_repack``, at the operator's choice); other databases: nothing.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

#: The tables' fillfactor (PostgreSQL's default is 100: pages filled up).
FILLFACTOR = 80
MODELS = ("Certificate", "LearnerRecord")


def _set(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, value: int | None) -> None:
    """``ALTER TABLE … SET (fillfactor = value)`` (or ``RESET`` for None) on PostgreSQL."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for name in MODELS:
        table = connection.ops.quote_name(apps.get_model("cert_manager_plugin", name)._meta.db_table)
        setting = f"SET (fillfactor = {int(value)})" if value is not None else "RESET (fillfactor)"
        schema_editor.execute(f"ALTER TABLE {table} {setting}")


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Room on every page for HOT updates."""
    _set(apps, schema_editor, FILLFACTOR)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """PostgreSQL's default again."""
    _set(apps, schema_editor, None)


class Migration(migrations.Migration):
    """Fillfactor 80 on the hot tables (PostgreSQL only)."""

    dependencies = [
        ("cert_manager_plugin", "0010_sweep_chaining"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
