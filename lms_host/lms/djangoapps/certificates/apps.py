# Stand-in for edx-platform lms/djangoapps/certificates/apps.py at commit 07c57f2d2046e66792db19ad4d8e84442861e3e1
# (openedx/edx-platform).
"""Certificates Application Configuration (label ``certificates``); ``ready()`` connects its signal handlers."""

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Application Configuration for Certificates."""

    name = "lms.djangoapps.certificates"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        """Connect signal handlers."""
        from lms.djangoapps.certificates import signals  # noqa: F401
