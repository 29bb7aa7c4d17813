"""
The host's Celery app (the LMS has its own); plugin tasks bind to whichever app is current.

``CERT_MANAGER_DEMO_CHUNK_DELAY`` (seconds, demo only: ``scripts/demo.sh`` sets it) makes the worker pause
before each chunk of a job, so that on the demo's 240 learners a person can watch the progress bar move and
press Cancel. Unset (tests, integration workers), nothing waits.
"""

import os
import time

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devsite.settings")

app = Celery("devsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DEMO_CHUNK_DELAY = float(os.environ.get("CERT_MANAGER_DEMO_CHUNK_DELAY") or 0)


@task_prerun.connect
def _demo_pace(sender=None, **kwargs) -> None:
    """The demo's pace: a pause before each chunk (never in the tests, where the variable is unset)."""
    if DEMO_CHUNK_DELAY > 0 and getattr(sender, "name", "") == "cert_manager_plugin.tasks.run_chunk":
        time.sleep(DEMO_CHUNK_DELAY)
