"""The demo LMS host: a minimal Django project that loads cert_manager_plugin the way the LMS does."""

from .celery import app as celery_app

__all__ = ["celery_app"]
