"""
``CertificatePdfWriter``: certificate pages drawn by ReportLab onto one canvas, for one certificate or many.

The static layer and background of each layout are registered as Form XObjects on first use and drawn by
reference on every later page; a page adds only its learner's operators (``pdf_layout.page_operators``). The
document's metadata (title, author, creator, language) is set here.

An accessible (tagged) PDF: the catalog has the language (``/Lang``), ``/MarkInfo << /Marked true >>``, the viewer
shows the title (``/ViewerPreferences << /DisplayDocTitle true >>``; Info ``/Title`` and XMP ``dc:title``), and a
structure tree (``/StructTreeRoot``): a ``Document`` with one ``Sect`` per certificate holding its parts in reading
order (``READING_ORDER``; the bottom row from the right in right-to-left languages), the QR code a ``Figure`` with
its ``/Alt`` text. ReportLab writes ``/Lang``, the viewer preference and the XMP stream itself; it has no tagging,
so the marked content (``pdf_operators``) and the structure elements (``StructureTree``, minimal: no attributes, no
``/ActualText``, no role map) are written here; background PDFs and the frame are artifacts.

Files can ride along (``attach``): an embedded file in the catalog's ``/Names /EmbeddedFiles`` name tree, also
listed as an associated file of the document (``/AF``, ``/AFRelationship /Data``), with ``/F``, ``/UF`` and
``/Desc`` (PDF/UA asks for the last two). A certificate's signed credential travels that way (issue 16).
"""

from __future__ import annotations

import functools
import re
import zlib
from typing import BinaryIO, NamedTuple
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from .pdf_background import Background, background_for, register_background
from .pdf_layout import PAGE_SIZE, PageData, draw_static_layer, page_labels, page_operators
from .pdf_operators import (
    ALL_PAGE_MCIDS,
    DocumentEncoder,
    StaticTags,
    canvas_document,
    recording,
    text_string,
)
from .pdf_text import clean_text
from .templates import CourseLayout

#: The parts of a certificate in the order a reader takes them (``pdf_operators`` keys: per-learner parts and what
#: the static layer tags); several parts with one key (signatories) column by column in the writing direction,
#: each top to bottom.
#: A key not listed is read after the date line.
READING_ORDER = (
    "logo",
    "title",
    "intro",
    "name",
    "completed",
    "course",
    "org",
    "issued",
    "footer",
    "signatory",
    "signature",
    "verify",
    "id",
    "scan",
    "qr",
)
#: Right to left, the bottom row is read from the right: the QR code and its label before the verify link.
READING_ORDER_RTL = (*READING_ORDER[:-4], "scan", "qr", "verify", "id")


@functools.cache
def pdf_language(language: str | None) -> str:
    """A Django language code as the BCP 47 tag of a PDF's ``/Lang``: "en-us" -> "en-US", "zh-hans" -> "zh-Hans"."""
    parts = (language or "").replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part.lower())
    return "-".join(p for p in out if p)


@functools.cache
def is_rtl(language: str) -> bool:
    """Whether ``language`` is written right to left (Django's language info; unknown: left to right)."""
    try:
        return bool(translation.get_language_info(language.lower())["bidi"])
    except KeyError:
        base = language.split("-", maxsplit=1)[0].lower()
        return base != language.lower() and is_rtl(base)


def xmp_metadata(title: str, language: str) -> bytes:
    """The XMP packet: ``dc:title`` (the Info ``/Title``), ``dc:language`` and the producer."""
    lang = f"<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>" if language else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>{lang}'
        "<dc:format>application/pdf</dc:format><pdf:Producer>cert_manager_plugin</pdf:Producer>"
        '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
    ).encode()


#: The marked-content ids in a page's per-learner operators (all below ``STATIC_MCID``: one digit).
_PAGE_MARKS = re.compile(rb"<</MCID (\d)[ >]")
_PAGE_KEYS = {b"%d" % mcid: key for key, (_role, mcid) in ALL_PAGE_MCIDS.items()}


class StaticLayer(NamedTuple):
    """A layout's static layer on one document: its form, background, page size and tagged parts."""

    name: str
    background: Background | None
    size: tuple[float, float]
    tags: StaticTags
    segments: list[tuple[str, str | None]]  # ``static_segments``


Element = tuple[str, tuple[int, ...], str]  # a page's structure element: (type, its marked-content ids, /Alt)


#: Parts read as one structure element: the certifying sentence (intro, name, "has completed", course, organization)
#: is one paragraph, and the QR code's label goes with the code in its figure.
GROUPS = {
    "intro": "statement",
    "name": "statement",
    "completed": "statement",
    "course": "statement",
    "org": "statement",
    "scan": "qr",
    "qr": "qr",
}


def page_elements(
    tags: StaticTags, operators: bytes, qr_alt: str, *, rtl: bool, cache: dict | None = None
) -> list[Element]:
    """
    A page's structure elements in reading order, each with its marked-content ids in reading order.

    The static layer's tagged parts and the per-learner parts ``operators`` marks (``pdf_operators.PAGE_MCIDS``),
    grouped (``GROUPS``); ``qr_alt`` is the QR code's alternative text (``qr_alt_text``). ``cache`` (one per
    document) keeps the orders.
    """
    # (a per-learner part's "alt" is whether it is the QR code, whose text names the page's own link)
    order = page_order(tags, operators, rtl=rtl, cache=cache)
    return [(role, mcids, qr_alt if alt is True else alt or "") for role, mcids, alt in order]


def page_order(
    tags: StaticTags, operators: bytes, *, rtl: bool, cache: dict | None = None
) -> list[tuple[str, tuple[int, ...], object]]:
    """``page_elements`` before the QR code's text is filled in (its "alt" True); the same list for like pages."""
    key = (id(tags), tuple(_PAGE_MARKS.findall(operators)), rtl)
    order = cache.get(key) if cache is not None else None
    if order is None:
        order = _reading_order(tags, tuple(_PAGE_KEYS[mcid] for mcid in key[1]), rtl)
        if cache is not None:
            cache[key] = order
    return order


def qr_alt_text() -> str:
    """The QR code's alternative text in the active language, ``{url}`` to be filled in."""
    return _("QR code: verify this certificate at {url}")


def _reading_order(tags: StaticTags, present: tuple[str, ...], rtl: bool) -> list[tuple[str, tuple[int, ...], object]]:
    """The elements of a page with the per-learner parts ``present`` (``page_elements``); the QR code's alt: True."""
    ranks = {name: i for i, name in enumerate(READING_ORDER_RTL if rtl else READING_ORDER)}
    unknown = ranks["issued"] + 0.5
    items = [(ranks.get(k, unknown), 0.0, 0.0, k, *ALL_PAGE_MCIDS[k], k == "qr", 0.0) for k in present]
    items += [
        (ranks.get(p.key, unknown), -p.x if rtl else p.x, -p.y, p.key, p.role, tags.first_mcid + i, p.alt, p.x)
        for i, p in enumerate(tags.parts)
    ]
    order: list[tuple[str, tuple[int, ...], object]] = []
    previous = None
    for _rank, _x, _y, name, role, mcid, alt, x in sorted(items, key=lambda i: i[:3]):
        group = GROUPS.get(name) or (name, x, role)
        if order and group == previous:
            first, mcids, first_alt = order[-1]
            order[-1] = ("Figure" if "Figure" in (first, role) else first, (*mcids, mcid), first_alt or alt)
        else:
            order.append((role, (mcid,), alt))
        previous = group
    return order


def static_segments(tags: StaticTags) -> list[tuple[str, str | None]]:
    """
    What a page draws of the static layer's tagged parts, each in its marks: (operators, form to draw after them).

    Text parts are operators; a part ``tagged`` drew is its form. The operators first close the artifact that the
    background and frame are drawn in; the last segment has no form.
    """
    segments: list[tuple[str, str | None]] = []
    pending = "EMC"
    for i, part in enumerate(tags.parts):
        actual = f" /ActualText {text_string(part.actual_text).decode('ascii')}" if part.actual_text else ""
        opening = f"/{part.role} <</MCID {tags.first_mcid + i}{actual}>> BDC"
        if part.form:
            segments.append((f"{pending}\n{opening}", part.form))
            pending = "EMC"
        else:
            pending += f"\n{opening} {part.operators.decode('ascii')} EMC"
    segments.append((pending, None))
    return segments


class _Bytes(pdfdoc.PDFObject):
    """An indirect object written as it is: structure objects are numbered when registered, and formatted here."""

    __RefOnly__ = 1

    def __init__(self, data: bytes = b"") -> None:
        self.data = data

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return self.data


def element_body(role: str, parent: int, page: int, mcids: tuple[int, ...], alt: str) -> bytes:
    """A structure element holding marked-content sequences of ``page`` (object numbers)."""
    kids = b"%d" % mcids[0] if len(mcids) == 1 else b"[%s]" % b" ".join(b"%d" % m for m in mcids)
    extras = b" /Alt " + text_string(alt) if alt else b""
    return b"<< /Type /StructElem /S /%s /P %d 0 R /Pg %d 0 R /K %s%s >>" % (role.encode(), parent, page, kids, extras)


def section_body(parent: int, page: int, kids: list[int]) -> bytes:
    """A certificate's ``Sect``: its elements (object numbers, in reading order)."""
    refs = b" ".join(b"%d 0 R" % n for n in kids)
    return b"<< /Type /StructElem /S /Sect /P %d 0 R /Pg %d 0 R /K [%s] >>" % (parent, page, refs)


def parent_array(elements: list[Element], numbers: list[int]) -> bytes:
    """A page's entry of the parent tree: the element (object number) of each MCID, by MCID (``null`` if none)."""
    by_mcid = {mcid: number for (_r, mcids, _a), number in zip(elements, numbers, strict=True) for mcid in mcids}
    return b"[%s]" % b" ".join(
        b"%d 0 R" % by_mcid[mcid] if mcid in by_mcid else b"null" for mcid in range(max(by_mcid, default=-1) + 1)
    )


class Attachment(NamedTuple):
    """A file carried inside the PDF: its name, bytes, media type and description (what it is, for a reader)."""

    filename: str
    data: bytes
    media_type: str
    description: str


def pdf_name(value: str) -> bytes:
    """``value`` as a PDF name: ``/``, then its characters, delimiters and the like as ``#xx`` (ISO 32000 7.3.5)."""
    return b"/" + quote(value, safe="+-._").replace("%", "#").encode("ascii")


def embedded_file_body(attachment: Attachment) -> bytes:
    """The ``/EmbeddedFile`` stream of an attachment (Flate-compressed, its size and media type as ``/Subtype``)."""
    data = zlib.compress(attachment.data, 6)
    return (
        b"<< /Type /EmbeddedFile /Subtype %s /Params << /Size %d >> /Filter /FlateDecode /Length %d >>\n"
        % (
            pdf_name(attachment.media_type),
            len(attachment.data),
            len(data),
        )
        + b"stream\n%s\nendstream" % data
    )


def filespec_body(attachment: Attachment, stream: int) -> bytes:
    """The file specification of an attachment: its names, description, relationship (data) and stream."""
    name = text_string(attachment.filename)
    return b"<< /Type /Filespec /F %s /UF %s /Desc %s /AFRelationship /Data /EF << /F %d 0 R /UF %d 0 R >> >>" % (
        name,
        name,
        text_string(attachment.description),
        stream,
        stream,
    )


def attach_files(document: pdfdoc.PDFDocument, attachments: list[Attachment]) -> None:
    """Add ``attachments`` to ``document``: the ``/EmbeddedFiles`` name tree (sorted by name) and the ``/AF`` array."""

    def register(data: bytes) -> int:
        document.Reference(_Bytes(data))
        return document.objectcounter

    specs = []
    for attachment in sorted(attachments, key=lambda a: a.filename):
        stream = register(embedded_file_body(attachment))
        specs.append((text_string(attachment.filename), register(filespec_body(attachment, stream))))
    catalog = document.Catalog
    names = b" ".join(b"%s %d 0 R" % (name, number) for name, number in specs)
    catalog.Names = b"<< /EmbeddedFiles << /Names [%s] >> >>" % names
    catalog.AF = b"[%s]" % b" ".join(b"%d 0 R" % number for _name, number in specs)
    # ReportLab's catalog writes the entries its class lists: this one adds the associated files (PDF 2.0, PDF/A-3).
    catalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "AF"]


def metadata_stream(title: str, language: str) -> bytes:
    """The XMP metadata stream (uncompressed, as readers expect it)."""
    xmp = xmp_metadata(title, language)
    return b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream" % (len(xmp), xmp)


class StructureTree:
    """The structure tree of a ReportLab document: one ``Sect`` per page, written at ``attach``."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, list[Element]]] = []  # (ReportLab's page name, its elements)

    def add(self, page_name: str, elements: list[Element]) -> int:
        """Record a page's elements; return its ``/StructParents`` key."""
        self.pages.append((page_name, elements))
        return len(self.pages) - 1

    def attach(self, document: pdfdoc.PDFDocument) -> None:
        """Add the tree's objects to ``document`` (ReportLab numbers an object as it is registered)."""

        def register(obj: _Bytes) -> int:
            document.Reference(obj)
            return document.objectcounter

        numbers = document.idToObjectNumberAndVersion
        root, top = _Bytes(), _Bytes()
        root_number, top_number = register(root), register(top)
        sections, nums = [], []
        for index, (page_name, elements) in enumerate(self.pages):
            page = numbers[page_name][0]
            section = _Bytes()
            section_number = register(section)
            kids = [
                register(_Bytes(element_body(role, section_number, page, mcids, alt))) for role, mcids, alt in elements
            ]
            section.data = section_body(top_number, page, kids)
            sections.append(b"%d 0 R" % section_number)
            nums.append(b"%d %s" % (index, parent_array(elements, kids)))
        top.data = b"<< /Type /StructElem /S /Document /P %d 0 R /K [%s] >>" % (root_number, b" ".join(sections))
        root.data = b"<< /Type /StructTreeRoot /K %d 0 R /ParentTree << /Nums [%s] >> /ParentTreeNextKey %d >>" % (
            top_number,
            b" ".join(nums),
            len(self.pages),
        )
        document.Catalog.StructTreeRoot = root


_TABS = pdfdoc.PDFName("S")  # a tagged page's tab order: the structure's
#: Page entries ReportLab's page object writes, and the two a tagged page adds.
_PAGE_ENTRIES = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]


class CertificatePdfWriter:
    """
    Writes certificate pages into one PDF on one canvas, tagged (see the module's docstring).

    Static layers and backgrounds are registered on first use and reused by every later page with the same
    layout. ``language`` (a Django language code; by default the active one) is the document's ``/Lang`` and
    decides the reading order of the bottom row.

        writer = CertificatePdfWriter(fileobj, title="…")
        writer.add_page(layout, page_data)
        writer.close()
    """

    def __init__(self, output: BinaryIO | str, *, title: str = "", author: str = "", language: str | None = None):
        language = language or translation.get_language() or ""
        self.language = pdf_language(language)
        self.rtl = is_rtl(language) if language else False
        self.canvas = Canvas(output, pagesize=PAGE_SIZE, pageCompression=1, lang=self.language or None)
        self.title = clean_text(title) if title else ""
        if self.title:
            self.canvas.setTitle(self.title)
        if author:
            self.canvas.setAuthor(clean_text(author))
        self.canvas.setCreator("cert_manager_plugin")
        self.canvas.setViewerPreference("DisplayDocTitle", "true")
        canvas_document(self.canvas).Catalog.MarkInfo = b"<< /Marked true >>"  # (bytes: written in the catalog)
        self.pages = 0
        self.labels = page_labels()
        self.structure = StructureTree()
        self._encode = DocumentEncoder(canvas_document(self.canvas))
        self._page_size: tuple[float, float] | None = None  # what the canvas's next page is set to
        self._lines: dict = {}
        self._orders: dict = {}
        self._qr_alt = qr_alt_text()
        self._static: dict[tuple, StaticLayer] = {}
        self.attachments: list[Attachment] = []

    def attach(self, filename: str, data: bytes, media_type: str, description: str) -> None:
        """Carry a file inside the document (written at ``close``): an embedded, associated file."""
        self.attachments.append(Attachment(filename, data, media_type, description))

    def static_layer(self, layout: CourseLayout) -> StaticLayer:
        """
        The layout's static layer as forms on this writer's document: its name, background, size, tagged parts.

        The static layer is everything but the learner's lines (course name, labels, frame), drawn once per
        layout: its tagged parts (title, course, …) as forms of their own, the rest (frame, rules) in one.
        """
        template = layout.template
        key = (
            layout.course_id,
            layout.course_name,
            layout.org,
            layout.print_grade,
            template.pk if template else None,
            template.modified if template else None,
            layout.studio_fingerprint,  # the signatories, title override and logo printed from Studio
            getattr(layout, "design_key", ""),  # a course design (pdf_design.DesignedLayout): version, mode, language
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
        with recording(c, name, width, height) as tags:
            draw_static_layer(c, layout, width, height, framed=background is None)
        c.endForm()
        found = self._static[key] = StaticLayer(name, background, size, tags, static_segments(tags))
        return found

    def add_page(self, layout: CourseLayout, page: PageData) -> None:
        """Draw one certificate page."""
        static, background, (width, height), tags, segments = self.static_layer(layout)
        c = self.canvas
        operators = page_operators(
            width,
            height,
            page,
            print_grade=layout.print_grade,
            labels=self.labels,
            encode=self._encode,
            cache=self._lines,
            design=getattr(layout, "design", None),
        )
        if (width, height) != self._page_size:
            c.setPageSize((width, height))
            self._page_size = (width, height)
        c.addLiteral("/Artifact BMC")
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
        for literal, form in segments:
            c.addLiteral(literal)
            if form:
                c.doForm(form)
        c.addLiteral(operators.decode("ascii"))
        document = canvas_document(c)
        qr_alt = self._qr_alt.format(url=page.verify_url)
        elements = page_elements(tags, operators, qr_alt, rtl=self.rtl, cache=self._orders)
        index = self.structure.add(document.thisPageName(), elements)
        c.showPage()
        page_object = document.Pages.pages[-1]
        # ReportLab's page object writes the entries its class lists: this one adds the two a tagged page has.
        page_object.__NoDefault__ = _PAGE_ENTRIES
        page_object.StructParents = index
        page_object.Tabs = _TABS
        # The content stream compressed at level 1, as the export writer's pages (3x faster than ReportLab's 6,
        # ~10% larger): it pays for the tagging (structure elements, marked content) a page now carries.
        if page_object.stream:
            data = zlib.compress(page_object.stream.encode("utf8"), 1)
            page_object.Contents = _Bytes(
                b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(data), data)
            )
        self.pages += 1

    def close(self) -> None:
        """Finish the document (writes it to the output). A document needs at least one page."""
        if self.pages == 0:
            raise ValueError("a certificate PDF needs at least one certificate")
        document = canvas_document(self.canvas)
        self.structure.attach(document)
        if self.attachments:
            attach_files(document, self.attachments)
        document.Catalog.Metadata = _Bytes(metadata_stream(self.title, self.language))
        # Binary (Flate only) streams: ReportLab's default ASCII85 layer makes files 25% larger and, without
        # the optional rl_accel C extension, costs more than drawing the page. The flag is read at save time.
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            self.canvas.save()
        finally:
            rl_config.useA85 = previous
