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


def enrollment_data(user, course: CourseData, mode: str, *, is_active: bool = True, at: datetime | None = None):
    """The enrollment payload of the COURSE_ENROLLMENT_* / COURSE_UNENROLLMENT_* events."""
    return CourseEnrollmentData(
        user=user_data(user), course=course, mode=mode, is_active=is_active, creation_date=at or timezone.now()
    )


def grade_data(user_id: int, course: CourseData, percent: float, passed: bool, *, at: datetime, version: str = "v1"):
    """The PERSISTENT_GRADE_SUMMARY_CHANGED payload: edx-platform sets passed_timestamp only while passing."""
    return PersistentCourseGradeData(
        user_id=user_id,
        course=course,
        course_edited_timestamp=at,
        course_version=version,
        grading_policy_hash=version,
        percent_grade=percent,
        letter_grade="Pass" if passed else "",
        passed_timestamp=at if passed else None,
    )


def enroll(user, course: CourseData, mode: str, *, at: datetime | None = None) -> list:
    """COURSE_ENROLLMENT_CREATED, as the LMS sends it when a learner enrolls."""
    at = at or timezone.now()
    return COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment_data(user, course, mode, at=at), time=at)


def grade(user, course: CourseData, percent: float, passed: bool, *, at: datetime | None = None) -> list:
    """PERSISTENT_GRADE_SUMMARY_CHANGED, as the LMS sends it when a persistent course grade is saved."""
    at = at or timezone.now()
    return PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=grade_data(user.pk, course, percent, passed, at=at, version="demo-v1"), time=at
    )
