"""
What an LMS adapter is: the records it answers with, the LMS's certificate vocabulary, and ``LmsAdapter``.

``LmsAdapter`` is the declared interface every adapter (``standalone``, ``edx_platform``, a host's own by dotted
path) implements; callers decide by its capability attributes (``inside_lms``, ``sends_mail_through_ace``, ...),
never by the adapter's type. Which statuses pass is the plugin's vocabulary: ``data.PASSING_STATUSES``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from opaque_keys.edx.keys import CourseKey

from ..data import PASSING_STATUSES

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


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
class Signatory:
    """One signatory of a course's web-certificate configuration (Studio: Settings → Certificates)."""

    name: str
    title: str
    organization: str
    signature_image_url: str  # "" when the signatory has no signature image


@dataclass(frozen=True, slots=True)
class WebCertificateConfig:
    """
    What the course's active web-certificate configuration prints: the title override, signatories, org logo.

    ``course_title`` is "" when the course team set no override (the course's name is printed); ``signatories``
    are in the configuration's order; ``org_logo_url`` is "" when there is no logo.
    """

    course_title: str
    signatories: tuple[Signatory, ...]
    org_logo_url: str

    def fingerprint(self) -> str:
        """A short digest of everything printed: it changes whenever the configuration's printed part does."""
        parts = [self.course_title, self.org_logo_url]
        for s in self.signatories:
            parts.extend((s.name, s.title, s.organization, s.signature_image_url))
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


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


#: edx-platform's passing statuses (``CertificateStatuses.PASSED_STATUSES``) are the plugin's: ``data``'s.
LMS_PASSING = PASSING_STATUSES
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


#: Lookups bind at most this many ids or identifiers per query: below SQLite's host-parameter limit.
LOOKUP_CHUNK = 900


@dataclass(frozen=True)
class LmsCapabilities:
    """What the adapter in use can do, as callers outside ``lms`` read it (``lms.capabilities()``)."""

    inside_lms: bool
    sends_mail_through_ace: bool
    owns_retirement: bool
    writes_lms_certificates: bool
    has_course_roles_command: bool


#: The capability attributes every adapter declares (the fields of ``LmsCapabilities``).
CAPABILITIES: tuple[str, ...] = tuple(f.name for f in fields(LmsCapabilities))


@runtime_checkable
class LmsAdapter(Protocol):
    """
    The LMS as the plugin sees it: users, course teams, courses, enrollments, grades and the LMS's certificate lists.

    Capabilities are class attributes: callers branch on them, never on the adapter's class.
    """

    #: The plugin runs inside the LMS (its operator checks, its settings and its schema apply).
    inside_lms: bool
    #: Learner mail goes through edx-ace (the LMS's channels and policies) rather than Django's mail.
    sends_mail_through_ace: bool
    #: The host retires accounts itself and sends edx-platform's retirement signals (``lms.retirement_signals``).
    owns_retirement: bool
    #: Certificate changes are written through to the LMS's ``GeneratedCertificate`` (and announced as its own).
    writes_lms_certificates: bool
    #: Course team roles live in the plugin's tables and the ``cert_manager_role`` command manages them.
    has_course_roles_command: bool

    def find_user(self, identifier: str) -> AbstractBaseUser | None:
        """A user by username or email (an email in any case, a username in any case when unambiguous), or None."""
        ...

    def find_users(self, identifiers: Iterable[str]) -> dict[str, object]:
        """Map each identifier (username, or email in any case) that exists to its user, in bulk."""
        ...

    def display_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """The name printed on each learner's certificate."""
        ...

    def course_roles(self, user: AbstractBaseUser, course_key: CourseKey) -> set[str]:
        """The user's course team roles in the course (``data.CourseRole`` values)."""
        ...

    def is_global_staff(self, user: AbstractBaseUser) -> bool:
        """Whether the user manages every course."""
        ...

    def linkedin_configuration(self) -> Any:  # noqa: ANN401 - the LMS's model instance
        """The LMS's current LinkedIn add-to-profile configuration, or None (the plugin's setting decides)."""
        ...

    def course_overview(self, course_key: CourseKey) -> CourseInfo | None:
        """The course (its own key, whatever the case of ``course_key``), or None when it does not exist."""
        ...

    def enrolled_user_ids(self, course_key: CourseKey) -> set[int]:
        """Ids of the learners actively enrolled in the course."""
        ...

    def enrolled_among(self, course_key: CourseKey, user_ids: Iterable[int]) -> set[int]:
        """Which of ``user_ids`` are actively enrolled in the course (a query per ``LOOKUP_CHUNK``)."""
        ...

    def backfill_rows(self, course_key: CourseKey) -> Iterator[BackfillRow]:
        """Every enrollment of the course with the learner's persisted grade (nothing when there is no LMS)."""
        ...

    def lms_certificates(self, course_key: CourseKey) -> Iterator[LmsCertificateRow]:
        """The LMS's certificate rows of the course, each with its invalidation (the backfill's seed)."""
        ...

    def lms_allowlist(self, course_key: CourseKey) -> Iterator[LmsAllowlistRow]:
        """The LMS's certificate allowlist of the course (the backfill's seed)."""
        ...

    def sync_lms_certificates(
        self,
        course_key: CourseKey,
        targets: Sequence[LmsCertificate],
        verify_ids: Callable[[list[int]], dict[int, str]],
        download_url: Callable[[str], str],
    ) -> list[LmsTransition]:
        """Make the LMS's certificate rows of ``targets`` show our state; returns the rows written."""
        ...

    def announce_lms_changes(self, course_key: CourseKey, transitions: Sequence[LmsTransition]) -> int:
        """Send what the LMS's own ``save()`` of each written row would have sent; returns the rows announced."""
        ...

    def connect_lms_writes(self, receivers: Mapping[str, Callable[..., None]], dispatch_prefix: str) -> list[str]:
        """Connect each receiver to the LMS's own write its name stands for; returns the names connected."""
        ...

    def lms_learner_lists(self, course_key: CourseKey, user_id: int) -> LmsLearnerLists:
        """The learner's entries in the LMS's allowlist and invalidation list of the course."""
        ...

    def lms_certificate(self, course_key: CourseKey, user_id: int) -> LmsCertificateRow | None:
        """The learner's LMS certificate row in the course, with its invalidation, or None."""
        ...

    def redact_lms_certificate_history(self, user_id: int) -> int:
        """Blank the name on the user's LMS certificate history when the LMS says so; returns the rows changed."""
        ...

    def push_allowlist(self, course_key: CourseKey, entries: Mapping[int, str | None]) -> set[int]:
        """Make the LMS's allowlist show these learners' exceptions (None: none); returns the learners listed."""
        ...

    def push_invalidation(
        self, course_key: CourseKey, user_id: int, notes: str | None, invalidated_by: int | None
    ) -> bool:
        """Make the LMS's invalidation of the learner show ours (``notes`` None: lifted); True when it holds one."""
        ...

    def silence_lms_certificate_handlers(self) -> list[str]:
        """Disconnect the LMS's handlers that would write certificates behind the plugin's back; returns them."""
        ...

    def preferred_languages(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Each learner's preferred language, where one is recorded."""
        ...

    def web_certificate_config(self, course_key: CourseKey, mode: str) -> WebCertificateConfig | None:
        """The course's active web-certificate configuration as certificates of ``mode`` print it, or None."""
        ...

    def course_asset(self, url: str) -> bytes | None:
        """The bytes of a course asset (a Studio upload: "/asset-v1:…", "/c4x/…") from the LMS's store, or None."""
        ...

    def course_pages_changed(self) -> tuple[str, str, str] | None:
        """
        The host's row that moves when what a course's pages print from the host changes; None: it has none.

        (table, course key column, modified column), unquoted: inside the LMS the course overview a Studio publish
        rebuilds (signatories, course title, logo). The public pages' validators read it in their one query.
        """
        ...
