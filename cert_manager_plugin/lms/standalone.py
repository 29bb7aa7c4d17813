"""
The standalone adapter: the plugin's own tables and Django's User, for the demo host and the tests.

Courses are ``StandaloneCourse``, course teams ``StandaloneCourseRole`` (the optional app
``cert_manager_plugin.standalone_host``, looked up by its label, never imported), enrollments and grades
``LearnerRecord``. There is no LMS: its lists and rows are empty, and nothing is written through.

Without that app (a host that left it out of ``INSTALLED_APPS``) the adapter still answers: a course is known
from the plugin's own rows (its certificate settings, learner records, certificates), named by its key, and
course roles come from the account alone (``is_staff`` / ``is_superuser``: instructor of every course). The
system check ``check_standalone_host`` (``cert_manager.W003``) tells the operator to add the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.contrib.auth import get_user_model
from django.core import checks
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from ..data import CourseRole
from ..models import Certificate, CourseCertificateSettings, LearnerRecord
from ..sql import ids_in
from .base import (
    BackfillRow,
    CourseInfo,
    LmsAllowlistRow,
    LmsCertificate,
    LmsCertificateRow,
    LmsLearnerLists,
    LmsTransition,
    WebCertificateConfig,
)
from .lookups import one_in_any_case, user_by_identifier, user_ids_among, users_by_identifier

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import Model

#: The optional app with the standalone adapter's courses and course team roles, and its label.
STANDALONE_APP = "cert_manager_plugin.standalone_host"
STANDALONE_APP_LABEL = "cert_manager_standalone"
#: System check id: the standalone adapter is in use without ``STANDALONE_APP``.
STANDALONE_APP_MISSING = "cert_manager.W003"


def standalone_tables_installed() -> bool:
    """Whether the host installs ``STANDALONE_APP`` (the demo host and the tests do; the LMS never)."""
    return apps.is_installed(STANDALONE_APP)


def standalone_model(name: str) -> type[Model]:
    """``StandaloneCourse`` or ``StandaloneCourseRole``, looked up lazily (without the app: a ``LookupError``)."""
    try:
        return apps.get_model(STANDALONE_APP_LABEL, name)
    except LookupError as exc:
        raise LookupError(f"{name} is a table of {STANDALONE_APP}: add it to INSTALLED_APPS, then migrate.") from exc


def _known_course(course_key: CourseKey) -> CourseKey | None:
    """Without the standalone tables: the course's key as the plugin's own rows spell it, or None (never seen)."""
    for model in (CourseCertificateSettings, LearnerRecord, Certificate):
        rows = model.objects.order_by()
        found = rows.filter(course_key=course_key).values_list("course_key", flat=True).first()
        if found is None:
            row = one_in_any_case(rows.values("course_key").distinct(), "course_key", course_key)
            found = row["course_key"] if row else None
        if found is not None:
            return found
    return None


class StandaloneBackend:
    """The plugin's own tables: the demo host and the tests."""

    # capabilities (``LmsAdapter``): no LMS around; the plugin's own tables and Django's mail
    inside_lms = False
    sends_mail_through_ace = False
    owns_retirement = False
    writes_lms_certificates = False  # the engine skips the write-through work
    has_course_roles_command = True  # on the roles table of ``STANDALONE_APP`` (without it: ``standalone_model``)

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
        """The user's course team roles in the course (without the roles table: instructor for staff and superusers)."""
        if not standalone_tables_installed():
            staff = getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)
            return {CourseRole.INSTRUCTOR.value} if staff else set()
        roles = standalone_model("StandaloneCourseRole").objects.filter(user=user, course_key=course_key)
        return set(roles.values_list("role", flat=True))

    def is_global_staff(self, user: AbstractBaseUser) -> bool:
        """Global staff manage every course."""
        return bool(getattr(user, "is_staff", False))

    def linkedin_configuration(self) -> Any:  # noqa: ANN401 - the LMS's model instance
        """The LMS's current ``LinkedInAddToProfileConfiguration``; None standalone (the plugin's setting decides)."""
        return None

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        """
        The course (its own key, whatever the case of ``course_key``), or None when it does not exist.

        Without the standalone tables, a course the plugin's own rows name, with its key as its name and no dates.
        """
        if not standalone_tables_installed():
            key = _known_course(course_key)
            return None if key is None else CourseInfo(key, str(key), getattr(key, "org", ""), None, None)
        courses = standalone_model("StandaloneCourse").objects.all()
        course = courses.filter(course_key=course_key).first()
        if course is None:
            course = one_in_any_case(courses, "course_key", course_key)
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

    def web_certificate_config(self, course_key: CourseKey, mode: str) -> WebCertificateConfig | None:
        """Standalone: there is no Studio, so no web-certificate configuration (the built-in layout prints)."""
        return None

    def course_asset(self, url: str) -> bytes | None:
        """Standalone: there is no course asset store."""
        return None

    def course_pages_changed(self) -> tuple[str, str, str] | None:
        """Standalone: the host prints nothing of its own on certificates (the course settings are ours)."""
        return None


@checks.register("cert_manager")
def check_standalone_host(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A warning when the standalone adapter is in use but the host does not install ``STANDALONE_APP``."""
    from . import backend  # the adapter in use (``lms``, which imports this module)

    try:
        adapter = backend()
    except ImportError:  # a dotted adapter path that does not import: not this check's business
        return []
    if not isinstance(adapter, StandaloneBackend) or standalone_tables_installed():
        return []
    return [
        checks.Warning(
            _(
                "The standalone LMS adapter is in use but {app} is not in INSTALLED_APPS: courses are known only "
                "from the plugin's own data, and course roles only from is_staff / is_superuser."
            ).format(app=STANDALONE_APP),
            hint=_("Add {app!r} to INSTALLED_APPS, then run migrate.").format(app=STANDALONE_APP),
            id=STANDALONE_APP_MISSING,
        )
    ]
