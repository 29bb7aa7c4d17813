"""
The HTML web certificate, its public verification page, and the data the learner dashboard shows.

The web certificate page always wraps the certificate body in the plugin's own frame, which states the
certificate's status (a revoked or invalidated certificate says so in a banner, whatever the template)
and lists its history. The body is the template's ``html`` (a Django template string, rendered with
autoescaping and the variables of ``templates.certificate_context``) or the built-in
``cert_manager_plugin/certificate_body.html``; a certificate that records a design version renders that version
(``design_html``), whatever its course's design is now.

A certificate that is not valid (any status but ``downloadable``) is a public record, not an achievement:
its page shows no body, no grade and no achievement wording, only its status, its dates and the history of
its states, numbered 1, 2, 3 … and each only "valid", "not valid" or "no longer valid" (without grades).
Who ever holds the link learns that it is revoked or not issued, never a failing grade. Words come from
``labels``; dates and numbers follow the active language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import labels, links, lms, sharing
from ..courses import course_policy
from ..data import CertificateStatus
from ..eligibility import CoursePolicy, Decision, decide
from ..history import public_history
from ..models import (
    Certificate,
    CertificateException,
    CertificateInvalidation,
    CertificateRevision,
    CertificateTemplate,
    CourseCertificateSettings,
    LearnerRecord,
)
from . import qr
from .design_html import certificate_design_body, certificate_design_layout
from .templates import certificate_context, course_layout

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest
    from opaque_keys.edx.keys import CourseKey

DOWNLOADABLE = CertificateStatus.DOWNLOADABLE


def local_date(value: datetime | None) -> str:
    """A date in the active language's own format ("Nov. 26, 2026", "26 novembre 2026"), host time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value.date(), "DATE_FORMAT")


def time_html(value: datetime | None) -> SafeString | str:
    """``<time datetime="…">Nov. 26, 2026</time>`` (a machine-readable date around the local one), or ""."""
    if value is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), local_date(value))


def local_datetime(value: datetime) -> str:
    """A date and time in the active language's format with the host time zone ("Dec. 7, 2026, 11:42 a.m. UTC")."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    zone = value.tzname() or ""
    text = date_format(value, "DATETIME_FORMAT")
    return f"{text} {zone}" if zone else text


def datetime_html(value: datetime | None) -> SafeString | str:
    """``<time datetime="…">Dec. 7, 2026, 11:42 a.m. UTC</time>`` (date and time), or ""."""
    if value is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), local_datetime(value))


def public_history_rows(
    certificate: Certificate, revisions: list[CertificateRevision], *, print_grade: bool
) -> list[dict]:
    """
    Every state of the certificate for a public page, numbered 1, 2, 3 … newest first (``history.public_history``).

    Each says valid, not valid or no longer valid (never why), from when to when (date and time), and the grade of a
    valid state when the course prints grades and the certificate is valid now.
    """
    rows = []
    for state in public_history(certificate, revisions, print_grade=print_grade):
        rows.append(
            {
                "number": state.number,
                "revision": state.number,
                "current": state.current,
                "valid": state.valid,
                "kind": state.kind,
                "status_label": state.label,
                "grade_display": local_percent(state.grade),
                "valid_from": state.valid_from,
                "valid_from_time": datetime_html(state.valid_from),
                "superseded_at": state.valid_to,
                "superseded_at_time": datetime_html(state.valid_to),
            }
        )
    return rows


def local_percent(grade: float | None) -> str | None:
    """0.855 -> "85.5%" with the active language's decimal mark; None stays None."""
    if grade is None:
        return None
    value = round(float(grade) * 100, 1)
    text = number_format(value, 0 if value == int(value) else 1)
    return pgettext("a grade in percent", "%(value)s%%") % {"value": text}


def render_body(template: CertificateTemplate | None, context: dict) -> SafeString:
    """The certificate body: the template's HTML when it has one, else the built-in layout."""
    if template is not None and (template.html or "").strip():
        try:
            compiled = Engine(autoescape=True).from_string(template.html)
            return mark_safe(compiled.render(Context(context)))  # noqa: S308 - autoescaped template output
        except TemplateSyntaxError as exc:
            context = {**context, "template_error": str(exc)}
    return mark_safe(render_to_string("cert_manager_plugin/certificate_body.html", context))  # noqa: S308


def certificate_body(certificate: Certificate, template: CertificateTemplate | None, context: dict) -> SafeString:
    """
    The body of a valid certificate: its design version's (``design_html``) when it records one, else as before.

    NULL ``design_version`` is every certificate issued before its course had a design: template or built-in layout.
    """
    if certificate.design_version_id is not None:
        return certificate_design_body(certificate, context)
    return render_body(template, context)


def revoked_reason(certificate: Certificate) -> str | None:
    """
    What a public page says of a once-valid certificate that is no longer valid (None while it is valid).

    Always "It is no longer valid.": never why (grade, invalidation, deletion), which is not the public's to read.
    """
    if certificate.status == CertificateStatus.DOWNLOADABLE:
        return None
    return str(labels.REVOKED_DEFAULT)


def web_certificate_context(certificate: Certificate, request: HttpRequest | None = None) -> dict:
    """Everything ``certificate.html`` and ``verify.html`` show: variables, body, QR code, status and history."""
    layout = certificate_design_layout(certificate, course_layout(certificate.course_key, mode=certificate.mode))
    context = certificate_context(certificate, layout=layout, request=request)
    valid = context["is_valid"]
    revisions = list(CertificateRevision.objects.filter(certificate=certificate).order_by("-revision"))
    was_issued = certificate.issued_date is not None or any(r.status == DOWNLOADABLE for r in revisions)
    history = public_history_rows(certificate, revisions, print_grade=layout.print_grade)
    revoked = certificate.status == CertificateStatus.UNAVAILABLE or (not valid and was_issued)
    context.update(
        issued_time=time_html(certificate.issued_date),
        modified_display=local_date(certificate.modified),
        modified_time=time_html(certificate.modified),
        grade_display=local_percent(context["grade"]) if valid else None,
    )
    if not valid:
        context.update(grade=None)
    context.update(
        qr_svg=mark_safe(qr.encode(context["verify_url"]).svg(title=_("Verification QR code"))),  # noqa: S308
    )
    context.update(
        body=certificate_body(certificate, layout.template, context) if valid else None,
        revisions=history if len(history) > 1 else [],
        updated=len(history) > 1 and valid,
        was_issued=was_issued,
        revoked=revoked,
        revoked_reason=revoked_reason(certificate) if revoked else None,
        public_status_label=labels.public_status_label(certificate.status, was_issued=was_issued),
        web_page_url=context["web_url"],
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
    status: str = ""
    valid: bool = False
    issued_date: datetime | None = None
    reason: str = ""
    web_url: str = ""
    pdf_url: str = ""
    verify_url: str = ""
    linkedin_url: str = ""  # LinkedIn's add-to-profile URL of a valid certificate ("" when LinkedIn sharing is off)
    #: the credential's expiry under the course's setting, ``{"date", "expired"}`` (set by the page when credentials
    #: are on; None: no expiry)
    credential_until: dict | None = None


def _valid_links(
    cert: Certificate, course: object | None, key: CourseKey, request: HttpRequest | None
) -> dict[str, str]:
    """A valid certificate's links on the dashboard: web, PDF, verification page (absolute) and LinkedIn's URL."""
    found = links.certificate_links(cert.verify_uuid, request=request)
    org = getattr(course, "org", "") or getattr(key, "org", "")
    share = sharing.share_actions(cert, course_name=course_name(course, key), org=org, request=request)
    return {
        "web_url": found["web_url"],
        "pdf_url": found["pdf_url"],
        "verify_url": found["verify_page_url"],
        "linkedin_url": share.linkedin_url if share else "",
    }


def _learner_reason(decision: Decision, policy: CoursePolicy, *, self_generation: bool) -> str:
    """What the learner reads instead of a request button: why no certificate (yet)."""
    if decision.status == DOWNLOADABLE and not decision.keep:
        return "" if self_generation else str(labels.LEARNER_REASONS["disabled"])
    if decision.reason == "held_until_course_end" and policy.course_end is not None:
        return _("Certificates of this course are issued after the course ends, on %(date)s.") % {
            "date": local_date(policy.course_end)
        }
    return str(labels.LEARNER_REASONS.get(decision.reason, ""))


def course_name(course: object | None, key: CourseKey) -> str:
    """
    What a learner reads for a course: its name, never its id.

    Without a name (no course overview), the course number, as the LMS's ``display_number_with_default`` shows.
    """
    name = getattr(course, "display_name", "") if course is not None else ""
    return name or getattr(key, "course", "") or str(key)


def dashboard_rows(user: AbstractBaseUser, *, request: HttpRequest | None = None) -> list[DashboardRow]:
    """
    The learner's certificates, plus enrolled courses without one.

    "Request certificate" is offered only where the request would succeed (self-generation on, and the same
    eligibility rules the engine applies say the learner gets a valid certificate); otherwise the row says why
    there is none.
    """
    certs = {c.course_key: c for c in Certificate.objects.filter(user=user).order_by("-modified", "-id")}
    records = {r.course_key: r for r in LearnerRecord.objects.filter(user=user).order_by("-enrollment_at", "-id")}
    enrolled = [key for key, r in records.items() if r.is_active]
    keys = list(dict.fromkeys([*certs, *enrolled]))
    settings_rows = {s.course_key: s for s in CourseCertificateSettings.objects.filter(course_key__in=keys)}
    allowlisted = set(
        CertificateException.objects.filter(user=user, course_key__in=keys).values_list("course_key", flat=True)
    )
    invalidated = set(
        CertificateInvalidation.objects.filter(
            certificate__user=user, certificate__course_key__in=keys, active=True
        ).values_list("certificate__course_key", flat=True)
    )
    backend = lms.backend()
    now = timezone.now()
    rows = []
    for key in keys:
        cert = certs.get(key)
        record = records.get(key)
        course = backend.course_overview(key)
        row_settings = settings_rows.get(key)
        print_grade = row_settings.print_grade if row_settings else True
        self_generation = bool(row_settings and row_settings.self_generation_enabled)
        valid = cert is not None and cert.status == DOWNLOADABLE
        can_request, reason = False, ""
        if not valid:
            policy = course_policy(key)
            decision = decide(
                record.learner_state() if record is not None else None,
                current_status=cert.status if cert else None,
                allowlisted=key in allowlisted,
                invalidated=key in invalidated,
                policy=policy,
                now=now,
            )
            can_request = self_generation and key in enrolled and decision.status == DOWNLOADABLE and not decision.keep
            reason = _learner_reason(decision, policy, self_generation=self_generation)
        urls = {"web_url": "", "pdf_url": "", "verify_url": ""}
        if valid:
            urls = _valid_links(cert, course, key, request)
        rows.append(
            DashboardRow(
                course_id=str(key),
                course_name=course_name(course, key),
                certificate=cert,
                status=cert.status if cert else "",
                status_label=labels.label(labels.STATUS_LABELS, cert.status) if cert else _("No certificate yet"),
                valid=valid,
                issued_date=cert.issued_date if valid else None,
                issued_display=local_date(cert.issued_date) if valid else "",
                grade_display=local_percent(cert.grade) if valid and print_grade else None,
                can_request=can_request,
                reason=reason,
                **urls,
            )
        )
    return rows
