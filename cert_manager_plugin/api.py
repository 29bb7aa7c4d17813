"""
The public face of cert_manager_plugin: entry points (REST API, dashboard, receivers, tasks, commands) use it.

The entry points and other apps import only this module (and ``data``, ``errors``, ``labels``).

Writes live in ``services`` (and ``engine``/``jobs`` for bulk work), reads in ``selectors``; this module
re-exports the operations that form the contract, and nothing else: ``__all__`` is pinned by
``tests/test_api.py`` (a name no entry point calls is not here; tests import it from its own module). The
steps of enqueued work and the connection to the LMS's signals are not operations: tasks and receivers reach
them through ``wiring``, the one named exception (docs/decisions/0006-layers.rst).

Constants: ``CERTIFICATE_ORDERING_KEYS``, the keys the certificate list sorts by (``-`` first for descending);
``CSV_CONTENT_TYPE``, the content type of the CSV downloads; ``CERTIFICATE_DESIGN_ASSET_MAX_BYTES``, the largest
image a design upload takes; ``CERTIFICATE_DESIGN_FONTS`` and ``CERTIFICATE_DESIGN_VARIABLES``, a design's font
families and the variables of its text blocks.
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
from .listings import certificate_revisions as _certificate_revisions
from .lms_sync import lms_certificate_saved, lms_lists_changed, lms_self_generation_changed, name_may_have_changed
from .selectors import CERTIFICATE_ORDERINGS as _CERTIFICATE_ORDERINGS
from .selectors import jobs as _job_history
from .selectors import (
    certificate_by_verify_uuid,
    certificate_status_counts,
    exception_eligibility,
)
from .services import (
    delete_all_certificates,
    delete_and_invalidate,
    delete_certificate,
    Regeneration,
    regenerate_certificate,
    grant_standalone_course_role,
    remove_exception,
    resolve_user,
    revalidate_certificate,
    revoke_standalone_course_role,
)
from .services import grant_exception as _grant_exception
from .services import invalidate_certificate as _invalidate_certificate
from .services import request_certificate as _request_certificate
from .services import update_course_settings as _update_course_settings

# --- course policy changes: preview, apply, undo ---
# isort: split
from .policy_changes import preview_policy_change
from .policy_changes import apply_policy_change as _apply_policy_change
from .policy_changes import last_policy_change as _last_policy_change
from .policy_changes import undo_policy_change as _undo_policy_change
from . import records as _records
from .records import CourseSettingsRow, JobRow, LearnerCertificateRow

# --- end course policy changes ---

# --- model types: what the operations still take and return (issue 15: entry points move to frozen data) ---
# Certificate: what certificate_by_verify_uuid returns, for the rendering functions that take it.
# isort: split
from .models import Certificate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from typing import Any

    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest
    from opaque_keys.edx.keys import CourseKey

    from .rendering.templates import CourseLayout

# --- end model types ---

# --- jobs (bulk engine issue: jobs.py; kinds: job_kinds.py) ---
# isort: split
from .backfill import backfill_learner_records
from .course_end import issue_held_certificates
from .jobs import cancel_job as _cancel_job
from .jobs import fail_stale_jobs, resume_stale_jobs
from .jobs import get_job as _get_job
from .jobs import resume_job as _resume_job
from .jobs import submit_job as _submit_job

# --- end jobs ---

# --- bulk exceptions CSV and exports (REST issue) ---
# isort: split
from .access import (
    LearnerName,
    course_access,
    course_info,
    display_names,
    is_global_staff,
    learner_names,
    learners_among,
)
from .access import course_learner as _course_learner
from .bulk_exceptions import CsvTooLarge, check_size, import_exceptions
from .bulk_exceptions import max_bytes as csv_max_bytes
from .bulk_invalidations import InvalidationRowKind, import_invalidations
from .csv_export import CONTENT_TYPE as CSV_CONTENT_TYPE
from .csv_export import iter_csv

# --- end bulk ---

# --- HTTP caching of the public certificate responses (caching.py) ---
# isort: split
from .caching import PublicValidators, add_cache_headers, cached, conditional_response, public_validators

# --- end caching ---

# --- rendering (PDF, web certificate, export) ---
# isort: split
from .rendering.export import stored_export
from .rendering.html import dashboard_rows, local_percent, time_html, web_certificate_context
from .sharing import ShareActions, share_actions


def render_certificate_pdf(
    certificate: Certificate,
    *,
    request: HttpRequest | None = None,
    layout: CourseLayout | None = None,
    with_credential: bool = False,
) -> bytes:
    """
    The certificate as a one-page PDF (ReportLab and pypdf load on first use, not with the LMS).

    Its links are absolute: a base URL setting or ``request`` is needed; ``layout`` saves the course's queries.
    ``with_credential`` (the learner's own copy): the signed credential rides along as ``credential.json``.
    """
    from .rendering.pdf import render_certificate_pdf as render

    return render(certificate, request=request, layout=layout, with_credential=with_credential)


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

# --- verifiable credentials (issue 16: credentials/) ---
# isort: split
from .credentials import api as _credentials  # noqa: E402
from .credentials.api import check_credential, credential_for, issuer_did_document, issuer_profile_data  # noqa: E402
from .credentials.credential import NotIssuable as CredentialNotIssuable  # noqa: E402
from .credentials.from_pdf import UnreadablePdf as CredentialPdfUnreadable  # noqa: E402
from .credentials.check_rate import request_wait as credential_check_wait  # noqa: E402
from .credentials.from_pdf import credential_text as credential_from_pdf  # noqa: E402
from .credentials.keys import SigningKeyMissing  # noqa: E402
from .credentials.keys import signing_configured as credentials_configured  # noqa: E402

# --- end verifiable credentials ---

# --- certificate designs (issue 17: designs/; the previews render, in rendering.design_html / design_pdf) ---
# isort: split
from .designs import api as _designs  # noqa: E402
from .designs.api import ASSET_MAX_BYTES as CERTIFICATE_DESIGN_ASSET_MAX_BYTES  # noqa: E402
from .designs.api import DesignAssetData, DesignVersionData  # noqa: E402
from .designs.api import apply_dry_run as design_apply_dry_run  # noqa: E402
from .designs.api import current_version as design_current_version  # noqa: E402
from .designs.api import list_versions as design_versions  # noqa: E402
from .designs.api import save_version as save_design_version  # noqa: E402
from .designs.api import store_asset as store_design_asset  # noqa: E402
from .designs.api import version as design_version  # noqa: E402
from .designs.document import FONTS as CERTIFICATE_DESIGN_FONTS  # noqa: E402
from .designs.document import VARIABLES as CERTIFICATE_DESIGN_VARIABLES  # noqa: E402

# --- end certificate designs ---


# --- operations that hand out frozen data, not models (issue 15: records.py) ---
def get_course_settings(course_key: CourseKey) -> CourseSettingsRow:
    """The course's certificate settings as data (the defaults when it never changed them): one query."""
    return _records.course_settings(course_key)


def update_course_settings(
    course_key: CourseKey, changes: dict, *, updated_by: AbstractBaseUser | None = None
) -> CourseSettingsRow:
    """Validate and save settings changes (``InvalidInput`` names unknown fields and bad values); the saved settings."""
    return _records.settings_row(_update_course_settings(course_key, changes, updated_by=updated_by))


def apply_policy_change(
    course_key: CourseKey, proposed: object, *, requested_by: AbstractBaseUser | None = None
) -> JobRow:
    """Save proposed course policies and start the job that applies them to existing certificates (undoable)."""
    return _records.job_row(_apply_policy_change(course_key, proposed, requested_by=requested_by))


def undo_policy_change(course_key: CourseKey, job_id: int, *, requested_by: AbstractBaseUser | None = None) -> JobRow:
    """Undo the last policy change (``job_id`` names its job): its previous policies saved and applied again."""
    return _records.job_row(_undo_policy_change(course_key, job_id, requested_by=requested_by))


def last_policy_change(course_key: CourseKey) -> _records.LastPolicyChangeRow | None:
    """The course's last policy change (its job as a ``JobRow``), whether it can be undone and what undo restores."""
    last = _last_policy_change(course_key)
    return None if last is None else _records.last_policy_change_row(last)


def submit_job(
    course_key: CourseKey | str,
    kind: str,
    *,
    requested_by: AbstractBaseUser | None = None,
    statuses: list[str] | None = None,
    scope: str | None = None,
    dry_run: bool = False,
    options: dict | None = None,
) -> JobRow | dict:
    """Start a bulk job (the queued job), or with ``dry_run`` count what it would change (a dict)."""
    result = _submit_job(
        course_key, kind, requested_by=requested_by, statuses=statuses, scope=scope, dry_run=dry_run, options=options
    )
    return result if isinstance(result, dict) else _records.job_row(result)


def get_job(course_key: CourseKey | str, job_id: int | str) -> JobRow:
    """One job of the course, or ``NotFound``."""
    return _records.job_row(_get_job(course_key, job_id))


def cancel_job(
    course_key: CourseKey | str, job_id: int | str, *, cancelled_by: AbstractBaseUser | None = None
) -> JobRow:
    """Cancel a queued or running job (``JobNotActive`` once it finished); the job as it now reads."""
    return _records.job_row(_cancel_job(course_key, job_id, cancelled_by=cancelled_by))


def resume_job(course_key: CourseKey | str, job_id: int | str) -> JobRow:
    """Re-run a failed or cancelled job's pending and failed chunks; the job as it now reads."""
    return _records.job_row(_resume_job(course_key, job_id))


def jobs(course_key: CourseKey, *, active: bool = False, search: str = "") -> Rows[JobRow]:
    """The course's job history as rows, newest first (``active``: the queued or running one; ``search``: requester)."""
    return _records.job_list(_job_history(course_key, active=active, search=search))


def grant_exception(
    course_key: CourseKey, identifier: str, *, notes: str = "", granted_by: AbstractBaseUser | None = None
) -> ExceptionRow:
    """Put a learner (username or email) on the course's exception list; the entry as the list shows it."""
    entry = _grant_exception(course_key, identifier, notes=notes, granted_by=granted_by)
    return exception_list(entry.course_key).get(entry.pk)


def invalidate_certificate(
    course_key: CourseKey, identifier: str, *, notes: str = "", invalidated_by: AbstractBaseUser | None = None
) -> InvalidationRow:
    """Invalidate a learner's certificate (``unavailable`` until re-validated); the entry as the list shows it."""
    entry = _invalidate_certificate(course_key, identifier, notes=notes, invalidated_by=invalidated_by)
    return invalidation_list(entry.certificate.course_key, active=None).get(entry.pk)


def course_learner(course_key: CourseKey, identifier: str) -> int | None:
    """The user id of the learner of the course ``identifier`` (username or email) names; else None."""
    user = _course_learner(course_key, identifier)
    return None if user is None else user.pk


def certificate_for(course_key: CourseKey, user_id: int) -> LearnerCertificateRow | None:
    """One learner's certificate in a course, as the learner sees it (one query); None when there is none."""
    return _records.learner_certificate(course_key, user_id)


def learner_certificates(user: AbstractBaseUser) -> Rows[LearnerCertificateRow]:
    """Every certificate of one learner, newest first (not those the course team deleted), as rows."""
    return _records.learner_certificate_list(user)


def request_certificate(course_key: CourseKey, user: AbstractBaseUser) -> LearnerCertificateRow:
    """Self-generation: the learner's certificate once issued (``SelfGenerationRefused`` with the reason if not)."""
    return _records.learner_certificate_row(_request_certificate(course_key, user))


def revisions(certificate: Certificate) -> list[RevisionRow]:
    """The superseded states of a certificate (as ``certificate_by_verify_uuid`` read it), newest first."""
    return _certificate_revisions(certificate)


# --- verifiable credentials: the operations entry points call (issue 16) ---
def certificate_credential(course_key: CourseKey, user_id: int) -> dict[str, Any] | None:
    """
    The signed credential of a learner's certificate in a course; None when the learner has no certificate.

    ``CredentialNotIssuable`` when the certificate is not valid, ``SigningKeyMissing`` when no key is configured.
    """
    certificate_id = (
        Certificate.objects.filter(course_key=course_key, user_id=user_id).order_by("pk").values_list("pk", flat=True)
    ).first()
    return None if certificate_id is None else _credentials.credential_for(certificate_id)


def status_list_document(course_key: CourseKey, purpose: str) -> dict[str, Any] | None:
    """
    A course's signed status list credential for ``purpose``; None when the course has no such list.

    A course gets its lists with its first credential: nothing else is signed on request (no list for any course
    key a caller makes up).
    """
    from .credentials.models import StatusList

    if not StatusList.objects.filter(course_key=course_key, purpose=purpose).exists():
        return None
    return _credentials.status_list_credential(course_key, purpose)


def achievement_document(course_key: CourseKey) -> dict[str, Any] | None:
    """The course's Open Badges Achievement (the id every credential of the course names); None: no such course."""
    from .credentials.contexts import OB_V3P0, VC_V2
    from .credentials.credential import achievement

    course = course_info(course_key)
    if course is None:
        return None
    name = getattr(course, "display_name", "") or str(course_key)
    return {"@context": [VC_V2, OB_V3P0], **achievement(course_key, name)}


def credential_states(course_key: CourseKey, rows: Sequence[CertificateRow]) -> dict[int, str | None]:
    """
    Each listed certificate's credential in one word, by learner id (two queries for the whole page).

    ``active``, ``suspended`` (grade below passing), ``revoked``, ``expired`` or ``superseded``
    (``labels.CREDENTIAL_STATE_LABELS``); None when it never had one.
    """
    states = [_credentials.CertificateState(r.user_id, r.status, r.revision, r.issued_date) for r in rows]
    return _credentials.credential_states(course_key, states)


def credential_valid_for_days(course_key: CourseKey) -> int | None:
    """How many days after issue the course's credentials stay valid (``validUntil``); None: no expiry."""
    return _credentials.valid_for_days(course_key)


def credential_expiry_dates(issued: Sequence[tuple[CourseKey, datetime | None]]) -> list[datetime | None]:
    """When each (course, issue date)'s credential expires under the course's setting (None: never); one query."""
    return _credentials.expiry_dates(issued)


def set_credential_valid_for_days(course_key: CourseKey, days: int | None) -> int | None:
    """Set (None: remove) the course's credential expiry, for credentials issued from now on; the saved value."""
    _credentials.set_valid_for_days(course_key, days)
    return _credentials.valid_for_days(course_key)


# --- certificate designs: the operations entry points call (issue 17) ---
def design_library() -> dict:
    """The editor's choices: ``{"library": [built-in designs with defaults], "variables": [...], "fonts": [...]}``."""
    return _designs.library_data()


def apply_design(
    course_key: CourseKey, number: int | None = None, *, requested_by: AbstractBaseUser | None = None
) -> JobRow:
    """Start the job applying design version ``number`` (None: the current one) to the issued certificates."""
    return _records.job_row(_designs.start_apply(course_key, number, requested_by=requested_by))


def design_preview_html(
    course_key: CourseKey, document: dict, *, username: str | None = None, mode: str = "", language: str | None = None
) -> str:
    """An unsaved design as a web certificate page, for the sample learner or ``username`` (nothing is saved)."""
    from .rendering.design_html import preview_html

    return preview_html(course_key, document, username=username, mode=mode, language=language)


def design_preview_pdf(
    course_key: CourseKey, document: dict, *, username: str | None = None, mode: str = "", language: str | None = None
) -> bytes:
    """An unsaved design as a one-page PDF, for the sample learner or ``username`` (ReportLab loads on first use)."""
    from .rendering.design_pdf import preview_pdf

    return preview_pdf(course_key, document, username=username, mode=mode, language=language)


# --- end operations ---

#: The keys the certificate list sorts by (``-`` first for descending); the ORM expressions stay in ``selectors``.
CERTIFICATE_ORDERING_KEYS: tuple[str, ...] = tuple(_CERTIFICATE_ORDERINGS)

__all__ = [
    "CERTIFICATE_DESIGN_ASSET_MAX_BYTES",
    "CERTIFICATE_DESIGN_FONTS",
    "CERTIFICATE_DESIGN_VARIABLES",
    "CERTIFICATE_ORDERING_KEYS",
    "CSV_CONTENT_TYPE",
    "CertManagerError",
    "Certificate",
    "CertificateRow",
    "CourseRoleRow",
    "CourseSettingsRow",
    "CredentialNotIssuable",
    "CredentialPdfUnreadable",
    "CsvTooLarge",
    "DesignAssetData",
    "DesignVersionData",
    "ExceptionRow",
    "InvalidationRow",
    "InvalidationRowKind",
    "JobRow",
    "LearnerCertificateRow",
    "LearnerName",
    "OperatorFinding",
    "PublicValidators",
    "Regeneration",
    "RevisionRow",
    "Rows",
    "ShareActions",
    "SigningKeyMissing",
    "UserNotFound",
    "achievement_document",
    "add_cache_headers",
    "apply_design",
    "apply_policy_change",
    "backfill_learner_records",
    "base_url",
    "cached",
    "cancel_job",
    "canonical_course_key",
    "certificate_by_verify_uuid",
    "certificate_credential",
    "certificate_for",
    "certificate_list",
    "certificate_record",
    "certificate_row",
    "certificate_status_counts",
    "certificate_url",
    "check_credential",
    "check_size",
    "conditional_response",
    "course_access",
    "course_info",
    "course_learner",
    "course_role_list",
    "credential_check_wait",
    "credential_expiry_dates",
    "credential_for",
    "credential_from_pdf",
    "credential_states",
    "credential_valid_for_days",
    "credentials_configured",
    "csv_max_bytes",
    "dashboard_rows",
    "delete_all_certificates",
    "delete_and_invalidate",
    "delete_certificate",
    "design_apply_dry_run",
    "design_current_version",
    "design_library",
    "design_preview_html",
    "design_preview_pdf",
    "design_version",
    "design_versions",
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
    "issuer_did_document",
    "issuer_profile_data",
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
    "save_design_version",
    "set_credential_valid_for_days",
    "share_actions",
    "status_list_document",
    "store_design_asset",
    "stored_export",
    "submit_job",
    "time_html",
    "undo_policy_change",
    "update_course_settings",
    "web_certificate_context",
]
