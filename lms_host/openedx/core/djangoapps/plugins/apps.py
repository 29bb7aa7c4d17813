# Stand-in for edx-platform openedx/core/djangoapps/plugins/apps.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Plugins Application Configuration: signal handlers of every plugin are connected here.

As in edx-platform, this app is not in INSTALLED_APPS by name: edx-platform registers it as its own
``lms.djangoapp`` entry point ``plugins = openedx.core.djangoapps.plugins.apps:PluginsConfig``, so it arrives with
``get_plugin_apps(ProjectType.LMS)`` (lms_host/Open_edX-0.13.dist-info/entry_points.txt). Reproduced: ``ready()``
calls ``connect_plugin_receivers(ProjectType.LMS)`` when ROOT_URLCONF is ``lms.urls``. Omitted: the PRODUCTION
settings hook (``settings.production``, plugin translations).
"""

from django.apps import AppConfig
from django.conf import settings
from edx_django_utils.plugins import connect_plugin_receivers

from openedx.core.djangoapps.plugins.constants import ProjectType


class PluginsConfig(AppConfig):
    """Application Configuration for Plugins."""

    name = "openedx.core.djangoapps.plugins"

    plugin_app = {}  # edx-platform: a PRODUCTION settings hook (plugin translations); omitted

    def ready(self):
        """Connect plugin receivers to their signals."""
        if settings.ROOT_URLCONF == "lms.urls":
            project_type = ProjectType.LMS
        else:
            project_type = ProjectType.CMS

        connect_plugin_receivers(project_type)
