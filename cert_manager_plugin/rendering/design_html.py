"""
The web certificate of a certificate with a design version, and the HTML preview of a design not saved yet.

A design's body is ``templates/cert_manager_plugin/designs/<base>.html`` (``classic``, ``modern``, ``minimal``):
the resolved design's colours become CSS custom properties (validated ``#rrggbb`` only), its text blocks are filled
with the variables (``designs.document.fill``) and every part is autoescaped: nothing a course team typed is markup.
The page's status frame (``certificate.html``) stays around it. Right-to-left languages get ``dir="rtl"`` and the
stylesheet (``css/designs.css``) uses logical properties only, so the design mirrors.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .. import errors
from ..designs.api import asset_url
from ..designs.document import VARIABLES, DesignDocument, ResolvedDesign, fill, resolve, validate, variables_in
from ..designs.models import DesignAsset
from ..designs.preview import preview_learner
from . import qr
from .templates import CourseLayout, course_layout, design_course_name, format_date, format_grade

if TYPE_CHECKING:
    from collections.abc import Callable

    from opaque_keys.edx.keys import CourseKey

    from ..models import Certificate

log = logging.getLogger(__name__)

__all__ = [
    "certificate_design_body",
    "certificate_design_layout",
    "design_body",
    "design_signatories",
    "design_variables",
    "preview_html",
    "stored_document",
]


def design_variables(
    *, learner_name: str, course_name: str, grade: float | None, issued: datetime | None, verify_url: str
) -> dict[str, str]:
    """The values of ``VARIABLES`` as printed text in the active language (grade "" when not printed)."""
    values = {
        "learner_name": learner_name or "",
        "course_name": course_name or "",
        "grade": format_grade(grade) or "",
        "issue_date": format_date(issued),
        "verify_url": verify_url or "",
    }
    return {name: values[name] for name in VARIABLES}


def stored_document(data: dict | None) -> DesignDocument:
    """A version's stored document as a ``DesignDocument`` (one no longer valid falls back on the defaults, logged)."""
    try:
        return validate(data or {})
    except errors.InvalidInput as exc:
        log.warning("cert_manager: a stored design no longer validates (%s); rendering the default design", exc)
        return DesignDocument()


def _style(design: ResolvedDesign) -> str:
    """The design's colours as CSS custom properties (names fixed here, values validated ``#rrggbb``)."""
    return "; ".join(f"--cm-d-{name}: {value}" for name, value in sorted(design.colours.items()))


def design_body(
    document: DesignDocument,
    *,
    mode: str,
    variables: dict[str, str],
    context: dict,
    image_url: Callable[[str], str] = asset_url,
    language: str | None = None,
) -> SafeString:
    """
    The certificate body of ``document`` for a certificate in ``mode``, in ``language`` (None: the active one).

    ``variables``: the five values (``design_variables``); ``context``: the page's other data (Studio's signatories,
    which win over the design's; org logo; the QR code's SVG as ``qr_svg``); ``image_url``: a storage name → its
    URL (a preview inlines ``data:``).
    """
    design = resolve(document, mode, language)
    blocks = {name: fill(text, variables) for name, text in design.blocks.items()}
    grade_in_text = any("grade" in variables_in(text) for text in design.blocks.values())
    org = context.get("org", "")
    values = {
        "design": design,
        "dir": "rtl" if design.rtl else "ltr",
        "style": _style(design),
        "blocks": blocks,
        "learner_name": variables["learner_name"],
        "grade_line": variables["grade"] if not grade_in_text else "",
        "logo_url": image_url(design.logo) if design.logo else context.get("org_logo_url", ""),
        "logo_alt": _("Logo of %(org)s") % {"org": org} if org else _("Organization logo"),
        "background_url": image_url(design.background) if design.background else "",
        "signatories": context.get("signatories") or design_signatories(design, image_url),
        "qr_svg": context.get("qr_svg") if design.show_qr else None,
    }
    with translation.override(design.language):
        html = render_to_string(f"cert_manager_plugin/designs/{design.base.id}.html", values)
    return mark_safe(html)  # noqa: S308 - an autoescaped template's output


def design_signatories(design: ResolvedDesign, image_url: Callable[[str], str] = asset_url) -> list[dict[str, str]]:
    """
    The design's own signatories as the templates print them (the Studio ones' keys), images through ``image_url``.

    Printed only when the course has no Studio signatories (standalone, or no active Studio configuration).
    """
    return [
        {
            "name": signatory.get("name", ""),
            "title": signatory.get("title", ""),
            "organization": signatory.get("organization", ""),
            "signature_image_url": image_url(signatory["signature"]) if signatory.get("signature") else "",
        }
        for signatory in design.signatories
    ]


def certificate_design_layout(certificate: Certificate, layout: CourseLayout) -> CourseLayout:
    """``layout`` with the course title of the design version ``certificate`` records (when Studio overrides none)."""
    if not certificate.design_version_id or layout.course_title_from_studio:
        return layout
    title = stored_document(certificate.design_version.document).course_title
    return replace(layout, course_name=title) if title else layout


def certificate_design_body(certificate: Certificate, context: dict) -> SafeString:
    """The body of a certificate that records a design version (one query: the version's document)."""
    stored = certificate.design_version.document if certificate.design_version_id else {}
    variables = design_variables(
        learner_name=context["learner_name"],
        course_name=context["course_name"],
        grade=context["grade"],
        issued=certificate.issued_date,
        verify_url=context["verify_url"],
    )
    return design_body(stored_document(stored), mode=certificate.mode, variables=variables, context=context)


def _data_uri(name: str) -> str:
    """An uploaded image as a ``data:`` URI (the preview's Content-Security-Policy allows no other origin)."""
    asset = DesignAsset.objects.filter(file=name).values_list("content_type", flat=True).first() or "image/png"
    storage = DesignAsset._meta.get_field("file").storage
    with storage.open(name, "rb") as handle:
        data = handle.read()
    return f"data:{asset};base64,{base64.b64encode(data).decode('ascii')}"


def preview_html(
    course_key: CourseKey,
    document: dict,
    *,
    username: str | None = None,
    mode: str = "",
    language: str | None = None,
) -> str:
    """
    A standalone page showing the unsaved design ``document`` for the sample learner or ``username``.

    Nothing is saved and no certificate is created. A bad document raises ``errors.InvalidInput`` (field paths); a
    username that is not a learner of the course ``errors.UserNotFound``. Images are inlined as ``data:`` URIs.
    """
    doc = validate(document)
    language = language or translation.get_language() or "en"
    with translation.override(language):
        learner = preview_learner(course_key, username, mode)
        layout = course_layout(course_key, mode=learner.mode, language=language)
        grade = learner.grade if layout.print_grade else None
        variables = design_variables(
            learner_name=learner.name,
            course_name=design_course_name(layout, doc.course_title),
            grade=grade,
            issued=learner.issued,
            verify_url=learner.verify_url,
        )
        context = _preview_context(layout, learner.verify_url)
        body = design_body(doc, mode=learner.mode, variables=variables, context=context, image_url=_data_uri)
        title = _("Preview: certificate of %(learner)s") % {"learner": learner.name}
        return render_to_string("cert_manager_plugin/designs/preview.html", {"body": body, "title": title})


def _preview_context(layout: object, verify_url: str) -> dict:
    """The page data a preview's design shows besides the variables: organization, Studio signatories, QR code."""
    signatories = [
        {"name": s.name, "title": s.title, "organization": s.organization, "signature_image_url": ""}
        for s in getattr(layout, "signatories", ())
    ]
    return {
        "org": getattr(layout, "org", ""),
        "org_logo_url": "",
        "signatories": signatories,
        "qr_svg": mark_safe(qr.encode(verify_url).svg(title=_("Verification QR code"))),  # noqa: S308
    }
