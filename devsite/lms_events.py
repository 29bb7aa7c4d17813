"""
Send real openedx-events the way the LMS does, for the demo seed (``send_event`` with an explicit time).

The receivers connected by edx-django-utils pick them up exactly as they would inside the LMS.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import (
    CourseData,
    CourseEnrollmentData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED, PERSISTENT_GRADE_SUMMARY_CHANGED


def course_data(course_key: CourseKey, display_name: str) -> CourseData:
    """The course as openedx-events describes it."""
    return CourseData(course_key=course_key, display_name=display_name)


def user_data(user) -> UserData:
    """The learner as openedx-events describes it (with PII, as the LMS sends it)."""
    return UserData(
        id=user.pk,
        is_active=user.is_active,
        pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()),
    )


def enroll(user, course: CourseData, mode: str, *, at: datetime | None = None) -> list:
    """COURSE_ENROLLMENT_CREATED, as the LMS sends it when a learner enrolls."""
    at = at or timezone.now()
    return COURSE_ENROLLMENT_CREATED.send_event(
        enrollment=CourseEnrollmentData(
            user=user_data(user), course=course, mode=mode, is_active=True, creation_date=at
        ),
        time=at,
    )


def grade(user, course: CourseData, percent: float, passed: bool, *, at: datetime | None = None) -> list:
    """PERSISTENT_GRADE_SUMMARY_CHANGED, as the LMS sends it when a persistent course grade is saved."""
    at = at or timezone.now()
    return PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=PersistentCourseGradeData(
            user_id=user.pk,
            course=course,
            course_edited_timestamp=at,
            course_version="demo-v1",
            grading_policy_hash="demo",
            percent_grade=percent,
            letter_grade="Pass" if passed else "",
            passed_timestamp=at if passed else None,
        ),
        time=at,
    )
