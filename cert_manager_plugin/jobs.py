"""
Job lifecycle: submit (one active job per course), split into chunks, run, count, close, cancel, resume.

A job is a coordinator step and chunk steps. The coordinator picks the candidates with one set query,
stores them as ``GenerationJobChunk`` rows of ``CERT_MANAGER_BATCH_SIZE`` learners and enqueues one
chunk task per pending chunk. A chunk reconciles its learners with ``engine.reconcile_batch`` and marks
itself done in the same transaction, so a chunk that is delivered twice (a worker died, the broker
redelivered) does nothing the second time. Counters move with ``F()`` expressions; the chunk that
brings ``chunks_done`` up to ``chunks_total`` closes the job (no chords).

Tasks are enqueued by name through the host's Celery app (``dispatch.send_task``), so this module never imports
``tasks``: an eager app (``CELERY_TASK_ALWAYS_EAGER`` / the LMS's ``CELERY_ALWAYS_EAGER``) runs them in-process
after the commit, any other app sends them to its broker. A job whose message cannot be sent fails at once
with the reason; it never sits ``queued``. The flow diagram: ``docs/architecture.rst``.
"""

from __future__ import annotations

import logging
import sys
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext
from opaque_keys.edx.keys import CourseKey

from . import dispatch, engine, errors, labels, lms
from .conf import batch_size  # learners per chunk (CERT_MANAGER_BATCH_SIZE); services reads it here too
from .courses import canonical_course_key, parse_course_key
from .data import (
    GROUP_STATUS,
    CertificateStatus,
    ChunkState,
    ExceptionScope,
    IssuePolicy,
    JobKind,
    JobState,
    ListSource,
    Source,
)
from .models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CourseCertificateSettings,
    GenerationJob,
    GenerationJobChunk,
    LearnerRecord,
)
from .rendering import export  # ReportLab itself loads only when an export runs (rendering.export)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)

TASK_RUN_JOB = dispatch.TASK_RUN_JOB
TASK_RUN_CHUNK = dispatch.TASK_RUN_CHUNK

REGENERATE_STATUSES: tuple[str, ...] = tuple(s.value for s in GROUP_STATUS.values())
#: Open edX's passing statuses (``CertificateStatuses.PASSED_STATUSES``): a learner holding one has a certificate.
PASSING_STATUSES = (CertificateStatus.DOWNLOADABLE.value, CertificateStatus.GENERATING.value)
EXPORT_FORMATS = ("pdf", "zip")


# --- settings ----------------------------------------------------------------------------------------


def stale_seconds() -> int:
    """Seconds without a heartbeat after which an active job counts as dead."""
    return int(getattr(settings, "CERT_MANAGER_JOB_STALE_SECONDS", 300) or 300)


# --- input ---------------------------------------------------------------------------------------------


def _statuses(statuses: object) -> list[str]:
    """Status or group names → the certificate statuses a regenerate job selects (order kept, no repeats)."""
    if statuses is None or isinstance(statuses, str) or not isinstance(statuses, list | tuple) or not statuses:
        raise errors.InvalidInput(
            "statuses must be a non-empty list of statuses or groups for a regenerate job.", field="statuses"
        )
    groups = {g.value: s.value for g, s in GROUP_STATUS.items()}
    out: list[str] = []
    for name in statuses:
        status = name if name in REGENERATE_STATUSES else groups.get(name)
        if status is None:
            raise errors.InvalidInput(
                f"statuses: '{name}' is not one of {', '.join(sorted(set(REGENERATE_STATUSES) | set(groups)))}.",
                field="statuses",
            )
        if status not in out:
            out.append(status)
    return out


def validate(
    kind: str,
    statuses: object = None,
    scope: str | None = None,
    dry_run: bool = False,
    options: object = None,
) -> dict:
    """Check a job request; return the ``params`` stored on the job. Bad input raises ``InvalidInput``."""
    kinds = [k.value for k in JobKind if k != JobKind.DELETE]  # deletions have their own endpoints
    if kind not in kinds:
        raise errors.InvalidInput(f"kind must be one of {', '.join(kinds)}.", field="kind")
    if options is not None and not isinstance(options, dict):
        raise errors.InvalidInput("options must be an object.", field="options")
    if kind != JobKind.REGENERATE and statuses:
        raise errors.InvalidInput("statuses only applies to regenerate jobs.", field="statuses")
    if kind != JobKind.GENERATE_EXCEPTIONS and scope:
        raise errors.InvalidInput("scope only applies to generate_exceptions jobs.", field="scope")
    params: dict = {}
    if kind == JobKind.REGENERATE:
        params["statuses"] = _statuses(statuses)
    if kind == JobKind.GENERATE_EXCEPTIONS:
        scopes = [s.value for s in ExceptionScope]
        scope = scope or ExceptionScope.NEW.value
        if scope not in scopes:
            raise errors.InvalidInput(f"scope must be one of {', '.join(scopes)}.", field="scope")
        params["scope"] = scope
    if kind == JobKind.EXPORT:
        if dry_run:
            raise errors.InvalidInput("export jobs have no dry run.", field="dry_run")
        fmt = (options or {}).get("format", "pdf")
        if fmt not in EXPORT_FORMATS:
            raise errors.InvalidInput(f"format must be one of {', '.join(EXPORT_FORMATS)}.", field="format")
        params["options"] = {**(options or {}), "format": fmt}
    elif options:
        params["options"] = dict(options)
    return params


# --- candidates ------------------------------------------------------------------------------------------


def candidate_ids(course_key: CourseKey, kind: str, params: dict) -> list[int]:
    """The user ids a job covers, from one set query, in id order."""
    if kind == JobKind.GENERATE_ALL:
        records = LearnerRecord.objects.filter(course_key=course_key).values_list("user_id")
        holders = Certificate.objects.filter(course_key=course_key).values_list("user_id")
        return sorted(uid for (uid,) in records.union(holders))
    if kind == JobKind.REGENERATE:
        qs = Certificate.objects.filter(course_key=course_key, status__in=params["statuses"])
        return list(qs.order_by("user_id").values_list("user_id", flat=True))
    if kind == JobKind.GENERATE_EXCEPTIONS:
        qs = CertificateException.objects.filter(course_key=course_key)
        if params.get("scope", ExceptionScope.NEW) == ExceptionScope.NEW:
            # Open edX's "new": not yet generated, i.e. no certificate in a passing status (a notpassing row
            # from an earlier "generate all" does not count)
            passing = Certificate.objects.filter(course_key=course_key, status__in=PASSING_STATUSES).values("user_id")
            qs = qs.exclude(user_id__in=passing)
        return list(qs.order_by("user_id").values_list("user_id", flat=True))
    raise errors.InvalidInput(f"{kind} jobs have no learner candidates.", field="kind")


def _slices(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


# --- submit ----------------------------------------------------------------------------------------------


def dry_run_job(course_key: CourseKey, kind: str, params: dict, *, policy: engine.CoursePolicy | None = None) -> dict:
    """
    What a job would change, per status transition, without writing anything.

    ``policy``: decide under these policies instead of the course's saved ones (a preview of proposed policies);
    the answer then also has ``by_mode``: the changes by transition and the mode each certificate holds afterwards.
    """
    ids = candidate_ids(course_key, kind, params)
    proposed, policy = policy, policy or engine.course_policy(course_key)
    total = engine.BatchResult()
    for batch in _slices(ids, batch_size()):
        total.add(
            engine.reconcile_batch(
                course_key, batch, source=Source.JOB, policy=policy, create_missing=True, dry_run=True
            )
        )
    out = {
        "kind": kind,
        "total": len(ids),
        "would_change": total.changed,
        "transitions": total.transitions_dict(),
        "not_issued": _not_issued(total.not_issued),
        "learners": _would_change_learners(total.would_change),
    }
    if proposed is not None:
        out["by_mode"] = [
            {"before": before or "new", "after": after, "mode": mode, "count": n}
            for (before, after, mode), n in sorted(total.transition_modes.items(), key=str)
        ]
    return out


#: How many learners a dry run names per reason (the count is always complete).
DRY_RUN_NAMES = 50


def _not_issued(by_reason: dict[str, list[int]]) -> dict[str, dict]:
    """``{reason: {"count": n, "learners": [usernames…]}}``: who would hold no certificate, and why."""
    named = [uid for ids in by_reason.values() for uid in ids[:DRY_RUN_NAMES]]
    usernames = dict(get_user_model().objects.filter(pk__in=named).values_list("pk", "username")) if named else {}
    return {
        reason: {"count": len(ids), "learners": [usernames.get(uid, str(uid)) for uid in ids[:DRY_RUN_NAMES]]}
        for reason, ids in sorted(by_reason.items())
    }


def _would_change_learners(changes: Sequence[engine.WouldChange]) -> dict[str, dict]:
    """
    ``{"notpassing->downloadable": {"count": n, "learners": [{"username", "name"}…]}}``: who would change.

    The first ``DRY_RUN_NAMES`` of each transition are named with the name the certificate would print (the
    engine read it) and their username (one query for them all, none when nothing changes); read for the
    answer only, never stored in a job.
    """
    by_key: dict[str, list[engine.WouldChange]] = {}
    for change in changes:
        by_key.setdefault(f"{change.before or 'new'}->{change.after}", []).append(change)
    named = [c.user_id for items in by_key.values() for c in items[:DRY_RUN_NAMES]]
    usernames = dict(get_user_model().objects.filter(pk__in=named).values_list("pk", "username")) if named else {}

    def learner(change: engine.WouldChange) -> dict[str, str]:
        username = usernames.get(change.user_id, str(change.user_id))
        return {"username": username, "name": change.name or username}

    return {
        key: {"count": len(items), "learners": [learner(c) for c in items[:DRY_RUN_NAMES]]}
        for key, items in sorted(by_key.items())
    }


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
    if kind == JobKind.EXPORT:
        _check_export(course_key, params["options"])
    try:
        with transaction.atomic():
            job = GenerationJob.objects.create(
                course_key=course_key,
                kind=kind,
                state=JobState.QUEUED,
                active_course_key=str(course_key),
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                params=params,
            )
    except IntegrityError as exc:
        raise already_running(course_key) from exc
    _enqueue_job(job.pk)
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
    try:
        with transaction.atomic():
            job = GenerationJob.objects.create(
                course_key=course_key,
                kind=kind,
                state=JobState.QUEUED,
                active_course_key=str(course_key),
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                params=params,
            )
    except IntegrityError as exc:
        raise already_running(course_key) from exc
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
    try:
        with transaction.atomic():
            return GenerationJob.objects.create(
                course_key=course_key,
                kind=kind,
                state=JobState.RUNNING,
                active_course_key=str(course_key),
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                params=params,
                started=now,
                heartbeat=now,
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
    """
    job = GenerationJob.objects.filter(pk=job_id).first()
    if job is None or job.state not in (JobState.QUEUED, JobState.RUNNING):
        return
    if job.cancel_requested:
        _finish(job_id, JobState.CANCELLED)
        return
    if job.kind == JobKind.EXPORT:
        _run_export(job)
        return
    try:
        with transaction.atomic():
            job = GenerationJob.objects.select_for_update().get(pk=job_id)
            if job.state not in (JobState.QUEUED, JobState.RUNNING):
                return
            now = timezone.now()
            if not job.chunks.exists():
                ids = candidate_ids(job.course_key, job.kind, job.params)
                chunks = [
                    GenerationJobChunk(job_id=job_id, number=n, user_ids=batch)
                    for n, batch in enumerate(_slices(ids, batch_size()), start=1)
                ]
                GenerationJobChunk.objects.bulk_create(chunks, batch_size=100)
                job.total = len(ids)
                job.chunks_total = len(chunks)
            job.state = JobState.RUNNING
            job.started = job.started or now
            job.heartbeat = now
            job.save(update_fields=["total", "chunks_total", "state", "started", "heartbeat"])
            if job.chunks_done >= job.chunks_total:
                _close_if_done(job_id)
                return
            pending = list(job.chunks.filter(state=ChunkState.PENDING).order_by("number").values_list("pk", flat=True))
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


def _check_export(course_key: CourseKey, options: dict) -> None:
    """A clear answer now rather than a job that fails: nothing to print, no absolute base URL (rendering's rule)."""
    export.check_export(course_key, options)


def _run_export(job: GenerationJob) -> None:
    """An export job: one step that hands the job to the rendering module's ``run_export_job``."""
    now = timezone.now()
    if not GenerationJob.objects.filter(pk=job.pk, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.RUNNING, started=now, heartbeat=now
    ):
        return
    job.refresh_from_db()

    def progress(processed: int, total: int) -> None:
        GenerationJob.objects.filter(pk=job.pk).update(processed=processed, total=total, heartbeat=timezone.now())

    try:
        result = export.run_export_job(job, progress)
    except errors.CertManagerError as exc:  # refused with a reason (e.g. the certificates were deleted since)
        _finish(job.pk, JobState.FAILED, error=exc.message)
        return
    except Exception as exc:
        log.exception("cert_manager: export job %s failed", job.pk)
        _finish(job.pk, JobState.FAILED, error=f"export failed: {exc}")
        return
    _finish(job.pk, JobState.SUCCEEDED, result=result if isinstance(result, dict) else {"result": result})


# --- chunks --------------------------------------------------------------------------------------------


def run_chunk(job_id: int, chunk_id: int, *, raise_operational: bool = False) -> str:
    """
    Reconcile one chunk and mark it done in one transaction; returns what happened.

    A chunk that is not pending (done before, or its job closed or cancelled) does nothing. Any error
    marks the chunk failed (the job then ends failed and can be resumed), except database operational
    errors when ``raise_operational`` (the Celery task retries those with backoff).
    """
    try:
        with transaction.atomic():
            chunk = _lock_chunk(chunk_id)
            if chunk is None or chunk.state != ChunkState.PENDING:
                return "skipped"
            job = (
                GenerationJob.objects.filter(pk=job_id)
                .values("state", "course_key", "requested_by_id", "params")
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
            _close_if_done(job_id)
        return "done"
    except OperationalError:
        if raise_operational:
            raise
        chunk_failed(job_id, chunk_id, "database error", exc_info=True)
        return "failed"
    except Exception:  # noqa: BLE001 - any failure marks the chunk failed (logged there); the job stays resumable
        chunk_failed(job_id, chunk_id, "error", exc_info=True)
        return "failed"


def _reconcile_chunk(job: dict, user_ids: list[int]) -> engine.BatchResult:
    """The chunk's batch; retried once when a concurrent writer created one of its certificates meanwhile."""
    for attempt in (1, 2):
        try:  # the engine's own savepoint rolls the failed attempt back
            return engine.reconcile_batch(
                job["course_key"], user_ids, source=_source(job), actor_id=job["requested_by_id"], create_missing=True
            )
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("cert_manager: a certificate of job chunk was created concurrently; retrying the batch")
    raise AssertionError("unreachable")


def _source(job: dict) -> str:
    """Why a job's chunk changes certificates: a course policy change (its params name policies), else a job."""
    return Source.SETTINGS if (job.get("params") or {}).get("policies") else Source.JOB


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
        _close_if_done(job_id)


def _close_if_done(job_id: int) -> bool:
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
                state=JobState.QUEUED if job.kind == JobKind.EXPORT or not job.chunks_total else JobState.RUNNING,
                active_course_key=str(job.course_key),
                cancel_requested=False,
                finished=None,
                error="",
                heartbeat=timezone.now(),
                processed=sums["p"] or 0,
                changed=sums["c"] or 0,
                skipped=sums["s"] or 0,
                failed=sums["f"] or 0,
                chunks_done=done.count(),
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


# --- hold until course end -------------------------------------------------------------------------------


def issue_held_certificates(now: datetime | None = None, course_key: CourseKey | str | None = None) -> dict[str, int]:
    """
    Issue the certificates held by "hold until course end" in courses whose end has passed.

    Candidates per course (one query): active learners in an eligible mode, passing or allowlisted,
    without a downloadable certificate; each batch goes through the engine. Returns changed counts per course.
    """
    now = now or timezone.now()
    rows = CourseCertificateSettings.objects.filter(issue_policy=IssuePolicy.AFTER_COURSE_END)
    if course_key is not None:
        rows = rows.filter(course_key=parse_course_key(course_key))
    out: dict[str, int] = {}
    for row in rows:
        overview = lms.backend().course_overview(row.course_key)
        if overview is None or overview.end is None or overview.end > now:
            continue
        downloadable = Certificate.objects.filter(
            course_key=row.course_key, status=CertificateStatus.DOWNLOADABLE
        ).values("user_id")
        allowlisted = CertificateException.objects.filter(course_key=row.course_key).values("user_id")
        ids = list(
            LearnerRecord.objects.filter(
                course_key=row.course_key, is_active=True, mode__in=list(row.eligible_modes or [])
            )
            .filter(Q(passed=True) | Q(user_id__in=allowlisted))
            .exclude(user_id__in=downloadable)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        policy = engine.course_policy(row.course_key)
        changed = 0
        for batch in _slices(ids, batch_size()):
            changed += engine.reconcile_batch(
                row.course_key, batch, source=Source.COURSE_END, policy=policy, create_missing=True, now=now
            ).changed
        out[str(row.course_key)] = changed
    return out


# --- backfill ------------------------------------------------------------------------------------------


def backfill_learner_records(
    course_key: CourseKey | str,
    *,
    rows: Iterable[lms.BackfillRow] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """
    Create or refresh LearnerRecords from the LMS, then seed certificates and lists from the LMS's own.

    The records come from ``lms.backend().backfill_rows``, in batches; then the plugin's certificates,
    exceptions and invalidations are seeded from the LMS's (``seed_from_lms``).

    Existing records keep newer event data: only records without an enrollment event time are filled.
    Returns ``{"created": n, "updated": n, "certificates": n, "exceptions": n, "invalidations": n,
    "skipped_statuses": {...}}``.
    """
    course_key = parse_course_key(course_key)
    source = rows if rows is not None else lms.backend().backfill_rows(course_key)
    created = updated = 0
    batch: list = []

    def flush() -> None:
        nonlocal created, updated
        ids = [r.user_id for r in batch]
        existing = set(
            LearnerRecord.objects.filter(course_key=course_key, user_id__in=ids).values_list("user_id", flat=True)
        )
        new = [
            LearnerRecord(
                user_id=r.user_id,
                course_key=course_key,
                mode=r.mode,
                is_active=r.is_active,
                percent_grade=r.percent_grade,
                passed=r.passed,
                passed_timestamp=r.passed_timestamp,
            )
            for r in batch
            if r.user_id not in existing
        ]
        LearnerRecord.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
        for r in batch:
            if r.user_id in existing:
                updated += LearnerRecord.objects.filter(
                    course_key=course_key, user_id=r.user_id, enrollment_at__isnull=True, grade_at__isnull=True
                ).update(
                    mode=r.mode,
                    is_active=r.is_active,
                    percent_grade=r.percent_grade,
                    passed=r.passed,
                    passed_timestamp=r.passed_timestamp,
                    modified=timezone.now(),
                )
        if progress:
            progress(created + updated)
        batch.clear()

    for row in source:
        batch.append(row)
        if len(batch) >= batch_size():
            flush()
    if batch:
        flush()
    return {"created": created, "updated": updated, **(seed_from_lms(course_key) if rows is None else {})}


#: LMS statuses the plugin has too (others — unverified, restricted, deleted… — are counted, not copied).
SEEDED_STATUSES = frozenset(s.value for s in CertificateStatus)


def seed_from_lms(
    course_key: CourseKey,
    *,
    certificates: Iterable[lms.LmsCertificateRow] | None = None,
    allowlist: Iterable[lms.LmsAllowlistRow] | None = None,
) -> dict:
    """
    Keep every certificate learners hold when the plugin is installed into a running LMS.

    Each ``GeneratedCertificate`` without a certificate of ours becomes one with the same verify id (shared
    links keep working), the same status, mode, grade and name; the LMS's allowlist and active invalidations
    become ours, so no job re-issues an invalidated certificate. Learners who already have ours are left
    alone. Batches of ``CERT_MANAGER_BATCH_SIZE``; idempotent.
    """
    backend = lms.backend()
    certificates = backend.lms_certificates(course_key) if certificates is None else certificates
    allowlist = backend.lms_allowlist(course_key) if allowlist is None else allowlist
    counts: dict = {"certificates": 0, "exceptions": 0, "invalidations": 0, "skipped_statuses": Counter()}
    now = timezone.now()
    for rows in _batches(certificates, batch_size()):
        created, invalidations = _seed_certificates(course_key, rows, now, counts["skipped_statuses"])
        counts["certificates"] += created
        counts["invalidations"] += invalidations
    for rows in _batches(allowlist, batch_size()):
        have = set(
            CertificateException.objects.filter(
                course_key=course_key, user_id__in=[r.user_id for r in rows]
            ).values_list("user_id", flat=True)
        )
        new = [
            CertificateException(user_id=r.user_id, course_key=course_key, notes=r.notes, source=ListSource.LMS_LIST)
            for r in rows
            if r.user_id not in have
        ]
        CertificateException.objects.bulk_create(new, ignore_conflicts=True)
        counts["exceptions"] += len(new)
    counts["skipped_statuses"] = dict(counts["skipped_statuses"])
    return counts


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _seed_certificates(course_key: CourseKey, rows: list, now: datetime, skipped: Counter) -> tuple[int, int]:
    """One batch of LMS certificates → ours and their active invalidations; returns how many of each."""
    have = set(
        Certificate.objects.filter(course_key=course_key, user_id__in=[r.user_id for r in rows]).values_list(
            "user_id", flat=True
        )
    )
    new = []
    for r in rows:
        if r.user_id in have:
            continue
        if r.status not in SEEDED_STATUSES:
            skipped[r.status] += 1
            continue
        try:
            verify = uuid.UUID(hex=r.verify_uuid)
        except ValueError:
            verify = uuid.uuid4()  # the LMS row had none (never passing): ours gets one, written back on sync
        new.append(
            Certificate(
                user_id=r.user_id,
                course_key=course_key,
                status=r.status,
                mode=r.mode,
                grade=r.grade,
                name=r.name,
                verify_uuid=verify,
                issued_date=(r.created or now) if r.status == CertificateStatus.DOWNLOADABLE else None,
                source=Source.BACKFILL,
                created=r.created or now,
                modified=now,
            )
        )
    Certificate.objects.bulk_create(new, ignore_conflicts=True)
    invalidated = {r.user_id: r.invalidation_notes for r in rows if r.invalidated and r.user_id not in have}
    if not invalidated:
        return len(new), 0
    certs = Certificate.objects.filter(course_key=course_key, user_id__in=list(invalidated)).values_list(
        "pk", "user_id"
    )
    made = CertificateInvalidation.objects.bulk_create(
        [
            CertificateInvalidation(certificate_id=pk, notes=invalidated[uid], source=ListSource.LMS_LIST)
            for pk, uid in certs
        ]
    )
    return len(new), len(made)
