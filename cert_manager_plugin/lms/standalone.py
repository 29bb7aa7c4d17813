"""
The standalone adapter: the plugin's own tables and Django's User, for the demo host and the tests.

Courses are ``StandaloneCourse``, course teams ``StandaloneCourseRole``, enrollments and grades
``LearnerRecord``. There is no LMS: its lists and rows are empty, and nothing is written through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from ..models import LearnerRecord, StandaloneCourse, StandaloneCourseRole
from ..sql import ids_in
from .base import (
    BackfillRow,
    CourseInfo,
    LmsAllowlistRow,
    LmsCertificate,
    LmsCertificateRow,
    LmsLearnerLists,
    LmsTransition,
)
from .lookups import one_in_any_case, user_by_identifier, user_ids_among, users_by_identifier

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class StandaloneBackend:
    """The plugin's own tables: the demo host and the tests."""

    # capabilities (``LmsAdapter``): no LMS around; the plugin's own tables and Django's mail
    inside_lms = False
    sends_mail_through_ace = False
    owns_retirement = False
    writes_lms_certificates = False  # the engine skips the write-through work
    has_course_roles_command = True

    def find_user(self, identifier: str) -> AbstractBaseUser | None:
        """
        A user by username or email, or None.

        Emails match in any case (the lowest id if two accounts share one). A username matches exactly,
        else in any case when exactly one account has it that way (Django usernames are case-sensitive).
        """
        return user_by_identifier(identifier)

    def find_users(self, identifiers: Iterable[str]) -> dict[str, object]:
        """Map each identifier (username, or email in any case) that exists to its user."""
        return users_by_identifier(identifiers)

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """The name printed on certificates: full name, else username."""
        User = get_user_model()
        rows = ids_in(User.objects.all(), User, User._meta.pk.name, list(user_ids)).values_list(
            "pk", "first_name", "last_name", "username"
        )
        return {pk: (f"{first} {last}".strip() or username) for pk, first, last, username in rows}

    def course_roles(self, user: AbstractBaseUser, course_key: CourseKey) -> set[str]:
        """The user's course team roles in the course."""
        return set(StandaloneCourseRole.objects.filter(user=user, course_key=course_key).values_list("role", flat=True))

    def is_global_staff(self, user: AbstractBaseUser) -> bool:
        """Global staff manage every course."""
        return bool(getattr(user, "is_staff", False))

    def linkedin_configuration(self) -> Any:  # noqa: ANN401 - the LMS's model instance
        """The LMS's current ``LinkedInAddToProfileConfiguration``; None standalone (the plugin's setting decides)."""
        return None

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        """The course (its own key, whatever the case of ``course_key``), or None when it does not exist."""
        course = StandaloneCourse.objects.filter(course_key=course_key).first()
        if course is None:
            course = one_in_any_case(StandaloneCourse.objects.all(), "course_key", course_key)
        if course is None:
            return None
        return CourseInfo(course.course_key, course.display_name, course.org, course.start, course.end)

    def enrolled_user_ids(self, course_key: CourseKey) -> set[int]:
        """Users actively enrolled in the course."""
        return set(
            LearnerRecord.objects.filter(course_key=course_key, is_active=True).values_list("user_id", flat=True)
        )

    def enrolled_among(self, course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are actively enrolled (one query a chunk)."""
        return user_ids_among(LearnerRecord.objects, user_ids, course_key=course_key, is_active=True)

    def backfill_rows(self, course_key: CourseKey) -> Iterator[BackfillRow]:
        """Standalone: the records are the source of truth already; nothing to backfill from."""
        return iter(())

    def lms_certificates(self, course_key: CourseKey) -> Iterator[LmsCertificateRow]:
        """Standalone: there is no LMS certificate table to seed from."""
        return iter(())

    def lms_allowlist(self, course_key: CourseKey) -> Iterator[LmsAllowlistRow]:
        """Standalone: there is no LMS allowlist to seed from."""
        return iter(())

    def sync_lms_certificates(
        self,
        course_key: CourseKey,
        targets: Sequence[LmsCertificate],
        verify_ids: Callable[[list[int]], dict[int, str]],
        download_url: Callable[[str], str],
    ) -> list[LmsTransition]:
        """Standalone: nothing to write through."""
        return []

    def announce_lms_changes(self, course_key: CourseKey, transitions: Sequence[LmsTransition]) -> int:
        """Standalone: nobody listens for the LMS's certificate signals."""
        return 0

    def connect_lms_writes(self, receivers: Mapping[str, Callable[..., None]], dispatch_prefix: str) -> list[str]:
        """Standalone: the LMS writes no certificate, list or setting of its own. Nothing connected."""
        return []

    def lms_learner_lists(self, course_key: CourseKey, user_id: int) -> LmsLearnerLists:
        """Standalone: no LMS lists."""
        return LmsLearnerLists(allowlisted=False, allowlist_notes="", invalidated=False, invalidation_notes="")

    def lms_certificate(self, course_key: CourseKey, user_id: int) -> LmsCertificateRow | None:
        """Standalone: no LMS certificate row."""
        return None

    def redact_lms_certificate_history(self, user_id: int) -> int:
        """Standalone: no LMS history table."""
        return 0

    def push_allowlist(self, course_key: CourseKey, entries: Mapping[int, str | None]) -> set[int]:
        """Standalone: no LMS allowlist to write. Nothing pushed."""
        return set()

    def push_invalidation(
        self, course_key: CourseKey, user_id: int, notes: str | None, invalidated_by: int | None
    ) -> bool:
        """Standalone: no LMS invalidation list to write. Nothing pushed."""
        return False

    def silence_lms_certificate_handlers(self) -> list[str]:
        """Standalone: the LMS's certificate handlers do not exist."""
        return []

    def preferred_languages(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Learners' preferred languages (standalone: none recorded)."""
        return {}
