"""
Certificate PDFs with ReportLab: one page per certificate, built for throughput. The public entry of the PDF modules.

Everything that is the same on every certificate of a course is drawn once per document as PDF Form
XObjects and reused by reference on every page:

* the template's **background PDF** (first page), parsed once per template version with pypdf and
  cached; its objects are copied into each output document once (no per-page merge);
* the **static layer**: border, titles, course name, organization, labels.

A page then costs the per-learner text (name, date, grade, verify URL, id) and the QR code of the verify
URL from :mod:`.qr` — a few hundred bytes of content stream. ``CertificatePdfWriter`` streams any
number of pages into one canvas; ``render_certificate_pdf`` is the one-certificate case;
``StreamingCertificatePdf`` writes exports page by page. Both writers lay a page out with the same
code (``page_operators``) and differ only in how text is encoded for their document.

The rest of the package imports from here; the work is done, one concern a module, in:

* :mod:`.pdf_fonts` — the bundled and configured fonts, their fallback chains and the scripts they cover;
* :mod:`.pdf_text` — cleaning, Arabic shaping, bidi order and runs by font (``clean_text``, ``shape``);
* :mod:`.pdf_fit` — measuring, shrinking, wrapping and cutting text to fit a box (``fit_text``);
* :mod:`.pdf_operators` — PDF operators drawing text blocks, and the document's text encoder;
* :mod:`.pdf_background` — the template's background PDF: parsed, cached, copied in as a form;
* :mod:`.pdf_layout` — the page: static layer, per-learner operators, QR placement (``PageData``);
* :mod:`.pdf_design` — a course design (``designs``) on the page: ``designed_layout``, each base's arrangement;
* :mod:`.pdf_writer` — ``CertificatePdfWriter``, pages on one ReportLab canvas, and the document's metadata;
* :mod:`.pdf_stream` — ``StreamingCertificatePdf``, the export writer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

from django.utils.translation import gettext

from .pdf_background import Background, background_for, parse_background, register_background
from .pdf_design import DesignedLayout, designed_layout
from .pdf_fit import ELLIPSIS, TEXT_FLOOR, TextBlock, TextLine, fit_text, place
from .pdf_fonts import font_chains, reset_fonts
from .pdf_layout import (
    NAME_MIN_SIZE,
    NAME_SIZE,
    PAGE_SIZE,
    QR_SIZE,
    PageData,
    draw_static_layer,
    page_data,
    page_labels,
    page_operators,
)
from .pdf_operators import DocumentEncoder, block_operators, draw_block
from .pdf_stream import FrozenEncoder, StreamingCertificatePdf
from .pdf_text import clean_text, shape, visual
from .pdf_writer import CertificatePdfWriter
from .templates import CourseLayout, certificate_context, course_layout

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ..models import Certificate

__all__ = [
    "ELLIPSIS",
    "NAME_MIN_SIZE",
    "NAME_SIZE",
    "PAGE_SIZE",
    "QR_SIZE",
    "TEXT_FLOOR",
    "Background",
    "CertificatePdfWriter",
    "DesignedLayout",
    "DocumentEncoder",
    "FrozenEncoder",
    "PageData",
    "StreamingCertificatePdf",
    "TextBlock",
    "TextLine",
    "attach_credential",
    "background_for",
    "block_operators",
    "certificate_layout",
    "clean_text",
    "designed_layout",
    "draw_block",
    "draw_static_layer",
    "fit_text",
    "font_chains",
    "page_data",
    "page_labels",
    "page_operators",
    "parse_background",
    "place",
    "register_background",
    "render_certificate_pdf",
    "render_pages",
    "reset_fonts",
    "shape",
    "visual",
]


def render_certificate_pdf(
    certificate: Certificate,
    *,
    request: HttpRequest | None = None,
    layout: CourseLayout | None = None,
    with_credential: bool = False,
) -> bytes:
    """
    The certificate as a one-page PDF (its links absolute: a base URL setting or ``request`` is needed).

    ``with_credential`` (the learner's own copy): a valid certificate's signed credential rides along as an
    attachment when the site signs credentials (``attach_credential``).
    """
    layout = certificate_layout(certificate, layout or course_layout(certificate.course_key, mode=certificate.mode))
    context = certificate_context(certificate, layout=layout, request=request)
    buffer = io.BytesIO()
    words = {"learner": context["learner_name"], "course": context["course_name"]}
    title = gettext("Certificate of %(learner)s: %(course)s") % words  # the PDF's /Title, read by screen readers
    writer = CertificatePdfWriter(buffer, title=title, author=layout.org or "")
    writer.add_page(layout, page_data(context))
    if with_credential:
        attach_credential(writer, certificate)
    writer.close()
    return buffer.getvalue()


def attach_credential(writer: CertificatePdfWriter, certificate: Certificate) -> bool:
    """
    Attach the certificate's signed Open Badges 3.0 credential (``credential.json``, ``application/vc``).

    Only for a valid certificate on a site that signs credentials; whether it was attached. The check page
    (``/cert_manager/credentials/verify/``) reads it back out of the PDF.
    """
    from ..credentials import api as credentials

    data = credentials.credential_bytes(certificate.pk, certificate.status)
    if data is None:
        return False
    description = gettext("The signed credential (Open Badges 3.0) of this certificate, for checking it anywhere.")
    writer.attach(credentials.PDF_ATTACHMENT_NAME, data, credentials.PDF_ATTACHMENT_TYPE, description)
    return True


def certificate_layout(certificate: Certificate, layout: CourseLayout) -> CourseLayout:
    """
    The layout ``certificate`` prints with: ``layout``, or with the design version it records (``design_version``).

    A certificate without one (issued before the course had a design) prints as it always did.
    """
    if not certificate.design_version_id or isinstance(layout, DesignedLayout):
        return layout
    version = certificate.design_version
    return designed_layout(layout, version.document, mode=certificate.mode, key=f"v{version.pk}")


def render_pages(layout: CourseLayout, pages: Iterable[PageData], output: BinaryIO, *, title: str = "") -> int:
    """Write many pages of one course into ``output``; returns the page count."""
    writer = CertificatePdfWriter(output, title=title)
    for page in pages:
        writer.add_page(layout, page)
    writer.close()
    return writer.pages
