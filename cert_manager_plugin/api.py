"""
The public face of cert_manager_plugin: receivers, tasks, views and other apps import only this module.

Writes live in ``services`` (and ``engine``/``jobs`` for bulk work), reads in ``selectors``; this module
re-exports the operations that form the contract (ruff's F401 is off for this file: every import
here is a re-export), and the model classes they take and return, so that the entry points can name them
in type annotations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .courses import course_policy
from .engine import BatchResult, reconcile_batch
from .errors import CertManagerError, UserNotFound
from .courses import canonical_course_key, parse_course_key, resolve_course
from .links import base_url, certificate_links, certificate_url, links_builder
from .reconcile import (
    learner_changed,
    reconcile_learner,
    reconcile_pending,
    record_enrollment,
    record_grade,
    record_passing_status,
    sweep_course,
    sweep_forgotten_courses,
)
from .lms import capabilities as lms_capabilities
from .lms import connect_lms_writes, silence_lms_certificate_handlers
from .history import (
    LearnerTimeline,
    PublicState,
    TimelineEvent,
    TimelineState,
    cause_words,
    learner_timeline,
    public_history,
)
from .lms_sync import lms_certificate_saved, lms_lists_changed, lms_self_generation_changed, name_may_have_changed
from .selectors import (
    CERTIFICATE_ORDERINGS,
    certificate_by_verify_uuid,
    certificate_for,
    certificate_status_counts,
    certificates,
    exception_eligibility,
    exceptions,
    invalidations,
    jobs,
    learner_certificates,
    learner_record,
    revisions,
    standalone_course_roles,
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
from .policy_changes import (
    LastPolicyChange,
    apply_policy_change,
    last_policy_change,
    preview_policy_change,
    undo_policy_change,
)

# --- end course policy changes ---

# --- model types: what the operations take and return, for the entry points' annotations ---
# isort: split
from .models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    CourseCertificateSettings,
    GenerationJob,
    LearnerRecord,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

# --- end model types ---

# --- jobs (bulk engine issue: jobs.py; kinds: job_kinds.py) ---
# isort: split
from .backfill import backfill_learner_records, seed_from_lms
from .course_end import issue_held_certificates
from .dry_runs import dry_run_job
from .job_chunks import chunk_failed, run_chunk
from .job_kinds import candidate_ids
from .jobs import (
    cancel_job,
    fail_stale_jobs,
    get_job,
    resume_job,
    resume_stale_jobs,
    run_job,
    submit_job,
)

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
from .bulk_exceptions import BulkResult, CsvTooLarge, RowErrorKind, check_size, import_exceptions
from .bulk_exceptions import max_bytes as csv_max_bytes
from .bulk_invalidations import InvalidationRowKind, import_invalidations
from .csv_export import CONTENT_TYPE as CSV_CONTENT_TYPE
from .csv_export import escape_cell, iter_csv, to_csv

# --- end bulk ---

# --- HTTP caching of the public certificate responses (caching.py) ---
# isort: split
from .caching import PublicValidators, cached, conditional_response, public_validators

# --- end caching ---

# --- rendering (PDF, web certificate, export) ---
# isort: split
from .notifications import enqueue_notifications, notify_certificate_change, notify_changes, send_certificate_emails
from .rendering.export import stored_export
from .rendering.html import dashboard_rows, local_percent, time_html, web_certificate_context
from .rendering.templates import CourseLayout, certificate_context, template_for
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


def run_export_job(job: GenerationJob, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write an export job's file (one PDF or a ZIP); see ``rendering.export``."""
    from .rendering.export import run_export_job as run

    return run(job, progress)


# --- end rendering ---

# --- user retirement (retirement issue) ---
# isort: split
from .lms import retirement_signals  # noqa: E402 (after the rendering helpers)
from .retirement import retire_user  # noqa: E402

# --- end retirement ---

# --- the operator's check (cert_manager_check) ---
# isort: split
from .operator_check import Finding as OperatorFinding  # noqa: E402
from .operator_check import level_rank as operator_level_rank  # noqa: E402
from .operator_check import operator_check  # noqa: E402

# --- end operator's check ---
