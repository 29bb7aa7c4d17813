# Stand-in for edx-platform lms/djangoapps/certificates/generation_handler.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Course certificate generation handler: decides whether the LMS generates a certificate, runs the
``CertificateCreationRequested`` filter, and launches the ``generate_certificate`` task.

Reproduced with edx-platform's names and signatures:

* ``generate_certificate_task(user, course_key, generation_mode=None, delay_seconds=CERTIFICATE_DELAY_SECONDS)``:
  the allowlist path when ``is_on_certificate_allowlist(user, course_key)``, else the regular path.
* ``_generate_certificate_task(user, course_key, enrollment_mode, course_grade, status=None, generation_mode=None,
  delay_seconds=...)``: runs ``CertificateCreationRequested.run_filter(user=, course_key=, mode=enrollment_mode,
  status=status, grade=course_grade, generation_mode=)`` (``grade`` is the CourseGrade object; ``status`` is None
  for a normal generation) and turns ``PreventCertificateCreation`` into ``CertificateGenerationNotAllowed``;
  otherwise ``generate_certificate.apply_async(countdown=delay_seconds, kwargs={'student': str(user.id),
  'course_key': str(course_key), 'enrollment_mode': ..., 'course_grade': str(course_grade.percent) [, 'status',
  'generation_mode']})`` and returns True (eager under test/devstack settings).
* ``CertificateGenerationNotAllowed`` PROPAGATES out of ``generate_certificate_task`` on the regular path; the
  allowlist path (``generate_allowlist_certificate_task``) catches it, logs, and returns False.
* Regular path: CCX keys, no passing grade (``CourseGradeFactory().read(...).passed``) or a failed common check
  mean no generation; then ``_set_regular_cert_status`` marks an existing certificate notpassing
  (``mark_notpassing(mode, grade=percent, source='certificate_generation')``) or unavailable when invalidated.
* Common checks (``_can_generate_certificate_common``): no active invalidation, an enrollment, an eligible mode
  (not audit), no downloadable certificate unless the mode just became eligible, a CourseOverview, and HTML
  certificates enabled (``CERTIFICATES_HTML_VIEW`` and the overview's ``cert_html_view_enabled``).

Omitted: beta-tester and ID-verification checks (ENABLE_CERTIFICATES_IDV_REQUIREMENT off), the ``unverified`` path,
the allowlist path's status updates (``_set_allowlist_cert_status``).
"""

import logging

from openedx_filters.learning.filters import CertificateCreationRequested

from common.djangoapps.course_modes import api as modes_api
from common.djangoapps.student.models import CourseEnrollment
from lms.djangoapps.certificates.data import CertificateStatuses
from lms.djangoapps.certificates.models import CertificateAllowlist, CertificateInvalidation, GeneratedCertificate
from lms.djangoapps.certificates.tasks import CERTIFICATE_DELAY_SECONDS, generate_certificate
from lms.djangoapps.certificates.utils import has_html_certificates_enabled
from lms.djangoapps.grades.api import CourseGradeFactory
from openedx.core.djangoapps.content.course_overviews.api import get_course_overview_or_none

log = logging.getLogger(__name__)


class GeneratedCertificateException(Exception):
    pass


class CertificateGenerationNotAllowed(GeneratedCertificateException):
    pass


def generate_certificate_task(user, course_key, generation_mode=None, delay_seconds=CERTIFICATE_DELAY_SECONDS):
    """
    Create a task to generate a certificate for this user in this course run, if the user is eligible and a certificate
    can be generated.
    """
    if is_on_certificate_allowlist(user, course_key):
        log.info(
            f"User {user.id} is on the allowlist for {course_key}. "
            "Attempt will be made to generate an allowlist certificate."
        )
        return generate_allowlist_certificate_task(
            user, course_key, generation_mode=generation_mode, delay_seconds=delay_seconds
        )

    log.info(f"Attempt will be made to generate course certificate for user {user.id} : {course_key}")
    return _generate_regular_certificate_task(
        user, course_key, generation_mode=generation_mode, delay_seconds=delay_seconds
    )


def generate_allowlist_certificate_task(
    user, course_key, generation_mode=None, delay_seconds=CERTIFICATE_DELAY_SECONDS
):
    """Create a task to generate an allowlist certificate for this user in this course run."""
    enrollment_mode = _get_enrollment_mode(user, course_key)
    course_grade = _get_course_grade(user, course_key)
    if _can_generate_allowlist_certificate(user, course_key, enrollment_mode):
        try:
            return _generate_certificate_task(
                user=user,
                course_key=course_key,
                enrollment_mode=enrollment_mode,
                course_grade=course_grade,
                generation_mode=generation_mode,
                delay_seconds=delay_seconds,
            )
        except CertificateGenerationNotAllowed:
            # Catch exception to contain error message in console.
            log.error("Certificate generation not allowed for user %s in course %s", user.id, course_key)
            return False

    return False


def _generate_regular_certificate_task(user, course_key, generation_mode=None, delay_seconds=CERTIFICATE_DELAY_SECONDS):
    """Create a task to generate a regular (non-allowlist) certificate, if the user is eligible."""
    enrollment_mode = _get_enrollment_mode(user, course_key)
    course_grade = _get_course_grade(user, course_key)
    if _can_generate_regular_certificate(user, course_key, enrollment_mode, course_grade):
        return _generate_certificate_task(
            user=user,
            course_key=course_key,
            enrollment_mode=enrollment_mode,
            course_grade=course_grade,
            generation_mode=generation_mode,
            delay_seconds=delay_seconds,
        )

    status = _set_regular_cert_status(user, course_key, enrollment_mode, course_grade)
    if status is not None:
        return True

    return False


def _generate_certificate_task(  # noqa: PLR0917 (edx-platform's signature)
    user,
    course_key,
    enrollment_mode,
    course_grade,
    status=None,
    generation_mode=None,
    delay_seconds=CERTIFICATE_DELAY_SECONDS,
):
    """Create a task to generate a certificate"""
    log.info(f"About to create a regular certificate task for {user.id} : {course_key}")

    course_grade_val = _get_grade_value(course_grade)

    try:
        # .. filter_implemented_name: CertificateCreationRequested
        # .. filter_type: org.openedx.learning.certificate.creation.requested.v1
        user, course_key, enrollment_mode, status, course_grade, generation_mode = (
            CertificateCreationRequested.run_filter(
                user=user,
                course_key=course_key,
                mode=enrollment_mode,
                status=status,
                grade=course_grade,
                generation_mode=generation_mode,
            )
        )
    except CertificateCreationRequested.PreventCertificateCreation as exc:
        raise CertificateGenerationNotAllowed(str(exc)) from exc

    kwargs = {
        "student": str(user.id),
        "course_key": str(course_key),
        "enrollment_mode": str(enrollment_mode),
        "course_grade": str(course_grade_val),
    }
    if status is not None:
        kwargs["status"] = status
    if generation_mode is not None:
        kwargs["generation_mode"] = generation_mode

    generate_certificate.apply_async(countdown=delay_seconds, kwargs=kwargs)
    return True


def _can_generate_allowlist_certificate(user, course_key, enrollment_mode):
    """Whether an allowlist certificate can be generated for this user, in this course run."""
    if not is_on_certificate_allowlist(user, course_key):
        return False
    return _can_generate_certificate_common(user, course_key, enrollment_mode)


def _can_generate_regular_certificate(user, course_key, enrollment_mode, course_grade):
    """Whether a regular (non-allowlist) course certificate can be generated for this user, in this course run."""
    if _is_ccx_course(course_key):
        log.info(f"{course_key} is a CCX course. Certificate cannot be generated for {user.id}.")
        return False

    if not _is_passing_grade(course_grade):
        log.info(f"{user.id} does not have a passing grade in {course_key}. Certificate cannot be generated.")
        return False

    if not _can_generate_certificate_common(user, course_key, enrollment_mode):
        log.info(f"One of the common checks failed. Certificate cannot be generated for {user.id} : {course_key}.")
        return False

    log.info(f"Regular certificate can be generated for {user.id} : {course_key}")
    return True


def _can_generate_certificate_common(user, course_key, enrollment_mode):
    """Checks common to allowlist and regular course certificates."""
    if CertificateInvalidation.has_certificate_invalidation(user, course_key):
        # The invalidation list prevents certificate generation
        log.info(f"{user.id} : {course_key} is on the certificate invalidation list. Certificate cannot be generated.")
        return False

    if enrollment_mode is None:
        log.info(f"{user.id} : {course_key} does not have an enrollment. Certificate cannot be generated.")
        return False

    if not modes_api.is_eligible_for_certificate(enrollment_mode):
        log.info(f"{user.id} : {course_key} has an enrollment mode of {enrollment_mode}, which is not eligible.")
        return False

    if not _can_generate_certificate_for_status(user, course_key, enrollment_mode):
        return False

    course_overview = get_course_overview_or_none(course_key)
    if not course_overview:
        log.info(f"{course_key} does not a course overview. Certificate cannot be generated for {user.id}.")
        return False

    if not has_html_certificates_enabled(course_overview):
        log.info(f"{course_key} does not have HTML certificates enabled. Certificate cannot be generated.")
        return False

    return True


def _set_regular_cert_status(user, course_key, enrollment_mode, course_grade):
    """Set a non-downloadable status (unavailable / notpassing) on an existing certificate when one applies."""
    if not _can_set_regular_cert_status(user, course_key, enrollment_mode):
        return None

    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    if CertificateInvalidation.has_certificate_invalidation(user, course_key) and cert is not None:
        if cert.status != CertificateStatuses.unavailable:
            cert.invalidate(mode=enrollment_mode, source="certificate_generation")
        return CertificateStatuses.unavailable

    if not _is_passing_grade(course_grade) and cert is not None:
        if cert.status != CertificateStatuses.notpassing:
            course_grade_val = _get_grade_value(course_grade)
            cert.mark_notpassing(mode=enrollment_mode, grade=course_grade_val, source="certificate_generation")
        return CertificateStatuses.notpassing

    return None


def _can_set_regular_cert_status(user, course_key, enrollment_mode):
    """Whether a custom (non-downloadable) status may be set on a regular certificate."""
    if _is_ccx_course(course_key):
        return False
    if _is_cert_downloadable(user, course_key):
        return False
    if enrollment_mode is None:
        return False
    if not modes_api.is_eligible_for_certificate(enrollment_mode):
        return False
    course_overview = get_course_overview_or_none(course_key)
    if not course_overview:
        return False
    return has_html_certificates_enabled(course_overview)


def is_on_certificate_allowlist(user, course_key):
    """Check if the user is on the allowlist, and is enabled for the allowlist, for this course run"""
    return CertificateAllowlist.objects.filter(user=user, course_id=course_key, allowlist=True).exists()


def _can_generate_certificate_for_status(user, course_key, enrollment_mode):
    """A downloadable certificate is final unless the enrollment mode just became eligible."""
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    if cert is None:
        return True

    if cert.status == CertificateStatuses.downloadable and not _is_mode_now_eligible(enrollment_mode, cert):
        log.info(f"Certificate with status {cert.status} already exists for {user.id} : {course_key}.")
        return False

    return True


def _is_ccx_course(course_key):
    """Check if the course is a CCX (custom edX course)"""
    return hasattr(course_key, "ccx")


def _is_passing_grade(course_grade):
    """Check if the grade is a passing grade"""
    if course_grade:
        return course_grade.passed
    return False


def _get_grade_value(course_grade):
    """Get the user's course grade as a percent, or an empty string if there is no grade"""
    if course_grade:
        return course_grade.percent
    return ""


def _get_course_grade(user, course_key):
    """Get the user's course grade in this course run. Note that this may be None."""
    return CourseGradeFactory().read(user, course_key=course_key)


def _get_enrollment_mode(user, course_key):
    """Get the user's enrollment mode for this course run. Note that this may be None."""
    enrollment_mode, __ = CourseEnrollment.enrollment_mode_for_user(user, course_key)
    return enrollment_mode


def _is_cert_downloadable(user, course_key):
    """Check if cert already exists, has a downloadable status, and has not been invalidated"""
    cert = GeneratedCertificate.certificate_for_student(user, course_key)
    if cert is None:
        return False
    if cert.status != CertificateStatuses.downloadable:
        return False
    return not CertificateInvalidation.has_certificate_invalidation(user, course_key)


def _is_mode_now_eligible(enrollment_mode, cert):
    """Check if the current enrollment mode is now eligible, while the enrollment mode on the cert is NOT eligible"""
    return modes_api.is_eligible_for_certificate(enrollment_mode) and not modes_api.is_eligible_for_certificate(
        cert.mode
    )
