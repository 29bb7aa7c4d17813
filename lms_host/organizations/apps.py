# Stand-in for the ``organizations`` Django app of openedx/edx-organizations (no AppConfig of its own there).
"""The ``organizations`` app (label ``organizations``). The host has no migrations for it: ``run_syncdb``."""

from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Configuration of the ``organizations`` stand-in."""

    name = "organizations"
    default_auto_field = "django.db.models.AutoField"
