# Stand-in for edx-platform openedx/core/lib/celery/__init__.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
The singleton Celery app shared by the LMS (imported only through ``lms.celery``).

Reproduced exactly: ``APP = Celery('proj')`` configured from Django settings *without a namespace*, so Celery
reads the LMS's old-style UPPERCASE names (``CELERY_ALWAYS_EAGER``, ``BROKER_URL``, ``CELERY_QUEUES``,
``CELERY_ROUTES``, ``CELERY_DEFAULT_QUEUE``, ...), then ``autodiscover_tasks()`` over INSTALLED_APPS.
"""

from celery import Celery

# WARNING: Do not refer to this unless you are cms.celery or lms.celery.
APP = Celery("proj")

APP.config_from_object("django.conf:settings")
APP.autodiscover_tasks()
