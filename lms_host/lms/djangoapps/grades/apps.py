# Stand-in for edx-platform lms/djangoapps/grades/apps.py at commit 106ed84e49c6b6c6502af81f97e6ba8c8c039bdd
# (openedx/edx-platform).
"""
Grades Application Configuration (label ``grades``).

As in edx-platform, the app is not listed in INSTALLED_APPS by name: it is edx-platform's own ``lms.djangoapp`` entry
point ``grades = lms.djangoapps.grades.apps:GradesConfig`` (lms_host/Open_edX-0.13.dist-info). Reproduced:
``ready()`` connects the signal handlers. Omitted: the plugin URL config (``^api/grades/``) and settings hooks
(``plugin_app`` is kept, empty, so that edx-django-utils lists the app), the special-exams grades service.
"""

from django.apps import AppConfig


class GradesConfig(AppConfig):
    """Application Configuration for Grades."""

    name = "lms.djangoapps.grades"
    default_auto_field = "django.db.models.AutoField"

    plugin_app = {}

    def ready(self):
        """Connect handlers to recalculate grades."""
        from .signals import handlers  # noqa: F401
