"""Course ids from clients and events: parsed, without branch or version, in the course's own spelling."""

from __future__ import annotations

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from . import errors, lms
from .eligibility import CoursePolicy
from .models import CourseCertificateSettings


def parse_course_key(value: object) -> CourseKey:
    """
    A CourseKey from a string (or a CourseKey), without branch or version.

    ``…+branch@draft+version@…`` name the same course run; a malformed one raises ``InvalidCourseKey``.
    """
    if not isinstance(value, CourseKey):
        try:
            value = CourseKey.from_string(str(value))
        except InvalidKeyError as exc:
            raise errors.InvalidCourseKey(f"'{value}' is not a valid course id.", course_id=str(value)) from exc
    if getattr(value, "branch", None) is not None:
        value = value.for_branch(None)
    if getattr(value, "version_guid", None) is not None:
        value = value.version_agnostic()
    return value


def canonical_course_key(value: object) -> CourseKey:
    """
    The course's own key, as the LMS spells it, for any spelling of it (another case, a branch or a version).

    Every job, lock and row is keyed on that one. A course the LMS does not know keeps the parsed key.
    """
    course_key = parse_course_key(value)
    info = lms.backend().course_overview(course_key)
    return info.course_key if info is not None else course_key


def resolve_course(value: object) -> CourseKey:
    """The course's own key for a course id from a client: ``InvalidCourseKey``, or ``CourseNotFound``."""
    course_key = parse_course_key(value)
    info = lms.backend().course_overview(course_key)
    if info is None:
        raise errors.CourseNotFound(f"No course '{value}'.", course_id=str(value))
    return info.course_key


def course_policy(course_key: CourseKey) -> CoursePolicy:
    """The course's policies (defaults when it has no settings row) and its end date from the adapter."""
    row = CourseCertificateSettings.objects.filter(course_key=course_key).first()
    overview = lms.backend().course_overview(course_key)
    end = overview.end if overview else None
    if row is None:
        return CoursePolicy(course_end=end)
    return CoursePolicy(
        issue_policy=row.issue_policy,
        revoke_on_grade_drop=row.revoke_on_grade_drop,
        eligible_modes=frozenset(row.eligible_modes or ()),
        course_end=end,
    )
