"""
Course-end issuance: the certificates "hold until course end" kept back, issued once the course has ended.

Run by the beat task ``tasks.issue_held_certificates`` and the ``issue_held_certificates`` command. The held
learners go through the engine's one entry (``engine.run``) with a job intent: batched, each batch retried when a
concurrent writer created one of its certificates meanwhile and when the database chose it as a deadlock victim.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from . import engine, lms
from .courses import course_policy, parse_course_key
from .data import CertificateStatus, IssuePolicy, Source
from .models import Certificate, CertificateException, CourseCertificateSettings, LearnerRecord


def held_learners(row: CourseCertificateSettings) -> list[int]:
    """
    The learners a course holds certificates for (one query), in id order.

    Active, in an eligible mode, passing or allowlisted, without a downloadable certificate.
    """
    downloadable = Certificate.objects.filter(course_key=row.course_key, status=CertificateStatus.DOWNLOADABLE).values(
        "user_id"
    )
    allowlisted = CertificateException.objects.filter(course_key=row.course_key).values("user_id")
    return list(
        LearnerRecord.objects.filter(course_key=row.course_key, is_active=True, mode__in=list(row.eligible_modes or []))
        .filter(Q(passed=True) | Q(user_id__in=allowlisted))
        .exclude(user_id__in=downloadable)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def issue_held_certificates(now: datetime | None = None, course_key: CourseKey | str | None = None) -> dict[str, int]:
    """
    Issue the certificates held by "hold until course end" in courses whose end has passed.

    Candidates per course: ``held_learners``, through the engine (batched; a lost race or a deadlock retried).
    Returns changed counts per course.
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
        ids = held_learners(row)
        intent = engine.Intent.job(Source.COURSE_END, policy=course_policy(row.course_key), now=now)
        out[str(row.course_key)] = engine.run(row.course_key, ids, intent).changed
    return out
