# Stand-in for edx-platform common/djangoapps/student/signals/signals.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (openedx/openedx-platform).
"""
Django signals of the student app that ``CourseEnrollment`` sends (kwargs as sent by
common/djangoapps/student/models/course_enrollment.py at commit 0b870c132a5e8e2e1f1c4b3b2b20e329738d3a49):

* ``ENROLL_STATUS_CHANGE``: sender=None, event, user, mode, course_id, cost, currency.
* ``ENROLLMENT_TRACK_UPDATED``: sender=None, user, course_key, mode, countdown.
* ``UNENROLL_DONE``: sender=None, course_enrollment, skip_refund.

Omitted: the other student signals (email change, refund, course access role events).
"""

from django.dispatch import Signal

ENROLL_STATUS_CHANGE = Signal()
ENROLLMENT_TRACK_UPDATED = Signal()
UNENROLL_DONE = Signal()
