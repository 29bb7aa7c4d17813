"""
Job lifecycle: submit (one active job per course), split into chunks, close, cancel, resume.

A job is a coordinator step and chunk steps. What a kind takes, which learners it covers and how it runs come from
its ``job_kinds.JobKindSpec``: this module knows no kind by name. The coordinator picks a batch kind's candidates
with one set query, stores them as ``GenerationJobChunk`` rows of ``CERT_MANAGER_BATCH_SIZE`` learners and enqueues
one chunk task per pending chunk (``job_chunks``: each reconciled and marked done in one transaction; the last
closes the job); a whole-job kind (an export) runs in the coordinator's step. Dry runs: ``dry_runs``; course-end
issuance: ``course_end``; the backfill from the LMS: ``backfill``.

Tasks are enqueued by name through the host's Celery app (``dispatch.send_task``), so this module never imports
``tasks``: an eager app (``CELERY_TASK_ALWAYS_EAGER`` / the LMS's ``CELERY_ALWAYS_EAGER``) runs them in-process
after the commit, any other app sends them to its broker. A job whose message cannot be sent fails at once
with the reason; it never sits ``queued``. The flow diagram: ``docs/architecture.rst``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext
from opaque_keys.edx.keys import CourseKey

from . import dispatch, engine, errors, job_kinds, labels
from .conf import batch_size, cm_settings  # batch_size: learners per chunk; services reads it here too
from .courses import canonical_course_key, parse_course_key
from .data import ChunkState, JobState
from .dry_runs import dry_run_job
from .job_chunks import chunk_failed, close_if_done
from .job_kinds import job_candidates  # the coordinator's set query (tests replace it here)
from .models import GenerationJob, GenerationJobChunk

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)

TASK_RUN_JOB = dispatch.TASK_RUN_JOB
TASK_RUN_CHUNK = dispatch.TASK_RUN_CHUNK


# --- settings ----------------------------------------------------------------------------------------


def stale_seconds() -> int:
    """Seconds without a heartbeat after which an active job counts as dead."""
    return cm_settings.JOB_STALE_SECONDS


# --- input: per kind (job_kinds) --------------------------------------------------------------------------

#: The request fields a kind takes when it declares them (``JobKindSpec.fields``); ``options`` any kind takes.
KIND_FIELDS = ("statuses", "scope")


def validate(
    kind: str,
    statuses: object = None,
    scope: str | None = None,
    dry_run: bool = False,
    options: object = None,
) -> dict:
    """Check a job request against its kind's spec; return the ``params`` stored on the job (``InvalidInput``)."""
    submittable = [s.kind for s in job_kinds.specs() if s.submittable]  # deletions have their own endpoints
    if kind not in submittable:
        raise errors.InvalidInput(f"kind must be one of {', '.join(submittable)}.", field="kind")
    spec = job_kinds.spec_for(kind)
    if options is not None and not isinstance(options, dict):
        raise errors.InvalidInput("options must be an object.", field="options")
    request = {"statuses": statuses, "scope": scope, "options": options}
    for name in KIND_FIELDS:
        if request[name] and name not in spec.fields:
            takers = " or ".join(s.kind for s in job_kinds.specs() if name in s.fields)
            raise errors.InvalidInput(f"{name} only applies to {takers} jobs.", field=name)
    if dry_run and not spec.batch:
        raise errors.InvalidInput(f"{kind} jobs have no dry run.", field="dry_run")
    params = spec.validate({name: request[name] for name in (*spec.fields, "options")})
    if options and "options" not in params:
        params["options"] = dict(options)
    return params


def _slices(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


# --- submit ----------------------------------------------------------------------------------------------


def submit_job(
    course_key: CourseKey | str,
    kind: str,
    *,
    requested_by: AbstractBaseUser | None = None,
    statuses: list[str] | None = None,
    scope: str | None = None,
    dry_run: bool = False,
    options: dict | None = None,
) -> GenerationJob | dict:
    """
    Start a bulk job, or with ``dry_run`` return ``{"kind", "total", "would_change", "transitions"}``.

    The job row is inserted with ``active_course_key`` set inside a savepoint: the unique index refuses a
    second active job of the course (``JobAlreadyRunning``) whatever the timing. The job is enqueued
    after the surrounding transaction commits (inline mode: run then, in-process).
    """
    course_key = canonical_course_key(course_key)  # every spelling of the course shares its one active job
    params = validate(kind, statuses, scope, dry_run, options)
    if dry_run:
        return dry_run_job(course_key, kind, params)
    check = job_kinds.spec_for(kind).check
    if check is not None:
        check(course_key, params)
    job = start_job(course_key, kind, params=params, requested_by=requested_by)
    if not transaction.get_connection().in_atomic_block:
        job.refresh_from_db()
    return job


def start_job(
    course_key: CourseKey, kind: str, *, params: dict, requested_by: AbstractBaseUser | None = None
) -> GenerationJob:
    """
    Queue a job whose ``params`` the caller built (a policy change), in the caller's transaction.

    The course's one active job as ``submit_job`` (``JobAlreadyRunning``); enqueued after the commit.
    """
    job = _create(course_key, kind, params, requested_by, state=JobState.QUEUED)
    _enqueue_job(job.pk)
    return job


def start_inline_job(
    course_key: CourseKey, kind: str, *, requested_by: AbstractBaseUser | None = None, params: dict
) -> GenerationJob:
    """
    Start a job the caller runs itself, now (a deletion).

    The job is running at once and holds the course's one active job (``JobAlreadyRunning`` while another
    runs), so it shows in the generation history with who and how many.
    """
    now = timezone.now()
    return _create(course_key, kind, params, requested_by, state=JobState.RUNNING, started=now, heartbeat=now)


def _create(
    course_key: CourseKey, kind: str, params: dict, requested_by: AbstractBaseUser | None, **values: object
) -> GenerationJob:
    """
    Insert the job row, holding the course's one active job slot.

    ``active_course_key`` is set inside a savepoint: the unique index refuses a second active job of the course
    (``JobAlreadyRunning``) whatever the timing.
    """
    try:
        with transaction.atomic():
            return GenerationJob.objects.create(
                course_key=course_key,
                kind=kind,
                active_course_key=str(course_key),
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                params=params,
                **values,
            )
    except IntegrityError as exc:
        raise already_running(course_key) from exc


def already_running(course_key: CourseKey) -> errors.JobAlreadyRunning:
    """
    The 409 for a course whose one active job slot is taken, naming that job in words (never its codes).

    "Generate all certificates, started by instructor at 10:02 AM, is already running (40% done)." The job's id
    stays in the details (``job_id``) for scripts.
    """
    active = GenerationJob.objects.filter(active_course_key=str(course_key)).select_related("requested_by").first()
    if active is None:  # it finished between the refusal and this read
        return errors.JobAlreadyRunning(gettext("Another job is running for this course. Try again in a moment."))
    return errors.JobAlreadyRunning(running_job_message(active), job_id=active.pk)


def running_job_message(job: GenerationJob) -> str:
    """What a job holding the course's slot is, who started it when, and how far it is, in the active language."""
    values = {
        "job": labels.job_title(job.kind, job.params),
        "user": job.requested_by.username if job.requested_by else gettext("the system"),
        "time": formats.time_format(timezone.localtime(job.started or job.created)),
        "percent": formats.number_format(int(100 * job.processed / job.total) if job.total else 0),
    }
    if job.state == JobState.QUEUED:
        return gettext("%(job)s, asked for by %(user)s at %(time)s, is already waiting to start.") % values
    return gettext("%(job)s, started by %(user)s at %(time)s, is already running (%(percent)s%% done).") % values


def finish_inline_job(job: GenerationJob, result: engine.BatchResult, *, error: str = "") -> None:
    """Close a job started with ``start_inline_job`` with its counts (failed when ``error``)."""
    _finish(
        job.pk,
        JobState.FAILED if error else JobState.SUCCEEDED,
        error=error,
        total=result.processed,
        processed=result.processed,
        changed=result.changed,
        skipped=result.skipped,
        result={"transitions": result.transitions_dict()},
    )


def _enqueue_job(job_id: int) -> None:
    """After commit, hand the coordinator to Celery; a job that cannot be handed over fails with the reason."""
    transaction.on_commit(lambda: _send_coordinator(job_id))


def _send_coordinator(job_id: int) -> None:
    try:
        dispatch.send_task(TASK_RUN_JOB, [job_id])
    except Exception as exc:  # broker down, or an eager coordinator that raised: the job must not stay queued
        log.exception("cert_manager: job %s could not be queued", job_id)
        _finish(job_id, JobState.FAILED, error=f"could not be queued: {exc}")


# --- queries for callers -----------------------------------------------------------------------------


def get_job(course_key: CourseKey | str, job_id: int | str) -> GenerationJob:
    """One job of the course, or ``NotFound``."""
    course_key = parse_course_key(course_key)
    try:
        job_id = int(job_id)
    except (TypeError, ValueError):
        raise errors.NotFound(f"No job {job_id!r} in {course_key}.", job_id=job_id) from None
    job = GenerationJob.objects.filter(course_key=course_key, pk=job_id).select_related("requested_by").first()
    if job is None:
        raise errors.NotFound(f"No job {job_id} in {course_key}.", job_id=job_id)
    return job


# --- coordinator ---------------------------------------------------------------------------------------


def _finish(job_id: int, state: str, *, error: str = "", only_active: bool = True, **extra: object) -> int:
    """Close a job: final state, finish time, and the course is free for the next job."""
    qs = GenerationJob.objects.filter(pk=job_id)
    if only_active:
        qs = qs.filter(state__in=[JobState.QUEUED, JobState.RUNNING])
    values = {"state": state, "finished": timezone.now(), "active_course_key": None, **extra}
    if error:
        values["error"] = error[:4000]
    return qs.update(**values)


def run_job(job_id: int, *, raise_operational: bool = False) -> None:
    """
    The coordinator: pick candidates, write the chunk rows, enqueue the pending chunks.

    Idempotent: a redelivered coordinator finds the chunks written and only re-enqueues pending ones.
    Errors fail the job, except database operational errors when ``raise_operational`` (Celery retries).
    A whole-job kind (an export) runs here instead, in one step (``_run_whole``).
    """
    job = GenerationJob.objects.filter(pk=job_id).first()
    if job is None or job.state not in (JobState.QUEUED, JobState.RUNNING):
        return
    if job.cancel_requested:
        _finish(job_id, JobState.CANCELLED)
        return
    try:
        spec = job_kinds.spec_for(job.kind)
    except errors.InvalidInput as exc:  # its kind's module is not loaded (apps.ready registers every kind)
        _finish(job_id, JobState.FAILED, error=f"could not start: {exc.message}")
        return
    if not spec.batch:
        _run_whole(job, spec.runner)
        return
    try:
        pending = _write_chunks(job_id)
    except OperationalError:
        if raise_operational:
            raise
        log.exception("cert_manager: job %s could not start", job_id)
        _finish(job_id, JobState.FAILED, error="could not start: database error")
        return
    except Exception as exc:
        log.exception("cert_manager: job %s could not start", job_id)
        _finish(job_id, JobState.FAILED, error=f"could not start: {exc}")
        return
    for chunk_id in pending:
        try:
            dispatch.send_task(TASK_RUN_CHUNK, [job_id, chunk_id])
        except Exception as exc:  # noqa: BLE001 - the chunk fails (its learners count as failed); job resumable
            chunk_failed(job_id, chunk_id, "could not be queued", error=f"could not be queued: {exc}")


def _write_chunks(job_id: int) -> list[int]:
    """Mark the job running, write its chunk rows once (one set query); return the pending chunks' ids."""
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job_id)
        if job.state not in (JobState.QUEUED, JobState.RUNNING):
            return []
        now = timezone.now()
        if not job.chunks.exists():
            _plan_chunks(job, now)
        job.state = JobState.RUNNING
        job.started = job.started or now
        job.heartbeat = now
        job.save(update_fields=["total", "processed", "skipped", "chunks_total", "state", "started", "heartbeat"])
        if job.chunks_done >= job.chunks_total:
            close_if_done(job_id)
            return []
        return list(job.chunks.filter(state=ChunkState.PENDING).order_by("number").values_list("pk", flat=True))


def _plan_chunks(job: GenerationJob, now: datetime) -> None:
    """
    Write the job's chunk rows from its candidates (``job_kinds.job_candidates``: one set query) and its totals.

    The learners nothing changed for since their certificate was written (the engine would skip each) get no
    chunk to run: chunk number 0, done at once, counts them as processed and skipped, so the job's counts, a
    resumed job's sums and the history say what a full run would have said.
    """
    found = job_candidates(job.course_key, job.kind, job.params)
    chunks = [
        GenerationJobChunk(job_id=job.pk, number=n, user_ids=batch)
        for n, batch in enumerate(_slices(found.ids, batch_size()), start=1)
    ]
    job.chunks_total = len(chunks)
    if found.fresh:
        chunks.append(
            GenerationJobChunk(
                job_id=job.pk,
                number=0,
                state=ChunkState.DONE,
                processed=found.fresh,
                skipped=found.fresh,
                finished=now,
            )
        )
    GenerationJobChunk.objects.bulk_create(chunks, batch_size=100)
    job.total = len(found.ids) + found.fresh
    job.processed = job.skipped = found.fresh


def _run_whole(job: GenerationJob, runner: job_kinds.WholeJobRunner) -> None:
    """A whole-job kind (an export): one step that hands the job to its kind's runner, with progress."""
    now = timezone.now()
    if not GenerationJob.objects.filter(pk=job.pk, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.RUNNING, started=now, heartbeat=now
    ):
        return
    job.refresh_from_db()

    def progress(processed: int, total: int) -> None:
        GenerationJob.objects.filter(pk=job.pk).update(processed=processed, total=total, heartbeat=timezone.now())

    try:
        result = runner(job, progress)
    except errors.CertManagerError as exc:  # refused with a reason (e.g. the certificates were deleted since)
        _finish(job.pk, JobState.FAILED, error=exc.message)
        return
    except Exception as exc:
        log.exception("cert_manager: %s job %s failed", job.kind, job.pk)
        _finish(job.pk, JobState.FAILED, error=f"{job.kind} failed: {exc}")
        return
    _finish(job.pk, JobState.SUCCEEDED, result=result if isinstance(result, dict) else {"result": result})


def _is_batch(kind: str) -> bool:
    """Whether jobs of ``kind`` run in chunks (an unregistered kind does not)."""
    try:
        return job_kinds.spec_for(kind).batch
    except errors.InvalidInput:
        return False


# --- cancel, stale, resume -----------------------------------------------------------------------------


def cancel_job(
    course_key: CourseKey | str, job_id: int | str, *, cancelled_by: AbstractBaseUser | None = None
) -> GenerationJob:
    """
    Cancel a queued or running job; a running chunk finishes, the next ones do nothing.

    ``JobNotActive`` when the job has already finished.
    """
    job = get_job(course_key, job_id)
    updated = GenerationJob.objects.filter(pk=job.pk, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.CANCELLED,
        cancel_requested=True,
        cancelled_by=cancelled_by if getattr(cancelled_by, "pk", None) else None,
        finished=timezone.now(),
        active_course_key=None,
    )
    job.refresh_from_db()
    if not updated:
        state = labels.label(labels.JOB_STATE_LABELS, job.state)
        words = {"job": labels.job_title(job.kind, job.params), "state": state}
        text = gettext("%(job)s has already finished (%(state)s): there is nothing to cancel.") % words
        raise errors.JobNotActive(text, job_id=job.pk, state=job.state)
    return job


def fail_stale_jobs(now: datetime | None = None) -> list[int]:
    """Mark failed every active job whose heartbeat (or, never started, creation) is older than the limit."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=stale_seconds())
    stale = Q(state=JobState.RUNNING, heartbeat__lt=limit) | Q(state=JobState.RUNNING, heartbeat__isnull=True)
    stale |= Q(state=JobState.QUEUED, created__lt=limit)
    rows = list(GenerationJob.objects.filter(stale).values_list("pk", "state"))
    failed = []
    for job_id, state in rows:
        why = "never started: no worker took it from the queue?" if state == JobState.QUEUED else "the worker died?"
        if _finish(job_id, JobState.FAILED, error=f"no heartbeat for {stale_seconds()} s: {why}"):
            failed.append(job_id)
            log.warning("cert_manager: job %s marked failed (stale heartbeat); it can be resumed", job_id)
    return failed


def resume_job(course_key: CourseKey | str, job_id: int | str) -> GenerationJob:
    """
    Re-run a failed or cancelled job: only its pending and failed chunks run again.

    The job becomes active again (``JobAlreadyRunning`` if another job of the course is active).
    """
    job = get_job(course_key, job_id)
    if job.state not in (JobState.FAILED, JobState.CANCELLED):
        raise errors.JobNotActive(
            f"Job {job.pk} is {job.state}; only failed or cancelled jobs can be resumed.",
            job_id=job.pk,
            state=job.state,
        )
    try:
        with transaction.atomic():
            GenerationJobChunk.objects.filter(job_id=job.pk, state=ChunkState.FAILED).update(
                state=ChunkState.PENDING, processed=0, failed=0, error="", finished=None
            )
            done = GenerationJobChunk.objects.filter(job_id=job.pk, state=ChunkState.DONE)
            sums = done.aggregate(p=Sum("processed"), c=Sum("changed"), s=Sum("skipped"), f=Sum("failed"))
            updated = GenerationJob.objects.filter(pk=job.pk, state__in=[JobState.FAILED, JobState.CANCELLED]).update(
                state=JobState.RUNNING if job.chunks_total and _is_batch(job.kind) else JobState.QUEUED,
                active_course_key=str(job.course_key),
                cancel_requested=False,
                finished=None,
                error="",
                heartbeat=timezone.now(),
                processed=sums["p"] or 0,
                changed=sums["c"] or 0,
                skipped=sums["s"] or 0,
                failed=sums["f"] or 0,
                chunks_done=done.filter(number__gt=0).count(),  # chunk 0 counts the unchanged learners only
            )
    except IntegrityError as exc:
        raise already_running(job.course_key) from exc
    if not updated:
        job.refresh_from_db()
        raise errors.JobNotActive(f"Job {job.pk} is {job.state}; it cannot be resumed.", job_id=job.pk)
    _enqueue_job(job.pk)
    job.refresh_from_db()
    return job


def resume_stale_jobs() -> list[int]:
    """Fail stale jobs, then resume every failed job whose failure was a stale heartbeat. Returns their ids."""
    fail_stale_jobs()
    resumed = []
    for job in GenerationJob.objects.filter(state=JobState.FAILED, error__startswith="no heartbeat"):
        try:
            resume_job(job.course_key, job.pk)
            resumed.append(job.pk)
        except errors.CertManagerError as exc:
            log.warning("cert_manager: job %s not resumed: %s", job.pk, exc.message)
    return resumed
