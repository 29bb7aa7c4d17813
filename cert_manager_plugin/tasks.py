"""
Thin Celery tasks: each calls ``api``, or ``wiring`` for a step of enqueued work (jobs/engine do the work, inline too).

``@shared_task`` binds them to the host's Celery app (the LMS's in production, ``devsite.celery`` in the
demo). ``jobs`` enqueues them by name, so nothing imports this module but Celery's autodiscovery.

Chunk tasks are idempotent (a chunk marks itself done in the transaction that does its work), so they
acknowledge late and are rejected back to the queue when the worker dies; database operational errors
(deadlock, lost connection) are retried with exponential backoff.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from celery import Task, shared_task
from django.db import OperationalError

from . import api, wiring

if TYPE_CHECKING:
    from billiard.einfo import ExceptionInfo

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 6,
}


class ChunkTask(Task):
    """When the retries of a chunk are exhausted, the chunk is marked failed so its job can close and resume."""

    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: ExceptionInfo) -> None:
        """Mark the chunk (``args``: job id, chunk id) failed once Celery gives up on it, with the error."""
        if len(args) >= 2:
            wiring.chunk_failed(args[0], args[1], "retries exhausted", error=repr(exc))


@shared_task(name="cert_manager_plugin.tasks.run_job", acks_late=True, reject_on_worker_lost=True, **RETRY)
def run_job(job_id: int) -> None:
    """The coordinator: split the job's candidates into chunks and enqueue them."""
    wiring.run_job(job_id, raise_operational=True)


@shared_task(
    base=ChunkTask,
    name="cert_manager_plugin.tasks.run_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    **RETRY,
)
def run_chunk(job_id: int, chunk_id: int) -> str:
    """Reconcile one chunk of a job (a no-op when it is already done or its job was closed)."""
    return wiring.run_chunk(job_id, chunk_id, raise_operational=True)


@shared_task(name="cert_manager_plugin.tasks.sweep_course", acks_late=True, reject_on_worker_lost=True, **RETRY)
def sweep_course(course_id: str, waiting_since: float | None = None) -> int:
    """
    Reconcile every learner of the course the LMS's events marked pending. Returns how many changed.

    ``waiting_since`` (epoch seconds) marks a sweep chained by the one before, which first waits for the course's
    changes to quiet down (``reconcile.sweep_course``); messages from before it have the course id only.
    """
    return wiring.sweep_course(course_id, waiting_since).changed


@shared_task(name="cert_manager_plugin.tasks.sweep_forgotten_courses")
def sweep_forgotten_courses() -> list[str]:
    """Periodic: arm the sweep of courses whose learners waited too long (a lost sweep message)."""
    return wiring.sweep_forgotten_courses()


@shared_task(name="cert_manager_plugin.tasks.fail_stale_jobs")
def fail_stale_jobs() -> list[int]:
    """Periodic: mark failed the active jobs whose heartbeat is older than CERT_MANAGER_JOB_STALE_SECONDS."""
    return api.fail_stale_jobs()


@shared_task(name="cert_manager_plugin.tasks.resume_stale_jobs")
def resume_stale_jobs() -> list[int]:
    """Periodic (optional): fail stale jobs and resume them, re-running only their unfinished chunks."""
    return api.resume_stale_jobs()


@shared_task(name="cert_manager_plugin.tasks.issue_held_certificates", **RETRY)
def issue_held_certificates() -> dict[str, int]:
    """Periodic: issue the certificates held until course end in courses that have ended."""
    return api.issue_held_certificates()


# --- learner emails (notifications.enqueue_notifications sends these after a batch commits) ---


@shared_task(name="cert_manager_plugin.tasks.send_certificate_emails", acks_late=True, **RETRY)
def send_certificate_emails(items: list[list]) -> dict[str, int]:
    """
    Mail one batch of learners, ``[user_id, course_id, kind]`` items (issued / updated / revoked).

    Per-learner failures are logged, never raised; a database error while loading the batch (before any
    mail left) is retried with backoff.
    """
    return wiring.send_certificate_emails(items)


# --- end learner emails ---
