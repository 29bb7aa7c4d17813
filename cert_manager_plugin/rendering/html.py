"""
The HTML web certificate and the data the learner dashboard shows.

The web certificate page always wraps the certificate body in the plugin's own frame, which states the
certificate's status (a revoked or invalidated certificate says so in a banner, whatever the template)
and lists its revision history. The body is the template's ``html`` (a Django template string, rendered
with autoescaping and the variables of ``templates.certificate_context``) or the built-in
``cert_manager_plugin/certificate_body.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .. import lms
from ..data import CertificateStatus, Source
from ..models import Certificate, CertificateRevision, CourseCertificateSettings, LearnerRecord
from . import qr
from .templates import STATUS_LABELS, certificate_context, course_layout, format_date, format_grade

DOWNLOADABLE = CertificateStatus.DOWNLOADABLE

#: Why a certificate stopped being valid, by the source of its last change.
REVOKED_REASONS = {
    Source.INVALIDATION: "It was invalidated by the course team.",
    Source.GRADE_EVENT: "The learner's grade fell below the passing grade.",
    Source.PASSING_STATUS_EVENT: "The learner no longer passes the course.",
    Source.ENROLLMENT_EVENT: "The learner's enrollment no longer qualifies for a certificate.",
    Source.EXCEPTION: "The exception that granted it was removed.",
}


def render_body(template, context: dict) -> SafeString:
    """The certificate body: the template's HTML when it has one, else the built-in layout."""
    if template is not None and (template.html or "").strip():
        try:
            compiled = Engine(autoescape=True).from_string(template.html)
            return mark_safe(compiled.render(Context(context)))  # noqa: S308 - autoescaped template output
        except TemplateSyntaxError as exc:
            context = {**context, "template_error": str(exc)}
    return mark_safe(render_to_string("cert_manager_plugin/certificate_body.html", context))  # noqa: S308


def revoked_reason(certificate: Certificate) -> str | None:
    """Why a once-valid certificate is no longer valid (None while it is valid)."""
    if certificate.status == CertificateStatus.DOWNLOADABLE:
        return None
    return certificate.error_reason or REVOKED_REASONS.get(certificate.source, "It is no longer valid.")


def web_certificate_context(certificate: Certificate, request=None) -> dict:
    """Everything ``certificate.html`` shows: variables, body, QR code, status banner and history."""
    layout = course_layout(certificate.course_key, mode=certificate.mode)
    context = certificate_context(certificate, layout=layout, request=request)
    history = [
        {
            "revision": r.revision,
            "status": r.status,
            "status_label": STATUS_LABELS.get(r.status, r.status),
            "grade_display": format_grade(r.grade) if layout.print_grade else None,
            "valid_from": r.valid_from,
            "superseded_at": r.superseded_at,
            "superseded_at_display": format_date(r.superseded_at),
        }
        for r in CertificateRevision.objects.filter(certificate=certificate).order_by("-revision")
    ]
    was_issued = certificate.issued_date is not None or any(
        h["status"] == CertificateStatus.DOWNLOADABLE for h in history
    )
    context.update(
        body=render_body(layout.template, context),
        qr_svg=mark_safe(qr.encode(context["verify_url"]).svg(title="Verification QR code")),  # noqa: S308
        revisions=history,
        updated=bool(history),
        revoked=certificate.status == CertificateStatus.UNAVAILABLE or (not context["is_valid"] and was_issued),
        revoked_reason=revoked_reason(certificate) if was_issued or certificate.status == "unavailable" else None,
        modified_display=format_date(certificate.modified),
    )
    return context


@dataclass
class DashboardRow:
    """One course on the learner dashboard."""

    course_id: str
    course_name: str
    certificate: Certificate | None
    status_label: str
    issued_display: str
    grade_display: str | None
    can_request: bool


def dashboard_rows(user) -> list[DashboardRow]:
    """The learner's certificates, plus enrolled courses where they may request one (self-generation)."""
    certs = {c.course_key: c for c in Certificate.objects.filter(user=user).order_by("-modified", "-id")}
    enrolled = list(
        LearnerRecord.objects.filter(user=user, is_active=True)
        .order_by("-enrollment_at")
        .values_list("course_key", flat=True)
    )
    keys = list(dict.fromkeys([*certs, *enrolled]))
    settings_rows = {s.course_key: s for s in CourseCertificateSettings.objects.filter(course_key__in=keys)}
    backend = lms.backend()
    rows = []
    for key in keys:
        cert = certs.get(key)
        course = backend.course_overview(key)
        row_settings = settings_rows.get(key)
        print_grade = row_settings.print_grade if row_settings else True
        valid = cert is not None and cert.status == CertificateStatus.DOWNLOADABLE
        rows.append(
            DashboardRow(
                course_id=str(key),
                course_name=course.display_name if course else str(key),
                certificate=cert,
                status_label=STATUS_LABELS.get(cert.status, cert.status) if cert else "No certificate yet",
                issued_display=format_date(cert.issued_date) if valid else "",
                grade_display=format_grade(cert.grade) if valid and print_grade else None,
                can_request=bool(
                    row_settings and row_settings.self_generation_enabled and not valid and key in enrolled
                ),
            )
        )
    return rows
