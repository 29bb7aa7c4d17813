"""
``StreamingCertificatePdf``: exports written straight to a file, one page at a time.

ReportLab draws a one-page prototype per layout (``CertificatePdfWriter``) holding the shared resources and every
font subset the pages need; those objects are copied once into the output, and each page is then a small content
stream encoded by ``FrozenEncoder`` with the prototype's subset codes.

Tagged as ``CertificatePdfWriter``'s documents are (``/Lang``, title, ``/MarkInfo``, structure tree with one ``Sect``
per certificate): the structure elements of each page are written with the page, the tree's root at the end.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterable
from datetime import datetime

from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject
from reportlab.pdfbase import pdfdoc, pdfmetrics

from .pdf_background import Background, raw_stream_data, register_background, serialize
from .pdf_design import layout_wording
from .pdf_fit import ELLIPSIS
from .pdf_fonts import FontChain, font_chains
from .pdf_layout import PageData, page_labels, page_operators
from .pdf_operators import DocumentEncoder, canvas_document, pdf_string, text_string
from .pdf_text import STANDARD_FONTS, clean_text, shape, winansi
from .pdf_writer import (
    CertificatePdfWriter,
    StaticLayer,
    is_rtl,
    metadata_stream,
    page_order,
    pdf_language,
    qr_alt_text,
)
from .templates import CourseLayout, format_date

log = logging.getLogger(__name__)


class FrozenEncoder:
    """
    Encodes text with the TrueType subsets a finished prototype document assigned (``StreamingCertificatePdf``).

    Every character the pages print was drawn into the prototype before it was saved.
    """

    def __init__(self, standard: dict[str, bytes], truetype: dict[str, tuple[bytes, dict[int, int]]]):
        self.standard = standard
        self.truetype = truetype

    def __call__(self, font_name: str, text: str) -> list[tuple[bytes, bytes]]:
        """``text`` in ``font_name`` as (internal font name, bytes) pieces, with the prototype's subset codes."""
        internal = self.standard.get(font_name)
        if internal is not None:
            return [(internal, text.encode("cp1252"))]
        prefix, assignments = self.truetype.get(font_name, (b"", {}))
        if not prefix:  # a font no announced text used: print what WinAnsi can
            log.warning("cert_manager: text not announced to the export writer: %r", text)
            return [(self.standard["Helvetica"], text.encode("cp1252", "replace"))]
        out: list[tuple[bytes, bytes]] = []
        subset, data = -1, bytearray()
        for code in map(ord, text):
            n = assignments.get(32 if code == 0xA0 else code)
            if n is None:
                log.warning("cert_manager: U+%04X was not announced to the export writer", code)
                n = 0
            if n >> 8 != subset:
                if data:
                    out.append((b"%s+%d" % (prefix, subset), bytes(data)))
                subset, data = n >> 8, bytearray()
            data.append(n & 0xFF)
        if data:
            out.append((b"%s+%d" % (prefix, subset), bytes(data)))
        return out


def _structure_templates(order: list) -> tuple[bytes, list[tuple[bytes, bool]], bytes, list[int]]:
    """
    A page's structure objects as ``%`` templates (``StreamingCertificatePdf._structure``).

    As ``pdf_writer.element_body``, ``section_body`` and ``parent_array`` write them: the ``Sect`` (its number,
    page, kids), each element (number, parent, page; the QR code's also its /Alt) with whether it is the QR
    code's, and the parent tree array (its number, then the element slot of each MCID).
    """
    section = b"%d 0 obj\n<< /Type /StructElem /S /Sect /P 4 0 R /Pg %d 0 R /K ["
    section += b" ".join([b"%d 0 R"] * len(order)) + b"] >>\nendobj\n"
    templates = []
    for role, mcids, alt in order:
        kids = b"%d" % mcids[0] if len(mcids) == 1 else b"[%s]" % b" ".join(b"%d" % m for m in mcids)
        head = b"%%d 0 obj\n<< /Type /StructElem /S /%s /P %%d 0 R /Pg %%d 0 R /K %s" % (role.encode(), kids)
        if alt is True:
            templates.append((head + b" /Alt %s >>\nendobj\n", True))
        else:
            extra = (b" /Alt " + text_string(alt)).replace(b"%", b"%%") if alt else b""
            templates.append((head + extra + b" >>\nendobj\n", False))
    slots = {mcid: i for i, (_r, mcids, _a) in enumerate(order) for mcid in mcids}
    size = max(slots, default=-1) + 1
    parent = b"%d 0 obj\n[" + b" ".join(b"%d 0 R" if m in slots else b"null" for m in range(size)) + b"]\nendobj\n"
    return section, templates, parent, [slots[m] for m in range(size) if m in slots]


class StreamingCertificatePdf:
    """
    Writes certificate pages straight to a file, one page at a time.

    Memory does not grow with the page count, as it would if ReportLab wrote them (it keeps every page until
    ``save``).

    ReportLab still draws everything shared: a one-page prototype document per layout holds the
    background and static Form XObjects and every font the pages use (for names that WinAnsi cannot
    show, the TrueType subsets are built from ``unicode_names``, known up front, and from the page wording
    in the active language). Its objects are copied once into the output; then each page is a small content
    stream (``page_operators``, the layout ``CertificatePdfWriter`` uses) referencing the shared resources,
    written as it comes, with the xref table at the end.
    """

    def __init__(
        self,
        path: str,
        layouts: dict[str, CourseLayout],
        *,
        unicode_names: Iterable[str] = (),
        title: str = "",
        language: str | None = None,
    ):
        self.file = open(path, "wb")  # closed in close() or abort()
        self.offsets: dict[int, int] = {}
        self.position = 0
        self.kids: list[int] = []
        self.next_number = 5  # 1: catalog, 2: pages tree, 3: structure tree root, 4: its Document (written last)
        self.title = clean_text(title) if title else ""
        language = language or translation.get_language() or ""
        self.language = pdf_language(language)
        self.rtl = is_rtl(language) if language else False
        self.sections: list[int] = []  # each page's Sect
        self.parents: list[int] = []  # each page's parent tree array (its elements by marked-content id)
        self._orders: dict = {}
        self._templates: dict[int, tuple] = {}
        self._qr_alt = qr_alt_text()
        self.labels = page_labels()
        self._lines: dict = {}
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self.layouts: dict[str, dict] = {}
        try:
            self._build(layouts, list(dict.fromkeys(unicode_names)))
        except BaseException:
            self.abort()
            raise

    # low-level output
    def _write(self, data: bytes) -> None:
        self.file.write(data)
        self.position += len(data)

    def _object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def _new_number(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def _wording_sample(self) -> list[str]:
        """Every character the date, grade, URL and id lines can hold in the active language."""
        labels = self.labels
        dates = [format_date(datetime(2000, month, 28)) for month in range(1, 13)]
        return [
            *(labels["issued"].format(date=date) for date in dates),
            labels["grade"].format(grade="0123456789.%"),
            labels["verify"].format(url=""),
            labels["id"].format(id=""),
            "".join(map(chr, range(32, 127))) + "\u00b7" + ELLIPSIS,
        ]

    @staticmethod
    def _prototype_pages(proto: CertificatePdfWriter, layouts: dict[str, CourseLayout]) -> list[tuple]:
        """A prototype page per layout drawing its shared forms (so they are in its resources)."""
        c = proto.canvas
        meta = []
        for key, layout in layouts.items():
            layer = proto.static_layer(layout)
            c.setPageSize(layer.size)
            bg_name = register_background(c, layer.background) if layer.background is not None else None
            if bg_name:
                c.doForm(bg_name)
            c.doForm(layer.name)
            for _literal, form in layer.segments:
                if form:
                    c.doForm(form)
            meta.append((key, layout, layer, bg_name))
            c.showPage()
            proto.pages += 1
        return meta

    def _build(self, layouts: dict[str, CourseLayout], unicode_names: list[str]) -> None:
        buffer = io.BytesIO()
        proto = CertificatePdfWriter(buffer)
        document = canvas_document(proto.canvas)
        meta = self._prototype_pages(proto, layouts)
        standard = {font: document.getInternalFontName(font).encode() for font in STANDARD_FONTS}

        # Every TrueType character the pages will print gets its subset code now, before the fonts are
        # written: the names' characters (bold) and the wording's (regular), each in the font that has it.
        regular_chain, bold_chain = font_chains()
        needed: dict[str, set[str]] = {}

        def announce(text: str, chain: FontChain) -> None:
            for char in text:
                index = chain.face_index(char)
                face = chain.faces[index if index >= 0 else chain.fallback_index()]
                needed.setdefault(face.name, set()).add(char)

        # A course design's per-page blocks: set in the TrueType fonts when a value or their wording needs them.
        design_wording, names_in_blocks = layout_wording(layouts.values())
        sample = self._wording_sample()
        truetype_values = bool(unicode_names) or not all(map(winansi, sample))
        for name in unicode_names:
            logical = shape(clean_text(name))
            if not winansi(logical):
                announce(logical + ELLIPSIS, bold_chain)
                if names_in_blocks:
                    announce(logical + ELLIPSIS, regular_chain)
        for text in design_wording:
            logical = shape(clean_text(text))
            if truetype_values or not winansi(logical):
                announce(logical + ELLIPSIS, regular_chain)
                announce(logical + ELLIPSIS, bold_chain)
        if not all(map(winansi, sample)):
            for text in sample:  # shaped one by one, as each line is on a page (Arabic forms depend on context)
                announce(shape(text), regular_chain)
        encode = DocumentEncoder(document)
        truetype = {}
        for font_name, chars in needed.items():
            encode(font_name, "".join(sorted(chars)))
            state = pdfmetrics.getFont(font_name).state[document]  # ReportLab drops it once the document is saved
            truetype[font_name] = (b"/" + state.internalName.encode(), dict(state.assignments))
        proto.close()
        self.encoder = FrozenEncoder(standard, truetype)

        reader = PdfReader(io.BytesIO(buffer.getvalue()))
        memo: dict[tuple[int, int], int] = {}
        queue: list = []
        for (key, layout, layer, bg_name), page in zip(meta, reader.pages, strict=True):
            resources = self._copy_value(page["/Resources"], memo, queue)
            self._drain(memo, queue)
            number = self._new_number()
            self._object(number, resources)
            self.layouts[key] = {
                "layout": layout,
                "resources": number,
                "size": layer.size,
                "tags": layer.tags,
                "prefix": self._prefix(layer, bg_name),
            }

    def _copy_value(self, obj: PdfObject, memo: dict, queue: list) -> bytes:
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key not in memo:
                memo[key] = self._new_number()
                queue.append((memo[key], obj.get_object()))
            return b"%d 0 R" % memo[key]
        if isinstance(obj, DictionaryObject):
            items = b" ".join(
                serialize(k) + b" " + self._copy_value(v, memo, queue) for k, v in obj.items() if k != "/Length"
            )
            return b"<< " + items + b" >>"
        if isinstance(obj, ArrayObject):
            return b"[" + b" ".join(self._copy_value(v, memo, queue) for v in obj) + b"]"
        return serialize(obj)

    def _drain(self, memo: dict, queue: list) -> None:
        while queue:
            number, obj = queue.pop()
            if isinstance(obj, StreamObject):
                data = raw_stream_data(obj)
                head = self._copy_value(obj, memo, queue)[:-2] + b" /Length %d >>" % len(data)
                self._object(number, head + b"\nstream\n" + data + b"\nendstream")
            else:
                self._object(number, self._copy_value(obj, memo, queue))

    @staticmethod
    def _prefix(layer: StaticLayer, bg_name: str | None) -> bytes:
        """What every page of the layout starts with: background and frame (artifacts), the tagged static parts."""
        parts = ["/Artifact BMC"]
        background: Background | None = layer.background
        if bg_name and background is not None:
            shift = f"1 0 0 1 {-background.x0:.2f} {-background.y0:.2f} cm " if (background.x0 or background.y0) else ""
            parts.append(f"q {shift}/{pdfdoc.xObjectName(bg_name)} Do Q")
        parts.append(f"q /{pdfdoc.xObjectName(layer.name)} Do Q")
        for literal, form in layer.segments:
            parts.append(f"{literal}\n/{pdfdoc.xObjectName(form)} Do" if form else literal)
        return ("\n".join(parts) + "\n").encode()

    # pages
    def add_page(self, key: str, page: PageData) -> None:
        """Write one page with the layout registered under ``key``."""
        info = self.layouts[key]
        width, height = info["size"]
        operators = page_operators(
            width,
            height,
            page,
            print_grade=info["layout"].print_grade,
            labels=self.labels,
            encode=self.encoder,
            cache=self._lines,
            design=getattr(info["layout"], "design", None),
        )
        content = zlib.compress(info["prefix"] + operators, 1)  # level 1: 3x faster than 6, pages ~10% larger
        stream = self._new_number()
        self._object(
            stream, b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
        )
        number = self._new_number()
        box = b"[0 0 %.4f %.4f]" % (width, height)
        self._object(
            number,
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %d 0 R /Contents %d 0 R /StructParents %d "
            b"/Tabs /S >>" % (box, info["resources"], stream, len(self.kids)),
        )
        self.kids.append(number)
        order = page_order(info["tags"], operators, rtl=self.rtl, cache=self._orders)
        self._structure(number, order, self._qr_alt.format(url=page.verify_url))

    def _structure(self, page: int, order: list, qr_alt: str) -> None:
        """
        Write a page's ``Sect``, its elements (in reading order) and its parent tree array, in one write.

        ``order``: ``pdf_writer.page_order``; the objects' bytes are templates made once per order.
        """
        templates = self._templates.get(id(order))
        if templates is None:
            templates = self._templates[id(order)] = _structure_templates(order)
        section_template, element_templates, parent_template, slots = templates
        count = len(element_templates)
        section = self.next_number
        parent = section + count + 1
        self.next_number = parent + 1
        kids = range(section + 1, parent)
        alt = text_string(qr_alt)
        chunks = [section_template % (section, page, *kids)]
        for number, (template, is_qr) in zip(kids, element_templates, strict=True):
            chunks.append(template % ((number, section, page, alt) if is_qr else (number, section, page)))
        chunks.append(parent_template % (parent, *(section + 1 + slot for slot in slots)))
        position, offsets = self.position, self.offsets
        for number, chunk in enumerate(chunks, section):
            offsets[number] = position
            position += len(chunk)
        self._write(b"".join(chunks))
        self.sections.append(section)
        self.parents.append(parent)

    @property
    def pages(self) -> int:
        """How many pages were written so far."""
        return len(self.kids)

    def abort(self) -> None:
        """Close the file unfinished (the caller removes it)."""
        if not self.file.closed:
            self.file.close()

    def close(self) -> None:
        """Write the page tree, catalog, info, xref and trailer; close the file. At least one page is needed."""
        if not self.kids:
            self.abort()
            raise ValueError("a certificate PDF needs at least one certificate")
        kids = b" ".join(b"%d 0 R" % k for k in self.kids)
        self._object(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(self.kids), kids))
        sections = b" ".join(b"%d 0 R" % n for n in self.sections)
        self._object(4, b"<< /Type /StructElem /S /Document /P 3 0 R /K [%s] >>" % sections)
        nums = b" ".join(b"%d %d 0 R" % (i, n) for i, n in enumerate(self.parents))
        self._object(
            3,
            b"<< /Type /StructTreeRoot /K 4 0 R /ParentTree << /Nums [%s] >> /ParentTreeNextKey %d >>"
            % (nums, len(self.parents)),
        )
        metadata = self._new_number()
        self._object(metadata, metadata_stream(self.title, self.language))
        lang = b" /Lang " + pdf_string(self.language.encode("ascii", "replace")) if self.language else b""
        self._object(
            1,
            b"<< /Type /Catalog /Pages 2 0 R%s /MarkInfo << /Marked true >> /ViewerPreferences << /DisplayDocTitle "
            b"true >> /StructTreeRoot 3 0 R /Metadata %d 0 R >>" % (lang, metadata),
        )
        info = self._new_number()
        self._object(info, b"<< /Producer (cert_manager_plugin) /Title %s >>" % text_string(self.title))
        xref_at = self.position
        count = self.next_number
        lines = [b"xref\n0 %d\n" % count, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, count)]
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, info, xref_at)
        )
        self.file.close()
