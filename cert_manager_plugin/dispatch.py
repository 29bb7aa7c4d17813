"""
Handing work to the host's Celery app: the plugin's task names and the one function that sends them.

Tasks are sent by name, so no module imports ``tasks`` (which imports ``api``): an eager app (the LMS's test and
devstack settings, the demo) runs them in-process, any other app publishes them to its broker.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import current_app

from .conf import cm_settings

TASK_RUN_JOB = "cert_manager_plugin.tasks.run_job"
TASK_RUN_CHUNK = "cert_manager_plugin.tasks.run_chunk"
TASK_SWEEP_COURSE = "cert_manager_plugin.tasks.sweep_course"
TASK_SEND_EMAILS = "cert_manager_plugin.tasks.send_certificate_emails"


def send_task(name: str, args: Sequence, *, countdown: float | None = None) -> None:
    """
    Hand a plugin task to the host's Celery app, on ``CERT_MANAGER_CELERY_QUEUE`` if set.

    The task object registered on the current app is used (``apply_async``), not ``send_task``: an eager
    app runs it in-process, exactly as the host's own tasks run, and a broker app publishes it. Raises what
    the app raises (broker unreachable, or an eager task's error when the app propagates them).
    """
    options: dict = {}
    queue = cm_settings.CELERY_QUEUE
    if queue:
        options["queue"] = queue
    if countdown:
        options["countdown"] = countdown
    task = current_app.tasks.get(name)
    if task is None:  # the app was created without loading ours: publish by name (a worker knows them)
        current_app.send_task(name, args=list(args), **options)
        return
    task.apply_async(args=list(args), **options)
