"""
The layout of a certificate page: what goes where, in which size and colour.

``draw_static_layer`` draws what every page of a course shows (frame, titles, course, organization, the QR code's
quiet zone and label, and inside the LMS the course's Studio configuration: the organization's logo above the
title, the signatories in a row above the verify lines) once per document; ``page_operators`` writes the
per-learner part (name, date and grade, QR code of the verify URL, verify URL, certificate id) as PDF operators,
the one layout both writers use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from . import qr
from .pdf_fit import ASCENT, DESCENT, fit_text, place
from .pdf_images import load_image
from .pdf_operators import Encoder, block_operators, draw_block, marked, tagged
from .templates import CourseLayout

PAGE_SIZE = landscape(A4)
NAVY = (0.12, 0.23, 0.37)
GOLD = (0.72, 0.58, 0.25)
INK = (0.15, 0.15, 0.18)
GREY = (0.4, 0.4, 0.45)
QR_SIZE = 90  # points
QR_MARGIN = QR_SIZE * 4 / 41  # the quiet zone
NAME_SIZE = 34  # points: a name that fits is printed this size…
NAME_MIN_SIZE = 20  # …shrunk down to this one, then wrapped onto more lines (smaller still if need be)


@dataclass(frozen=True, slots=True)
class PageData:
    """What one certificate page prints besides the course's static layer."""

    learner_name: str
    issued: str
    grade: str | None
    verify_url: str
    certificate_id: str


def page_labels() -> dict[str, str]:
    """The per-page wording, in the active language."""
    return {
        "issued": _("Issued {date}"),
        "grade": _("Grade: {grade}"),
        "verify": _("Verify: {url}"),
        "id": _("Certificate ID: {id}"),
    }


def _name_box(width: float, height: float) -> tuple[float, float, float, float]:
    """The learner's name: (max width, baseline, bottom, top) — above the gold rule, below the intro line."""
    return width * 0.7, height * 0.545, height * 0.525 + 2, height * 0.66 - 16 * DESCENT - 4


def _small_text_width(width: float) -> float:
    """Room for the verify URL and certificate id lines: from the left margin to the QR code's quiet zone."""
    return width - 48 - QR_SIZE - QR_MARGIN - 8 - 48


def page_operators(
    width: float,
    height: float,
    page: PageData,
    *,
    print_grade: bool,
    labels: dict[str, str],
    encode: Encoder,
    cache: dict | None = None,
) -> bytes:
    """
    The per-learner part of a page (name, date and grade, QR code, verify URL, id) as PDF operators.

    The one layout both writers use, each with its own ``encode``. The verify URL must be absolute (a phone that
    scans the code or a reader who types the link has no page to resolve a relative one against). ``cache``
    (one per document) keeps the date and grade lines already drawn: a course has few of them.
    """
    url = page.verify_url
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"a certificate PDF needs an absolute verify URL, not {url!r}: set CERT_MANAGER_BASE_URL")
    max_width, baseline, bottom, top = _name_box(width, height)
    name = fit_text(
        page.learner_name,
        max_width=max_width,
        size=NAME_SIZE,
        min_size=NAME_MIN_SIZE,
        bold=True,
        max_height=top - bottom,
    )
    name_y = place(name, baseline, bottom, top)
    parts = [block_operators(name, width / 2, name_y, encode=encode, colour=INK, tag="name")]
    line = labels["issued"].format(date=page.issued) if page.issued else ""
    if page.grade and print_grade:
        grade = labels["grade"].format(grade=page.grade)
        line = f"{line}   \u00b7   {grade}" if line else grade
    if line:
        key = (line, width, height)
        drawn = cache.get(key) if cache is not None else None
        if drawn is None:
            block = fit_text(line, max_width=width * 0.8, size=12, min_size=7, clean=False)
            drawn = block_operators(block, width / 2, height * 0.25, encode=encode, colour=INK, tag="issued")
            if cache is not None:
                if len(cache) > 4096:
                    cache.clear()
                cache[key] = drawn
        parts.append(drawn)
    parts.append(marked("qr", qr.encode(url).pdf_operator_bytes(width - 48 - QR_SIZE, 48, QR_SIZE)))
    small = _small_text_width(width)
    for tag, label, y in (
        ("verify", labels["verify"].format(url=url), 58),
        ("id", labels["id"].format(id=page.certificate_id), 48),
    ):
        block = fit_text(label, max_width=small, size=7, min_size=4, clean=False)
        parts.append(block_operators(block, 48, y, encode=encode, colour=GREY, align="left", tag=tag))
    return b"\n".join(parts)


def draw_static_layer(c: Canvas, layout: CourseLayout, width: float, height: float, framed: bool) -> None:
    """What every page of the course shows: border (no background), titles, course, organization, QR label."""
    if framed:
        c.setStrokeColorRGB(*NAVY)
        c.setLineWidth(3)
        c.rect(24, 24, width - 48, height - 48)
        c.setStrokeColorRGB(*GOLD)
        c.setLineWidth(0.8)
        c.rect(32, 32, width - 64, height - 64)
    title = fit_text(_("Certificate of Achievement").upper(), max_width=width * 0.8, size=30, min_size=14, bold=True)
    draw_block(c, title, width / 2, height * 0.77, colour=NAVY, tag="title")
    intro = fit_text(_("This is to certify that"), max_width=width * 0.8, size=16, min_size=9, standard="Times-Italic")
    draw_block(c, intro, width / 2, height * 0.66, colour=INK, tag="intro")
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(1)
    c.line(width * 0.25, height * 0.525, width * 0.75, height * 0.525)
    completed = fit_text(
        _("has successfully completed"), max_width=width * 0.8, size=16, min_size=9, standard="Times-Italic"
    )
    draw_block(c, completed, width / 2, height * 0.455, colour=INK, tag="completed")
    top = height * 0.455 - 16 * DESCENT - 3
    bottom = (height * 0.345 if layout.org else height * 0.25) + 12 * ASCENT + 3
    course = fit_text(
        layout.course_name, max_width=width * 0.8, size=22, min_size=14, bold=True, max_height=top - bottom
    )
    draw_block(c, course, width / 2, place(course, height * 0.39, bottom, top), colour=NAVY, tag="course")
    if layout.org:
        offered = fit_text(_("offered by {org}").format(org=layout.org), max_width=width * 0.8, size=12, min_size=7)
        draw_block(c, offered, width / 2, height * 0.345, colour=GREY, tag="org")
    # The QR code's quiet zone: white whatever the background, so scanners find the code.
    c.setFillColorRGB(1, 1, 1)
    c.rect(
        width - 48 - QR_SIZE - QR_MARGIN,
        48 - QR_MARGIN,
        QR_SIZE + 2 * QR_MARGIN,
        QR_SIZE + 2 * QR_MARGIN,
        stroke=0,
        fill=1,
    )
    scan = fit_text(_("Scan to verify"), max_width=QR_SIZE + 2 * QR_MARGIN, size=7, min_size=5)
    draw_block(c, scan, width - 48, 48 + QR_SIZE + QR_MARGIN + 3, colour=GREY, align="right", tag="scan")
    if layout.org_logo_url:
        _draw_logo(c, layout.org_logo_url, width, height, org=layout.org)
    if layout.signatories:
        _draw_signatories(c, layout, width, height)


#: The organization's logo: at most this tall and wide (points), centred above the title.
LOGO_HEIGHT, LOGO_WIDTH = 56, 200
#: A signature image: at most this tall (points); signatories' lines: (size, smallest size, bold, colour).
SIGNATURE_HEIGHT = 30
SIGNATORY_LINES = ((9, 6, True, INK), (7, 5, False, GREY), (7, 5, False, GREY))


def _draw_image(c: Canvas, url: str, box: tuple[float, float, float, float], *, key: str, alt: str) -> bool:
    """
    The image at ``url`` fitted (aspect kept) and centred in ``box`` (x, y, width, height); False: skipped.

    Tagged as a figure (``key`` and its ``alt`` text: ``pdf_operators.tagged``).
    """
    image = load_image(url)
    if image is None:
        return False
    x, y, width, height = box
    with tagged(c, key, alt=alt, x=x + width / 2, y=y):
        c.drawImage(image, x, y, width, height, preserveAspectRatio=True, anchor="c", mask="auto")
    return True


def _draw_logo(c: Canvas, url: str, width: float, height: float, *, org: str = "") -> None:
    """The organization's logo above the title, below the frame (skipped when the page has no room)."""
    bottom = height * 0.77 + 30 * ASCENT + 6
    top = min(height - 40, bottom + LOGO_HEIGHT)
    if top - bottom >= 16:
        alt = _("Logo of {organization}").format(organization=org) if org else _("Organization logo")
        _draw_image(c, url, ((width - LOGO_WIDTH) / 2, bottom, LOGO_WIDTH, top - bottom), key="logo", alt=alt)


def signatory_columns(count: int, width: float) -> list[tuple[float, float]]:
    """
    The centre and width of each signatory's column, in reading order: left to right, right to left in RTL.

    The row runs from the left margin to the QR code's quiet zone, in equal columns.
    """
    left, right = 48.0, width - 48 - QR_SIZE - QR_MARGIN - 8
    column = (right - left) / max(count, 1)
    centres = [left + column * (i + 0.5) for i in range(count)]
    if translation.get_language_bidi():
        centres.reverse()
    return [(centre, column) for centre in centres]


def _draw_signatories(c: Canvas, layout: CourseLayout, width: float, height: float) -> None:
    """
    Studio's signatories in a row between the date line and the verify lines: signature, name, title, organization.

    Each line is cut with "…" to its column (never wrapped onto the lines around it); an image that cannot be
    loaded is skipped (``pdf_images``).
    """
    bottom, top = 72.0, height * 0.25 - 12 * DESCENT - 6
    if top - bottom < 24:
        return  # a page too short for the row: the certificate prints without it
    for signatory, (centre, column) in zip(
        layout.signatories, signatory_columns(len(layout.signatories), width), strict=True
    ):
        baseline = bottom + 2
        texts = (signatory.name, signatory.title, signatory.organization)
        for text, (size, min_size, bold, colour) in reversed(list(zip(texts, SIGNATORY_LINES, strict=True))):
            if not text:
                continue
            block = fit_text(text, max_width=column - 12, size=size, min_size=min_size, bold=bold)
            draw_block(c, block, centre, baseline, colour=colour, tag="signatory")
            baseline += size * LEADING_SMALL
        room = min(SIGNATURE_HEIGHT, top - baseline)
        if signatory.signature_image_url and room >= 12:
            box = (centre - (column - 12) / 2, baseline, column - 12, room)
            alt = _("Signature of {name}").format(name=signatory.name) if signatory.name else _("Signature")
            _draw_image(c, signatory.signature_image_url, box, key="signatory", alt=alt)


#: Baseline to baseline of the signatories' small lines (em).
LEADING_SMALL = 1.2


def page_data(context: dict) -> PageData:
    """A ``PageData`` from ``templates.certificate_context`` variables."""
    return PageData(
        learner_name=context["learner_name"],
        issued=context["issued_date_display"],
        grade=context["grade_display"],
        verify_url=context["verify_url"],
        certificate_id=context["certificate_id"],
    )
