# Stand-in for edx-platform common/djangoapps/edxmako/apps.py at commit 6efbafd754419a6e2fbe21540469afd7041ec4ff
# (openedx/edx-platform; openedx/openedx-platform's index has no copy).
"""``EdxMakoConfig.ready``: each Mako backend's lookup is built from its ``DIRS`` (``APP_DIRS`` is off)."""

from django.apps import AppConfig
from django.conf import settings

from .paths import add_lookup, clear_lookups


class EdxMakoConfig(AppConfig):
    """Configuration class for the edxmako Django application."""

    name = "common.djangoapps.edxmako"
    verbose_name = "edX Mako Templating"

    def ready(self):
        """Startup-time configuration of the Mako template lookups (as edx-platform)."""
        for backend in settings.TEMPLATES:
            if "edxmako" not in backend["BACKEND"]:
                continue
            namespace = backend["OPTIONS"].get("namespace", "main")
            directories = backend["DIRS"]
            clear_lookups(namespace)
            for directory in directories:
                add_lookup(namespace, directory)
