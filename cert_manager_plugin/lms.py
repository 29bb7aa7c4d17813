"""
The LMS adapter: the only module that touches edx-platform, and only lazily, inside functions.

``CERT_MANAGER_LMS_BACKEND`` picks the implementation; its default ``"auto"`` takes ``"edx_platform"`` when
the host has edx-platform's apps installed (``common.djangoapps.student`` and ``lms.djangoapps.certificates``:
inside the LMS, whatever settings module it runs) and ``"standalone"`` otherwise (the demo host, the tests):

* ``"edx_platform"`` — inside the LMS. Every function names the edx-platform API it calls:

  ===========================  ==================================================================
  adapter function             edx-platform API
  ===========================  ==================================================================
  ``find_user``                ``common.djangoapps.student.models.get_user_by_username_or_email``
  ``find_users``               ``django.contrib.auth`` User ``username__in`` / ``email__in``
  ``display_names``            ``common.djangoapps.student.models.UserProfile`` (``name``), and
                               ``lms.djangoapps.certificates.utils.get_preferred_certificate_name`` when
                               ``openedx.features.name_affirmation_api.utils.get_name_affirmation_service()``
  ``course_roles``             ``common.djangoapps.student.roles.CourseInstructorRole`` /
                               ``CourseStaffRole`` (``has_user``)
  ``is_global_staff``          ``common.djangoapps.student.roles.GlobalStaff`` (``has_user``)
  ``course_overview``          ``openedx.core.djangoapps.content.course_overviews.api
                               .get_course_overview_or_none`` (then ``CourseOverview`` by ``id`` in
                               any case)
  ``enrolled_user_ids``        ``common.djangoapps.student.models.CourseEnrollment``
                               (``course_id``, ``is_active``)
  ``enrolled_among``           ``CourseEnrollment`` (``course_id``, ``is_active``, ``user_id__in``)
  ``backfill_rows``            ``CourseEnrollment`` joined with
                               ``lms.djangoapps.grades.models.PersistentCourseGrade``
  ``lms_certificates``         ``lms.djangoapps.certificates.models.GeneratedCertificate`` (read, for
                               the backfill: same verify ids) and ``CertificateInvalidation`` (active)
  ``lms_allowlist``            ``lms.djangoapps.certificates.models.CertificateAllowlist`` (``allowlist``)
  ``sync_lms_certificates``    ``GeneratedCertificate`` (and its ``history`` table, django-simple-history):
                               set-based UPDATE/INSERT, no ``save()``, so nothing is announced twice
  ``announce_lms_changes``     ``openedx.core.djangoapps.signals.signals`` ``COURSE_CERT_CHANGED`` /
                               ``COURSE_CERT_AWARDED`` / ``COURSE_CERT_REVOKED`` (``send_robust``, as
                               ``GeneratedCertificate.save()`` / ``_revoke_certificate()`` send them)
  ``connect_lms_writes``       ``post_save`` of ``GeneratedCertificate``, ``CertificateAllowlist``,
                               ``CertificateInvalidation``, ``CertificateGenerationCourseSetting``,
                               ``UserProfile``; ``post_delete`` of ``CertificateAllowlist`` (the LMS's own writes)
  ``lms_learner_lists``        ``CertificateAllowlist`` (``allowlist``) and active ``CertificateInvalidation``
  ``redact_lms_certificate_``  ``GeneratedCertificate.history`` (name), behind ``lms.djangoapps.certificates.config``
  ``history``                  ``ENABLE_REDACT_HISTORICAL_PII_RETIREMENT``
  ``preferred_languages``      ``openedx.core.djangoapps.user_api.models.UserPreference`` (``pref-lang``)
  ``silence_lms_certificate_`` ``COURSE_GRADE_NOW_FAILED``: disconnects ``lms.djangoapps.certificates.signals``
  ``handlers``                 ``_listen_for_failing_grade`` (dispatch_uid ``new_failing_learner``)
  ``retirement_signals``       ``openedx.core.djangoapps.user_api.accounts.signals``
                               ``USER_RETIRE_LMS_CRITICAL`` (kwargs ``user``, ``retired_username``,
                               ``retired_email``) and ``USER_RETIRE_LMS_MISC`` (``user``)
  ===========================  ==================================================================

* ``"standalone"`` — the plugin's own tables (``StandaloneCourse``, ``StandaloneCourseRole``,
  ``LearnerRecord``) and Django's User: the demo host and the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.module_loading import import_string
from opaque_keys.edx.keys import CourseKey

from .data import CourseRole, passing_now
from .models import LearnerRecord, StandaloneCourse, StandaloneCourseRole
from .sql import column, dt_adapter, ids_in, table, update_rows

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)


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


@dataclass(frozen=True, slots=True)
class LmsCertificate:
    """The state of one of our certificates that the LMS's ``GeneratedCertificate`` row must show."""

    user_id: int
    status: str
    mode: str
    grade: float | None
    name: str
    verify_uuid: str | None  # 32 hex; None when the caller did not load it (looked up only if a write needs it)


@dataclass(frozen=True, slots=True)
class LmsTransition:
    """A ``GeneratedCertificate`` row the plugin wrote: its status before (None: created) and what it shows now."""

    user_id: int
    before: str | None
    after: str
    mode: str
    grade: str = ""  # as the row stores it ("0.95")
    name: str = ""
    download_url: str = ""

    @property
    def revoked(self) -> bool:
        """
        Whether the write is one ``_revoke_certificate`` would make (and announce as a revocation).

        edx-platform revokes an existing row into unavailable (``invalidate``), notpassing (``mark_notpassing``) or
        unverified (``mark_unverified``), and only from another status; a row it creates is a plain ``save()``.
        """
        return self.before is not None and self.before != self.after and self.after in LMS_REVOKED


@dataclass(frozen=True, slots=True)
class LmsLearnerLists:
    """A learner's entries in the LMS's own lists: ``CertificateAllowlist`` and ``CertificateInvalidation``."""

    allowlisted: bool
    allowlist_notes: str
    invalidated: bool
    invalidation_notes: str


@dataclass(frozen=True, slots=True)
class LmsCertificateRow:
    """An existing ``GeneratedCertificate`` and the LMS's lists for its learner (backfill)."""

    user_id: int
    status: str
    mode: str
    grade: float | None
    name: str
    verify_uuid: str
    created: datetime | None
    invalidated: bool = False
    invalidation_notes: str = ""


@dataclass(frozen=True, slots=True)
class LmsAllowlistRow:
    """An entry of the LMS's certificate allowlist (its "exceptions")."""

    user_id: int
    notes: str


#: edx-platform's passing statuses (``CertificateStatuses.PASSED_STATUSES``: downloadable, generating).
LMS_PASSING = frozenset({"downloadable", "generating"})
#: The statuses ``GeneratedCertificate._revoke_certificate`` writes (``invalidate``, ``mark_notpassing``,
#: ``mark_unverified``): lms/djangoapps/certificates/models.py, openedx/openedx-platform 2579a6d6aca7f65e8dbdda58066f.
LMS_REVOKED = frozenset({"unavailable", "notpassing", "unverified"})
#: Statuses whose row keeps no grade: ``invalidate()`` and ``mark_unverified()`` pass none, so ``grade = ''``.
LMS_GRADELESS = frozenset({"unavailable", "unverified"})


def lms_grade(grade: float | None, status: str = "") -> str:
    """
    A grade as ``GeneratedCertificate.grade`` stores it: the decimal string of a 0-1 fraction ("0.95").

    For a status the LMS writes through ``_revoke_certificate`` it is what that leaves: '' for unavailable and
    unverified (no grade passed), and for notpassing with a falsy grade (``if not grade: grade = ''``).
    """
    if grade is None or status in LMS_GRADELESS or (status in LMS_REVOKED and not grade):
        return ""
    return str(round(float(grade), 2))[:5]


def parse_lms_grade(value: str | None) -> float | None:
    """``GeneratedCertificate.grade`` ("0.95", "", junk) as a float, or None."""
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


LOOKUP_CHUNK = 900  # below SQLite's host-parameter limit


def _one_in_any_case(queryset: QuerySet, field: str, key: object) -> Model | None:
    """The one row whose ``field`` equals ``key`` in any case (None when none, or when two differ only in case)."""
    rows = list(queryset.annotate(_key_lower=Lower(field)).filter(_key_lower=str(key).lower())[:2])
    return rows[0] if len(rows) == 1 else None


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

    def find_user(self, identifier: str) -> AbstractBaseUser | None:
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
            course = _one_in_any_case(StandaloneCourse.objects.all(), "course_key", course_key)
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

    #: Whether certificate changes are written through to an LMS certificate table (engine skips the work).
    writes_lms_certificates = False

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


class EdxPlatformBackend(StandaloneBackend):
    """Inside the LMS: every method imports edx-platform lazily (see the module docstring)."""

    def find_user(self, identifier: str) -> AbstractBaseUser | None:
        """
        A user by username or email through the LMS's own lookup, or None.

        ``get_user_by_username_or_email`` (exact; refuses accounts with a retirement request), then, as the
        standalone adapter does, an email in another case or an unambiguous username in another case, checked
        again through the LMS's function under its exact username so its refusals still apply.
        """
        from common.djangoapps.student.models import get_user_by_username_or_email

        User = get_user_model()
        identifier = (identifier or "").strip()
        try:
            return get_user_by_username_or_email(identifier)
        except User.MultipleObjectsReturned:
            return None
        except User.DoesNotExist:
            pass
        folded = super().find_user(identifier)
        if folded is None or folded.username == identifier:
            return None
        try:
            return get_user_by_username_or_email(folded.username)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            return None

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """
        The name the LMS prints on certificates: ``get_preferred_certificate_name``, else the username.

        ``lms.djangoapps.certificates.utils.get_preferred_certificate_name`` (openedx/openedx-platform
        e57a655d77b614f19223984e9805b1fb940ab192) is the verified name when name affirmation says to use it for
        certificates, else the profile name. Set-based (one profile query) unless the name-affirmation plugin is
        installed, when the LMS's function answers for each learner. A retired account prints nothing: its
        username is a hash and its name is gone, whatever a profile row still says.
        """
        from common.djangoapps.student.models import UserProfile

        ids = list(user_ids)
        names = dict(ids_in(UserProfile.objects.all(), UserProfile, "user", ids).values_list("user_id", "name"))
        preferred = _preferred_names(ids)
        if preferred is not None:
            names.update(preferred)
        User = get_user_model()
        accounts = ids_in(User.objects.all(), User, User._meta.pk.name, ids).values_list("pk", "username")
        retired = getattr(settings, "RETIRED_USERNAME_PREFIX", "retired__user_")
        usernames = dict(accounts)
        return {
            i: "" if str(usernames.get(i, "")).startswith(retired) else (names.get(i) or usernames.get(i, ""))
            for i in ids
        }

    def course_roles(self, user: AbstractBaseUser, course_key: CourseKey) -> set[str]:
        """The LMS's course team roles (``CourseInstructorRole``, ``CourseStaffRole``) of the user."""
        from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole

        roles = set()
        if CourseInstructorRole(course_key).has_user(user):
            roles.add(CourseRole.INSTRUCTOR.value)
        if CourseStaffRole(course_key).has_user(user):
            roles.add(CourseRole.STAFF.value)
        return roles

    def is_global_staff(self, user: AbstractBaseUser) -> bool:
        """Django staff, or the LMS's ``GlobalStaff`` role."""
        from common.djangoapps.student.roles import GlobalStaff

        return bool(getattr(user, "is_staff", False)) or GlobalStaff().has_user(user)

    def linkedin_configuration(self) -> Any:  # noqa: ANN401 - the LMS's model instance
        """
        ``LinkedInAddToProfileConfiguration.current()`` of the LMS (None when the LMS has no such model).

        ``common/djangoapps/student/models/user.py`` (openedx/edx-platform 01d40bd4255131e3f5391a2b648a49ff00d09f3e):
        a ConfigurationModel with ``company_identifier``, ``is_enabled()`` (also ``SOCIAL_SHARING_SETTINGS``'s
        ``CERTIFICATE_LINKEDIN``) and ``add_to_profile_url(course_name, cert_mode, cert_url, certificate=None)``.
        """
        try:
            from common.djangoapps.student.models import LinkedInAddToProfileConfiguration
        except ImportError:
            return None
        return LinkedInAddToProfileConfiguration.current()

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        """The course's name, organization and dates from the LMS's ``CourseOverview`` (None when unknown)."""
        from openedx.core.djangoapps.content.course_overviews.api import (
            get_course_overview_or_none,
        )

        overview = get_course_overview_or_none(course_key)
        if overview is None:  # another case: MySQL's collation finds it above, PostgreSQL's and SQLite's do not
            from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

            overview = _one_in_any_case(CourseOverview.objects.all(), "id", course_key)
        if overview is None:
            return None
        return CourseInfo(overview.id, overview.display_name, overview.org, overview.start, overview.end)

    def enrolled_user_ids(self, course_key: CourseKey) -> set[int]:
        """Ids of the learners actively enrolled in the course (the LMS's ``CourseEnrollment``)."""
        from common.djangoapps.student.models import CourseEnrollment

        return set(
            CourseEnrollment.objects.filter(course_id=course_key, is_active=True).values_list("user_id", flat=True)
        )

    def enrolled_among(self, course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are actively enrolled in the course (the LMS's ``CourseEnrollment``)."""
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
        """
        Every enrollment of the course with the learner's persisted grade (``PersistentCourseGrade``).

        "Passing now" is a non-empty ``letter_grade``, as the LMS's ``CourseGrade`` reads it: edx-platform's
        ``PersistentCourseGrade.update_or_create`` sets ``passed_timestamp`` on the first pass and never clears
        it (lms/djangoapps/grades/models.py, openedx/openedx-platform 3b7eee77d13ce639d136eaa68b74d9b51e1a8a1a),
        so a learner who passed once and has since dropped below the cutoff still has one.
        """
        from common.djangoapps.student.models import CourseEnrollment
        from lms.djangoapps.grades.models import PersistentCourseGrade

        grades = {
            g["user_id"]: g
            for g in PersistentCourseGrade.objects.filter(course_id=course_key).values(
                "user_id", "percent_grade", "letter_grade", "passed_timestamp"
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
                passed=passing_now(grade.get("letter_grade"), grade.get("passed_timestamp")),
                passed_timestamp=grade.get("passed_timestamp"),
            )

    # --- the LMS's certificate record (GeneratedCertificate) follows ours ---------------------------

    writes_lms_certificates = True

    def lms_allowlist(self, course_key: CourseKey) -> Iterator[LmsAllowlistRow]:
        """The LMS's certificate allowlist of the course (``CertificateAllowlist``, ``allowlist=True``)."""
        from lms.djangoapps.certificates.models import CertificateAllowlist

        rows = CertificateAllowlist.objects.filter(course_id=course_key, allowlist=True).values_list("user_id", "notes")
        for user_id, notes in rows.iterator(chunk_size=2000):
            yield LmsAllowlistRow(user_id, notes or "")

    def lms_certificates(self, course_key: CourseKey) -> Iterator[LmsCertificateRow]:
        """The course's ``GeneratedCertificate`` rows, each with whether the LMS invalidated it and why."""
        from lms.djangoapps.certificates.models import GeneratedCertificate

        return self._lms_certificate_rows(course_key, GeneratedCertificate.objects.filter(course_id=course_key))

    def _lms_certificate_rows(
        self, course_key: CourseKey, queryset: QuerySet, only_user: int | None = None
    ) -> Iterator[LmsCertificateRow]:
        """``queryset``'s rows (of ``course_key``; of ``only_user``, when given) with their active invalidation."""
        from lms.djangoapps.certificates.models import CertificateInvalidation

        active = CertificateInvalidation.objects.filter(generated_certificate__course_id=course_key, active=True)
        if only_user is not None:
            active = active.filter(generated_certificate__user_id=only_user)
        invalidated = dict(active.values_list("generated_certificate__user_id", "notes"))
        rows = queryset.values_list("user_id", "status", "mode", "grade", "name", "verify_uuid", "created_date")
        for user_id, status, mode, grade, name, verify_uuid, created in rows.iterator(chunk_size=2000):
            yield LmsCertificateRow(
                user_id=user_id,
                status=status,
                mode=mode,
                grade=parse_lms_grade(grade),
                name=name or "",
                verify_uuid=verify_uuid or "",
                created=created,
                invalidated=user_id in invalidated,
                invalidation_notes=invalidated.get(user_id) or "",
            )

    def sync_lms_certificates(
        self,
        course_key: CourseKey,
        targets: Sequence[LmsCertificate],
        verify_ids: Callable[[list[int]], dict[int, str]],
        download_url: Callable[[str], str],
    ) -> list[LmsTransition]:
        """
        Make the ``GeneratedCertificate`` rows of ``targets`` show our state, set-based.

        One read (rows locked where the database can), at most one verify-id lookup, at most two
        ``executemany`` UPDATEs, one ``executemany`` INSERT and one ``INSERT … SELECT`` into the history
        table, whatever the batch size. Rows that already agree (status, mode, grade, name) are not written:
        that also repairs rows the LMS changed behind our back (its failing-grade handler's
        ``mark_notpassing``) when a learner is reconciled.
        """
        from lms.djangoapps.certificates.models import GeneratedCertificate

        return sync_model_rows(GeneratedCertificate, course_key, targets, verify_ids, download_url)

    def announce_lms_changes(self, course_key: CourseKey, transitions: Sequence[LmsTransition]) -> int:
        """
        Send, after commit, exactly what the ``save()`` of each written row would have sent, in its order.

        ``GeneratedCertificate.save()`` (lms/djangoapps/certificates/models.py, openedx/openedx-platform
        2579a6d6aca7f65e8dbdda58066f294790808986) sends ``COURSE_CERT_CHANGED`` then openedx-events
        ``CERTIFICATE_CHANGED`` on every save, and ``COURSE_CERT_AWARDED`` then ``CERTIFICATE_CREATED`` on every save
        of a passing row (not only the first); ``_revoke_certificate`` saves, then sends ``COURSE_CERT_REVOKED`` and
        ``CERTIFICATE_REVOKED``. Programs and Credentials listen to these. Returns the rows announced.
        """
        from openedx_events.learning.signals import CERTIFICATE_CHANGED, CERTIFICATE_CREATED, CERTIFICATE_REVOKED

        from lms.djangoapps.certificates.models import GeneratedCertificate
        from openedx.core.djangoapps.signals.signals import (
            COURSE_CERT_AWARDED,
            COURSE_CERT_CHANGED,
            COURSE_CERT_REVOKED,
        )

        if not transitions:
            return 0
        pairs = (
            (COURSE_CERT_CHANGED, CERTIFICATE_CHANGED),
            (COURSE_CERT_AWARDED, CERTIFICATE_CREATED),
            (COURSE_CERT_REVOKED, CERTIFICATE_REVOKED),
        )
        heard = [(s.has_listeners(GeneratedCertificate), e.has_listeners()) for s, e in pairs]
        if not any(a or b for a, b in heard):
            return 0  # as Django's Signal.send: nobody listens, so no user is loaded for them
        people = _LmsPeople(t.user_id for t in transitions)
        when = timezone.now()
        sent = 0
        for t in transitions:
            user = people.users.get(t.user_id)
            if user is None:
                continue
            kwargs = {"user": user, "course_key": course_key, "mode": t.mode, "status": t.after}
            data = people.certificate_data(user, course_key, t)
            steps = [0, *([1] if t.after in LMS_PASSING else []), *([2] if t.revoked else [])]
            for step in steps:
                signal, event = pairs[step]
                if heard[step][0]:
                    signal.send_robust(sender=GeneratedCertificate, **kwargs)
                if heard[step][1]:
                    _send_event(event, data, when)
            sent += 1
        return sent

    def connect_lms_writes(self, receivers: Mapping[str, Callable[..., None]], dispatch_prefix: str) -> list[str]:
        """
        Connect each receiver to the model signal its name stands for (``senders`` below); returns those connected.

        These are the LMS's own writes (its ``save()``/``update_or_create``/``delete()``; the plugin writes the LMS's
        tables set-based, without signals): its certificate row, its allowlist and invalidation lists, the course's
        self-generation setting, and the learner's profile (the printed name).
        """
        from common.djangoapps.student.models import UserProfile
        from lms.djangoapps.certificates import models as certificates

        senders = {
            "certificate_saved": (post_save, certificates.GeneratedCertificate),
            "allowlist_saved": (post_save, certificates.CertificateAllowlist),
            "allowlist_deleted": (post_delete, certificates.CertificateAllowlist),
            "invalidation_saved": (post_save, certificates.CertificateInvalidation),
            "generation_setting_saved": (post_save, getattr(certificates, "CertificateGenerationCourseSetting", None)),
            "profile_saved": (post_save, UserProfile),
        }
        connected = []
        for name, receiver in receivers.items():
            signal, sender = senders.get(name, (None, None))
            if sender is None:
                continue
            signal.connect(receiver, sender=sender, dispatch_uid=f"{dispatch_prefix}.{name}")
            connected.append(name)
        return connected

    def lms_learner_lists(self, course_key: CourseKey, user_id: int) -> LmsLearnerLists:
        """The learner's entries in the course's ``CertificateAllowlist`` and active ``CertificateInvalidation``."""
        from lms.djangoapps.certificates.models import CertificateAllowlist, CertificateInvalidation

        allowed = CertificateAllowlist.objects.filter(course_id=course_key, user_id=user_id, allowlist=True)
        allow = allowed.values_list("notes").first()  # ("notes",), (None,) or None: one read each
        invalid = CertificateInvalidation.objects.filter(
            generated_certificate__course_id=course_key, generated_certificate__user_id=user_id, active=True
        )
        invalidation = invalid.values_list("notes").first()
        return LmsLearnerLists(
            allowlisted=allow is not None,
            allowlist_notes=(allow or ("",))[0] or "",
            invalidated=invalidation is not None,
            invalidation_notes=(invalidation or ("",))[0] or "",
        )

    def lms_certificate(self, course_key: CourseKey, user_id: int) -> LmsCertificateRow | None:
        """The learner's ``GeneratedCertificate`` in the course, with its invalidation, or None."""
        from lms.djangoapps.certificates.models import GeneratedCertificate

        rows = GeneratedCertificate.objects.filter(course_id=course_key, user_id=user_id)
        return next(self._lms_certificate_rows(course_key, rows, user_id), None)

    def push_allowlist(self, course_key: CourseKey, entries: Mapping[int, str | None]) -> set[int]:
        """
        Make the LMS's ``CertificateAllowlist`` show the plugin's exception list for these learners, set-based.

        ``entries`` maps a learner to the notes of their exception, or to None when they have none (the LMS's entry
        is then turned off, ``allowlist=False``, as its list reads only ``allowlist=True``). Written with queryset
        ``update``/``bulk_create`` (no ``post_save``), like the LMS's own v2 re-validation: nothing echoes back into
        the plugin. Returns the learners whose LMS entry now lists them. One read, at most three writes per
        chunk of ``LOOKUP_CHUNK``.
        """
        from lms.djangoapps.certificates.models import CertificateAllowlist

        now, listed = timezone.now(), set()
        stamp = dt_adapter()(now)
        items = list(entries.items())
        for start in range(0, len(items), LOOKUP_CHUNK):
            chunk = dict(items[start : start + LOOKUP_CHUNK])
            rows = CertificateAllowlist.objects.filter(course_id=course_key, user_id__in=list(chunk))
            have = dict(rows.values_list("user_id", "pk"))
            on = [u for u, notes in chunk.items() if notes is not None]
            off = [u for u, notes in chunk.items() if notes is None and u in have]
            # notes differ per learner: one UPDATE by key for all of them (sql.update_rows)
            update_rows(
                CertificateAllowlist,
                ["allowlist", "notes", "modified"],
                [(True, chunk[u], stamp, have[u]) for u in on if u in have],
            )
            CertificateAllowlist.objects.bulk_create(
                [
                    CertificateAllowlist(user_id=u, course_id=course_key, allowlist=True, notes=chunk[u])
                    for u in on
                    if u not in have
                ]
            )
            if off:
                rows.filter(user_id__in=off, allowlist=True).update(allowlist=False, modified=now)
            listed.update(on)
        return listed

    def push_invalidation(
        self, course_key: CourseKey, user_id: int, notes: str | None, invalidated_by: int | None
    ) -> bool:
        """
        Make the LMS's ``CertificateInvalidation`` of the learner's row show the plugin's (active, or lifted).

        As ``create_certificate_invalidation_entry`` (one row per certificate, ``update_or_create``) but without
        signals. ``notes`` None lifts it (``active=False``, as the LMS's v2 re-validation). An active entry needs
        the LMS's row and an invalidating user (the LMS's column is not nullable): without them nothing is written.
        True when the LMS's list now holds the invalidation.
        """
        from lms.djangoapps.certificates.models import CertificateInvalidation, GeneratedCertificate

        now = timezone.now()
        row = GeneratedCertificate.objects.filter(course_id=course_key, user_id=user_id).values_list("pk").first()
        if row is None:
            return False
        entries = CertificateInvalidation.objects.filter(generated_certificate_id=row[0])
        if notes is None:
            entries.filter(active=True).update(active=False, modified=now)
            return False
        fields = {"active": True, "notes": notes}
        if invalidated_by is not None:
            fields["invalidated_by_id"] = invalidated_by
        if entries.update(**fields, modified=now):
            return True
        if invalidated_by is None:
            return False
        CertificateInvalidation.objects.bulk_create(
            [CertificateInvalidation(generated_certificate_id=row[0], **fields)]
        )
        return True

    def redact_lms_certificate_history(self, user_id: int) -> int:
        """
        Blank ``name`` on the user's ``GeneratedCertificate`` history rows when the LMS's flag says so.

        As ``clear_pii_from_certificate_records_for_user`` (lms/djangoapps/certificates/api.py,
        openedx/openedx-platform 21572afe319f6742dac1c181f6ca9b74d77b2e86) does with waffle flag
        ``certificates.enable_redact_historical_pii_retirement`` on (config.py at
        a29f936c07e9c748765d9200f07e5d416934f69a; another stored version names it
        ``ENABLE_HISTORICAL_PII_RETIREMENT``): the history rows the plugin wrote follow the LMS's decision.
        Returns the rows changed.
        """
        from lms.djangoapps.certificates import config
        from lms.djangoapps.certificates.models import GeneratedCertificate

        flag = getattr(config, "ENABLE_REDACT_HISTORICAL_PII_RETIREMENT", None) or getattr(
            config, "ENABLE_HISTORICAL_PII_RETIREMENT", None
        )
        history = getattr(GeneratedCertificate, "history", None)
        if flag is None or history is None or not flag.is_enabled():
            return 0
        return history.filter(user_id=user_id).exclude(name="").update(name="")

    def silence_lms_certificate_handlers(self) -> list[str]:
        """
        Disconnect edx-platform's failing-grade handler, which revokes what the plugin keeps.

        The handler is ``lms.djangoapps.certificates.signals._listen_for_failing_grade`` (dispatch_uid
        ``new_failing_learner`` on ``COURSE_GRADE_NOW_FAILED``): on every failing grade update it
        ``mark_notpassing()``-es a passing ``GeneratedCertificate`` of a learner off the LMS's allowlist,
        neither behind ``CertificateCreationRequested`` nor behind the auto-generation switch, so it would
        revoke (and announce the revocation of) certificates the plugin keeps: a learner on the plugin's
        exception list, or any learner in a course that keeps certificates on a grade drop.
        Returns the handlers disconnected.
        """
        from openedx.core.djangoapps.signals.signals import COURSE_GRADE_NOW_FAILED

        return ["new_failing_learner"] if COURSE_GRADE_NOW_FAILED.disconnect(dispatch_uid="new_failing_learner") else []

    def preferred_languages(self, user_ids: Iterable[int]) -> dict[int, str]:
        """``UserPreference`` ``pref-lang`` of each learner, one query."""
        from openedx.core.djangoapps.user_api.models import UserPreference

        rows = UserPreference.objects.filter(user_id__in=list(user_ids), key="pref-lang")
        return {user_id: value for user_id, value in rows.values_list("user_id", "value") if value}


def _preferred_names(user_ids: list[int]) -> dict[int, str] | None:
    """
    ``get_preferred_certificate_name`` of each user when name affirmation is installed; None when it is not.

    Without the service the LMS's function is the profile name, which ``display_names`` reads set-based.
    """
    try:
        from openedx.features.name_affirmation_api.utils import get_name_affirmation_service
    except ImportError:
        return None
    if get_name_affirmation_service() is None:
        return None
    from lms.djangoapps.certificates.utils import get_preferred_certificate_name

    User = get_user_model()
    return {
        u.pk: get_preferred_certificate_name(u) for u in ids_in(User.objects.all(), User, User._meta.pk.name, user_ids)
    }


class _LmsPeople:
    """The users of a batch of written rows and their profile names, two queries (what ``save()`` reads per row)."""

    def __init__(self, user_ids: Iterable[int]) -> None:
        from common.djangoapps.student.models import UserProfile

        User = get_user_model()
        ids = list(dict.fromkeys(user_ids))
        self.users = {u.pk: u for u in ids_in(User.objects.all(), User, User._meta.pk.name, ids)}
        self.profile_names = dict(
            ids_in(UserProfile.objects.all(), UserProfile, "user", ids).values_list("user_id", "name")
        )

    def certificate_data(self, user: AbstractBaseUser, course_key: CourseKey, t: LmsTransition) -> object:
        """The ``CertificateData`` ``save()`` builds: the user's profile name in ``pii``, the row's own fields."""
        from openedx_events.learning.data import CertificateData, CourseData, UserData, UserPersonalData

        return CertificateData(
            user=UserData(
                pii=UserPersonalData(
                    username=user.username, email=user.email, name=self.profile_names.get(user.pk) or ""
                ),
                id=user.pk,
                is_active=user.is_active,
            ),
            course=CourseData(course_key=course_key),
            mode=t.mode,
            grade=t.grade,
            current_status=t.after,
            download_url=t.download_url,
            name=t.name,
        )


def _send_event(event: object, data: object, when: datetime) -> None:
    """``event.send_event`` as ``save()`` does; a failing receiver or bus is logged, never raised into the batch."""
    try:
        event.send_event(time=when, certificate=data)
    except Exception:
        log.exception("cert_manager: sending the certificate event %s failed", getattr(event, "event_type", event))


#: Columns of the LMS's certificate row the plugin writes (field names; columns come from the model's meta).
SYNCED_FIELDS = ("status", "mode", "grade", "name", "verify_uuid", "download_url", "download_uuid", "error_reason")


def sync_model_rows(
    model: type,
    course_key: CourseKey,
    targets: Sequence[LmsCertificate],
    verify_ids: Callable[[list[int]], dict[int, str]],
    download_url: Callable[[str], str],
) -> list[LmsTransition]:
    """
    ``EdxPlatformBackend.sync_lms_certificates`` on any model shaped like ``GeneratedCertificate``.

    ``download_url`` gives the PDF link stored on passing rows (the learner dashboard's download button).
    """
    if not targets:
        return []
    meta = model._meta
    qs = ids_in(model.objects.filter(course_id=course_key), model, "user", [t.user_id for t in targets])
    if connection.features.has_select_for_update:
        qs = qs.select_for_update()
    fields = ("pk", "user_id", "status", "mode", "grade", "name", "verify_uuid", "download_url", "download_uuid")
    current = {row[1]: row for row in qs.values_list(*fields)}
    writes: list[tuple[LmsCertificate, tuple | None, str]] = []
    for t in targets:
        grade = lms_grade(t.grade, t.status)
        row = current.get(t.user_id)
        if (
            row is not None
            and row[6]
            and row[2] == t.status
            and row[3] == t.mode
            and row[4] == grade
            and row[5] == t.name
        ):
            continue
        writes.append((t, row, grade))
    if not writes:
        return []
    missing = [t.user_id for t, _, _ in writes if not t.verify_uuid]
    known = verify_ids(missing) if missing else {}
    now = timezone.now()
    url_limit = meta.get_field("download_url").max_length

    def values(t: LmsCertificate, grade: str) -> tuple:
        verify = (t.verify_uuid or known.get(t.user_id) or "").replace("-", "")
        url = download_url(verify) if verify and t.status in LMS_PASSING else ""
        url = url if len(url) <= url_limit else ""
        return (t.status, t.mode[:32], grade, t.name[:255], verify, url, "", "")

    written = [(t, row, values(t, grade)) for t, row, grade in writes]  # each row's SYNCED_FIELDS values, once
    _update_rows(model, [(shown, row) for _, row, shown in written if row is not None], now)
    inserts = [(t, shown) for t, row, shown in written if row is None]
    if inserts:
        columns, rows = _insert_rows(model, course_key, inserts, now)
        qn = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table(model)} ({', '.join(qn(c) for c in columns)}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    created = {t.user_id for t, _ in inserts}
    _copy_history(model, course_key, [t.user_id for t, _, _ in written], created, now)
    return [_transition(t.user_id, row, shown) for t, row, shown in written]


def _transition(user_id: int, row: tuple | None, shown: tuple) -> LmsTransition:
    """What a written row shows (``shown``: its ``SYNCED_FIELDS`` values), from its status before (``row``)."""
    fields = dict(zip(SYNCED_FIELDS, shown, strict=True))
    return LmsTransition(
        user_id,
        row[2] if row else None,
        fields["status"],
        fields["mode"],
        grade=fields["grade"],
        name=fields["name"],
        download_url=fields["download_url"],
    )


#: What ``_update_rows`` sets when the verify id and the download fields stay as they are (most updates: a new
#: grade or status); leaving them out spares the ``verify_uuid`` index an update per row.
SHORT_FIELDS = ("status", "mode", "grade", "name", "error_reason")


def _update_rows(model: type, updates: list[tuple[tuple, tuple]], now: datetime) -> None:
    """
    UPDATE the rows of ``updates`` (new ``SYNCED_FIELDS`` values, current row) by primary key.

    At most two ``sql.update_rows`` calls: one for rows whose verify id and link change, one for the rest.
    """
    if not updates:
        return
    stamp = dt_adapter()(now)
    full, short = [], []
    for new, row in updates:  # new: status, mode, grade, name, verify_uuid, download_url, download_uuid, error
        if new[4] == row[6] and new[5] == row[7] and new[6] == row[8]:
            short.append((*new[:4], new[7], stamp, row[0]))
        else:
            full.append((*new, stamp, row[0]))
    for names, params in ((SYNCED_FIELDS, full), (SHORT_FIELDS, short)):
        update_rows(model, [*names, "modified_date"], params)


def _insert_rows(
    model: type, course_key: CourseKey, targets: list[tuple[LmsCertificate, tuple]], now: datetime
) -> tuple[list[str], list[tuple]]:
    """Column names and parameter rows for new rows: our fields (``SYNCED_FIELDS`` values), every other's default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    rows = []
    for t, synced in targets:
        mine = dict(zip(SYNCED_FIELDS, synced, strict=True))
        mine.update(user=t.user_id, course_id=course_key, created_date=now, modified_date=now)
        row = []
        for f in fields:
            value = mine[f.name] if f.name in mine else f.get_default()
            row.append(f.get_db_prep_save(value, connection))
        rows.append(tuple(row))
    return columns, rows


#: django-simple-history's bookkeeping columns (the rest of a historical row copies the model's columns).
HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")


def _copy_history(model: type, course_key: CourseKey, user_ids: list[int], created: set[int], now: datetime) -> None:
    """
    Copy the written rows into the model's django-simple-history table, as ``save()`` would have recorded them.

    One ``INSERT … SELECT`` (``+`` created, ``~`` changed). No history table (or one with columns this does not
    know): nothing.
    """
    history = getattr(model, "history", None)
    historical = getattr(history, "model", None)
    if historical is None or not user_ids:
        return
    source_columns = {f.column for f in model._meta.concrete_fields}
    copied, extra = [], []
    for f in historical._meta.concrete_fields:
        if f.name in HISTORY_FIELDS:
            continue
        if f.column in source_columns:
            copied.append(f.column)
        elif not (f.null or f.has_default()):
            log.warning("cert_manager: %s has an unknown required column %s; history not written", historical, f.column)
            return
        else:
            extra.append(f)
    qn = connection.ops.quote_name
    user_col = column(model, "user")
    ids = ", ".join(["%s"] * len(user_ids))
    new = ", ".join(["%s"] * len(created)) or "NULL"
    bookkeeping = ("history_date", "history_change_reason", "history_type", "history_user")
    targets = [*(qn(c) for c in copied), *(column(historical, f) for f in bookkeeping)]
    sql = (
        f"INSERT INTO {table(historical)} ({', '.join(targets)}) "  # noqa: S608 - identifiers from _meta, quoted
        f"SELECT {', '.join(qn(c) for c in copied)}, %s, %s, "
        f"CASE WHEN {user_col} IN ({new}) THEN '+' ELSE '~' END, NULL "
        f"FROM {table(model)} "
        f"WHERE {column(model, 'course_id')} = %s AND {user_col} IN ({ids})"
    )
    params = [dt_adapter()(now), "cert_manager_plugin", *sorted(created), str(course_key), *user_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


BACKENDS = {
    "standalone": "cert_manager_plugin.lms.StandaloneBackend",
    "edx_platform": "cert_manager_plugin.lms.EdxPlatformBackend",
}
AUTO = "auto"


@cache
def _backend_for(name: str) -> StandaloneBackend:
    return import_string(BACKENDS.get(name, name))()


def backend_name() -> str:
    """
    Name the adapter in use: ``CERT_MANAGER_LMS_BACKEND``, with ``"auto"`` resolved from the installed apps.

    ``"auto"`` (the default) gives the LMS ``edx_platform`` in every settings order and the demo ``standalone``.
    """
    name = getattr(settings, "CERT_MANAGER_LMS_BACKEND", AUTO) or AUTO
    if name == AUTO:
        # the edx-platform apps whose presence means "running inside the LMS" (``AppConfig.name``)
        inside = apps.is_installed("common.djangoapps.student") and apps.is_installed("lms.djangoapps.certificates")
        return "edx_platform" if inside else "standalone"
    return name


def backend() -> StandaloneBackend:
    """The adapter chosen by ``CERT_MANAGER_LMS_BACKEND`` (a name above or a dotted class path)."""
    return _backend_for(backend_name())


def inside_lms() -> bool:
    """True when the edx-platform adapter serves this process (the plugin runs inside the LMS)."""
    return isinstance(backend(), EdxPlatformBackend)


def connect_lms_writes(receivers: Mapping[str, Callable[..., None]], dispatch_prefix: str) -> list[str]:
    """Inside the LMS, connect receivers to its own writes (``EdxPlatformBackend.connect_lms_writes``)."""
    return backend().connect_lms_writes(receivers, dispatch_prefix)


def silence_lms_certificate_handlers() -> list[str]:
    """Inside the LMS, disconnect its handlers that would write certificates behind the plugin's back."""
    return backend().silence_lms_certificate_handlers()


# --- LMS Django signals: user retirement (retirement issue) ---

#: The edx-platform retirement signals the plugin listens to (module path: in ``retirement_signals``).
RETIREMENT_SIGNAL_NAMES = ("USER_RETIRE_LMS_CRITICAL", "USER_RETIRE_LMS_MISC")


def retirement_signals() -> list:
    """
    edx-platform's ``USER_RETIRE_LMS_CRITICAL`` and ``USER_RETIRE_LMS_MISC`` inside the LMS, else ``[]``.

    Sent by ``AccountRetirementView.post`` (``/api/user/v1/accounts/retire/``: ``user``, ``retired_username``,
    ``retired_email``, before the user row gets its retired username) and ``LMSAccountRetirementView.post``
    (``/api/user/v1/accounts/retire_misc/``: ``user``) in ``openedx/core/djangoapps/user_api/accounts/views.py``,
    openedx/openedx-platform 14f7dc8962faf4c8c762c1182add032f181a3180. Imported here, lazily, because
    edx-django-utils' ``signals_config`` would fail to import a signal path the host does not have.
    """
    if not inside_lms():
        return []
    module = "openedx.core.djangoapps.user_api.accounts.signals"
    try:
        return [import_string(f"{module}.{name}") for name in RETIREMENT_SIGNAL_NAMES]
    except ImportError:
        log.warning("cert_manager: %s is not importable; user retirement is not connected", module)
        return []
