"""
Which certificate template applies, and the variables every rendering (web page, PDF, email) gets.

Template choice, most specific first: the course's own template (``CourseCertificateSettings.template``)
when it is active, else the active ``CertificateTemplate`` that best matches the certificate, scored
course (8) > organization (4) > mode (2) > language (1); a blank field on a template matches anything.
Ties go to the most recently modified template.

Inside the LMS the course's active web-certificate configuration (Studio: Settings → Certificates, read by the
adapter's ``web_certificate_config``) prints with no plugin setting: its course title override replaces the
course's name, and its signatories and organization logo are in the layout (``CourseLayout.signatories``,
``org_logo_url``) and in every rendering's variables (``signatories``, ``org_logo_url``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format, number_format
from opaque_keys.edx.keys import CourseKey

from .. import labels, links, lms
from ..data import CertificateStatus
from ..lms.base import Signatory, WebCertificateConfig
from ..models import Certificate, CertificateTemplate, CourseCertificateSettings

if TYPE_CHECKING:
    from django.http import HttpRequest

#: Human names of the statuses, for pages and emails: worded (and translated) in ``labels``, the one place.
STATUS_LABELS = labels.STATUS_LABELS


def template_for(
    course_key: CourseKey,
    *,
    mode: str = "",
    org: str = "",
    language: str = "",
    course_template: CertificateTemplate | None = None,
) -> CertificateTemplate | None:
    """The template a certificate of ``course_key`` in ``mode`` uses (None: the built-in layout)."""
    if course_template is not None and course_template.is_active:
        return course_template
    # Course-specific rows of other courses are skipped in Python: an opaque-key field cannot be
    # queried with ``__isnull``, and templates are few.
    candidates = CertificateTemplate.objects.filter(
        Q(organization="") | Q(organization__iexact=org or ""),
        Q(mode="") | Q(mode=mode or ""),
        is_active=True,
    ).order_by("-modified", "-id")
    lang = (language or "").lower()
    best, best_score = None, -1
    for template in candidates:
        tlang = template.language.lower()
        if (template.course_key and template.course_key != course_key) or not _language_matches(tlang, lang):
            continue
        score = (
            (8 if template.course_key else 0)
            + (4 if template.organization else 0)
            + (2 if template.mode else 0)
            + (1 if tlang else 0)
        )
        if score > best_score:
            best, best_score = template, score
    return best


def _language_matches(template_language: str, language: str) -> bool:
    """A blank template language matches any; "en" matches "en-us" and the reverse."""
    if not template_language:
        return True
    if not language:
        return False
    return (
        language == template_language
        or language.startswith(template_language + "-")
        or template_language.startswith(language + "-")
    )


def format_grade(grade: float | None) -> str | None:
    """0.855 -> "85.5%" (with the active language's decimal separator: "85,5%" in French); None stays None."""
    if grade is None:
        return None
    text = f"{grade * 100:.1f}".rstrip("0").rstrip(".")
    return f"{number_format(Decimal(text))}%"


def format_date(value: datetime | None) -> str:
    """
    A certificate date in the active language's own order and words, in the host's time zone.

    The language's ``DATE_FORMAT`` with the month written out ("November 26, 2026", "26 novembre 2026",
    "26. November 2026"): English's format abbreviates it ("Nov. 26, 2026"), which a certificate should not.
    """
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value.date(), get_format("DATE_FORMAT").replace("N", "F"))


@dataclass
class CourseLayout:
    """What is the same on every certificate of a course (and template): the PDF's static layer."""

    course_id: str
    course_name: str
    org: str
    print_grade: bool
    template: CertificateTemplate | None = None
    settings: CourseCertificateSettings | None = field(default=None, repr=False)
    #: The course's Studio configuration (inside the LMS): its signatories in order, and the organization's logo.
    signatories: tuple[Signatory, ...] = ()
    org_logo_url: str = ""
    #: A digest of the Studio configuration's printed part ("" without one): layouts that print differently differ.
    studio_fingerprint: str = ""
    #: Whether ``course_name`` is Studio's course title override (then a design's own title does not replace it).
    course_title_from_studio: bool = False


def design_course_name(layout: CourseLayout, title: str) -> str:
    """The course name a design prints: Studio's title override first, then the design's ``title``, then the name."""
    return title if title and not layout.course_title_from_studio else layout.course_name


def studio_configuration(course_key: CourseKey, mode: str) -> WebCertificateConfig | None:
    """
    The course's active web-certificate configuration through the LMS adapter, or None (standalone, none active).

    An adapter that predates ``web_certificate_config`` (a host's own, by dotted path) has none.
    """
    read = getattr(lms.backend(), "web_certificate_config", None)
    return read(course_key, mode) if read is not None else None


def course_layout(course_key: CourseKey, *, mode: str = "", language: str | None = None) -> CourseLayout:
    """The course's name, organization, print-grade policy and template (two or three queries)."""
    course = lms.backend().course_overview(course_key)
    row = CourseCertificateSettings.objects.filter(course_key=course_key).select_related("template").first()
    org = course.org if course and course.org else getattr(course_key, "org", "")
    template = template_for(
        course_key,
        mode=mode,
        org=org,
        language=language if language is not None else (translation.get_language() or ""),
        course_template=row.template if row else None,
    )
    studio = studio_configuration(course_key, mode)
    name = course.display_name if course else str(course_key)
    return CourseLayout(
        course_id=str(course_key),
        course_name=(studio.course_title if studio else "") or name,  # as the LMS's webview: the override wins
        org=org,
        print_grade=row.print_grade if row else True,
        template=template,
        settings=row,
        signatories=studio.signatories if studio else (),
        org_logo_url=studio.org_logo_url if studio else "",
        studio_fingerprint=studio.fingerprint() if studio else "",
        course_title_from_studio=bool(studio and studio.course_title),
    )


def certificate_context(
    certificate: Certificate, *, layout: CourseLayout | None = None, request: HttpRequest | None = None
) -> dict:
    """
    The template variables of one certificate (documented in docs/rendering.rst).

    ``learner_name``, ``course_name``, ``course_id``, ``org``, ``mode``, ``status``, ``status_label``,
    ``is_valid``, ``issued_date`` (datetime) and ``issued_date_display``, ``grade`` (0..1 or None when
    the course does not print grades) and ``grade_display`` ("95%"), ``print_grade``, ``verify_uuid``,
    ``certificate_id``, ``revision``, ``modified``, ``web_url``, ``verify_page_url``, ``pdf_url``,
    ``verify_api_url`` (``links.certificate_links``) and ``verify_url`` (the link a verifier opens, which the
    QR code holds: the web certificate, which states the status first); inside the LMS, the course's Studio
    configuration: ``signatories`` (a list of ``name``, ``title``, ``organization``, ``signature_image_url``) and
    ``org_logo_url`` (image URLs only when they are relative or http(s); else "").
    """
    layout = layout or course_layout(certificate.course_key, mode=certificate.mode)
    urls = links.certificate_links(certificate.verify_uuid, request=request)
    grade = certificate.grade if layout.print_grade else None
    name = certificate.name  # never the username: blank once the learner is retired (retirement.retire_user)
    return {
        "learner_name": name,
        "course_name": layout.course_name,
        "course_id": layout.course_id,
        "org": layout.org,
        "mode": certificate.mode,
        "status": certificate.status,
        "status_label": STATUS_LABELS.get(certificate.status, certificate.status),
        "is_valid": certificate.status == CertificateStatus.DOWNLOADABLE,
        "issued_date": certificate.issued_date,
        "issued_date_display": format_date(certificate.issued_date),
        "grade": grade,
        "grade_display": format_grade(grade),
        "print_grade": layout.print_grade,
        "verify_uuid": str(certificate.verify_uuid),
        "certificate_id": str(certificate.verify_uuid),
        "revision": certificate.revision,
        "modified": certificate.modified,
        **urls,  # web_url, verify_page_url, pdf_url, verify_api_url (links.py)
        "verify_url": urls["web_url"],  # what a verifier opens (and the QR code holds): the web certificate
        "signatories": [
            {
                "name": signatory.name,
                "title": signatory.title,
                "organization": signatory.organization,
                "signature_image_url": safe_image_url(signatory.signature_image_url),
            }
            for signatory in layout.signatories
        ],
        "org_logo_url": safe_image_url(layout.org_logo_url),
    }


def safe_image_url(url: str) -> str:
    """
    ``url`` when a page may show it as an image: relative ("/static/…", "asset-v1:…") or http(s); else "".

    Studio stores what its form sent; a ``javascript:`` or ``data:`` URL is never put into a page.
    """
    url = (url or "").strip()
    scheme, colon, _rest = url.partition(":")
    if not colon or "/" in scheme or scheme.startswith("asset-v1") or scheme.lower() in ("http", "https"):
        return url
    return ""
