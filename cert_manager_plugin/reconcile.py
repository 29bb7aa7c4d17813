"""
The single-learner path: record → mark → schedule → reconcile → announce.

1. **Record.** An LMS event is stored in the learner's ``LearnerRecord`` by one parameterized UPDATE (an older event
   never overwrites newer state) that also marks the learner pending (``reconcile_pending_since``, and why:
   ``reconcile_source``).
2. **Schedule** (``schedule_sweep``). Reconciles run per course: the course's ``CourseSweep`` row is armed by one
   conditional UPDATE; only the event that arms it hands a ``sweep_course`` task to Celery, with no countdown
   (leading edge: the first change after a quiet period reconciles at once). While a sweep is armed, events cost
   these two statements and no broker publish.
3. **Reconcile** (``sweep_course``). The sweep reconciles every pending learner of the course through the
   set-based engine, in batches; each batch is unmarked before its records are read, so a change that lands later
   marks the learner again. When it is done it disarms the course and, if learners were marked meanwhile, arms
   it again with a countdown of ``CERT_MANAGER_COALESCE_SECONDS`` (trailing edge: a burst ends in one more run).
4. **Announce.** The engine announces changed certificates after commit (openedx-events, the LMS's signals, emails).

Instructor actions (exceptions, invalidations, self-requests) reconcile their learner at once, in their request,
through ``reconcile_learner``. The flow diagram: ``docs/architecture.rst``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from . import dispatch, engine, errors
from .conf import batch_size, cm_settings
from .courses import parse_course_key
from .data import Source, passing_now
from .eligibility import CoursePolicy
from .models import CourseSweep, LearnerRecord
from .sql import column, dt_adapter, ids_in, table

log = logging.getLogger(__name__)

#: Courses this process knows have a ``CourseSweep`` row (so arming is one UPDATE, not a lookup first).
_SWEEP_ROWS: set[str] = set()


def coalesce_seconds() -> float:
    """How long changes that arrive while a course's sweep is running are gathered before the next sweep."""
    return cm_settings.COALESCE_SECONDS


def stale_after() -> timedelta:
    """An armed sweep older than this is taken as lost (its task never ran) and may be armed again."""
    return timedelta(seconds=max(60.0, coalesce_seconds() * 10))


# --- 1. record ------------------------------------------------------------------------------------------


def _apply(
    user_id: int,
    course_key: CourseKey,
    *,
    guard: str,
    at: datetime,
    values: dict,
    source: str,
    passing: dict | None = None,
) -> bool:
    """
    Apply an event to the learner's record unless newer state is stored; True when the record took the event.

    The learner is marked pending, then the course's sweep is armed.

    One parameterized UPDATE (this runs for every LMS event): ``values`` are written when the ``guard``
    timestamp column is empty or not newer than ``at``; ``passing`` values (a grade event's passed fields) only
    when ``passed_at`` is not newer either. The first event for a learner INSERTs the row; an event for a user
    that does not exist raises ``UserNotFound`` and stores nothing.
    """
    now = timezone.now()
    values = {**values, "reconcile_pending_since": now, "reconcile_source": str(source)}
    dt = dt_adapter()

    def param(value: object) -> object:
        return dt(value) if isinstance(value, datetime) else value

    def col(field: str) -> str:  # the field's column, from LearnerRecord's _meta, quoted
        return column(LearnerRecord, field)

    def newer(field: str) -> str:
        return f"({col(field)} IS NULL OR {col(field)} <= %s)"

    sets, params = [], []
    for field, value in values.items():
        sets.append(f"{col(field)} = %s")
        params.append(param(value))
    for field, value in (passing or {}).items():
        sets.append(f"{col(field)} = CASE WHEN {newer('passed_at')} THEN %s ELSE {col(field)} END")
        params += [dt(at), param(value)]
    sets.append(f"{col('modified')} = %s")
    params.append(dt(now))
    sql = (
        f"UPDATE {table(LearnerRecord)} SET {', '.join(sets)} "  # noqa: S608 - identifiers from _meta, quoted
        f"WHERE {col('user')} = %s AND {col('course_key')} = %s AND {newer(guard)}"
    )
    params += [user_id, str(course_key), dt(at)]

    def update() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    applied = update()
    if not applied:
        if not get_user_model().objects.filter(pk=user_id).exists():
            raise errors.UserNotFound(f"No user with id {user_id!r}.", user_id=user_id)
        try:
            with transaction.atomic():
                LearnerRecord.objects.create(user_id=user_id, course_key=course_key, **values, **(passing or {}))
            applied = True
        except IntegrityError:  # the row exists: the event is older, or another event created it meanwhile
            applied = update()
    if applied:
        schedule_sweep(course_key)
    return applied


def record_enrollment(user_id: int, course_key: CourseKey, *, mode: str, is_active: bool, at: datetime) -> bool:
    """Store an enrollment event unless a newer one was stored already. True when it was applied."""
    values = {"mode": mode, "is_active": is_active, "enrollment_at": at}
    return _apply(user_id, course_key, guard="enrollment_at", at=at, values=values, source=Source.ENROLLMENT_EVENT)


def record_grade(
    user_id: int,
    course_key: CourseKey,
    *,
    percent_grade: float,
    passed_timestamp: datetime | None,
    at: datetime,
    letter_grade: str | None = None,
) -> bool:
    """
    Store a persistent-grade event unless a newer grade is stored. True when applied.

    edx-platform sets ``passed_timestamp`` the first time a learner passes and never clears it
    (``PersistentCourseGrade.update_or_create``), so it alone cannot say a learner who dropped below the
    cutoff is failing now; the current ``letter_grade`` can (edx-platform computes it from the same cutoffs:
    empty exactly when the percent is below the lowest, passing one). ``passed`` is therefore "has a
    passed_timestamp and, when the event carries one, a non-empty letter grade" — unless a newer
    passing-status event set it.
    """
    passed = passing_now(letter_grade, passed_timestamp)
    # passed_at last: MariaDB evaluates SET assignments left to right, so the CASEs must read the old one
    passing = {"passed": passed, "passed_timestamp": passed_timestamp, "passed_at": at}
    values = {"percent_grade": float(percent_grade), "grade_at": at}
    return _apply(
        user_id, course_key, guard="grade_at", at=at, values=values, passing=passing, source=Source.GRADE_EVENT
    )


def record_passing_status(user_id: int, course_key: CourseKey, *, is_passing: bool, at: datetime) -> bool:
    """Store a passing-status event unless a newer passing state is stored. True when applied."""
    values = {"passed": is_passing, "passed_at": at}
    return _apply(user_id, course_key, guard="passed_at", at=at, values=values, source=Source.PASSING_STATUS_EVENT)


def learner_changed(user_id: int, course_key: CourseKey, source: str) -> bool:
    """
    Mark the learner pending and arm the course's sweep: something about them changed outside the LMS events.

    The LMS rewrote its certificate row, say. True when the learner has a record (one to reconcile).
    """
    marked = LearnerRecord.objects.filter(user_id=user_id, course_key=course_key).update(
        reconcile_pending_since=timezone.now(), reconcile_source=str(source)
    )
    if marked:
        schedule_sweep(course_key)
    return bool(marked)


# --- 2. schedule --------------------------------------------------------------------------------------


def schedule_sweep(course_key: CourseKey, *, countdown: float = 0) -> bool:
    """
    Arm the course's sweep; True when this call armed it.

    When this call armed it, a ``sweep_course`` task is handed to Celery after commit (in ``countdown``
    seconds). One UPDATE (plus, once per course and process, making sure its row exists).
    """
    if not _arm(course_key, timezone.now()):
        return False
    course_id = str(course_key)
    transaction.on_commit(lambda: _send_sweep(course_id, countdown))
    return True


def _arm(course_key: CourseKey, now: datetime) -> bool:
    """``UPDATE … SET armed_at = now WHERE course AND (not armed OR armed long ago)``: True when it armed."""
    course_id = str(course_key)
    if course_id not in _SWEEP_ROWS:
        CourseSweep.objects.get_or_create(course_key=course_key)
        _SWEEP_ROWS.add(course_id)
    armed = column(CourseSweep, "armed_at")
    sql = (
        f"UPDATE {table(CourseSweep)} SET {armed} = %s "  # noqa: S608 - identifiers from _meta, quoted
        f"WHERE {column(CourseSweep, 'course_key')} = %s AND ({armed} IS NULL OR {armed} < %s)"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(now), course_id, adapt(now - stale_after())])
        return cursor.rowcount > 0


def sweep_forgotten_courses(now: datetime | None = None) -> list[str]:
    """
    Arm the sweep of every course whose learners have waited longer than ``stale_after``; returns those armed.

    A periodic safety net (for a sweep message lost with its broker, say).
    """
    now = now or timezone.now()
    waiting = (
        LearnerRecord.objects.filter(reconcile_pending_since__lt=now - stale_after())
        .values_list("course_key", flat=True)
        .distinct()
    )
    armed = []
    for course_key in waiting:
        _SWEEP_ROWS.discard(str(course_key))  # check the row again
        if schedule_sweep(course_key):
            armed.append(str(course_key))
    return armed


def _send_sweep(course_id: str, countdown: float) -> None:
    """Hand the sweep to Celery; when it cannot take it, sweep now rather than lose the changes."""
    try:
        dispatch.send_task(dispatch.TASK_SWEEP_COURSE, [course_id], countdown=countdown)
    except Exception:  # noqa: BLE001 - any failure to hand it over: never lose a change
        log.warning("cert_manager: the sweep of %s could not be queued; running it now", course_id)
        sweep_course(course_id)


# --- 3. reconcile --------------------------------------------------------------------------------------


def sweep_course(course_id: str) -> engine.BatchResult:
    """
    The ``sweep_course`` task: reconcile every learner of the course marked pending before it started.

    In set-based batches per change source; then disarm, and arm again (trailing edge) if learners were marked
    meanwhile. Safe to run twice (an unmarked learner is not reconciled again; the engine writes only changes).
    """
    course_key = parse_course_key(course_id)
    started = timezone.now()
    total = engine.BatchResult()
    policy: CoursePolicy | None = None
    for source, user_ids in _pending(course_key, started):
        policy = policy or engine.course_policy(course_key)
        _claim(course_key, user_ids, started)
        total.add(_reconcile(course_key, user_ids, source=str(source), policy=policy))
        CourseSweep.objects.filter(course_key=course_key).update(armed_at=timezone.now())  # heartbeat
    CourseSweep.objects.filter(course_key=course_key).update(armed_at=None)
    if LearnerRecord.objects.filter(course_key=course_key, reconcile_pending_since__isnull=False).exists():
        schedule_sweep(course_key, countdown=coalesce_seconds())
    return total


def _pending(course_key: CourseKey, before: datetime) -> Iterator[tuple[str, list[int]]]:
    """(source, user ids) batches of the learners marked pending up to ``before`` (one query)."""
    rows = (
        LearnerRecord.objects.filter(course_key=course_key, reconcile_pending_since__lte=before)
        .order_by("reconcile_source", "user_id")
        .values_list("reconcile_source", "user_id")
    )
    by_source: dict[str, list[int]] = {}
    for source, user_id in rows:
        by_source.setdefault(source or Source.GRADE_EVENT, []).append(user_id)
    size = batch_size()
    for source, user_ids in by_source.items():
        for start in range(0, len(user_ids), size):
            yield source, user_ids[start : start + size]


def _claim(course_key: CourseKey, user_ids: list[int], before: datetime) -> None:
    """Unmark a batch before reading its records: a change that lands after this marks the learner again."""
    ids_in(
        LearnerRecord.objects.filter(course_key=course_key, reconcile_pending_since__lte=before),
        LearnerRecord,
        "user_id",
        user_ids,
    ).update(reconcile_pending_since=None)


def _reconcile(course_key: CourseKey, user_ids: list[int], *, source: str, policy: CoursePolicy) -> engine.BatchResult:
    """The event path's batch: issues, updates and revokes; creates no non-issued row. A lost race is retried."""
    for attempt in (1, 2):
        try:
            return engine.reconcile_batch(course_key, user_ids, source=source, policy=policy, create_missing=False)
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("cert_manager: a certificate of the sweep of %s was created concurrently; retrying", course_key)
    raise AssertionError("unreachable")


def reconcile_learner(
    user_id: int,
    course_key: CourseKey,
    *,
    source: str,
    actor_id: int | None = None,
    create_missing: bool = False,
    dry_run: bool = False,
    policy: CoursePolicy | None = None,
) -> engine.BatchResult:
    """Reconcile one learner's certificate now (a batch of one); a lost race is retried once."""
    for attempt in (1, 2):
        try:
            return engine.reconcile_batch(
                course_key,
                [user_id],
                source=source,
                actor_id=actor_id,
                create_missing=create_missing,
                dry_run=dry_run,
                policy=policy,
            )
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("cert_manager: concurrent reconcile of user %s in %s, retrying", user_id, course_key)
    raise AssertionError("unreachable")


def reconcile_pending(user_id: int, course_id: str, source: str) -> engine.BatchResult:
    """The former per-learner task (messages queued before an upgrade): unmark the learner and reconcile it now."""
    course_key = parse_course_key(course_id)
    LearnerRecord.objects.filter(user_id=user_id, course_key=course_key).update(reconcile_pending_since=None)
    return reconcile_learner(user_id, course_key, source=source)
