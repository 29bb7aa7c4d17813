"""
A template's background PDF: parsed once per template version, copied once into each output document.

``background_for`` parses the first page of the template's ``background_pdf`` with pypdf (``parse_background``) and
keeps the last ``BACKGROUND_CACHE_SIZE`` in a cache; ``register_background`` converts its objects into a
ReportLab document as one Form XObject, which every page then draws by reference (no per-page merge).
"""

from __future__ import annotations

import io
import logging
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from .pdf_operators import canvas_document

if TYPE_CHECKING:
    from ..models import CertificateTemplate

log = logging.getLogger(__name__)


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


def background_for(template: CertificateTemplate | None) -> Background | None:
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

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return self.data


class _Dict(pdfdoc.PDFObject):
    def __init__(self, items: list | None = None):
        self.items: list[tuple[bytes, object]] = items or []

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        body = b" ".join(key + b" " + pdfdoc.format(value, document) for key, value in self.items)
        return b"<< " + body + b" >>"


class _Array(pdfdoc.PDFObject):
    def __init__(self) -> None:
        self.values: list[object] = []

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return b"[" + b" ".join(pdfdoc.format(v, document) for v in self.values) + b"]"


class _Stream(pdfdoc.PDFObject):
    """A stream copied byte for byte (already encoded, its /Filter kept)."""

    __RefOnly__ = 1  # streams are always indirect objects

    def __init__(self, items: list, data: bytes):
        self.dictionary = _Dict(items)
        self.data = data

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        self.dictionary.items = [(k, v) for k, v in self.dictionary.items if k != b"/Length"]
        self.dictionary.items.append((b"/Length", _Raw(b"%d" % len(self.data))))
        return self.dictionary.format(document) + b"\nstream\n" + self.data + b"\nendstream"


def raw_stream_data(stream: StreamObject) -> bytes:
    """
    A pypdf stream's bytes as stored in the file, still encoded: pypdf's private ``StreamObject._data``.

    The public ``get_data()`` decodes an ``EncodedStreamObject`` (applies its ``/Filter``), while the copies made
    here keep the stream's dictionary, ``/Filter`` included, so they need the bytes that filter decodes.
    """
    return stream._data  # noqa: SLF001 - pypdf's only access to a stream's encoded bytes


def serialize(obj: PdfObject) -> bytes:
    """A pypdf object as the bytes pypdf writes for it."""
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _convert(obj: PdfObject, document: pdfdoc.PDFDocument, memo: dict) -> pdfdoc.PDFObject:
    """A pypdf object as ReportLab document objects; indirect objects are registered once per document."""
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in memo:
            return memo[key]
        target = obj.get_object()
        if isinstance(target, StreamObject):
            shell = _Stream([], raw_stream_data(target))
        elif isinstance(target, DictionaryObject):
            shell = _Dict()
        elif isinstance(target, ArrayObject):
            shell = _Array()
        else:
            shell = _Raw(serialize(target))
        memo[key] = reference = document.Reference(shell)  # registered before filling: cycles are safe
        _fill(shell, target, document, memo)
        return reference
    if isinstance(obj, StreamObject):
        shell = _Stream([], raw_stream_data(obj))
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
    return _Raw(serialize(obj))


def _fill(shell: pdfdoc.PDFObject, source: PdfObject, document: pdfdoc.PDFDocument, memo: dict) -> None:
    if isinstance(shell, _Stream):
        shell.dictionary.items = [
            (serialize(k), _convert(v, document, memo)) for k, v in source.items() if k != "/Length"
        ]
    elif isinstance(shell, _Dict):
        shell.items = [(serialize(k), _convert(v, document, memo)) for k, v in source.items()]
    elif isinstance(shell, _Array):
        shell.values = [_convert(v, document, memo) for v in source]


def register_background(canvas: Canvas, background: Background) -> str:
    """Add the background page to the canvas's document as a Form XObject (once); return its form name."""
    name = f"cmbg_{background.key}"
    document = canvas_document(canvas)
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
