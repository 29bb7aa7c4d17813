"""
The single-learner path: record → mark → schedule → reconcile → announce.

1. **Record.** An LMS event is stored in the learner's ``LearnerRecord`` by one parameterized UPDATE (an older event
   never overwrites newer state) that also marks the learner pending (``reconcile_pending_since``, and why:
   ``reconcile_source``).
2. **Schedule** (``schedule_sweep``). Reconciles run per course: the course's ``CourseSweep`` row is armed by one
   conditional UPDATE, after the event's transaction commits (once per course and transaction); only the event
   that arms it hands a ``sweep_course`` task to Celery, with no countdown (leading edge: the first change after a
   quiet period reconciles at once). While a sweep is armed, events cost these two statements and no publish.
3. **Reconcile** (``sweep_course``). The sweep reconciles every pending learner of the course through the
   set-based engine, in batches; each batch is unmarked before its records are read, so a change that lands later
   marks the learner again. When it is done, if learners were marked meanwhile, it keeps the course armed and
   chains the next sweep ``CERT_MANAGER_SWEEP_MIN_GAP`` later; otherwise it disarms the course. A sweep that starts
   within that gap of the last one's end (chained, or armed by an event just after it) first waits until the
   changes have been quiet that long, at most ``CERT_MANAGER_COALESCE_SECONDS``: a change behind a sweep lands
   about the gap after it, a burst ends in one more run.
4. **Announce.** The engine announces changed certificates after commit (openedx-events, the LMS's signals, emails).

Instructor actions (exceptions, invalidations, self-requests) reconcile their learner at once, in their request,
through ``reconcile_learner``. The flow diagram: ``docs/architecture.rst``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
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

#: ``depth``: how many sweeps run in this thread; above 0 a sweep runs inside another (an eager Celery app runs a
#: chained sweep in the call that sent it), which never waits for quiet (it would wait in a loop).
_RUNNING = threading.local()


#: A chained sweep's wait shorter than this (seconds, below a broker round trip) is not worth a message: it runs.
_AT_ONCE = 0.01


def coalesce_seconds() -> float:
    """The longest a chained sweep waits, from its chaining, for changes that keep arriving to quiet down."""
    return cm_settings.COALESCE_SECONDS


def min_gap_seconds() -> float:
    """The least time between a course's sweep and the next; the quiet a chained sweep waits for."""
    return cm_settings.SWEEP_MIN_GAP


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


def schedule_sweep(course_key: CourseKey, *, countdown: float = 0, waiting_since: float | None = None) -> bool:
    """
    Arm the course's sweep and hand a ``sweep_course`` task to Celery (in ``countdown`` seconds); True when armed.

    Inside a transaction the arming waits for its commit, once per course and transaction (False is returned):
    the marks it made are then visible to a sweep that ends meanwhile, whose last look (``_chain``) follows any
    arming that found the course armed; arming inside the transaction would let a sweep end between the marks
    and their commit and miss them (on PostgreSQL, where a failed conditional UPDATE locks nothing).
    ``waiting_since`` (epoch seconds) makes the task a chained sweep (``sweep_course``). One UPDATE (plus,
    once per course and process, making sure its row exists).
    """
    if connection.in_atomic_block:
        course_id = str(course_key)
        queued = (entry[1] for entry in connection.run_on_commit)  # (savepoint ids, callback, robust)
        if not any(isinstance(f, _ArmAtCommit) and f.course_id == course_id and not f.ran for f in queued):
            transaction.on_commit(_ArmAtCommit(course_key, countdown, waiting_since))
        return False
    return _arm_and_send(course_key, countdown, waiting_since)


def _arm_and_send(course_key: CourseKey, countdown: float, waiting_since: float | None) -> bool:
    """Arm the course's sweep and, when this armed it, send the task; True when it did."""
    if not _arm(course_key, timezone.now()):
        return False
    _send_sweep(str(course_key), countdown, waiting_since)
    return True


class _ArmAtCommit:
    """
    The ``on_commit`` callback of ``schedule_sweep`` in a transaction (a class: a second one is spotted).

    ``ran`` once called: a test's ``captureOnCommitCallbacks`` runs callbacks but leaves them queued.
    """

    def __init__(self, course_key: CourseKey, countdown: float, waiting_since: float | None) -> None:
        self.course_key, self.course_id = course_key, str(course_key)
        self.countdown, self.waiting_since = countdown, waiting_since
        self.ran = False

    def __call__(self) -> None:
        """Arm the course's sweep now that the transaction's marks are committed."""
        self.ran = True
        _arm_and_send(self.course_key, self.countdown, self.waiting_since)


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


def _send_sweep(course_id: str, countdown: float, waiting_since: float | None = None) -> None:
    """Hand the sweep to Celery; when it cannot take it, sweep now rather than lose the changes."""
    args = [course_id] if waiting_since is None else [course_id, waiting_since]
    try:
        dispatch.send_task(dispatch.TASK_SWEEP_COURSE, args, countdown=countdown)
    except Exception:  # noqa: BLE001 - any failure to hand it over: never lose a change
        log.warning("cert_manager: the sweep of %s could not be queued; running it now", course_id)
        sweep_course(course_id)


# --- 3. reconcile --------------------------------------------------------------------------------------


def sweep_course(course_id: str, waiting_since: float | None = None) -> engine.BatchResult:
    """
    The ``sweep_course`` task: reconcile every learner of the course marked pending before it started.

    In set-based batches per change source; then ``_chain``. A sweep within ``min_gap_seconds`` of the last one's
    end, or chained (``waiting_since``: when the sweep before it chained it, epoch seconds), first waits for the
    course's changes to quiet down (``_wait_for_quiet``): it sends itself again for the rest and sweeps nothing.
    Safe to run twice (an unmarked learner is not reconciled again; the engine writes only changes).
    """
    course_key = parse_course_key(course_id)
    depth = getattr(_RUNNING, "depth", 0)
    _RUNNING.depth = depth + 1
    try:
        wait, waiting_since = (0.0, None) if depth else _wait_for_quiet(course_key, waiting_since)
        if wait:
            _send_sweep(course_id, wait, waiting_since)
            return engine.BatchResult()
        total = engine.BatchResult()
        started = timezone.now()
        policy: CoursePolicy | None = None
        for source, user_ids in _pending(course_key, started):
            policy = policy or engine.course_policy(course_key)
            _claim(course_key, user_ids, started)
            total.add(_reconcile(course_key, user_ids, source=str(source), policy=policy))
            CourseSweep.objects.filter(course_key=course_key).update(armed_at=timezone.now())  # heartbeat
        _chain(course_key)
        return total
    finally:
        _RUNNING.depth = depth


def _wait_for_quiet(course_key: CourseKey, waiting_since: float | None) -> tuple[float, float | None]:
    """
    (seconds the sweep waits more, the start of its window): 0 when it runs now.

    A sweep that is not chained waits only when the course's last sweep ended less than ``min_gap_seconds`` ago
    (then its window starts at that end). It waits until the newest mark is ``min_gap_seconds`` old, at most until
    ``coalesce_seconds`` after the window's start: the window bounds the wait whatever the marks (a course whose
    changes never stop, a clock ahead of the worker's). One or two indexed queries.
    """
    if waiting_since is None:
        ended = CourseSweep.objects.filter(course_key=course_key).values_list("swept_at", flat=True).first()
        if ended is None or timezone.now() - ended >= timedelta(seconds=min_gap_seconds()):
            return 0.0, None
        waiting_since = ended.timestamp()
    newest = LearnerRecord.objects.filter(course_key=course_key, reconcile_pending_since__isnull=False).aggregate(
        newest=Max("reconcile_pending_since")
    )["newest"]
    if newest is None:
        return 0.0, waiting_since
    until = min(newest.timestamp() + min_gap_seconds(), waiting_since + coalesce_seconds())
    wait = until - timezone.now().timestamp()
    return (wait if wait > _AT_ONCE else 0.0), waiting_since


def _chain(course_key: CourseKey) -> None:
    """
    A sweep's end: learners marked meanwhile go to a chained sweep, ``min_gap_seconds`` later; else disarm.

    While they are seen the course stays armed (events during the hand-over arm nothing: no leading edge cuts
    into a burst). Disarming is followed by one more look: a change whose arming found the course still armed
    committed its mark before that arming, so it is seen here, and chained unless an event armed the course first.
    """
    sweeps = CourseSweep.objects.filter(course_key=course_key)
    marked = LearnerRecord.objects.filter(course_key=course_key, reconcile_pending_since__isnull=False)
    now = timezone.now()
    if marked.exists():
        sweeps.update(armed_at=now, swept_at=now)
    else:
        sweeps.update(armed_at=None, swept_at=now)
        if not marked.exists() or not _arm(course_key, now):
            return
    _send_sweep(str(course_key), min_gap_seconds(), now.timestamp())


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
    """The event path's batch: issues, updates and revokes; creates no non-issued row (the engine retries a race)."""
    return engine.run(course_key, user_ids, engine.Intent.event(source, policy=policy))


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
    """Reconcile one learner's certificate now (a batch of one; the engine retries a lost race)."""
    intent = engine.Intent(source, actor_id=actor_id, create_missing=create_missing, dry_run=dry_run, policy=policy)
    return engine.run(course_key, [user_id], intent)
