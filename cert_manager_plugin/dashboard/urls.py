"""
Pages under ``/cert_manager/`` (namespace ``cert_manager``).

The web certificate, verification page, PDF, learner dashboard, instructor panel and the panel's
exception-status helper.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("certificates/<uuid:verify_uuid>/", views.certificate_web, name="certificate-web"),
    path("certificates/<uuid:verify_uuid>/verify/", views.certificate_verify, name="certificate-verify"),
    path("certificates/<uuid:verify_uuid>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("dashboard/", views.learner_dashboard, name="learner-dashboard"),
    path(
        "instructor/<path:course_id>/exception-status.json",
        views.exception_status,
        name="instructor-exception-status",
    ),
    path("instructor/<path:course_id>/", views.instructor_panel, name="instructor-panel"),
]
