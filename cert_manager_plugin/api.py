"""
The public face of cert_manager_plugin: entry points (REST API, dashboard, receivers, tasks, commands) use it.

The entry points and other apps import only this module (and ``data``, ``errors``, ``labels``).

Writes live in ``services`` (and ``engine``/``jobs`` for bulk work), reads in ``selectors``; this module
re-exports the operations that form the contract, and nothing else: ``__all__`` is pinned by
``tests/test_api.py`` (a name no entry point calls is not here; tests import it from its own module). The
steps of enqueued work and the connection to the LMS's signals are not operations: tasks and receivers reach
them through ``wiring``, the one named exception (docs/decisions/0006-layers.rst).

Constants: ``CERTIFICATE_ORDERING_KEYS``, the keys the certificate list sorts by (``-`` first for descending);
``CSV_CONTENT_TYPE``, the content type of the CSV downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .courses import canonical_course_key, parse_course_key, resolve_course
from .errors import CertManagerError, UserNotFound
from .links import base_url, certificate_url, links_builder
from .reconcile import reconcile_learner, record_enrollment, record_grade, record_passing_status
from .lms import capabilities as lms_capabilities
from .history import learner_timeline, public_history
from .listings import (
    CertificateRow,
    CourseRoleRow,
    ExceptionRow,
    InvalidationRow,
    RevisionRow,
    Rows,
    certificate_list,
    certificate_record,
    certificate_row,
    course_role_list,
    exception_list,
    invalidation_list,
    revision_list,
)
from .lms_sync import lms_certificate_saved, lms_lists_changed, lms_self_generation_changed, name_may_have_changed
from .selectors import CERTIFICATE_ORDERINGS as _CERTIFICATE_ORDERINGS
from .selectors import (
    certificate_by_verify_uuid,
    certificate_for,
    certificate_status_counts,
    exception_eligibility,
    jobs,
    learner_certificates,
    revisions,
)
from .services import (
    delete_all_certificates,
    delete_and_invalidate,
    delete_certificate,
    get_course_settings,
    Regeneration,
    regenerate_certificate,
    grant_exception,
    grant_standalone_course_role,
    invalidate_certificate,
    remove_exception,
    request_certificate,
    resolve_user,
    revalidate_certificate,
    revoke_standalone_course_role,
    update_course_settings,
)

# --- course policy changes: preview, apply, undo ---
# isort: split
from .policy_changes import apply_policy_change, last_policy_change, preview_policy_change, undo_policy_change

# --- end course policy changes ---

# --- model types: what the operations still take and return (issue 15: entry points move to frozen data) ---
# isort: split
from .models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CourseCertificateSettings,
    GenerationJob,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .rendering.templates import CourseLayout

# --- end model types ---

# --- jobs (bulk engine issue: jobs.py; kinds: job_kinds.py) ---
# isort: split
from .backfill import backfill_learner_records
from .course_end import issue_held_certificates
from .jobs import cancel_job, fail_stale_jobs, get_job, resume_job, resume_stale_jobs, submit_job

# --- end jobs ---

# --- bulk exceptions CSV and exports (REST issue) ---
# isort: split
from .access import (
    LearnerName,
    course_access,
    course_info,
    course_learner,
    display_names,
    is_global_staff,
    learner_names,
    learners_among,
)
from .bulk_exceptions import CsvTooLarge, check_size, import_exceptions
from .bulk_exceptions import max_bytes as csv_max_bytes
from .bulk_invalidations import InvalidationRowKind, import_invalidations
from .csv_export import CONTENT_TYPE as CSV_CONTENT_TYPE
from .csv_export import iter_csv

# --- end bulk ---

# --- HTTP caching of the public certificate responses (caching.py) ---
# isort: split
from .caching import PublicValidators, cached, conditional_response, public_validators

# --- end caching ---

# --- rendering (PDF, web certificate, export) ---
# isort: split
from .rendering.export import stored_export
from .rendering.html import dashboard_rows, local_percent, time_html, web_certificate_context
from .sharing import ShareActions, share_actions


def render_certificate_pdf(
    certificate: Certificate, *, request: HttpRequest | None = None, layout: CourseLayout | None = None
) -> bytes:
    """
    The certificate as a one-page PDF (ReportLab and pypdf load on first use, not with the LMS).

    Its links are absolute: a base URL setting or ``request`` is needed; ``layout`` saves the course's queries.
    """
    from .rendering.pdf import render_certificate_pdf as render

    return render(certificate, request=request, layout=layout)


# --- end rendering ---

# --- user retirement (retirement issue) ---
# isort: split
from .retirement import retire_user  # noqa: E402

# --- end retirement ---

# --- the operator's check (cert_manager_check) ---
# isort: split
from .operator_check import Finding as OperatorFinding  # noqa: E402
from .operator_check import level_rank as operator_level_rank  # noqa: E402
from .operator_check import operator_check  # noqa: E402

# --- end operator's check ---

#: The keys the certificate list sorts by (``-`` first for descending); the ORM expressions stay in ``selectors``.
CERTIFICATE_ORDERING_KEYS: tuple[str, ...] = tuple(_CERTIFICATE_ORDERINGS)

__all__ = [
    "CERTIFICATE_ORDERING_KEYS",
    "CSV_CONTENT_TYPE",
    "CertManagerError",
    "Certificate",
    "CertificateException",
    "CertificateInvalidation",
    "CertificateRow",
    "CourseCertificateSettings",
    "CourseRoleRow",
    "CsvTooLarge",
    "ExceptionRow",
    "GenerationJob",
    "InvalidationRow",
    "InvalidationRowKind",
    "LearnerName",
    "OperatorFinding",
    "PublicValidators",
    "Regeneration",
    "RevisionRow",
    "Rows",
    "ShareActions",
    "UserNotFound",
    "apply_policy_change",
    "backfill_learner_records",
    "base_url",
    "cached",
    "cancel_job",
    "canonical_course_key",
    "certificate_by_verify_uuid",
    "certificate_for",
    "certificate_list",
    "certificate_record",
    "certificate_row",
    "certificate_status_counts",
    "certificate_url",
    "check_size",
    "conditional_response",
    "course_access",
    "course_info",
    "course_learner",
    "course_role_list",
    "csv_max_bytes",
    "dashboard_rows",
    "delete_all_certificates",
    "delete_and_invalidate",
    "delete_certificate",
    "display_names",
    "exception_eligibility",
    "exception_list",
    "fail_stale_jobs",
    "get_course_settings",
    "get_job",
    "grant_exception",
    "grant_standalone_course_role",
    "import_exceptions",
    "import_invalidations",
    "invalidate_certificate",
    "invalidation_list",
    "is_global_staff",
    "issue_held_certificates",
    "iter_csv",
    "jobs",
    "last_policy_change",
    "learner_certificates",
    "learner_names",
    "learner_timeline",
    "learners_among",
    "links_builder",
    "lms_capabilities",
    "lms_certificate_saved",
    "lms_lists_changed",
    "lms_self_generation_changed",
    "local_percent",
    "name_may_have_changed",
    "operator_check",
    "operator_level_rank",
    "parse_course_key",
    "preview_policy_change",
    "public_history",
    "public_validators",
    "reconcile_learner",
    "record_enrollment",
    "record_grade",
    "record_passing_status",
    "regenerate_certificate",
    "remove_exception",
    "render_certificate_pdf",
    "request_certificate",
    "resolve_course",
    "resolve_user",
    "resume_job",
    "resume_stale_jobs",
    "retire_user",
    "revalidate_certificate",
    "revision_list",
    "revisions",
    "revoke_standalone_course_role",
    "share_actions",
    "stored_export",
    "submit_job",
    "time_html",
    "undo_policy_change",
    "update_course_settings",
    "web_certificate_context",
]
