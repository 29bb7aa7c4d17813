"""The host's own app: connects plugin receivers at start-up, as edx-platform's plugins app does."""

from django.apps import AppConfig


class DevsiteConfig(AppConfig):
    """Host start-up hooks."""

    name = "devsite"

    def ready(self) -> None:
        from edx_django_utils.plugins import connect_plugin_receivers

        from . import celery  # noqa: F401 - the host's Celery app, made current (the LMS loads its own likewise)

        connect_plugin_receivers("lms.djangoapp")
