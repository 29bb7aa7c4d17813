"""Pages under ``/cert_manager/`` (namespace ``cert_manager``): web certificate, PDF, learner and instructor pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("certificates/<uuid:verify_uuid>/", views.certificate_web, name="certificate-web"),
    path("certificates/<uuid:verify_uuid>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("dashboard/", views.learner_dashboard, name="learner-dashboard"),
    path("instructor/<path:course_id>/", views.instructor_panel, name="instructor-panel"),
]
