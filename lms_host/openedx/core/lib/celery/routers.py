# Stand-in for edx-platform openedx/core/lib/celery/routers.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
``CELERY_ROUTES`` of the LMS: ``EXPLICIT_QUEUES`` first, then ``ALTERNATE_ENV_TASKS``; otherwise Celery's default
routing (``CELERY_DEFAULT_QUEUE``). Reproduced exactly, including that both names are defined only at the end of
``lms/envs/production.py``: with test settings and eager mode turned off, routing a task raises AttributeError,
as in the LMS (eager tasks are never routed).
"""

from django.conf import settings


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery router: ``None`` means the default queue."""
    if name in settings.EXPLICIT_QUEUES:
        return settings.EXPLICIT_QUEUES[name]

    alternate_env = settings.ALTERNATE_ENV_TASKS.get(name, None)
    if alternate_env:
        return ensure_queue_env(alternate_env)
    return None


def ensure_queue_env(desired_env):
    """The first configured queue of the desired environment, else ``None``."""
    queues = getattr(settings, "CELERY_QUEUES", None)
    return next((queue for queue in queues if f".{desired_env}." in queue), None)
