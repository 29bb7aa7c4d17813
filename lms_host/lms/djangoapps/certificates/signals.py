# Stand-in for edx-platform lms/djangoapps/certificates/signals.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
The LMS's own certificate signal handlers that run on every course grade update (``CourseGradeFactory.update``
sends ``COURSE_GRADE_NOW_PASSED`` or ``COURSE_GRADE_NOW_FAILED`` each time).

Reproduced exactly: ``listen_for_passing_grade`` (behind the ``certificates.auto_certificate_generation`` switch:
generation through ``generate_certificate_task``, which runs the ``CertificateCreationRequested`` filter, its
``CertificateGenerationNotAllowed`` caught and logged) and ``_listen_for_failing_grade`` (NOT behind the switch or
the filter: a passing ``GeneratedCertificate`` of a learner off the LMS's allowlist is ``mark_notpassing()``-ed).
Also reproduced exactly (same commit): ``_listen_for_enrollment_mode_change`` (``ENROLLMENT_TRACK_UPDATED``, not
behind the switch: generation through ``generate_certificate_task`` when the new mode is certificate-eligible) and
``handle_exam_attempt_rejected_event`` (openedx-events ``EXAM_ATTEMPT_REJECTED``: ``certificates.api
.invalidate_certificate(user_id, course_key, source='exam_event')``, which ``invalidate()``-s the row and creates no
``CertificateInvalidation``). Omitted: pacing, allowlist-append and ID-verification handlers.
"""

import logging

from django.dispatch import receiver
from openedx_events.learning.signals import EXAM_ATTEMPT_REJECTED

from common.djangoapps.course_modes import api as modes_api
from common.djangoapps.student.models import CourseEnrollment
from common.djangoapps.student.signals import ENROLLMENT_TRACK_UPDATED
from lms.djangoapps.certificates.api import auto_certificate_generation_enabled, invalidate_certificate
from lms.djangoapps.certificates.data import CertificateStatuses
from lms.djangoapps.certificates.generation_handler import (
    CertificateGenerationNotAllowed,
    generate_certificate_task,
    is_on_certificate_allowlist,
)
from lms.djangoapps.certificates.models import GeneratedCertificate
from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED, COURSE_GRADE_NOW_PASSED

log = logging.getLogger(__name__)


@receiver(COURSE_GRADE_NOW_PASSED, dispatch_uid="new_passing_learner")
def listen_for_passing_grade(sender, user, course_id, **kwargs):
    """
    Listen for a signal indicating that the user has passed a course run.

    If needed, generate a certificate task.
    """
    if not auto_certificate_generation_enabled():
        return None

    cert = GeneratedCertificate.certificate_for_student(user, course_id)
    if cert is not None and CertificateStatuses.is_passing_status(cert.status):
        log.info(
            f"The cert status is already passing for user {user.id} : {course_id}. Passing grade signal will be "
            f"ignored."
        )
        return None
    log.info(
        f"Attempt will be made to generate a course certificate for {user.id} : {course_id} as a passing grade "
        f"was received."
    )
    try:
        return generate_certificate_task(user, course_id)
    except CertificateGenerationNotAllowed:
        log.exception("Certificate generation not allowed for user %s in course %s", str(user), course_id)
        return False


@receiver(COURSE_GRADE_NOW_FAILED, dispatch_uid="new_failing_learner")
def _listen_for_failing_grade(sender, user, course_id, grade, **kwargs):
    """
    Listen for a signal indicating that the user has failed a course run.

    If needed, mark the certificate as notpassing.
    """
    if is_on_certificate_allowlist(user, course_id):
        log.info(
            f"User {user.id} is on the allowlist for {course_id}. The failing grade will not affect the certificate."
        )
        return

    cert = GeneratedCertificate.certificate_for_student(user, course_id)
    if cert is not None:
        if CertificateStatuses.is_passing_status(cert.status):
            enrollment_mode, __ = CourseEnrollment.enrollment_mode_for_user(user, course_id)
            cert.mark_notpassing(mode=enrollment_mode, grade=grade.percent, source="notpassing_signal")
            log.info(f"Certificate marked not passing for {user.id} : {course_id} via failing grade")


@receiver(ENROLLMENT_TRACK_UPDATED)
def _listen_for_enrollment_mode_change(sender, user, course_key, mode, **kwargs):
    """
    Listen for the signal indicating that a user's enrollment mode has changed.

    If possible, grant the user a course certificate. Note that we intentionally do not revoke certificates here,
    even if the user has moved to the audit track.
    """
    if modes_api.is_eligible_for_certificate(mode):
        try:
            return generate_certificate_task(user, course_key)
        except CertificateGenerationNotAllowed:
            log.exception(
                "Certificate generation not allowed for user %s in course %s",
                str(user),
                course_key,
            )
            return False


@receiver(EXAM_ATTEMPT_REJECTED)
def handle_exam_attempt_rejected_event(sender, signal, **kwargs):
    """Consume `EXAM_ATTEMPT_REJECTED` events from the event bus: invalidate the learner's certificate."""
    event_data = kwargs.get("exam_attempt")
    user_data = event_data.student_user
    course_key = event_data.course_key

    # Note that the course_key is the same as the course_id, just a different name
    invalidate_certificate(user_data.id, course_key, source="exam_event")
