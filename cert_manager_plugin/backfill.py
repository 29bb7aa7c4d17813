"""
Backfill: fill LearnerRecords from the LMS's enrollments and grades, and seed certificates and lists from its own.

Run by the ``backfill_learner_records`` command when the plugin is installed into a running LMS (and, for one
learner, by ``lms_sync`` through ``seed_from_lms``). Records, certificates, exceptions and invalidations are
written in batches of ``CERT_MANAGER_BATCH_SIZE``; learners the plugin knows already keep what it has.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from . import lms
from .conf import batch_size
from .courses import parse_course_key
from .data import CertificateStatus, ListSource, Source
from .models import Certificate, CertificateException, CertificateInvalidation, LearnerRecord


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
