"""
Single objects as frozen data: what ``api`` hands the entry points instead of a model (issue 15).

A job (``JobRow``), a course's settings (``CourseSettingsRow``) and a learner's own certificate
(``LearnerCertificateRow``) are built from a row already read (its
requester, or its template, with it where the query selected it): no conversion here runs a query of its own
beyond what reading the same attribute of the model would. The lists (jobs, a learner's certificates) are
``listings.Rows``: one COUNT and one SELECT of the columns a page needs. Internal callers (services, jobs, tasks)
keep the models.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from .listings import Rows

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import QuerySet
    from opaque_keys.edx.keys import CourseKey

    from .models import Certificate, CourseCertificateSettings, GenerationJob
    from .policy_changes import LastPolicyChange

# --- jobs ------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class JobRow:
    """A bulk job as the entry points show it: what it is, who asked (a username), its state and counters."""

    id: int
    course_key: CourseKey
    kind: str
    state: str
    params: dict
    requested_by: str | None
    created: datetime
    started: datetime | None
    finished: datetime | None
    heartbeat: datetime | None
    total: int
    processed: int
    changed: int
    failed: int
    skipped: int
    chunks_total: int
    chunks_done: int
    result: dict
    error: str
    cancel_requested: bool

    @property
    def pk(self) -> int:
        """The job's id (as the model names it)."""
        return self.id


#: The columns a ``JobRow`` reads, in its fields' order (the requester's username through the join).
_JOB_COLUMNS = tuple(
    "requested_by__username" if field.name == "requested_by" else field.name for field in dataclasses.fields(JobRow)
)


def job_row(job: GenerationJob) -> JobRow:
    """A job already read as a row (its requester selected with it, or one more query as the model would)."""
    values = {field.name: getattr(job, field.name) for field in dataclasses.fields(JobRow) if field.name != "id"}
    requester = job.requested_by if job.requested_by_id else None
    values["requested_by"] = requester.username if requester is not None else None
    values["params"] = dict(job.params or {})
    values["result"] = dict(job.result or {})
    return JobRow(id=job.pk, **values)


def _job_rows(values: list[tuple]) -> list[JobRow]:
    """Job rows from their ``_JOB_COLUMNS`` (JSON columns never None)."""
    rows = []
    for v in values:
        row = JobRow(*v)
        rows.append(dataclasses.replace(row, params=row.params or {}, result=row.result or {}))
    return rows


def job_list(queryset: QuerySet) -> Rows[JobRow]:
    """The jobs of ``queryset`` (ordered; ``selectors.jobs``) as lazy rows: a COUNT and one SELECT a page."""
    return Rows(queryset, _JOB_COLUMNS, _job_rows)


@dataclasses.dataclass(frozen=True)
class LastPolicyChangeRow:
    """A course's last policy change: its job, whether it can be undone (``reason`` why not), what undo restores."""

    job: JobRow
    can_undo: bool
    reason: str
    restores: dict
    applied: dict


def last_policy_change_row(last: LastPolicyChange) -> LastPolicyChangeRow:
    """``policy_changes.last_policy_change``'s answer with its job as a row (its requester was selected with it)."""
    return LastPolicyChangeRow(job_row(last.job), last.can_undo, last.reason, last.restores, last.applied)


# --- course settings ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TemplateRef:
    """A certificate template as a course's settings name it: its id and name."""

    id: int
    name: str


@dataclasses.dataclass(frozen=True)
class CourseSettingsRow:
    """A course's certificate settings: the self-generation switch, its policies and its template."""

    course_key: CourseKey
    self_generation_enabled: bool
    issue_policy: str
    revoke_on_grade_drop: bool
    eligible_modes: tuple[str, ...]
    print_grade: bool
    template: TemplateRef | None
    modified: datetime | None


def settings_row(row: CourseCertificateSettings) -> CourseSettingsRow:
    """A course's settings row (saved, or the unsaved defaults) as data; its template read with it if selected."""
    template = row.template if row.template_id else None
    return CourseSettingsRow(
        course_key=row.course_key,
        self_generation_enabled=row.self_generation_enabled,
        issue_policy=row.issue_policy,
        revoke_on_grade_drop=row.revoke_on_grade_drop,
        eligible_modes=tuple(row.eligible_modes or ()),
        print_grade=row.print_grade,
        template=TemplateRef(template.pk, template.name) if template is not None else None,
        modified=row.modified,
    )


def course_settings(course_key: CourseKey) -> CourseSettingsRow:
    """The course's settings as data (one query, its template joined; the defaults when it has no row)."""
    from .models import CourseCertificateSettings

    row = CourseCertificateSettings.objects.filter(course_key=course_key).select_related("template").first()
    return settings_row(row or CourseCertificateSettings(course_key=course_key))


# --- a learner's own certificates ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LearnerCertificateRow:
    """A learner's own certificate, as the learner's pages show it (no account columns: it is theirs)."""

    course_key: CourseKey
    status: str
    mode: str
    grade: float | None
    name: str
    issued_date: datetime | None
    modified: datetime
    verify_uuid: uuid.UUID


_LEARNER_CERTIFICATE_COLUMNS = tuple(field.name for field in dataclasses.fields(LearnerCertificateRow))


def _learner_certificate_rows(values: list[tuple]) -> list[LearnerCertificateRow]:
    """Rows from their ``_LEARNER_CERTIFICATE_COLUMNS`` (the fields' order)."""
    return [LearnerCertificateRow(*v) for v in values]


def learner_certificate_row(cert: Certificate) -> LearnerCertificateRow:
    """A certificate already read as a learner's row (no query)."""
    return LearnerCertificateRow(*(getattr(cert, name) for name in _LEARNER_CERTIFICATE_COLUMNS))


def learner_certificate(course_key: CourseKey, user_id: int) -> LearnerCertificateRow | None:
    """One learner's certificate in a course (one query), None when there is none."""
    from .models import Certificate

    queryset = Certificate.objects.filter(course_key=course_key, user_id=user_id).order_by("pk")
    rows = Rows(queryset, _LEARNER_CERTIFICATE_COLUMNS, _learner_certificate_rows)[:1]
    return rows[0] if rows else None


def learner_certificate_list(user: AbstractBaseUser) -> Rows[LearnerCertificateRow]:
    """Every certificate of one learner, newest first (not those the course team deleted), as lazy rows."""
    from . import selectors

    return Rows(selectors.learner_certificates(user), _LEARNER_CERTIFICATE_COLUMNS, _learner_certificate_rows)
