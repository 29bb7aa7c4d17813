"""
The set-based reconcile: one batch of learners in one course costs a constant number of queries.

Per batch: load records, exceptions, active invalidations and certificates (4 reads, the certificates
locked where the database can), the printed names (1 read), then at most three writes, each one
``executemany`` statement: UPDATE the changed existing certificates by id, INSERT the new ones, INSERT
the revisions of the superseded states. Unchanged learners cost no write, no revision and no event.
After the commit: openedx-events and learner emails for the changed certificates only (2 reads). The
single-learner path is a batch of one, so events, instructor actions and bulk jobs share this code.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from . import events, fingerprints, links, lms
from .certificate_rows import (
    WrittenCertificate,
    insert_certificates,
    insert_revisions,
    update_certificates,
    verify_ids,
)
from .conf import batch_size
from .courses import course_policy
from .data import GRADE_PLACES, CertificateStatus, Source
from .eligibility import CoursePolicy, Decision, LearnerState, decide
from .models import Certificate, CertificateException, CertificateInvalidation, LearnerRecord
from .sql import ids_in, retry_on_conflict, retry_on_deadlock, update_rows

log = logging.getLogger(__name__)

#: Sent after a batch that changed certificates commits, with ``course_key`` and ``changes`` (``CertChange``s).
#: The engine's announcement to the layers above it: ``apps.ready`` connects the learner emails
#: (``notifications.on_certificates_committed``). A receiver's error is logged, never raised.
certificates_committed = Signal()
#: Sent inside a batch's transaction, after its writes, with ``course_key`` and ``changes``: for what must change in
#: the same transaction as the certificates (a credential's status bits). A receiver's error undoes the batch.
certificates_written = Signal()


@dataclass
class CertChange:
    """One certificate written by a batch: its state before (None when new) and after."""

    user_id: int
    before_status: str | None
    certificate: Certificate | WrittenCertificate


class WouldChange(NamedTuple):
    """Dry runs: one certificate that would change, from what (None: no certificate yet) to what, and its name."""

    user_id: int
    before: str | None
    after: str
    grade_before: float | None
    grade_after: float | None
    name: str


@dataclass
class BatchResult:
    """What a batch did (or, for a dry run, would do)."""

    processed: int = 0  # always changed + skipped + failed
    changed: int = 0
    skipped: int = 0  # left as they were: nothing to write, or already right
    failed: int = 0
    transitions: Counter = field(default_factory=Counter)
    changes: list[CertChange] = field(default_factory=list)
    #: dry runs only: the learners who would hold no issued certificate afterwards, by the decision's reason
    not_issued: dict[str, list[int]] = field(default_factory=dict)
    #: dry runs only: each certificate that would change, in the order decided (the names are the printed ones)
    would_change: list[WouldChange] = field(default_factory=list)
    #: every certificate that changes (or would), by (before, after, the mode it holds afterwards)
    transition_modes: Counter = field(default_factory=Counter)

    def add(self, other: BatchResult) -> None:
        """Fold another batch's counts into this one (changes are not kept)."""
        self.processed += other.processed
        self.changed += other.changed
        self.skipped += other.skipped
        self.failed += other.failed
        self.transitions.update(other.transitions)
        for reason, user_ids in other.not_issued.items():
            self.not_issued.setdefault(reason, []).extend(user_ids)
        self.would_change.extend(other.would_change)
        self.transition_modes.update(other.transition_modes)

    def transitions_dict(self) -> dict[str, int]:
        """``{"notpassing->downloadable": 3, "new->downloadable": 5}``: JSON-friendly transitions."""
        return {f"{before or 'new'}->{after}": n for (before, after), n in sorted(self.transitions.items(), key=str)}


@functools.lru_cache(maxsize=65536)
def _grade(value: float | None) -> float | None:
    """
    A grade as certificates store and compare it: rounded to ``GRADE_PLACES`` places (None stays None).

    Cached: ``round(x, 4)`` rounds exactly through decimal digits (3 µs), and a batch rounds each grade three times.
    """
    return None if value is None else round(float(value), GRADE_PLACES)


@dataclass(frozen=True, slots=True)
class Intent:
    """
    Why a reconcile runs and what it may do: the engine's one input besides the course and the learners.

    Build one with the constructor that names the intent (``event``, ``job``, ``deletion``, ``preview``)
    rather than by its fields where one fits: each says which certificates it may create and whether it decides or
    forces. ``reconcile.reconcile_learner`` builds one from its own arguments (one learner, any of these).
    """

    source: str
    actor_id: int | None = None
    #: False: create a certificate only when it is issued (an event gives a non-passing learner no row)
    create_missing: bool = True
    #: compute the transitions without writing (dry runs, policy previews)
    dry_run: bool = False
    #: give every existing certificate this status instead of deciding (a deletion)
    force_status: str | None = None
    #: decide under these policies instead of the course's saved ones
    policy: CoursePolicy | None = None
    now: datetime | None = None

    @classmethod
    def event(cls, source: str, *, policy: CoursePolicy | None = None) -> Intent:
        """An openedx-event (grade, enrollment, passing status): issues, updates and revokes; no non-issued row."""
        return cls(source, create_missing=False, policy=policy)

    @classmethod
    def job(
        cls,
        source: str = Source.JOB,
        *,
        actor_id: int | None = None,
        policy: CoursePolicy | None = None,
        now: datetime | None = None,
    ) -> Intent:
        """A bulk job, a course-team action or course-end issuance: every learner gets a row, whatever its status."""
        return cls(source, actor_id=actor_id, policy=policy, now=now)

    @classmethod
    def deletion(cls, *, actor_id: int | None = None) -> Intent:
        """The course team deletes certificates: every existing one becomes ``deleted``, nothing is decided."""
        return cls(Source.DELETION, actor_id=actor_id, force_status=CertificateStatus.DELETED)

    @classmethod
    def preview(cls, *, policy: CoursePolicy | None = None) -> Intent:
        """A dry run of a job (under proposed policies when given): what would change, nothing written."""
        return cls(Source.JOB, policy=policy, dry_run=True)


def run(
    course_key: CourseKey, user_ids: Sequence[int], intent: Intent, *, total: BatchResult | None = None
) -> BatchResult:
    """
    The engine's entry: reconcile ``user_ids`` in ``course_key`` for ``intent``, in batches, retrying by itself.

    Batches of ``CERT_MANAGER_BATCH_SIZE`` learners, each in its own transaction (a savepoint inside a caller's).
    A batch that lost a race (another writer created one of its certificates: ``IntegrityError``) runs again and
    updates that row; outside a caller's transaction, a batch the database chose as a deadlock victim runs again.
    One batch's result is returned as it is (with its ``changes``); several are folded into one (counts only).
    ``total``, when given, receives each batch's counts as it commits, so a caller that catches an error still
    knows what was done.
    """
    ids = list(dict.fromkeys(user_ids))
    size = batch_size()
    results = []
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        result = retry_on_deadlock(
            lambda batch=batch: retry_on_conflict(
                lambda: reconcile_batch(course_key, batch, intent), f"a batch of {len(batch)} in {course_key}"
            )
        )
        if total is not None:
            total.add(result)
        results.append(result)
    if len(results) == 1:
        return results[0]
    folded = BatchResult()
    for result in results:
        folded.add(result)
    return folded


def reconcile_batch(course_key: CourseKey, user_ids: Sequence[int], intent: Intent) -> BatchResult:
    """
    One batch of ``run``, in one transaction (callers go through ``run``: it batches and retries).

    ``intent.create_missing`` False creates a certificate only when it is issued (the event path: a learner
    who is not passing gets no ``notpassing`` row from a grade event); bulk jobs create every status.
    ``intent.dry_run`` computes the transitions without writing. ``intent.force_status`` (a deletion) gives every
    existing certificate that status instead of deciding, through the same writes, revisions and announcements.

    A ``deleted`` certificate counts as no certificate for the decision (a job may issue it again, with its
    verify id and history), while its active invalidation still counts: deleting never lifts one.

    The steps, in one transaction: ``_load`` (4 reads), ``_plan`` (decide, no query), the printed names
    (1 read, only when something may change and nothing is forced), ``_compose`` (the new states, no query),
    ``_write`` (the LMS's rows, then at most three statements; announcements after the commit).
    """
    now = intent.now or timezone.now()
    policy = intent.policy or course_policy(course_key)
    ids = list(dict.fromkeys(user_ids))
    result = BatchResult()
    if not ids:
        return result
    dry_run, forced = intent.dry_run, intent.force_status is not None
    with transaction.atomic():
        loaded = _load(course_key, ids, lock=not dry_run)
        planned = _plan(
            ids,
            loaded,
            result,
            policy=policy,
            now=now,
            create_missing=intent.create_missing,
            dry_run=dry_run,
            force_status=intent.force_status,
        )
        names = lms.backend().display_names([p.user_id for p in planned]) if planned and not forced else {}
        writes = _compose(
            course_key, planned, names, result, now=now, source=intent.source, dry_run=dry_run, forced=forced
        )
        if not dry_run:
            _write(
                course_key, ids, loaded.certs, writes, result, now=now, source=intent.source, actor_id=intent.actor_id
            )
            if result.changes:  # in the batch's transaction: a subscriber's error undoes the batch
                certificates_written.send(sender=CertChange, course_key=course_key, changes=result.changes)
    return result


class _Loaded(NamedTuple):
    """What a batch reads before deciding: the learners' records, both lists, and their certificates."""

    records: dict[int, LearnerState]
    allowlisted: set[int]
    invalidated: set[int]
    certs: dict[int, _Current]


class _Planned(NamedTuple):
    """A learner whose certificate may change: its stored certificate and record, and the decision."""

    user_id: int
    cert: _Current | None
    decision: Decision
    record: LearnerState | None
    inputs: str = ""  # the fingerprint of what the decision read (``fingerprints.inputs_print``); "" when forced


@dataclass
class _Writes:
    """The statements a batch runs: certificates to update (and the ids whose revisions they supersede), to insert."""

    updates: list[WrittenCertificate] = field(default_factory=list)
    inserts: list[WrittenCertificate] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    #: (fingerprint, id) of certificates already right whose stored fingerprint is out of date
    refresh: list[tuple[str, int]] = field(default_factory=list)


def _load(course_key: CourseKey, ids: list[int], *, lock: bool) -> _Loaded:
    """
    The batch's four reads: records, exception list, active invalidations, certificates, in this order.

    The certificates are locked when ``lock`` and the database can (``SELECT … FOR UPDATE``).
    """
    record_rows = ids_in(LearnerRecord.objects.filter(course_key=course_key), LearnerRecord, "user_id", ids)
    records = {
        r[0]: LearnerState(mode=r[1], enrollment_active=r[2], percent_grade=r[3], passed=r[4])
        for r in record_rows.values_list("user_id", "mode", "is_active", "percent_grade", "passed")
    }
    allowlisted = set(
        ids_in(
            CertificateException.objects.filter(course_key=course_key), CertificateException, "user_id", ids
        ).values_list("user_id", flat=True)
    )
    invalidated = set(
        ids_in(
            CertificateInvalidation.objects.filter(active=True, certificate__course_key=course_key),
            Certificate,
            "user_id",
            ids,
        ).values_list("certificate__user_id", flat=True)
    )
    certs_qs = ids_in(Certificate.objects.filter(course_key=course_key), Certificate, "user_id", ids)
    if lock and connection.features.has_select_for_update:
        certs_qs = certs_qs.select_for_update()
    certs = {row[1]: _Current(*row) for row in certs_qs.values_list(*_Current._fields)}
    return _Loaded(records, allowlisted, invalidated, certs)


def _plan(
    ids: list[int],
    loaded: _Loaded,
    result: BatchResult,
    *,
    policy: CoursePolicy,
    now: datetime,
    create_missing: bool,
    dry_run: bool,
    force_status: str | None,
) -> list[_Planned]:
    """
    Decide every learner (no query): the learners whose certificate may change, in ``ids`` order.

    Counts every learner as processed and the others as skipped in ``result``; a dry run notes who would hold
    no issued certificate (``result.not_issued``).
    """
    planned: list[_Planned] = []
    token = fingerprints.policy_token(policy)
    for user_id in ids:
        cert = loaded.certs.get(user_id)
        record = loaded.records.get(user_id)
        current = cert.status if cert and cert.status != CertificateStatus.DELETED else None
        allowlisted, invalidated = user_id in loaded.allowlisted, user_id in loaded.invalidated
        if force_status is None:
            decision = decide(
                record,
                current_status=current,
                allowlisted=allowlisted,
                invalidated=invalidated,
                policy=policy,
                now=now,
                certificate_mode=cert.mode if current is not None else None,
            )
        else:
            decision = _forced(cert, force_status)
        if dry_run and decision is not None:
            _note_not_issued(result, user_id, decision, current)
        if decision is None or _writes_nothing(decision, current, create_missing=create_missing):
            result.skipped += 1
            continue
        inputs = fingerprints.inputs_print(token, record, allowlisted, invalidated) if force_status is None else ""
        planned.append(_Planned(user_id, cert, decision, record, inputs))
    result.processed += len(ids)
    return planned


def _forced(cert: _Current | None, force_status: str) -> Decision | None:
    """A forced status (a deletion) for a certificate that exists and does not have it yet; else None (skipped)."""
    if cert is None or cert.status == force_status:
        return None
    return Decision(force_status, force_status)


def _note_not_issued(result: BatchResult, user_id: int, decision: Decision, current: str | None) -> None:
    """Dry runs: file the learner under the decision's reason when it would hold no issued certificate."""
    if (decision.status if not decision.keep else current) != CertificateStatus.DOWNLOADABLE:
        result.not_issued.setdefault(decision.reason, []).append(user_id)


def _writes_nothing(decision: Decision, current: str | None, *, create_missing: bool) -> bool:
    """
    Whether the decision leaves the certificate alone.

    It does when kept, when it wants no certificate at all, or (the event path, ``create_missing`` False) when
    a missing or deleted certificate would come back as anything but issued.
    """
    if decision.keep or decision.status is None:
        return True
    return current is None and not create_missing and decision.status != CertificateStatus.DOWNLOADABLE


def _printed(planned: _Planned, names: dict[int, str], *, forced: bool) -> tuple[float | None, str, str]:
    """
    The grade, mode and name the certificate will hold.

    A forced status (a deletion) keeps what it said; otherwise the record's grade and mode and the LMS's name,
    falling back on the certificate's.
    """
    cert, record = planned.cert, planned.record
    if forced:
        return _grade(cert.grade), cert.mode, cert.name
    if record is not None:
        grade, mode = _grade(record.percent_grade), record.mode
    elif cert is not None:
        grade, mode = cert.grade, cert.mode
    else:
        grade, mode = None, ""
    return grade, mode, names.get(planned.user_id, cert.name if cert else "")


def _compose(
    course_key: CourseKey,
    planned: list[_Planned],
    names: dict[int, str],
    result: BatchResult,
    *,
    now: datetime,
    source: str,
    dry_run: bool,
    forced: bool,
) -> _Writes:
    """
    The new state of every planned certificate that actually changes (no query).

    Each is counted in ``result`` (changed, transitions) and, unless a dry run, recorded in ``result.changes``
    and in the statements to run; one that is already right counts as skipped (left as it was), so that
    ``processed == changed + skipped + failed``.
    """
    writes = _Writes()
    lms_rows = lms.backend().writes_lms_certificates
    for p in planned:
        grade, mode, name = _printed(p, names, forced=forced)
        cert, status = p.cert, p.decision.status
        fingerprint = fingerprints.full_print(p.inputs, status, mode, grade, lms_rows=lms_rows) if p.inputs else ""
        if cert is not None and (cert.status, cert.mode, _grade(cert.grade), cert.name, cert.error_reason) == (
            status,
            mode,
            grade,
            name,
            "",
        ):
            result.skipped += 1  # already right: left as it was
            if fingerprint and cert.fingerprint != fingerprint and not dry_run:
                writes.refresh.append((fingerprint, cert.pk))
            continue
        before = cert.status if cert else None
        result.changed += 1
        result.transitions[(before, status)] += 1
        result.transition_modes[(before, status, mode)] += 1
        if dry_run:
            result.would_change.append(
                WouldChange(p.user_id, before, status, _grade(cert.grade) if cert else None, grade, name)
            )
            continue
        # issued_date None on an update means "unchanged" (the UPDATE keeps the stored one)
        issued = now if status == CertificateStatus.DOWNLOADABLE and before != CertificateStatus.DOWNLOADABLE else None
        if cert is not None:
            writes.superseded.append(cert.pk)
            # verify_uuid None: unchanged and not loaded; created None: an update never rewrites it
            pk, verify_uuid, created, revision, bucket = cert.pk, None, None, cert.revision + 1, writes.updates
        else:
            pk, verify_uuid, created, revision, bucket = None, uuid.uuid4(), now, 1, writes.inserts
        new = WrittenCertificate(pk, p.user_id, course_key, verify_uuid, created, revision, issued)
        new.status, new.mode, new.grade, new.name, new.source, new.modified = status, mode, grade, name, source, now
        new.fingerprint = fingerprint
        bucket.append(new)
        result.changes.append(CertChange(p.user_id, before, new))
    return writes


def _write(
    course_key: CourseKey,
    ids: list[int],
    certs: dict[int, _Current],
    writes: _Writes,
    result: BatchResult,
    *,
    now: datetime,
    source: str,
    actor_id: int | None,
) -> None:
    """
    Run the batch's statements and queue its announcements for after the commit.

    The LMS's rows first (``write_through``), then the revisions of the superseded states, the UPDATE, the
    INSERT.
    """
    # the LMS's rows first: everything they need is decided already, and reading our verify ids before
    # rewriting our rows in this transaction costs a tenth of reading them after (SQLite)
    lms_changes = write_through(course_key, ids, certs, result.changes)
    if writes.superseded:  # before the UPDATE: the revisions copy the states it replaces
        insert_revisions(writes.superseded, superseded_at=now, source=source, actor_id=actor_id)
    if writes.updates:
        update_certificates(writes.updates)
    if writes.inserts:
        insert_certificates(writes.inserts)
    if writes.refresh:  # already right, decided from other inputs: only the fingerprint moves (no revision)
        update_rows(Certificate, ["fingerprint"], writes.refresh)
    if result.changes or lms_changes:
        changes = list(result.changes)
        transaction.on_commit(lambda: after_commit(course_key, changes, lms_changes))


def write_through(
    course_key: CourseKey, ids: Sequence[int], certs: dict[int, _Current], changes: Sequence[CertChange]
) -> list[lms.LmsTransition]:
    """
    Inside the LMS, make its ``GeneratedCertificate`` rows show the batch's certificates.

    Both the changed ones and any the LMS changed behind our back are written (a constant number of statements,
    in the batch's transaction).
    """
    backend = lms.backend()
    if not backend.writes_lms_certificates:
        return []
    final: dict[int, lms.LmsCertificate] = {}
    for user_id in ids:
        cert = certs.get(user_id)
        if cert is not None:
            final[user_id] = lms.LmsCertificate(user_id, cert.status, cert.mode, cert.grade, cert.name, None)
    for change in changes:
        c = change.certificate
        verify = c.verify_uuid.hex if c.verify_uuid else None
        final[change.user_id] = lms.LmsCertificate(change.user_id, c.status, c.mode, c.grade, c.name, verify)
    return backend.sync_lms_certificates(
        course_key,
        list(final.values()),
        verify_ids=lambda user_ids: verify_ids(course_key, user_ids),
        download_url=links.url_builder(links.PDF),
    )


def after_commit(
    course_key: CourseKey, changes: list[CertChange], lms_changes: Sequence[lms.LmsTransition] = ()
) -> None:
    """
    Announce a committed batch's changes, then tell the subscribers of ``certificates_committed``.

    Standalone: one openedx-event per changed certificate (``events``). Inside the LMS, where the outside world
    hears certificates through its ``GeneratedCertificate`` row: for each row written, exactly what its ``save()``
    (or ``_revoke_certificate``) would have sent, Django signals and openedx-events (``lms.announce_lms_changes``).
    The layers above subscribe in ``apps.ready`` (learner emails: ``notifications``); the engine names none of them.
    """
    backend = lms.backend()
    if not backend.writes_lms_certificates:
        events.emit_certificate_events(course_key, changes)
    try:
        backend.announce_lms_changes(course_key, lms_changes)
    except Exception:  # a listener's failure must never undo or break certificate processing
        log.exception("cert_manager: announcing %s LMS certificate changes of %s failed", len(lms_changes), course_key)
    for receiver, outcome in certificates_committed.send_robust(
        sender=CertChange, course_key=course_key, changes=changes
    ):
        if isinstance(outcome, Exception):  # a subscriber's failure must never undo or break certificate processing
            log.error(
                "cert_manager: %s failed on %s changes of %s",
                getattr(receiver, "__qualname__", receiver),
                len(changes),
                course_key,
                exc_info=(type(outcome), outcome, outcome.__traceback__),
            )


class _Current(NamedTuple):
    """The stored state of a certificate, as loaded by a batch (tuples: no model instances to build)."""

    pk: int
    user_id: int
    status: str
    mode: str
    grade: float | None
    name: str
    error_reason: str
    revision: int
    fingerprint: str
