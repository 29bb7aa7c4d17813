# Stand-in for edx-platform lms/celery.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Import celery, load its settings from the django settings and auto discover tasks in all installed django apps.

Reproduced: ``DJANGO_SETTINGS_MODULE`` defaults to ``lms.envs.production`` and the singleton
``openedx.core.lib.celery.APP`` is imported. Omitted: ``defuse_xml_libs()`` (safe_lxml).
"""

import os

# Set the default Django settings module for the 'celery' program
# and then instantiate the Celery singleton.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.envs.production")
from openedx.core.lib.celery import APP  # noqa: F401
