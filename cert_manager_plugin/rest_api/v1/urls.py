"""
REST API v1 (contract prefix ``/api/cert_manager/v1/``, URL namespace ``cert_manager``).

``course_id`` is an opaque CourseKey string (``course-v1:Org+Course+Run``, or an old ``Org/Course/Run``);
anything else in that segment reaches the view, which answers 400 ``invalid_course_key``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from ..schema import documented
from . import views

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.response import Response

COURSE = r"^courses/(?P<course_id>[^/+]+[/+][^/+]+[/+][^/?]+|[^/]+)/"

api_urlpatterns = [
    re_path(COURSE + r"settings$", views.CourseSettingsView.as_view(), name="api-v1-settings"),
    re_path(COURSE + r"settings/preview$", views.PolicyPreviewView.as_view(), name="api-v1-settings-preview"),
    re_path(COURSE + r"settings/apply$", views.PolicyApplyView.as_view(), name="api-v1-settings-apply"),
    re_path(COURSE + r"settings/undo$", views.PolicyUndoView.as_view(), name="api-v1-settings-undo"),
    re_path(COURSE + r"certificates$", views.CertificateListView.as_view(), name="api-v1-certificates"),
    re_path(
        COURSE + r"certificates/(?P<username>[^/]+)/revisions$",
        views.RevisionListView.as_view(),
        name="api-v1-certificate-revisions",
    ),
    re_path(
        COURSE + r"certificates/(?P<username>[^/]+)/regenerate$",
        views.CertificateRegenerateView.as_view(),
        name="api-v1-certificate-regenerate",
    ),
    re_path(
        COURSE + r"learners/(?P<username>[^/]+)/history$",
        views.LearnerHistoryView.as_view(),
        name="api-v1-learner-history",
    ),
    re_path(
        COURSE + r"certificates/(?P<username>[^/]+)$",
        views.CertificateDetailView.as_view(),
        name="api-v1-certificate",
    ),
    re_path(COURSE + r"jobs$", views.JobListView.as_view(), name="api-v1-jobs"),
    re_path(COURSE + r"jobs/(?P<job_id>[^/]+)$", views.JobDetailView.as_view(), name="api-v1-job"),
    re_path(COURSE + r"jobs/(?P<job_id>[^/]+)/download$", views.JobDownloadView.as_view(), name="api-v1-job-download"),
    re_path(COURSE + r"exceptions$", views.ExceptionListView.as_view(), name="api-v1-exceptions"),
    re_path(COURSE + r"exceptions/bulk$", views.ExceptionBulkView.as_view(), name="api-v1-exceptions-bulk"),
    re_path(COURSE + r"exceptions/(?P<username>[^/]+)$", views.ExceptionDetailView.as_view(), name="api-v1-exception"),
    re_path(COURSE + r"invalidations$", views.InvalidationListView.as_view(), name="api-v1-invalidations"),
    re_path(COURSE + r"invalidations/bulk$", views.InvalidationBulkView.as_view(), name="api-v1-invalidations-bulk"),
    re_path(
        COURSE + r"invalidations/(?P<invalidation_id>[^/]+)$",
        views.InvalidationDetailView.as_view(),
        name="api-v1-invalidation",
    ),
    re_path(COURSE + r"export$", views.ExportView.as_view(), name="api-v1-export"),
    re_path(COURSE + r"me/certificate$", views.MyCourseCertificateView.as_view(), name="api-v1-my-course-certificate"),
    # verifiable credentials (issue 16)
    re_path(
        COURSE + r"certificates/(?P<username>[^/]+)/credential$",
        views.CertificateCredentialView.as_view(),
        name="api-v1-certificate-credential",
    ),
    re_path(
        COURSE + r"me/certificate/credential$", views.MyCourseCredentialView.as_view(), name="api-v1-my-credential"
    ),
    re_path(
        COURSE + r"credentials/settings$", views.CredentialSettingsView.as_view(), name="api-v1-credential-settings"
    ),
    path("credentials/issuer", views.IssuerProfileView.as_view(), name="api-v1-credential-issuer"),
    path("credentials/issuer/did.json", views.IssuerDidDocumentView.as_view(), name="api-v1-credential-issuer-did"),
    re_path(
        r"^credentials/achievements/(?P<course_id>[\s\S]+)$",
        views.AchievementView.as_view(),
        name="api-v1-credential-achievement",
    ),
    re_path(
        r"^credentials/status/(?P<course_id>[\s\S]+)/(?P<purpose>[^/]+)$",
        views.StatusListView.as_view(),
        name="api-v1-credential-status-list",
    ),
    # certificate designs (issue 17)
    re_path(COURSE + r"design$", views.DesignView.as_view(), name="api-v1-design"),
    re_path(COURSE + r"design/versions$", views.DesignVersionListView.as_view(), name="api-v1-design-versions"),
    re_path(
        COURSE + r"design/versions/(?P<number>[^/]+)$",
        views.DesignVersionDetailView.as_view(),
        name="api-v1-design-version",
    ),
    re_path(COURSE + r"design/assets$", views.DesignAssetView.as_view(), name="api-v1-design-assets"),
    re_path(COURSE + r"design/preview$", views.DesignPreviewView.as_view(), name="api-v1-design-preview"),
    re_path(COURSE + r"design/apply$", views.DesignApplyView.as_view(), name="api-v1-design-apply"),
    path("me/certificates", views.MyCertificatesView.as_view(), name="api-v1-my-certificates"),
    re_path(r"^verify/(?P<verify_uuid>[^/]+)$", views.VerifyView.as_view(), name="api-v1-verify"),
]


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema of this API only (not the whole host's URLs)."""

    custom_settings = {
        "TITLE": "cert_manager_plugin REST API",
        "VERSION": "v1",
        "DESCRIPTION": "Instructor control of course certificates: settings, certificates, jobs, exceptions, "
        "invalidations, exports; learner certificates and public verification; verifiable credentials (Open Badges "
        "3.0): a certificate's credential, the issuer's DID document and Profile, achievements, status lists; "
        "certificate designs: versions, image uploads, previews, applying a version to issued certificates.",
        "SCHEMA_PATH_PREFIX": r"/api/cert_manager/v1",
        "COMPONENT_SPLIT_REQUEST": True,
        # Every setting the host's SPECTACULAR_SETTINGS may hold for its own API is set here: the LMS's keep
        # only its enrollment API (PREPROCESSING_HOOKS: lms.lib.spectacular.lms_api_filter) and trim its prefix.
        "PREPROCESSING_HOOKS": [],
        "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
        "SCHEMA_PATH_PREFIX_TRIM": False,
        "SERVERS": [],
    }

    @documented(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The OpenAPI schema of REST API v1 alone (YAML; JSON with ``?format=json``), whatever the host's own API."""
        self.patterns = [path("api/cert_manager/v1/", include(api_urlpatterns))]
        return super().get(request, *args, **kwargs)


urlpatterns = [
    *api_urlpatterns,
    path("schema/", SchemaView.as_view(), name="api-v1-schema"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="api-v1-not-found"),
]
