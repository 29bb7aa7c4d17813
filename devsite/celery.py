"""The host's Celery app (the LMS has its own); plugin tasks bind to whichever app is current."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devsite.settings")

app = Celery("devsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
