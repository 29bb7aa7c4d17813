"""
Job chunks: one chunk of a batch job reconciled and marked done in one transaction; the last one closes the job.

``jobs.run_job`` (the coordinator) writes the ``GenerationJobChunk`` rows and enqueues one ``run_chunk`` task per
pending chunk. A chunk reconciles its learners with ``engine.run`` and marks itself done in the same
transaction, so a chunk that is delivered twice (a worker died, the broker redelivered) does nothing the second
time. Counters move with ``F()`` expressions; the chunk that brings ``chunks_done`` up to ``chunks_total`` closes
the job (``close_if_done``, no chords).
"""

from __future__ import annotations

import gc
import logging
import sys
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from . import engine, job_kinds
from .conf import cm_settings
from .data import ChunkState, JobState, Source
from .models import GenerationJob, GenerationJobChunk

log = logging.getLogger(__name__)


def run_chunk(job_id: int, chunk_id: int, *, raise_operational: bool = False) -> str:
    """
    Reconcile one chunk and mark it done in one transaction; returns what happened.

    A chunk that is not pending (done before, or its job closed or cancelled) does nothing. Any error
    marks the chunk failed (the job then ends failed and can be resumed), except database operational
    errors when ``raise_operational`` (the Celery task retries those with backoff).
    """
    try:
        with _collector_paused(), transaction.atomic():
            chunk = _lock_chunk(chunk_id)
            if chunk is None or chunk.state != ChunkState.PENDING:
                return "skipped"
            job = (
                GenerationJob.objects.filter(pk=job_id)
                .values("state", "kind", "course_key", "requested_by_id", "params")
                .first()
            )
            if job is None or job["state"] != JobState.RUNNING:
                return "inactive"
            result = _reconcile_chunk(job, chunk.user_ids)
            GenerationJobChunk.objects.filter(pk=chunk_id).update(
                state=ChunkState.DONE,
                attempts=F("attempts") + 1,
                processed=result.processed,
                changed=result.changed,
                skipped=result.skipped,
                failed=result.failed,
                transitions=result.transitions_dict(),
                finished=timezone.now(),
                error="",
            )
            GenerationJob.objects.filter(pk=job_id).update(
                processed=F("processed") + result.processed,
                changed=F("changed") + result.changed,
                skipped=F("skipped") + result.skipped,
                failed=F("failed") + result.failed,
                chunks_done=F("chunks_done") + 1,
                heartbeat=timezone.now(),
            )
            close_if_done(job_id)
        return "done"
    except OperationalError:
        if raise_operational:
            raise
        chunk_failed(job_id, chunk_id, "database error", exc_info=True)
        return "failed"
    except Exception:  # noqa: BLE001 - any failure marks the chunk failed (logged there); the job stays resumable
        chunk_failed(job_id, chunk_id, "error", exc_info=True)
        return "failed"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """
    Python's cyclic garbage collector off for one chunk, as it was after (``CERT_MANAGER_PAUSE_GC``).

    A chunk allocates some hundred thousand short-lived objects, which set off full collections that walk every
    object of the worker's heap: 15 % of a 30,000-learner generate-all's CPU on MariaDB (a whole LMS worker's heap
    is larger). What a chunk leaves in cycles is collected at the first collection after it. A collector that was
    off (an operator's choice) stays off.
    """
    was = gc.isenabled()
    if was and cm_settings.PAUSE_GC:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _reconcile_chunk(job: dict, user_ids: list[int]) -> engine.BatchResult:
    """The chunk's learners through the engine (which retries a batch that lost a race)."""
    return engine.run(job["course_key"], user_ids, engine.Intent.job(_source(job), actor_id=job["requested_by_id"]))


def _source(job: dict) -> str:
    """Why a job's chunk changes certificates: a course policy change (its params name policies), else its kind's."""
    if (job.get("params") or {}).get("policies"):
        return Source.SETTINGS
    return job_kinds.spec_for(job["kind"]).source


def _lock_chunk(chunk_id: int) -> GenerationJobChunk | None:
    """The chunk row, locked for this transaction where the database can (SQLite serializes writers)."""
    qs = GenerationJobChunk.objects.filter(pk=chunk_id)
    if transaction.get_connection().features.has_select_for_update:
        qs = qs.select_for_update()
    return qs.first()


def chunk_failed(job_id: int, chunk_id: int, what: str, *, exc_info: bool = False, error: str = "") -> None:
    """
    Mark a pending chunk failed and let the job close if it was the last.

    Its learners count as processed and failed, so that the job's ``processed == changed + skipped + failed``.
    """
    if exc_info:
        etype, value, _ = sys.exc_info()
        error = error or "".join(traceback.format_exception_only(etype, value)).strip()
        log.exception("cert_manager: chunk %s of job %s failed (%s)", chunk_id, job_id, what)
    with transaction.atomic():
        chunk = _lock_chunk(chunk_id)
        if chunk is None or chunk.state != ChunkState.PENDING:
            return
        n = len(chunk.user_ids)
        GenerationJobChunk.objects.filter(pk=chunk_id).update(
            state=ChunkState.FAILED,
            attempts=F("attempts") + 1,
            processed=n,
            changed=0,
            skipped=0,
            failed=n,
            error=error[:4000],
            finished=timezone.now(),
        )
        GenerationJob.objects.filter(pk=job_id).update(
            processed=F("processed") + n,
            failed=F("failed") + n,
            chunks_done=F("chunks_done") + 1,
            heartbeat=timezone.now(),
            error=f"chunk {chunk.number}: {error}"[:4000],
        )
        close_if_done(job_id)


def close_if_done(job_id: int) -> bool:
    """The last chunk closes the job: succeeded, or failed when a chunk failed; store the transitions."""
    failed_ids = GenerationJobChunk.objects.filter(job_id=job_id, state=ChunkState.FAILED).values("job_id")
    closed = GenerationJob.objects.filter(pk=job_id, state=JobState.RUNNING, chunks_done__gte=F("chunks_total")).update(
        state=Case(When(pk__in=failed_ids, then=Value(JobState.FAILED)), default=Value(JobState.SUCCEEDED)),
        finished=timezone.now(),
        active_course_key=None,
    )
    if not closed:
        return False
    transitions: Counter = Counter()
    for row in GenerationJobChunk.objects.filter(job_id=job_id, state=ChunkState.DONE).values_list(
        "transitions", flat=True
    ):
        transitions.update(row or {})
    job = GenerationJob.objects.filter(pk=job_id).values("result").first() or {}
    result = {**(job.get("result") or {}), "transitions": dict(sorted(transitions.items()))}
    GenerationJob.objects.filter(pk=job_id).update(result=result)
    return True
