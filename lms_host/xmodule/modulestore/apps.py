# Host-only app (no edx-platform counterpart: the modulestore is not a Django app there).
"""The ``modulestore`` stand-in app: the table of course block fields (no migrations: ``run_syncdb``)."""

from django.apps import AppConfig


class ModulestoreConfig(AppConfig):
    """Configuration of the host-only course block storage."""

    name = "xmodule.modulestore"
    label = "modulestore"
    default_auto_field = "django.db.models.AutoField"
