"""Send real openedx-events the way the LMS does (``send_event`` with an explicit event time).

The payload builders are the demo seed's (``devsite.lms_events``); these add the test-friendly signatures.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
)
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CHANGED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_PASSING_STATUS_UPDATED,
    COURSE_UNENROLLMENT_COMPLETED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)

from devsite.lms_events import enrollment_data, grade_data, user_data
from tests.factories import lms_enrollment


def _key(course_key) -> CourseKey:
    return course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))


def _course(course_key) -> CourseData:
    return CourseData(course_key=_key(course_key), display_name="Certificates 101")


def enrollment(user, course_key, mode="verified", is_active=True) -> CourseEnrollmentData:
    return enrollment_data(user, _course(course_key), mode, is_active=is_active)


def enroll(user, course_key, mode="verified", *, at: datetime | None = None):
    lms_enrollment(user.pk, _key(course_key), mode, True)  # inside the LMS, the row exists before its event
    return COURSE_ENROLLMENT_CREATED.send_event(
        enrollment=enrollment(user, course_key, mode), time=at or timezone.now()
    )


def change_enrollment(user, course_key, mode="verified", is_active=True, *, at: datetime | None = None):
    lms_enrollment(user.pk, _key(course_key), mode, is_active)
    return COURSE_ENROLLMENT_CHANGED.send_event(
        enrollment=enrollment(user, course_key, mode, is_active), time=at or timezone.now()
    )


def unenroll(user, course_key, mode="verified", *, at: datetime | None = None):
    lms_enrollment(user.pk, _key(course_key), mode, False)
    return COURSE_UNENROLLMENT_COMPLETED.send_event(
        enrollment=enrollment(user, course_key, mode, False), time=at or timezone.now()
    )


def grade(user_id: int, course_key, percent: float, passed: bool, *, at: datetime | None = None):
    now = at or timezone.now()
    return PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=grade_data(user_id, _course(course_key), percent, passed, at=now), time=now
    )


def passing_status(user, course_key, is_passing: bool, *, at: datetime | None = None):
    return COURSE_PASSING_STATUS_UPDATED.send_event(
        course_passing_status=CoursePassingStatusData(
            is_passing=is_passing, course=_course(course_key), user=user_data(user)
        ),
        time=at or timezone.now(),
    )
