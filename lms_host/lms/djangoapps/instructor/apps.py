# Stand-in for edx-platform lms/djangoapps/instructor/apps.py at commit 5af5f01fa9480258a5001852cd7498fe3e4cd2fb
# (openedx/openedx-platform).
"""
Instructor Application Configuration (label ``instructor``).

As in edx-platform, the app arrives through edx-platform's own ``lms.djangoapp`` entry point
``instructor = lms.djangoapps.instructor.apps:InstructorConfig`` (lms_host/Open_edX-0.13.dist-info), and its URLs
through ``plugin_app``'s url config (namespace '', regex '', ``urls``), i.e. ``get_plugin_url_patterns``. Reproduced:
the url config and the COMMON settings hook (``settings.common``). Omitted: the DEVSTACK/PRODUCTION/TEST settings
hooks, ``ready()``'s handlers and special-exams service.
"""

from django.apps import AppConfig
from edx_django_utils.plugins import PluginSettings, PluginURLs

from openedx.core.djangoapps.plugins.constants import ProjectType, SettingsType


class InstructorConfig(AppConfig):
    """Application Configuration for Instructor."""

    name = "lms.djangoapps.instructor"

    plugin_app = {
        PluginURLs.CONFIG: {
            ProjectType.LMS: {
                PluginURLs.NAMESPACE: "",
                PluginURLs.REGEX: "",
                PluginURLs.RELATIVE_PATH: "urls",
            }
        },
        PluginSettings.CONFIG: {
            ProjectType.LMS: {
                SettingsType.COMMON: {PluginSettings.RELATIVE_PATH: "settings.common"},
            }
        },
    }
