# Stand-in for edx-platform openedx/core/djangoapps/plugins/constants.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Constants used by django app plugins. Reproduced exactly: the re-exports from edx-django-utils and the
``ProjectType`` / ``SettingsType`` values. Omitted: ``plugins_locale_root`` (translations).
"""

from edx_django_utils.plugins import (  # noqa: F401 (expose constants from edx-django-utils, as edx-platform)
    PluginContexts,
    PluginSettings,
    PluginSignals,
    PluginURLs,
)


class ProjectType:
    """The Django projects of edx-platform that plugins extend (their entry-point groups)."""

    LMS = "lms.djangoapp"
    CMS = "cms.djangoapp"


class SettingsType:
    """The settings files of a project that plugins extend."""

    PRODUCTION = "production"
    COMMON = "common"
    DEVSTACK = "devstack"
    TEST = "test"
