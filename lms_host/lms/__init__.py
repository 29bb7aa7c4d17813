# Stand-in for edx-platform lms/__init__.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Celery needs to be loaded when the lms modules are so that task registration and discovery can work correctly.

Reproduced exactly: Kombu's entrypoint scan is disabled and ``from .celery import APP as CELERY_APP`` runs
whenever any ``lms`` module is imported (settings included), so ``shared_task`` binds to the LMS's app.
"""

# We monkey patch Kombu's entrypoints listing because scanning through this
# accounts for the majority of LMS/Studio startup time for tests.
import kombu.utils

kombu.utils.entrypoints = lambda namespace: iter([])

# This will make sure the app is always imported when Django starts so
# that shared_task will use this app, and also ensures that the celery
# singleton is always configured for the LMS.
from .celery import APP as CELERY_APP  # noqa: E402, F401
