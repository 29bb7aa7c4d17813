"""
REST API v1 views (contract: design.md section 4), by resource.

Every operation goes through ``cert_manager_plugin.api``.

Course-scoped views resolve the course id first (400 ``invalid_course_key``), then the caller's course access:
no account or course oracle, so to anyone but global staff an unknown course and a course whose team they are
not on are the same 404 ``not_found`` (global staff get 404 ``course_not_found``); then restricted OAuth
applications, then the role (``permissions.IsCourseTeam``): reads for course staff, writes for course
instructors and global staff. Learner lookups (``certificates/{username}``, exceptions, invalidations) answer
404 ``user_not_found`` alike for an unknown account and an account that is not a learner of the course.

Request bodies go through ``LimitedJSONParser`` (size and nesting-depth limits, any parse failure a 400); an
unexpected exception is, with DEBUG off, a logged JSON 500 ``server_error`` (``BaseView.handle_exception``).

Modules: ``base`` (the base views and shared helpers), ``params`` (shared OpenAPI parameters), ``csv_lists``
(the list CSV downloads), then one per resource: ``settings``, ``certificates``, ``jobs``, ``exceptions``,
``invalidations``, ``learner`` (the learner's own certificates, public verification, the JSON 404),
``credentials`` (verifiable credentials: a certificate's credential, the issuer, status lists, the expiry),
``designs`` (the course's certificate design: versions, image uploads, previews, applying a version).
"""

from __future__ import annotations

from .base import (
    UPLOAD_OVERHEAD,
    BaseView,
    CourseView,
    CSVRenderer,
    FormatContentNegotiation,
    IgnoreClientContentNegotiation,
    ListView,
    content_length,
    csv_download,
    job_response,
    no_course_message,
    object_id,
    search_param,
    uploaded_csv,
    validated,
)
from .certificates import (
    CertificateDetailView,
    CertificateListView,
    CertificateRegenerateView,
    LearnerHistoryView,
    RevisionListView,
)
from .credentials import (
    AchievementView,
    CertificateCredentialView,
    CredentialSettingsView,
    IssuerDidDocumentView,
    IssuerProfileView,
    MyCourseCredentialView,
    StatusListView,
)
from .designs import (
    DesignApplyView,
    DesignAssetView,
    DesignPreviewView,
    DesignVersionDetailView,
    DesignVersionListView,
    DesignView,
)
from .exceptions import ExceptionBulkView, ExceptionDetailView, ExceptionListView
from .invalidations import InvalidationBulkView, InvalidationDetailView, InvalidationListView
from .jobs import ExportView, JobDetailView, JobDownloadView, JobListView
from .learner import MyCertificatesView, MyCourseCertificateView, NotFoundView, VerifyView
from .settings import CourseSettingsView, PolicyApplyView, PolicyPreviewView, PolicyUndoView

__all__ = [
    "UPLOAD_OVERHEAD",
    "AchievementView",
    "BaseView",
    "CSVRenderer",
    "CertificateCredentialView",
    "CertificateDetailView",
    "CertificateListView",
    "CertificateRegenerateView",
    "CourseSettingsView",
    "CourseView",
    "CredentialSettingsView",
    "DesignApplyView",
    "DesignAssetView",
    "DesignPreviewView",
    "DesignVersionDetailView",
    "DesignVersionListView",
    "DesignView",
    "ExceptionBulkView",
    "ExceptionDetailView",
    "ExceptionListView",
    "ExportView",
    "FormatContentNegotiation",
    "IgnoreClientContentNegotiation",
    "InvalidationBulkView",
    "InvalidationDetailView",
    "InvalidationListView",
    "IssuerDidDocumentView",
    "IssuerProfileView",
    "JobDetailView",
    "JobDownloadView",
    "JobListView",
    "LearnerHistoryView",
    "ListView",
    "MyCertificatesView",
    "MyCourseCertificateView",
    "MyCourseCredentialView",
    "NotFoundView",
    "PolicyApplyView",
    "PolicyPreviewView",
    "PolicyUndoView",
    "RevisionListView",
    "StatusListView",
    "VerifyView",
    "content_length",
    "csv_download",
    "job_response",
    "no_course_message",
    "object_id",
    "search_param",
    "uploaded_csv",
    "validated",
]
