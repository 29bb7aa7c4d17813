# Stand-in for edx-platform lms/djangoapps/certificates/tasks.py at commit e57a655d77b614f19223984e9805b1fb940ab192
# (openedx/openedx-platform).
"""
Tasks that operate on course certificates for a user. Reproduced: ``CERTIFICATE_DELAY_SECONDS = 2`` and the
``generate_certificate`` shared task (``bind=True, default_retry_delay=30, max_retries=2``) with its kwargs
(student id, course_key string, status (default downloadable), enrollment_mode, course_grade (default ''),
generation_mode (default 'batch')). Omitted: edx-celeryutils' LoggedPersistOnFailureTask base, the
code-owner monitoring decorator, the certificate-template task.
"""

from logging import getLogger

from celery import shared_task
from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from lms.djangoapps.certificates.data import CertificateStatuses
from lms.djangoapps.certificates.generation import generate_course_certificate

log = getLogger(__name__)
User = get_user_model()

# Certificate generation is delayed in case the caller is still completing their changes
# (for example a certificate regeneration reacting to a post save rather than post commit signal)
CERTIFICATE_DELAY_SECONDS = 2


@shared_task(bind=True, default_retry_delay=30, max_retries=2)
def generate_certificate(self, **kwargs):
    """Generates a certificate for a single user."""
    student = User.objects.get(id=kwargs.pop("student"))
    course_key = CourseKey.from_string(kwargs.pop("course_key"))
    status = kwargs.pop("status", CertificateStatuses.downloadable)
    enrollment_mode = kwargs.pop("enrollment_mode")
    course_grade = kwargs.pop("course_grade", "")
    generation_mode = kwargs.pop("generation_mode", "batch")

    generate_course_certificate(
        user=student,
        course_key=course_key,
        status=status,
        enrollment_mode=enrollment_mode,
        course_grade=course_grade,
        generation_mode=generation_mode,
    )
