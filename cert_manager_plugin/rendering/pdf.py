"""
Certificate PDFs with ReportLab: one page per certificate, built for throughput.

Everything that is the same on every certificate of a course is drawn once per document as PDF Form
XObjects and reused by reference on every page:

* the template's **background PDF** (first page), parsed once per template version with pypdf and
  cached; its objects are copied into each output document once (no per-page merge);
* the **static layer**: border, titles, course name, organization, labels.

A page then costs the per-learner text (name, date, grade, verify URL, id) and the QR code of the verify
URL from :mod:`.qr` — a few hundred bytes of content stream. ``CertificatePdfWriter`` streams any
number of pages into one canvas; ``render_certificate_pdf`` is the one-certificate case.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from . import qr
from .templates import CourseLayout, certificate_context, course_layout

log = logging.getLogger(__name__)

PAGE_SIZE = landscape(A4)
NAVY = (0.12, 0.23, 0.37)
GOLD = (0.72, 0.58, 0.25)
INK = (0.15, 0.15, 0.18)
GREY = (0.4, 0.4, 0.45)
QR_SIZE = 90  # points


# --- fonts ---------------------------------------------------------------------------------------------

#: Fonts tried, in order, for text that the standard PDF fonts (WinAnsi) cannot show.
UNICODE_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)
_font_lock = threading.Lock()
_unicode_fonts: tuple[str, str] | None = None


def _unicode_font_pair() -> tuple[str, str]:
    """Register (once) and return the regular and bold TrueType fonts used for non-WinAnsi text."""
    global _unicode_fonts  # noqa: PLW0603 - a process-wide registration, like ReportLab's own font registry
    if _unicode_fonts is not None:
        return _unicode_fonts
    with _font_lock:
        if _unicode_fonts is not None:
            return _unicode_fonts
        configured = getattr(settings, "CERT_MANAGER_PDF_UNICODE_FONT", None)
        candidates = [(configured, configured)] if configured else []
        candidates += list(UNICODE_FONT_CANDIDATES)
        import reportlab

        vera = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
        candidates.append((os.path.join(vera, "Vera.ttf"), os.path.join(vera, "VeraBd.ttf")))
        pair = ("Helvetica", "Helvetica-Bold")
        for regular, bold in candidates:
            if regular and os.path.isfile(regular):
                pdfmetrics.registerFont(TTFont("CertManagerSans", regular))
                pdfmetrics.registerFont(TTFont("CertManagerSans-Bold", bold if os.path.isfile(bold) else regular))
                pair = ("CertManagerSans", "CertManagerSans-Bold")
                break
        else:
            log.warning("cert_manager: no TrueType font found; non-Latin names will not print correctly")
        _unicode_fonts = pair
        return pair


def font_for(text: str, *, bold: bool = False, base: str = "Helvetica") -> str:
    """A standard font when WinAnsi can show ``text`` (fast, nothing embedded), else a TrueType font."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return _unicode_font_pair()[1 if bold else 0]
    if base == "Helvetica":
        return "Helvetica-Bold" if bold else "Helvetica"
    return base


def fit_size(text: str, font: str, size: float, max_width: float, minimum: float = 9) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``max_width``."""
    width = pdfmetrics.stringWidth(text, font, size)
    if width <= max_width:
        return size
    return max(minimum, size * max_width / width)


# --- background PDF ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Background:
    """The first page of a template's background PDF, parsed once and reused by every document."""

    key: str
    width: float
    height: float
    x0: float
    y0: float
    resources: object  # pypdf object (dict or indirect), converted into each output document
    content: bytes  # the page's content stream, Flate-compressed


_bg_lock = threading.Lock()
_bg_cache: OrderedDict[tuple, Background] = OrderedDict()
BACKGROUND_CACHE_SIZE = 16


def parse_background(data: bytes, key: str = "background") -> Background:
    """Parse a PDF's first page into a ``Background``; a file that is not a PDF raises ``ValueError``."""
    try:
        reader = PdfReader(io.BytesIO(data))
        page = reader.pages[0]
        box = page.mediabox
        contents = page.get_contents()
        content = contents.get_data() if contents is not None else b""
        resources = page.get("/Resources") or DictionaryObject()
        if isinstance(resources, IndirectObject):
            resources = resources.get_object()
    except Exception as exc:
        raise ValueError(f"the background is not a readable PDF: {exc}") from exc
    return Background(
        key=key,
        width=float(box.width),
        height=float(box.height),
        x0=float(box.left),
        y0=float(box.bottom),
        resources=resources,
        content=zlib.compress(content),
    )


def background_for(template) -> Background | None:
    """The template's parsed background (cached per template version), or None."""
    if template is None or not template.background_pdf:
        return None
    cache_key = (template.pk, template.background_pdf.name, template.modified)
    with _bg_lock:
        found = _bg_cache.get(cache_key)
        if found is not None:
            _bg_cache.move_to_end(cache_key)
            return found
    try:
        with template.background_pdf.open("rb") as handle:
            data = handle.read()
        background = parse_background(data, key=f"t{template.pk}")
    except (OSError, ValueError):
        log.exception("cert_manager: background PDF of template %s unusable; drawing without it", template.pk)
        return None
    with _bg_lock:
        _bg_cache[cache_key] = background
        while len(_bg_cache) > BACKGROUND_CACHE_SIZE:
            _bg_cache.popitem(last=False)
    return background


class _Raw(pdfdoc.PDFObject):
    """A PDF value already serialized (pypdf's own serialization of names, numbers, strings)."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class _Dict(pdfdoc.PDFObject):
    def __init__(self, items: list | None = None):
        self.items: list[tuple[bytes, object]] = items or []

    def format(self, document) -> bytes:
        body = b" ".join(key + b" " + pdfdoc.format(value, document) for key, value in self.items)
        return b"<< " + body + b" >>"


class _Array(pdfdoc.PDFObject):
    def __init__(self):
        self.values: list[object] = []

    def format(self, document) -> bytes:
        return b"[" + b" ".join(pdfdoc.format(v, document) for v in self.values) + b"]"


class _Stream(pdfdoc.PDFObject):
    """A stream copied byte for byte (already encoded, its /Filter kept)."""

    __RefOnly__ = 1  # streams are always indirect objects

    def __init__(self, items: list, data: bytes):
        self.dictionary = _Dict(items)
        self.data = data

    def format(self, document) -> bytes:
        self.dictionary.items = [(k, v) for k, v in self.dictionary.items if k != b"/Length"]
        self.dictionary.items.append((b"/Length", _Raw(b"%d" % len(self.data))))
        return self.dictionary.format(document) + b"\nstream\n" + self.data + b"\nendstream"


def _serialize(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _convert(obj, document, memo: dict):
    """A pypdf object as ReportLab document objects; indirect objects are registered once per document."""
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in memo:
            return memo[key]
        target = obj.get_object()
        if isinstance(target, StreamObject):
            shell = _Stream([], target._data)  # the raw, still-encoded bytes
        elif isinstance(target, DictionaryObject):
            shell = _Dict()
        elif isinstance(target, ArrayObject):
            shell = _Array()
        else:
            shell = _Raw(_serialize(target))
        memo[key] = reference = document.Reference(shell)  # registered before filling: cycles are safe
        _fill(shell, target, document, memo)
        return reference
    if isinstance(obj, StreamObject):
        shell = _Stream([], obj._data)
        _fill(shell, obj, document, memo)
        return shell
    if isinstance(obj, DictionaryObject):
        shell = _Dict()
        _fill(shell, obj, document, memo)
        return shell
    if isinstance(obj, ArrayObject):
        shell = _Array()
        _fill(shell, obj, document, memo)
        return shell
    return _Raw(_serialize(obj))


def _fill(shell, source, document, memo: dict) -> None:
    if isinstance(shell, _Stream):
        shell.dictionary.items = [
            (_serialize(k), _convert(v, document, memo)) for k, v in source.items() if k != "/Length"
        ]
    elif isinstance(shell, _Dict):
        shell.items = [(_serialize(k), _convert(v, document, memo)) for k, v in source.items()]
    elif isinstance(shell, _Array):
        shell.values = [_convert(v, document, memo) for v in source]


def register_background(canvas: Canvas, background: Background) -> str:
    """Add the background page to the canvas's document as a Form XObject (once); return its form name."""
    name = f"cmbg_{background.key}"
    document = canvas._doc
    if document.hasForm(name):
        return name
    bbox = b"[%s %s %s %s]" % tuple(
        pdfdoc.fp_str(v).encode()
        for v in (background.x0, background.y0, background.x0 + background.width, background.y0 + background.height)
    )
    form = _Stream(
        [
            (b"/Type", _Raw(b"/XObject")),
            (b"/Subtype", _Raw(b"/Form")),
            (b"/FormType", _Raw(b"1")),
            (b"/BBox", _Raw(bbox)),
            (b"/Resources", _convert(background.resources, document, {})),
            (b"/Filter", _Raw(b"/FlateDecode")),
        ],
        background.content,
    )
    document.Reference(form, pdfdoc.xObjectName(name))
    return name


# --- pages ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageData:
    """What one certificate page prints besides the course's static layer."""

    learner_name: str
    issued: str
    grade: str | None
    verify_url: str
    certificate_id: str


class CertificatePdfWriter:
    """
    Writes certificate pages into one PDF on one canvas. Static layers and backgrounds are registered
    on first use and reused by every later page with the same layout.

        writer = CertificatePdfWriter(fileobj, title="…")
        writer.add_page(layout, page_data)
        writer.close()
    """

    def __init__(self, output: BinaryIO | str, *, title: str = "", author: str = ""):
        self.canvas = Canvas(output, pagesize=PAGE_SIZE, pageCompression=1)
        if title:
            self.canvas.setTitle(title)
        if author:
            self.canvas.setAuthor(author)
        self.canvas.setCreator("cert_manager_plugin")
        self.pages = 0
        self._static: dict[tuple, tuple[str, Background | None, tuple[float, float]]] = {}

    def _static_layer(self, layout: CourseLayout) -> tuple[str, Background | None, tuple[float, float]]:
        template = layout.template
        key = (
            layout.course_id,
            layout.course_name,
            layout.org,
            layout.print_grade,
            template.pk if template else None,
            template.modified if template else None,
        )
        found = self._static.get(key)
        if found is not None:
            return found
        background = background_for(template)
        size = (background.width, background.height) if background else PAGE_SIZE
        name = f"cmstatic{len(self._static)}"
        c = self.canvas
        width, height = size
        c.beginForm(name, lowerx=0, lowery=0, upperx=width, uppery=height)
        if background is None:
            c.setStrokeColorRGB(*NAVY)
            c.setLineWidth(3)
            c.rect(24, 24, width - 48, height - 48)
            c.setStrokeColorRGB(*GOLD)
            c.setLineWidth(0.8)
            c.rect(32, 32, width - 64, height - 64)
        c.setFillColorRGB(*NAVY)
        title = _("Certificate of Achievement").upper()
        font = font_for(title, bold=True)
        c.setFont(font, fit_size(title, font, 30, width * 0.8))
        c.drawCentredString(width / 2, height * 0.77, title)
        c.setFillColorRGB(*INK)
        intro = _("This is to certify that")
        c.setFont(font_for(intro, base="Times-Italic"), 16)
        c.drawCentredString(width / 2, height * 0.66, intro)
        c.setStrokeColorRGB(*GOLD)
        c.setLineWidth(1)
        c.line(width * 0.25, height * 0.525, width * 0.75, height * 0.525)
        completed = _("has successfully completed")
        c.setFont(font_for(completed, base="Times-Italic"), 16)
        c.drawCentredString(width / 2, height * 0.455, completed)
        c.setFillColorRGB(*NAVY)
        font = font_for(layout.course_name, bold=True)
        c.setFont(font, fit_size(layout.course_name, font, 22, width * 0.8))
        c.drawCentredString(width / 2, height * 0.39, layout.course_name)
        if layout.org:
            offered = _("offered by {org}").format(org=layout.org)
            c.setFillColorRGB(*GREY)
            c.setFont(font_for(offered), 12)
            c.drawCentredString(width / 2, height * 0.345, offered)
        # The QR code's quiet zone: white whatever the background, so scanners find the code.
        margin = QR_SIZE * 4 / 41
        c.setFillColorRGB(1, 1, 1)
        c.rect(width - 48 - QR_SIZE - margin, 48 - margin, QR_SIZE + 2 * margin, QR_SIZE + 2 * margin, stroke=0, fill=1)
        c.setFillColorRGB(*GREY)
        c.setFont("Helvetica", 7)
        c.drawRightString(width - 48, 48 + QR_SIZE + margin + 3, _("Scan to verify"))
        c.endForm()
        found = (name, background, size)
        self._static[key] = found
        return found

    def add_page(self, layout: CourseLayout, page: PageData) -> None:
        """Draw one certificate page."""
        static, background, (width, height) = self._static_layer(layout)
        c = self.canvas
        if self.pages == 0 or (width, height) != tuple(c._pagesize):
            c.setPageSize((width, height))
        if background is not None:
            bg_name = register_background(c, background)
            if background.x0 or background.y0:
                c.saveState()
                c.translate(-background.x0, -background.y0)
                c.doForm(bg_name)
                c.restoreState()
            else:
                c.doForm(bg_name)
        c.doForm(static)

        name = page.learner_name
        font = font_for(name, bold=True)
        c.setFillColorRGB(*INK)
        c.setFont(font, fit_size(name, font, 34, width * 0.7))
        c.drawCentredString(width / 2, height * 0.545, name)

        line = _("Issued {date}").format(date=page.issued) if page.issued else ""
        if page.grade and layout.print_grade:
            grade = _("Grade: {grade}").format(grade=page.grade)
            line = f"{line}   \u00b7   {grade}" if line else grade
        if line:
            c.setFont(font_for(line), 12)
            c.drawCentredString(width / 2, height * 0.25, line)

        # Raw operators (wrapped in q/Q): one filled path, see qr.QrMatrix.pdf_operators.
        c._code.append(qr.encode(page.verify_url).pdf_operators(width - 48 - QR_SIZE, 48, QR_SIZE))
        c.setFillColorRGB(*GREY)
        c.setFont("Helvetica", 7)
        c.drawString(48, 58, _("Verify: {url}").format(url=page.verify_url))
        c.drawString(48, 48, _("Certificate ID: {id}").format(id=page.certificate_id))
        c.showPage()
        self.pages += 1

    def close(self) -> None:
        """Finish the document (writes it to the output)."""
        if self.pages == 0:  # an empty export still yields a valid one-page PDF
            c = self.canvas
            c.setFont("Helvetica", 14)
            c.drawString(72, PAGE_SIZE[1] - 72, _("No certificates to export."))
            c.showPage()
        # Binary (Flate only) streams: ReportLab's default ASCII85 layer makes files 25% larger and, without
        # the optional rl_accel C extension, costs more than drawing the page. The flag is read at save time.
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            self.canvas.save()
        finally:
            rl_config.useA85 = previous


def page_data(context: dict) -> PageData:
    """A ``PageData`` from ``templates.certificate_context`` variables."""
    return PageData(
        learner_name=context["learner_name"],
        issued=context["issued_date_display"],
        grade=context["grade_display"],
        verify_url=context["verify_url"],
        certificate_id=context["certificate_id"],
    )


def render_certificate_pdf(certificate, *, request=None, layout: CourseLayout | None = None) -> bytes:
    """The certificate as a one-page PDF."""
    layout = layout or course_layout(certificate.course_key, mode=certificate.mode)
    context = certificate_context(certificate, layout=layout, request=request)
    buffer = io.BytesIO()
    writer = CertificatePdfWriter(
        buffer, title=f"{context['learner_name']} — {context['course_name']}", author=layout.org or ""
    )
    writer.add_page(layout, page_data(context))
    writer.close()
    return buffer.getvalue()


def render_pages(layout: CourseLayout, pages: Iterable[PageData], output: BinaryIO, *, title: str = "") -> int:
    """Write many pages of one course into ``output``; returns the page count."""
    writer = CertificatePdfWriter(output, title=title)
    for page in pages:
        writer.add_page(layout, page)
    writer.close()
    return writer.pages
