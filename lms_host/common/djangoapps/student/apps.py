# Stand-in for edx-platform common/djangoapps/student/apps.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Configuration for the ``student`` Django application (label ``student``). Reproduced: the AppConfig name.
Omitted: the signal receivers module and the DISABLE_COURSEENROLLMENT_HISTORY test switch.
"""

from django.apps import AppConfig


class StudentConfig(AppConfig):
    """Default configuration for the ``student`` application."""

    name = "common.djangoapps.student"
    default_auto_field = "django.db.models.AutoField"
