"""Statuses, modes, groups, policies, job kinds and states: the plugin's vocabulary, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CertificateStatus(StrEnum):
    """Certificate statuses (contract: the Open edX names)."""

    DOWNLOADABLE = "downloadable"
    NOTPASSING = "notpassing"
    AUDIT_PASSING = "audit_passing"
    AUDIT_NOTPASSING = "audit_notpassing"
    ERROR = "error"
    UNAVAILABLE = "unavailable"
    GENERATING = "generating"
    DELETED = "deleted"  # deleted by the course team: kept (verify id, history, invalidation), never shown as valid

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """The statuses as Django field choices (value, value)."""
        return [(s.value, s.value) for s in cls]


#: The passing statuses: Open edX's ``CertificateStatuses.PASSED_STATUSES`` (a certificate earned, or being made).
PASSING_STATUSES: frozenset[str] = frozenset({CertificateStatus.DOWNLOADABLE.value, CertificateStatus.GENERATING.value})


def is_passing(status: str | None) -> bool:
    """Whether ``status`` is one of ``PASSING_STATUSES`` (as ``CertificateStatuses.is_passing_status``)."""
    return status in PASSING_STATUSES


class CourseMode(StrEnum):
    """Enrollment modes known to Open edX."""

    AUDIT = "audit"
    HONOR = "honor"
    VERIFIED = "verified"
    PROFESSIONAL = "professional"
    NO_ID_PROFESSIONAL = "no-id-professional"
    MASTERS = "masters"
    EXECUTIVE_EDUCATION = "executive-education"
    PAID_EXECUTIVE_EDUCATION = "paid-executive-education"
    PAID_BOOTCAMP = "paid-bootcamp"


ALL_MODES: tuple[str, ...] = tuple(m.value for m in CourseMode)
#: Audit is not certificate-eligible unless the course says so.
DEFAULT_ELIGIBLE_MODES: tuple[str, ...] = tuple(m for m in ALL_MODES if m != CourseMode.AUDIT)


class LearnerGroup(StrEnum):
    """The instructor dashboard's regeneration groups (seed 000)."""

    RECEIVED = "received"
    NOT_RECEIVED = "not_received"
    AUDIT_PASSING = "audit_passing"
    AUDIT_NOTPASSING = "audit_notpassing"
    ERROR = "error"


#: Each regeneration group selects the certificates currently in one status.
GROUP_STATUS: dict[LearnerGroup, CertificateStatus] = {
    LearnerGroup.RECEIVED: CertificateStatus.DOWNLOADABLE,
    LearnerGroup.NOT_RECEIVED: CertificateStatus.NOTPASSING,
    LearnerGroup.AUDIT_PASSING: CertificateStatus.AUDIT_PASSING,
    LearnerGroup.AUDIT_NOTPASSING: CertificateStatus.AUDIT_NOTPASSING,
    LearnerGroup.ERROR: CertificateStatus.ERROR,
}


class IssuePolicy(StrEnum):
    """When a passing learner's certificate is issued."""

    ON_PASS = "on_pass"
    AFTER_COURSE_END = "after_course_end"


class JobKind(StrEnum):
    """Bulk jobs an instructor can start."""

    GENERATE_ALL = "generate_all"
    REGENERATE = "regenerate"
    GENERATE_EXCEPTIONS = "generate_exceptions"
    EXPORT = "export"
    DELETE = "delete"  # a deletion (one certificate or all), recorded in the generation history
    APPLY_DESIGN = "apply_design"  # a design version applied to issued certificates (``designs.jobs``)


class ExceptionScope(StrEnum):
    """Which allowlisted learners an exception-certificate job covers."""

    NEW = "new"  # on the list, no certificate in a passing status yet (Open edX's "not yet generated")
    ALL = "all"


class JobState(StrEnum):
    """Lifecycle of a GenerationJob."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_JOB_STATES: frozenset[str] = frozenset({JobState.QUEUED, JobState.RUNNING})


class ChunkState(StrEnum):
    """Lifecycle of one chunk of a job."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


#: Decimal places a certificate stores and compares its grade to (the engine rounds; SQL compares alike).
GRADE_PLACES = 4


class Source(StrEnum):
    """Why a certificate changed: recorded on the certificate and on every revision."""

    GRADE_EVENT = "grade_event"
    ENROLLMENT_EVENT = "enrollment_event"
    PASSING_STATUS_EVENT = "passing_status_event"
    INSTRUCTOR = "instructor"
    JOB = "job"
    SELF_REQUEST = "self_request"
    EXCEPTION = "exception"
    INVALIDATION = "invalidation"
    REVALIDATION = "revalidation"
    COURSE_END = "course_end"
    SETTINGS = "settings"
    BACKFILL = "backfill"
    LMS = "lms"  # the LMS changed its own certificate record; the reconcile puts it back in line
    DELETION = "deletion"  # the course team deleted it
    NAME_CHANGE = "name_change"  # the name the LMS prints changed (profile, verified name)
    DESIGN = "design"  # the course team applied a design version to issued certificates


class ListSource(StrEnum):
    """Who put a learner on the exception or invalidation list (the panel shows it)."""

    COURSE_TEAM = "course_team"  # through the plugin (panel, API, CSV)
    LMS_LIST = "lms_list"  # mirrors the LMS's own list (CertificateAllowlist / CertificateInvalidation)
    LMS_CERTIFICATE = "lms_certificate"  # the LMS invalidated its certificate row itself (a rejected proctored exam)


class CourseRole(StrEnum):
    """Course team roles that matter here (edx-platform: CourseInstructorRole, CourseStaffRole)."""

    INSTRUCTOR = "instructor"
    STAFF = "staff"


#: The longest username or email a client may send (Django's ``EmailField`` bound).
IDENTIFIER_MAX_LENGTH = 254
#: The longest staff note on an exception or an invalidation.
NOTES_MAX_LENGTH = 10_000


class Transition(StrEnum):
    """What a status change means to the outside world (events and learner mail both follow ``TRANSITIONS``)."""

    ISSUED = "issued"  # became valid
    UPDATED = "updated"  # stayed valid and changed (grade, name, mode)
    REVOKED = "revoked"  # stopped being valid
    WITHDRAWN = "withdrawn"  # a valid certificate deleted by the course team
    OTHER = "other"  # changed while not valid


@dataclass(frozen=True)
class TransitionRule:
    """The openedx-events signal (its name in ``openedx_events.learning.signals``) and the mail, if any."""

    event: str
    mail: str | None


#: The one table of transitions: ``events`` sends ``event``, ``notifications`` mails ``mail`` (None: no mail;
#: a deletion by the course team is housekeeping, often before generating again).
TRANSITIONS: dict[Transition, TransitionRule] = {
    Transition.ISSUED: TransitionRule("CERTIFICATE_CREATED", "issued"),
    Transition.UPDATED: TransitionRule("CERTIFICATE_CHANGED", "updated"),
    Transition.REVOKED: TransitionRule("CERTIFICATE_REVOKED", "revoked"),
    Transition.WITHDRAWN: TransitionRule("CERTIFICATE_REVOKED", None),
    Transition.OTHER: TransitionRule("CERTIFICATE_CHANGED", None),
}


def transition(before: str | None, after: str) -> Transition:
    """The transition from status ``before`` (None: no certificate yet) to ``after``."""
    was_valid, is_valid = before == CertificateStatus.DOWNLOADABLE, after == CertificateStatus.DOWNLOADABLE
    if is_valid:
        return Transition.UPDATED if was_valid else Transition.ISSUED
    if was_valid:
        return Transition.WITHDRAWN if after == CertificateStatus.DELETED else Transition.REVOKED
    return Transition.OTHER


def passing_now(letter_grade: str | None, passed_timestamp: datetime | None) -> bool:
    """
    Whether an LMS persisted grade passes now: a ``passed_timestamp`` and a non-empty ``letter_grade``.

    edx-platform's ``PersistentCourseGrade.update_or_create`` sets ``passed_timestamp`` the first time a learner
    passes and never clears it (lms/djangoapps/grades/models.py, openedx/openedx-platform
    3b7eee77d13ce639d136eaa68b74d9b51e1a8a1a); the LMS reads "passing now" from ``letter_grade`` (empty exactly
    when the percent is below the lowest passing cutoff). ``letter_grade`` None (not known) falls back on the
    timestamp alone.
    """
    if passed_timestamp is None:
        return False
    return letter_grade is None or bool(letter_grade.strip())
