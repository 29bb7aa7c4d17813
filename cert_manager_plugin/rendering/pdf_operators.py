"""
PDF content-stream operators for text blocks, written here rather than by ReportLab's text objects.

``block_operators`` draws a ``TextBlock`` (of :mod:`.pdf_fit`) with an ``Encoder``: ``DocumentEncoder`` encodes for
a ReportLab document (TrueType subset codes assigned as characters come); the export writer brings its own
(``pdf_stream.FrozenEncoder``). ``pdf_string`` writes a PDF literal string in printable ASCII.

Tagging (the accessible PDF; the structure tree itself is written by :mod:`.pdf_writer`): a part of a page is a
*marked-content sequence* with an id (``MCID``) the page's structure elements point at. The per-learner parts have
fixed ids (``PAGE_MCIDS``: ``block_operators(..., tag=...)``, ``marked``), so a cached line keeps its id. When a
writer records a static layer (``recording``), a ``draw_block(..., tag=...)`` is kept out of the layer's form and
its operators are written, marked, on every page; what is drawn under ``tagged`` (images) goes into a Form XObject of
its own that every page draws, marked. On a canvas no writer records, both draw as usual.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .pdf_fit import TextBlock
from .pdf_fonts import FAKE_BOLD_STROKE
from .pdf_text import logical, reordered

#: Bytes that cannot stand as themselves in a PDF literal string, and their escapes (ASCII-only output).
_ESCAPES = {
    **{bytes([b]): b"\\%03o" % b for b in range(256) if b < 32 or b > 126},
    b"\\": b"\\\\",
    b"(": b"\\(",
    b")": b"\\)",
}
_SPECIAL = re.compile(rb"[^\x20-\x27\x2a-\x5b\x5d-\x7e]")


def _escape(match: re.Match) -> bytes:
    return _ESCAPES[match.group()]


def pdf_string(data: bytes) -> bytes:
    """``data`` as a PDF literal string, in printable ASCII (octal escapes for the rest)."""
    if _SPECIAL.search(data) is None:
        return b"(" + data + b")"
    return b"(" + _SPECIAL.sub(_escape, data) + b")"


Encoder = Callable[[str, str], list[tuple[bytes, bytes]]]  # (font, text) -> [(internal font name, bytes)]


class DocumentEncoder:
    """Encodes text for a ReportLab document: TrueType subset codes are assigned as characters come."""

    def __init__(self, document: pdfdoc.PDFDocument):
        self.document = document

    def __call__(self, font_name: str, text: str) -> list[tuple[bytes, bytes]]:
        """``text`` in ``font_name`` as (internal font name, bytes) pieces: one per TrueType subset it spans."""
        font = pdfmetrics.getFont(font_name)
        document = self.document
        if getattr(font, "_dynamicFont", 0):
            return [
                (font.getSubsetInternalName(subset, document).encode(), data)
                for subset, data in font.splitString(text, document)
            ]
        return [(document.getInternalFontName(font_name).encode(), text.encode("cp1252"))]


@functools.cache
def _fill_colour(colour: tuple) -> bytes:
    return b"%.3f %.3f %.3f rg" % colour


#: The per-learner parts of a page: (structure type, marked-content id). Fixed ids: a page's content stream numbers
#: its marked content itself, and a line cached for many pages (``pdf_layout.page_operators``) keeps its id. The
#: static layer's tagged parts are numbered from ``STATIC_MCID`` on.
PAGE_MCIDS = {"name": ("P", 0), "issued": ("P", 1), "verify": ("P", 2), "id": ("P", 3), "qr": ("Figure", 4)}
STATIC_MCID = len(PAGE_MCIDS)
#: A course design's text blocks drawn on every page (those with per-learner variables: ``pdf_design``); a designed
#: layout's static parts are numbered from ``DESIGN_STATIC_MCID`` on (``StaticTags.first_mcid``).
DESIGN_MCIDS = {"title": ("H1", 5), "intro": ("P", 6), "completed": ("P", 7), "footer": ("P", 8)}
DESIGN_STATIC_MCID = 9
ALL_PAGE_MCIDS = {**PAGE_MCIDS, **DESIGN_MCIDS}


def marked(tag: str, operators: bytes, actual_text: str | None = None) -> bytes:
    """
    ``operators`` as the marked-content sequence of the per-learner part ``tag`` (a ``PAGE_MCIDS`` key).

    ``actual_text``: what a reader should hear when the drawn text is not it (``block_actual_text``).
    """
    if not operators:
        return b""
    role, mcid = ALL_PAGE_MCIDS[tag]
    actual = b" /ActualText " + text_string(actual_text) if actual_text else b""
    return b"/%s <</MCID %d%s>> BDC %s EMC" % (role.encode(), mcid, actual, operators)


def text_string(text: str) -> bytes:
    """``text`` as a PDF text string: PDFDocEncoding when it is printable ASCII, else UTF-16BE with its BOM."""
    if text.isascii():
        return pdf_string(text.encode("ascii"))
    return pdf_string(b"\xfe\xff" + text.encode("utf-16-be"))


def block_actual_text(block: TextBlock) -> str | None:
    """
    The block's text in logical order with its letters unjoined, when that is not what it draws; else None.

    Right-to-left lines are drawn in display order and Arabic in presentation forms (``pdf_text.logical``).
    """
    shown = ["".join(text for _font, text, _fake in line.runs) for line in block.lines]
    if not any(map(reordered, shown)):
        return None
    return " ".join(map(logical, shown))


def artifact(operators: bytes) -> bytes:
    """``operators`` marked as an artifact: decoration a screen reader skips (frame, rules, background)."""
    return b"/Artifact BMC " + operators + b" EMC" if operators else b""


def block_operators(
    block: TextBlock,
    x: float,
    baseline: float,
    *,
    encode: Encoder,
    colour: tuple,
    align: str = "centre",
    tag: str | None = None,
) -> bytes:
    """
    PDF operators drawing ``block`` (its last line on ``baseline``), centred on ``x`` or from/to it.

    ``tag`` (a ``PAGE_MCIDS`` key) marks them as that per-learner part of the page.
    """
    if tag is not None:
        operators = block_operators(block, x, baseline, encode=encode, colour=colour, align=align)
        return marked(tag, operators, block_actual_text(block))
    if not block.lines:
        return b""
    size, count = block.size, len(block.lines)
    first = block.lines[0]
    if count == 1 and len(first.runs) == 1 and not first.runs[0][2]:  # one line in one font: the usual page
        width = first.width * size
        start = x - width / 2 if align == "centre" else (x - width if align == "right" else x)
        font, text, _fake = first.runs[0]
        shown = b" ".join(b"%s %.2f Tf %s Tj" % (i, size, pdf_string(d)) for i, d in encode(font, text))
        return b"q %s BT 1 0 0 1 %.2f %.2f Tm %s ET Q" % (_fill_colour(colour), start, baseline, shown)
    leading = block.leading
    out = [b"q " + _fill_colour(colour)]
    if any(fake for line in block.lines for _f, _t, fake in line.runs):
        out.append(b"%.3f %.3f %.3f RG %.2f w 1 j" % (*colour, size * FAKE_BOLD_STROKE))
    stroked = False
    for i, line in enumerate(block.lines):
        width = line.width * size
        start = x - width / 2 if align == "centre" else (x - width if align == "right" else x)
        out.append(b"BT 1 0 0 1 %.2f %.2f Tm" % (start, baseline + (count - 1 - i) * leading))
        for font, text, fake in line.runs:
            if fake != stroked:
                out.append(b"2 Tr" if fake else b"0 Tr")
                stroked = fake
            for internal, data in encode(font, text):
                out.append(b"%s %.2f Tf %s Tj" % (internal, size, pdf_string(data)))
        out.append(b"ET")
    out.append(b"Q")
    return b" ".join(out)


def canvas_document(canvas: Canvas) -> pdfdoc.PDFDocument:
    """
    The ``PDFDocument`` a ReportLab canvas writes: ReportLab's private ``Canvas._doc``.

    ReportLab has no public accessor for it. The writers need it to register a font subset's characters
    (``DocumentEncoder``), background and static-layer forms once per document, and to name those in the
    operators they write themselves.
    """
    return canvas._doc  # noqa: SLF001 - ReportLab has no public accessor for a canvas's document


def draw_block(
    canvas: Canvas,
    block: TextBlock,
    x: float,
    baseline: float,
    *,
    colour: tuple,
    align: str = "centre",
    tag: str | None = None,
) -> None:
    """
    ``block_operators`` onto a ReportLab canvas (or form).

    ``tag`` names what the block is (``"title"``, ``"course"``, …: ``pdf_writer.READING_ORDER``): in a static layer
    the writer records, it becomes a structure element of every page (``tagged``).
    """
    ops = block_operators(
        block, x, baseline, encode=DocumentEncoder(canvas_document(canvas)), colour=colour, align=align
    )
    if not ops:
        return
    tags = _recording.get(id(canvas)) if tag is not None else None
    if tags is None or tag is None:
        canvas.addLiteral(ops.decode("ascii"))
        return
    role = "H1" if tag == "title" else "P"
    tags.parts.append(Tagged(tag, role, "", None, ops, x, baseline, block_actual_text(block)))


class Tagged(NamedTuple):
    """A tagged part of a static layer, a structure element on every page: its ``operators`` or its ``form``."""

    key: str  # what it is: "title", "course", "logo", "signatory", …
    role: str  # its structure type: "H1", "P", "Figure"
    alt: str  # a figure's alternative text
    form: str | None  # the Form XObject's name on the canvas (what ``tagged`` drew)…
    operators: bytes  # …or the operators of a text block (``draw_block``), written on every page
    x: float  # where it is (reading order of parts with the same key: left to right, or right to left)
    y: float
    actual_text: str | None = None  # its text as a reader should hear it, when the drawn text is not that


class StaticTags:
    """The tagged parts a static layer drew (``recording``), in drawing order."""

    def __init__(self, prefix: str, width: float, height: float):
        self.prefix = prefix
        self.width = width
        self.height = height
        self.parts: list[Tagged] = []
        self.first_mcid = STATIC_MCID  # the first part's marked-content id (``DESIGN_STATIC_MCID`` for a design)


_recording: dict[int, StaticTags] = {}  # id(canvas): what it records (entries live while recording)


def recorded(canvas: Canvas) -> StaticTags | None:
    """What a writer records of the static layer drawn on ``canvas`` now (None: not recording)."""
    return _recording.get(id(canvas))


@contextmanager
def recording(canvas: Canvas, prefix: str, width: float, height: float) -> Iterator[StaticTags]:
    """While a writer draws a static layer on ``canvas``: its ``tagged`` parts become forms of their own."""
    tags = _recording[id(canvas)] = StaticTags(prefix, width, height)
    try:
        yield tags
    finally:
        _recording.pop(id(canvas), None)


@contextmanager
def tagged(
    canvas: Canvas,
    key: str,
    *,
    role: str | None = None,
    alt: str = "",
    x: float = 0.0,
    y: float = 0.0,
    actual_text: str | None = None,
) -> Iterator[None]:
    """
    What is drawn inside is one tagged part of the static layer (``key``; a figure when ``alt`` is given).

        with tagged(c, "logo", alt=_("Logo of {org}").format(org=org), x=x, y=y):
            c.drawImage(...)

    ``role``: the structure type, by default ``H1`` for the title, ``Figure`` with an ``alt`` text, else ``P``.
    Outside a writer's ``recording`` (a plain canvas) it draws as usual, untagged.
    """
    tags = _recording.get(id(canvas))
    if tags is None:
        yield
        return
    name = f"{tags.prefix}_{len(tags.parts)}"
    canvas.beginForm(name, lowerx=0, lowery=0, upperx=tags.width, uppery=tags.height)  # nested in the layer's form
    yield
    canvas.endForm()
    role = role or ("H1" if key == "title" else "Figure" if alt else "P")
    tags.parts.append(Tagged(key, role, alt, name, b"", x, y, actual_text))
