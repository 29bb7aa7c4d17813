"""
Drop the foreign-key indexes a unique constraint covers: ``Certificate.user``, ``CertificateRevision.certificate``.

``cm_certificate_user_course`` (user, course key) and ``cm_revision_cert_revision`` (certificate, revision) start
with those columns, so they serve every lookup and cascade by them; the single-column indexes only cost a write per
inserted certificate and revision, and one per certificate update PostgreSQL cannot make HOT.

Only the index goes, never the foreign key. ``AlterField`` would drop and re-add the foreign key on MariaDB/MySQL,
which rebuilds the table there (a long lock on a large LMS) for nothing: InnoDB keeps no separate index for these
columns (it uses the unique ones). So the state changes everywhere, and the database only where such an index
exists: PostgreSQL and SQLite, found by introspection (any name), dropped with ``DROP INDEX``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

#: (model, column): the foreign keys whose own index goes.
COLUMNS = (("Certificate", "user_id"), ("CertificateRevision", "certificate_id"))


def _single_column_indexes(schema_editor: BaseDatabaseSchemaEditor, table: str, column: str) -> list[str]:
    """The names of the plain (not unique, not primary key) indexes on exactly ``column`` of ``table``."""
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def _columns(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> list[tuple[str, str]]:
    """(table, column) of each foreign key whose own index goes; none on MariaDB/MySQL (InnoDB made none)."""
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return []
    return [(apps.get_model("cert_manager_plugin", model)._meta.db_table, column) for model, column in COLUMNS]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Drop each column's own index, whatever its name."""
    for table, column in _columns(apps, schema_editor):
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the single-column indexes again."""
    quote = schema_editor.quote_name
    for table, column in _columns(apps, schema_editor):
        if not _single_column_indexes(schema_editor, table, column):
            name = f"cm_{table.removeprefix('cert_manager_plugin_')}_{column}_idx"
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


class Migration(migrations.Migration):
    """The two redundant foreign-key indexes go (the database's part: PostgreSQL and SQLite only)."""

    dependencies = [
        ("cert_manager_plugin", "0013_designs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="certificate",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="certificaterevision",
                    name="certificate",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="cert_manager_plugin.certificate",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        ),
    ]
