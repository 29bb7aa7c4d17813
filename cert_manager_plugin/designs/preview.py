"""
Who a design preview prints: a sample learner, or a real learner of the course (their data; nothing is saved).

The renderers (``rendering.design_html``, ``rendering.design_pdf``) turn a ``PreviewLearner`` into the variables of
the design's text blocks; this module only reads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from .. import access, errors, lms
from ..data import CertificateStatus
from ..links import certificate_url
from ..models import Certificate, LearnerRecord

__all__ = ["SAMPLE_GRADE", "SAMPLE_VERIFY_UUID", "PreviewLearner", "preview_learner"]

#: The sample learner's grade (0..1).
SAMPLE_GRADE = 0.92
#: The verify id of the sample's links: all zeros, so no real certificate ever answers it.
SAMPLE_VERIFY_UUID = uuid.UUID(int=0)
#: The mode a sample learner previews when none is chosen.
SAMPLE_MODE = "verified"


@dataclass(frozen=True)
class PreviewLearner:
    """The learner data a preview prints: name, grade (0..1 or None), mode, issue date, verification link."""

    name: str
    grade: float | None
    mode: str
    issued: datetime
    verify_url: str
    sample: bool = True


def preview_learner(course_key: CourseKey, username: str | None, mode: str = "") -> PreviewLearner:
    """
    The sample learner ("Sample Learner", 92%, today), or the learner ``username`` of the course.

    A real learner previews with their printed name, and their certificate's grade, mode, issue date and link when
    they have one (else their record's grade and mode, today and a sample link). ``mode`` (not "") overrides the
    mode either way. A username that is not a learner of the course raises ``errors.UserNotFound``.
    """
    now = timezone.now()
    sample_url = certificate_url(SAMPLE_VERIFY_UUID)
    if not username:
        return PreviewLearner(_("Sample Learner"), SAMPLE_GRADE, mode or SAMPLE_MODE, now, sample_url)
    user = access.course_learner(course_key, username)
    if user is None:
        raise errors.UserNotFound(_("No learner %(username)s in this course.") % {"username": username})
    name = lms.backend().display_names([user.pk]).get(user.pk, "") or getattr(user, "username", "")
    cert = Certificate.objects.filter(course_key=course_key, user_id=user.pk).first()
    if cert is not None and cert.status != CertificateStatus.DELETED:
        return PreviewLearner(
            name,
            cert.grade,
            mode or cert.mode,
            cert.issued_date or now,
            certificate_url(cert.verify_uuid),
            sample=False,
        )
    record = LearnerRecord.objects.filter(course_key=course_key, user_id=user.pk).first()
    grade = record.percent_grade if record is not None else None
    return PreviewLearner(name, grade, mode or (record.mode if record else ""), now, sample_url, sample=False)
