"""Django app configuration of the standalone host's tables."""

from django.apps import AppConfig


class StandaloneHostConfig(AppConfig):
    """
    The standalone adapter's courses and course team roles, for hosts without edx-platform: the demo and the tests.

    Never installed by the LMS entry point (``cert_manager_plugin.apps:CertManagerConfig``): inside the LMS the
    edx-platform adapter reads the LMS's own ``CourseOverview`` and ``CourseAccessRole``. A standalone host adds
    ``"cert_manager_plugin.standalone_host"`` to ``INSTALLED_APPS``; without it the standalone adapter knows
    courses only from the plugin's own data and course roles only from ``is_staff`` / ``is_superuser``
    (system check ``cert_manager.W003``).
    """

    name = "cert_manager_plugin.standalone_host"
    label = "cert_manager_standalone"
    verbose_name = "Certificate manager: standalone host"
    default_auto_field = "django.db.models.BigAutoField"
