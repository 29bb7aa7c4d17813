"""Who may do what in a course's certificate management, and course/learner facts the views show (LMS adapter)."""

from __future__ import annotations

from collections.abc import Iterable

from opaque_keys.edx.keys import CourseKey

from . import lms
from .data import CourseRole

MANAGE, READ = "manage", "read"


def course_info(course_key: CourseKey) -> lms.CourseInfo | None:
    """The course overview from the LMS adapter (None when the course does not exist)."""
    return lms.backend().course_overview(course_key)


def course_access(user, course_key: CourseKey) -> str | None:
    """
    What ``user`` may do in the course's certificate management: ``"manage"`` (global staff, course
    instructors), ``"read"`` (course staff) or None.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    backend = lms.backend()
    if backend.is_global_staff(user):
        return MANAGE
    roles = backend.course_roles(user, course_key)
    if CourseRole.INSTRUCTOR in roles:
        return MANAGE
    if CourseRole.STAFF in roles:
        return READ
    return None


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Learners' full names (one query for the whole set)."""
    return lms.backend().display_names(user_ids)
