"""
Pages under ``/cert_manager/`` (namespace ``cert_manager``).

The web certificate, verification page, PDF, learner dashboard, instructor panel and the panel's
exception-status helper; the learner's credential download, the credential check page, and (from REST API v1's
``public_urls``) the public documents the credentials name: ``issuer/did.json``, ``credentials/status/…`` and
``credentials/achievements/…``.
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("certificates/<uuid:verify_uuid>/", views.certificate_web, name="certificate-web"),
    path("certificates/<uuid:verify_uuid>/verify/", views.certificate_verify, name="certificate-verify"),
    path("certificates/<uuid:verify_uuid>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path(
        "certificates/<uuid:verify_uuid>/credential.json", views.certificate_credential, name="certificate-credential"
    ),
    path("credentials/verify/", views.credential_verify, name="credential-verify"),
    # The public documents the credentials name (their ids): DID document, status lists, achievements.
    path("", include("cert_manager_plugin.rest_api.v1.public_urls")),
    path("dashboard/", views.learner_dashboard, name="learner-dashboard"),
    path(
        "instructor/<path:course_id>/exception-status.json",
        views.exception_status,
        name="instructor-exception-status",
    ),
    path("instructor/<path:course_id>/", views.instructor_panel, name="instructor-panel"),
]
