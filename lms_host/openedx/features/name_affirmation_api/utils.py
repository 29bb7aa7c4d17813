# Stand-in for edx-platform openedx/features/name_affirmation_api/utils.py at commit
# 4a2f2313024a0bf0627c98c97ca73fe5c7b5c936 (openedx/edx-platform).
"""
Name affirmation (the ``edx-name-affirmation`` plugin). Reproduced: ``is_name_affirmation_installed()`` and
``get_name_affirmation_service()`` (the plugin's ``NameAffirmationService`` when installed, else None). The host does
not install the plugin; a test may stand a service in through ``get_name_affirmation_service``.
"""

from edx_django_utils.plugins import PluginError, get_plugin_apps  # noqa: F401  (edx-platform imports these here)


def is_name_affirmation_installed():
    """Whether the ``edx_name_affirmation`` app is installed."""
    from django.apps import apps

    return apps.is_installed("edx_name_affirmation")


def get_name_affirmation_service():
    """The name affirmation service when the plugin is installed, else None."""
    if is_name_affirmation_installed():
        from edx_name_affirmation.services import NameAffirmationService

        return NameAffirmationService()
    return None
