"""
PDF content-stream operators for text blocks, written here rather than by ReportLab's text objects.

``block_operators`` draws a ``TextBlock`` (of :mod:`.pdf_fit`) with an ``Encoder``: ``DocumentEncoder`` encodes for
a ReportLab document (TrueType subset codes assigned as characters come); the export writer brings its own
(``pdf_stream.FrozenEncoder``). ``pdf_string`` writes a PDF literal string in printable ASCII.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .pdf_fit import TextBlock
from .pdf_fonts import FAKE_BOLD_STROKE

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


def block_operators(
    block: TextBlock, x: float, baseline: float, *, encode: Encoder, colour: tuple, align: str = "centre"
) -> bytes:
    """PDF operators drawing ``block`` (its last line on ``baseline``), centred on ``x`` or from/to it."""
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
    canvas: Canvas, block: TextBlock, x: float, baseline: float, *, colour: tuple, align: str = "centre"
) -> None:
    """``block_operators`` onto a ReportLab canvas (or form)."""
    ops = block_operators(
        block, x, baseline, encode=DocumentEncoder(canvas_document(canvas)), colour=colour, align=align
    )
    if ops:
        canvas.addLiteral(ops.decode("ascii"))
