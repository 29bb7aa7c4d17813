# Stand-in for edx-platform lms/djangoapps/certificates/generation.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Course certificate generation (called from the ``generate_certificate`` task). Reproduced exactly:
``generate_course_certificate(user, course_key, status, enrollment_mode, course_grade, generation_mode)``, which
keeps an existing ``verify_uuid`` (else ``uuid4().hex``) and writes the row with
``GeneratedCertificate.objects.update_or_create(user=, course_id=, defaults={mode, name, status, grade, download_url
'', key '', verify_uuid, error_reason ''})``; Django's update_or_create calls ``save()``, so the certificate
events fire. An ``unverified`` status then goes through ``mark_unverified``. Omitted: the ``edx.certificate.created``
tracking event.
"""

import logging
from uuid import uuid4

from lms.djangoapps.certificates.data import CertificateStatuses
from lms.djangoapps.certificates.models import GeneratedCertificate
from lms.djangoapps.certificates.utils import get_preferred_certificate_name

log = logging.getLogger(__name__)


def generate_course_certificate(  # noqa: PLR0917 (edx-platform's signature)
    user, course_key, status, enrollment_mode, course_grade, generation_mode
):
    """Generate a course certificate for this user, in this course run."""
    cert = _generate_certificate(
        user=user, course_key=course_key, status=status, enrollment_mode=enrollment_mode, course_grade=course_grade
    )

    if CertificateStatuses.unverified == cert.status:
        cert.mark_unverified(mode=enrollment_mode, source="certificate_generation")

    return cert


def _generate_certificate(user, course_key, status, enrollment_mode, course_grade):
    """Generate a certificate for this user, in this course run."""
    # Retrieve the existing certificate for the learner if it exists
    existing_certificate = GeneratedCertificate.certificate_for_student(user, course_key)

    preferred_name = get_preferred_certificate_name(user)

    # Retain the `verify_uuid` from an existing certificate if possible, this will make it possible for the learner to
    # keep the existing URL to their certificate
    if existing_certificate and existing_certificate.verify_uuid:
        uuid = existing_certificate.verify_uuid
    else:
        uuid = uuid4().hex

    cert, created = GeneratedCertificate.objects.update_or_create(
        user=user,
        course_id=course_key,
        defaults={
            "user": user,
            "course_id": course_key,
            "mode": enrollment_mode,
            "name": preferred_name,
            "status": status,
            "grade": course_grade,
            "download_url": "",
            "key": "",
            "verify_uuid": uuid,
            "error_reason": "",
        },
    )

    created_msg = "Certificate was created." if created else "Certificate already existed and was updated."
    log.info(
        f"Generated certificate with status {cert.status}, mode {cert.mode} and grade {cert.grade} for {user.id} "
        f": {course_key}. {created_msg}"
    )
    return cert
