"""
The PDF preview of a design not saved yet: the course's certificate as it would print, for a sample or a real learner.

``preview_pdf`` validates the document (``designs.document.validate``: a bad one raises ``errors.InvalidInput`` naming
the field), takes the learner from ``designs.preview.preview_learner`` (the sample "Sample Learner", 92 %, today, or a
learner of the course with their own name, grade, mode and link) and prints one page the way a certificate with that
design prints (``pdf_design.designed_layout``). Nothing is saved and no certificate is created.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from ..designs.preview import SAMPLE_VERIFY_UUID, PreviewLearner, preview_learner
from .pdf_design import designed_layout
from .pdf_layout import PageData
from .pdf_writer import CertificatePdfWriter
from .templates import course_layout, format_date, format_grade

if TYPE_CHECKING:
    from opaque_keys.edx.keys import CourseKey

#: The host of a preview's links when the site knows none (``CERT_MANAGER_BASE_URL`` / ``LMS_ROOT_URL`` unset).
PREVIEW_ROOT = "https://example.com"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def preview_pdf(
    course_key: CourseKey,
    document: dict,
    *,
    username: str | None = None,
    mode: str = "",
    language: str | None = None,
) -> bytes:
    """
    One certificate page of ``course_key`` printed with the unsaved design ``document`` (the PDF's bytes).

    ``username``: a learner of the course (``errors.UserNotFound`` otherwise), else the sample learner; ``mode``
    (not ""): the mode to preview; ``language`` (None: the active one) the wording's and the page's language.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        learner = preview_learner(course_key, username, mode)
        base = course_layout(course_key, mode=learner.mode, language=language)
        layout = designed_layout(base, document, mode=learner.mode, language=language)
        page = preview_page(learner, print_grade=layout.print_grade)
        words = {"learner": learner.name, "course": layout.course_name}
        buffer = io.BytesIO()
        writer = CertificatePdfWriter(
            buffer, title=gettext("Certificate of %(learner)s: %(course)s") % words, author=layout.org or ""
        )
        writer.add_page(layout, page)
        writer.close()
    return buffer.getvalue()


def preview_page(learner: PreviewLearner, *, print_grade: bool) -> PageData:
    """What the preview's page prints for ``learner`` (its link made absolute when the site has no base URL)."""
    url = learner.verify_url
    if not url.startswith(("https://", "http://")):
        url = PREVIEW_ROOT + (url if url.startswith("/") else f"/{url}")
    found = _UUID.search(url)
    return PageData(
        learner_name=learner.name,
        issued=format_date(learner.issued),
        grade=format_grade(learner.grade) if print_grade else None,
        verify_url=url,
        certificate_id=found.group() if found else str(SAMPLE_VERIFY_UUID),
    )
