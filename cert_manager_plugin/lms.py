"""
The LMS adapter: the only module that touches edx-platform, and only lazily, inside functions.

``CERT_MANAGER_LMS_BACKEND`` picks the implementation:

* ``"edx_platform"`` — inside the LMS. Every function names the edx-platform API it calls:

  ===========================  ==================================================================
  adapter function             edx-platform API
  ===========================  ==================================================================
  ``find_user``                ``common.djangoapps.student.models.get_user_by_username_or_email``
  ``find_users``               ``django.contrib.auth`` User ``username__in`` / ``email__in``
  ``display_names``            ``common.djangoapps.student.models.UserProfile`` (``name``)
  ``course_roles``             ``common.djangoapps.student.roles.CourseInstructorRole`` /
                               ``CourseStaffRole`` (``has_user``)
  ``is_global_staff``          ``common.djangoapps.student.roles.GlobalStaff`` (``has_user``)
  ``course_overview``          ``openedx.core.djangoapps.content.course_overviews.api
                               .get_course_overview_or_none``
  ``enrolled_user_ids``        ``common.djangoapps.student.models.CourseEnrollment``
                               (``course_id``, ``is_active``)
  ``enrolled_among``           ``CourseEnrollment`` (``course_id``, ``is_active``, ``user_id__in``)
  ``backfill_rows``            ``CourseEnrollment`` joined with
                               ``lms.djangoapps.grades.models.PersistentCourseGrade``
  ===========================  ==================================================================

* ``"standalone"`` — the plugin's own tables (``StandaloneCourse``, ``StandaloneCourseRole``,
  ``LearnerRecord``) and Django's User: the demo host and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils.module_loading import import_string
from opaque_keys.edx.keys import CourseKey

from .data import CourseRole
from .sql import ids_in


@dataclass(frozen=True)
class CourseInfo:
    """What the plugin needs of a course overview."""

    course_key: CourseKey
    display_name: str
    org: str
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class BackfillRow:
    """One learner's enrollment and persistent grade, as the LMS holds them."""

    user_id: int
    mode: str
    is_active: bool
    percent_grade: float | None
    passed: bool
    passed_timestamp: datetime | None


LOOKUP_CHUNK = 900  # below SQLite's host-parameter limit


def _users_by_identifier(identifiers: Iterable[str]) -> dict[str, object]:
    """
    Map each identifier that exists to its user, a constant number of queries per chunk of 900.

    Emails match in any case (the lowest id wins if two accounts share one); usernames match exactly,
    else in any case when that is unambiguous: the same rules as ``StandaloneBackend.find_user``.
    """
    idents = list(dict.fromkeys(i.strip() for i in identifiers if i and i.strip()))
    names = [i for i in idents if "@" not in i]
    emails = list(dict.fromkeys(i.lower() for i in idents if "@" in i))
    # lowest pk written last, so it wins; only the columns bulk callers read (pk, username, email)
    users = get_user_model().objects.only("pk", "username", "email").order_by("-pk")
    by_name: dict[str, object] = {}
    by_email: dict[str, object] = {}
    for start in range(0, len(names), LOOKUP_CHUNK):
        for user in users.filter(username__in=names[start : start + LOOKUP_CHUNK]):
            by_name[user.username] = user
    missing = list(dict.fromkeys(n.lower() for n in names if n not in by_name))
    folded: dict[str, list] = {}
    for start in range(0, len(missing), LOOKUP_CHUNK):
        chunk = missing[start : start + LOOKUP_CHUNK]
        for user in users.annotate(username_lower=Lower("username")).filter(username_lower__in=chunk):
            folded.setdefault(user.username.lower(), []).append(user)
    for start in range(0, len(emails), LOOKUP_CHUNK):
        chunk = emails[start : start + LOOKUP_CHUNK]
        for user in users.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            by_email[user.email.lower()] = user
    found: dict[str, object] = {}
    for ident in idents:
        if "@" in ident:
            user = by_email.get(ident.lower())
        else:
            candidates = folded.get(ident.lower(), [])
            user = by_name.get(ident) or (candidates[0] if len(candidates) == 1 else None)
        if user is not None:
            found[ident] = user
    return found


class StandaloneBackend:
    """The plugin's own tables: the demo host and the tests."""

    def find_user(self, identifier: str):
        """
        A user by username or email, or None.

        Emails match in any case (the lowest id if two accounts share one). A username matches exactly,
        else in any case when exactly one account has it that way (Django usernames are case-sensitive).
        """
        identifier = (identifier or "").strip()
        if not identifier:
            return None
        users = get_user_model().objects.order_by("pk")
        # Lower() rather than __iexact: MySQL's iexact is LIKE, case-sensitive under a binary collation.
        if "@" in identifier:
            return users.annotate(email_lower=Lower("email")).filter(email_lower=identifier.lower()).first()
        exact = users.filter(username=identifier).first()
        if exact is not None:
            return exact
        folded = users.annotate(username_lower=Lower("username")).filter(username_lower=identifier.lower())
        candidates = list(folded[:2])
        return candidates[0] if len(candidates) == 1 else None

    def find_users(self, identifiers: Iterable[str]) -> dict[str, object]:
        """Map each identifier (username, or email in any case) that exists to its user."""
        return _users_by_identifier(identifiers)

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """The name printed on certificates: full name, else username."""
        User = get_user_model()
        rows = ids_in(User.objects.all(), User, User._meta.pk.column, list(user_ids)).values_list(
            "pk", "first_name", "last_name", "username"
        )
        return {pk: (f"{first} {last}".strip() or username) for pk, first, last, username in rows}

    def course_roles(self, user, course_key: CourseKey) -> set[str]:
        """The user's course team roles in the course."""
        from .models import StandaloneCourseRole

        return set(StandaloneCourseRole.objects.filter(user=user, course_key=course_key).values_list("role", flat=True))

    def is_global_staff(self, user) -> bool:
        """Global staff manage every course."""
        return bool(getattr(user, "is_staff", False))

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        """The course, or None when it does not exist."""
        from .models import StandaloneCourse

        course = StandaloneCourse.objects.filter(course_key=course_key).first()
        if course is None:
            return None
        return CourseInfo(course.course_key, course.display_name, course.org, course.start, course.end)

    def enrolled_user_ids(self, course_key: CourseKey) -> set[int]:
        """Users actively enrolled in the course."""
        from .models import LearnerRecord

        return set(
            LearnerRecord.objects.filter(course_key=course_key, is_active=True).values_list("user_id", flat=True)
        )

    def enrolled_among(self, course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are actively enrolled (one query a chunk)."""
        from .models import LearnerRecord

        ids, found = list(user_ids), set()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            found.update(
                LearnerRecord.objects.filter(
                    course_key=course_key, is_active=True, user_id__in=ids[start : start + LOOKUP_CHUNK]
                ).values_list("user_id", flat=True)
            )
        return found

    def backfill_rows(self, course_key: CourseKey) -> Iterator[BackfillRow]:
        """Standalone: the records are the source of truth already; nothing to backfill from."""
        return iter(())


class EdxPlatformBackend(StandaloneBackend):
    """Inside the LMS: every method imports edx-platform lazily (see the module docstring)."""

    def find_user(self, identifier: str):
        from common.djangoapps.student.models import get_user_by_username_or_email

        User = get_user_model()
        try:
            return get_user_by_username_or_email((identifier or "").strip())
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            return None

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        from common.djangoapps.student.models import UserProfile

        ids = list(user_ids)
        names = dict(UserProfile.objects.filter(user_id__in=ids).values_list("user_id", "name"))
        fallback = super().display_names(i for i in ids if not names.get(i))
        return {i: names.get(i) or fallback.get(i, "") for i in ids}

    def course_roles(self, user, course_key: CourseKey) -> set[str]:
        from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole

        roles = set()
        if CourseInstructorRole(course_key).has_user(user):
            roles.add(CourseRole.INSTRUCTOR.value)
        if CourseStaffRole(course_key).has_user(user):
            roles.add(CourseRole.STAFF.value)
        return roles

    def is_global_staff(self, user) -> bool:
        from common.djangoapps.student.roles import GlobalStaff

        return bool(getattr(user, "is_staff", False)) or GlobalStaff().has_user(user)

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        from openedx.core.djangoapps.content.course_overviews.api import (
            get_course_overview_or_none,
        )

        overview = get_course_overview_or_none(course_key)
        if overview is None:
            return None
        return CourseInfo(overview.id, overview.display_name, overview.org, overview.start, overview.end)

    def enrolled_user_ids(self, course_key: CourseKey) -> set[int]:
        from common.djangoapps.student.models import CourseEnrollment

        return set(
            CourseEnrollment.objects.filter(course_id=course_key, is_active=True).values_list("user_id", flat=True)
        )

    def enrolled_among(self, course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
        from common.djangoapps.student.models import CourseEnrollment

        ids, found = list(user_ids), set()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            found.update(
                CourseEnrollment.objects.filter(
                    course_id=course_key, is_active=True, user_id__in=ids[start : start + LOOKUP_CHUNK]
                ).values_list("user_id", flat=True)
            )
        return found

    def backfill_rows(self, course_key: CourseKey) -> Iterator[BackfillRow]:
        from common.djangoapps.student.models import CourseEnrollment
        from lms.djangoapps.grades.models import PersistentCourseGrade

        grades = {
            g["user_id"]: g
            for g in PersistentCourseGrade.objects.filter(course_id=course_key).values(
                "user_id", "percent_grade", "passed_timestamp"
            )
        }
        enrollments = CourseEnrollment.objects.filter(course_id=course_key).values_list("user_id", "mode", "is_active")
        for user_id, mode, is_active in enrollments.iterator(chunk_size=2000):
            grade = grades.get(user_id, {})
            yield BackfillRow(
                user_id=user_id,
                mode=mode,
                is_active=is_active,
                percent_grade=grade.get("percent_grade"),
                passed=grade.get("passed_timestamp") is not None,
                passed_timestamp=grade.get("passed_timestamp"),
            )


BACKENDS = {
    "standalone": "cert_manager_plugin.lms.StandaloneBackend",
    "edx_platform": "cert_manager_plugin.lms.EdxPlatformBackend",
}


@cache
def _backend_for(name: str) -> StandaloneBackend:
    return import_string(BACKENDS.get(name, name))()


def backend() -> StandaloneBackend:
    """The adapter chosen by ``CERT_MANAGER_LMS_BACKEND`` (a name above or a dotted class path)."""
    return _backend_for(getattr(settings, "CERT_MANAGER_LMS_BACKEND", "standalone"))
