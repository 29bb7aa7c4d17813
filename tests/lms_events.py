"""Send real openedx-events the way the LMS does (``send_event`` with an explicit event time)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    COURSE_ENROLLMENT_CHANGED,
    COURSE_ENROLLMENT_CREATED,
    COURSE_PASSING_STATUS_UPDATED,
    COURSE_UNENROLLMENT_COMPLETED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)


def user_data(user) -> UserData:
    return UserData(
        id=user.pk,
        is_active=True,
        pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()),
    )


def _course(course_key) -> CourseData:
    key = course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))
    return CourseData(course_key=key, display_name="Certificates 101")


def enrollment(user, course_key, mode="verified", is_active=True) -> CourseEnrollmentData:
    return CourseEnrollmentData(
        user=user_data(user),
        course=_course(course_key),
        mode=mode,
        is_active=is_active,
        creation_date=timezone.now(),
    )


def enroll(user, course_key, mode="verified", *, at: datetime | None = None):
    return COURSE_ENROLLMENT_CREATED.send_event(
        enrollment=enrollment(user, course_key, mode), time=at or timezone.now()
    )


def change_enrollment(user, course_key, mode="verified", is_active=True, *, at: datetime | None = None):
    return COURSE_ENROLLMENT_CHANGED.send_event(
        enrollment=enrollment(user, course_key, mode, is_active), time=at or timezone.now()
    )


def unenroll(user, course_key, mode="verified", *, at: datetime | None = None):
    return COURSE_UNENROLLMENT_COMPLETED.send_event(
        enrollment=enrollment(user, course_key, mode, False), time=at or timezone.now()
    )


def grade(user_id: int, course_key, percent: float, passed: bool, *, at: datetime | None = None):
    now = at or timezone.now()
    return PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=PersistentCourseGradeData(
            user_id=user_id,
            course=_course(course_key),
            course_edited_timestamp=now,
            course_version="v1",
            grading_policy_hash="hash",
            percent_grade=percent,
            letter_grade="Pass" if passed else "",
            passed_timestamp=now if passed else None,
        ),
        time=now,
    )


def passing_status(user, course_key, is_passing: bool, *, at: datetime | None = None):
    return COURSE_PASSING_STATUS_UPDATED.send_event(
        course_passing_status=CoursePassingStatusData(
            is_passing=is_passing, course=_course(course_key), user=user_data(user)
        ),
        time=at or timezone.now(),
    )
