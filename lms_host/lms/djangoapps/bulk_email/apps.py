# Stand-in for edx-platform lms/djangoapps/bulk_email/apps.py (openedx/edx-platform).
"""Bulk email's app config (label ``bulk_email``): here only for ``Optout`` and the ACE opt-out policy."""

from django.apps import AppConfig


class BulkEmailConfig(AppConfig):
    """Application Configuration for bulk_email."""

    name = "lms.djangoapps.bulk_email"
