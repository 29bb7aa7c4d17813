# Stand-in for edx-platform openedx/core/djangoapps/signals/signals.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
This module contains all general use signals. Reproduced exactly (every signal of the module).

Kwargs as edx-platform sends them:

* ``COURSE_CERT_CHANGED``, ``COURSE_CERT_AWARDED``, ``COURSE_CERT_REVOKED``: ``send_robust(sender=GeneratedCertificate,
  user=<User>, course_key=<CourseKey>, mode=<str>, status=<str>)`` (lms/djangoapps/certificates/models.py).
* ``COURSE_CERT_DATE_CHANGE``: course_key.
* ``COURSE_GRADE_NOW_PASSED``: ``send(sender=CourseGradeFactory, user, course_id)``; ``COURSE_GRADE_NOW_FAILED``:
  ``send(sender=CourseGradeFactory, user, course_id, grade)`` (lms/djangoapps/grades/course_grade_factory.py).
* ``COURSE_GRADE_CHANGED``: ``send_robust(sender=None, user, course_grade, course_key, deadline)``.
"""

from django.dispatch import Signal

# Signal that fires when a user is graded
# providing_args=["user", "course_grade", "course_key", "deadline"]
COURSE_GRADE_CHANGED = Signal()

# Signal that fires when a user is awarded a certificate in a course (in the certificates django app)
# Same providing_args=["user", "course_key", "mode", "status"] for next 3 signals.
COURSE_CERT_CHANGED = Signal()
COURSE_CERT_AWARDED = Signal()
COURSE_CERT_REVOKED = Signal()
# providing_args=["course_key",]
COURSE_CERT_DATE_CHANGE = Signal()

# providing_args=['user', 'course_id', 'subsection_id', 'subsection_grade', ]
COURSE_ASSESSMENT_GRADE_CHANGED = Signal()

# Signal that indicates that a user has passed a course.
# providing_args=['user', 'course_id']
COURSE_GRADE_NOW_PASSED = Signal()
# Signal that indicates a user is now failing a course that they had previously passed.
# providing_args=['user', 'course_id', 'grade']
COURSE_GRADE_NOW_FAILED = Signal()

# Signal that indicates that a user has become verified via SSO for certificate purposes
# providing_args=['user']
LEARNER_SSO_VERIFIED = Signal()

# Signal that indicates a user has been verified via verify_studnet.PhotoVerification for certificate purposes
PHOTO_VERIFICATION_APPROVED = Signal()

# providing_args=['user']
USER_ACCOUNT_ACTIVATED = Signal()  # Signal indicating email verification
