"""
Server-rendered pages: the public web certificate and its PDF, the learner dashboard and the instructor
panel (a page plus a vanilla JS file that drives REST API v1). Course roles come from the LMS adapter
through ``api.course_access``; nothing here imports edx-platform.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import api
from ..data import CertificateStatus, LearnerGroup

API_PREFIX = "/api/cert_manager/v1/"


def _certificate_or_404(verify_uuid):
    certificate = api.certificate_by_verify_uuid(verify_uuid)
    if certificate is None:
        raise Http404("No certificate with this verification id.")
    return certificate


@require_GET
def certificate_web(request: HttpRequest, verify_uuid) -> HttpResponse:
    """The HTML web certificate (public): status, learner, course, dates, grade if printed, history."""
    certificate = _certificate_or_404(verify_uuid)
    context = api.web_certificate_context(certificate, request=request)
    response = render(request, "cert_manager_plugin/certificate.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def certificate_pdf(request: HttpRequest, verify_uuid) -> HttpResponse:
    """The certificate PDF (public while the certificate is issued; 404 otherwise)."""
    certificate = _certificate_or_404(verify_uuid)
    if certificate.status != CertificateStatus.DOWNLOADABLE:
        raise Http404("This certificate is not available as a PDF.")
    data = api.render_certificate_pdf(certificate, request=request)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.verify_uuid}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in learner's certificates, and a request button where self-generation is on."""
    rows = api.dashboard_rows(request.user)
    return render(request, "cert_manager_plugin/learner_dashboard.html", {"rows": rows, "api_prefix": API_PREFIX})


@login_required
@require_GET
def instructor_panel(request: HttpRequest, course_id: str) -> HttpResponse:
    """The course's certificate management panel: global staff and instructors manage, course staff read."""
    try:
        course_key = api.parse_course_key(course_id)
    except api.CertManagerError as exc:
        raise Http404(exc.message) from exc
    access = api.course_access(request.user, course_key)
    if access is None:
        return render(
            request,
            "cert_manager_plugin/forbidden.html",
            {"message": "You are not on the course team of this course."},
            status=403,
        )
    context = panel_context(course_key, access)
    if context is None:
        raise Http404("No such course.")
    return render(request, "cert_manager_plugin/instructor_panel.html", context)


def panel_context(course_key, access: str) -> dict | None:
    """The panel's template context for a course team member with ``access``; None when the course is unknown."""
    course = api.course_info(course_key)
    if course is None:
        return None
    config = {
        "courseId": str(course_key),
        "api": f"{API_PREFIX}courses/{course_key}/",
        "canManage": access == "manage",
        "groups": [{"value": g.value, "label": GROUP_LABELS[g]} for g in LearnerGroup],
        "statuses": [s.value for s in CertificateStatus],
        "pageUrl": reverse("cert_manager:instructor-panel", kwargs={"course_id": str(course_key)}),
    }
    return {
        "course_id": str(course_key),
        "course_name": course.display_name or str(course_key),
        "can_manage": access == "manage",
        "config_json": json.dumps(config),
        "groups": config["groups"],
        "statuses": config["statuses"],
    }


GROUP_LABELS = {
    LearnerGroup.RECEIVED: "Already received",
    LearnerGroup.NOT_RECEIVED: "Not received (not passing)",
    LearnerGroup.AUDIT_PASSING: "Audit, passing",
    LearnerGroup.AUDIT_NOTPASSING: "Audit, not passing",
    LearnerGroup.ERROR: "Error state",
}
