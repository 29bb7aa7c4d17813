"""
The demo LMS host: a minimal Django project that loads cert_manager_plugin the way the LMS does.

Its Celery app (``devsite.celery``) is loaded by ``DevsiteConfig.ready()``, not on import: the tests import
``devsite.lms_events`` inside the LMS-shaped host too, where the LMS's own Celery app must stay the current one.
"""
