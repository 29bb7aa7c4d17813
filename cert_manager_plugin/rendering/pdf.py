"""
Certificate PDFs with ReportLab: one page per certificate, built for throughput.

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

Text (names above all) goes through one pipeline, ``fit_text``: ``clean_text`` (NFC; control and format
characters removed; emoji and other symbols no font can draw removed), ``shape`` (Arabic joined into its
presentation forms), measured, shrunk to fit and, below a minimum size, wrapped; each line is put in
visual order (``visual``: the Unicode bidi algorithm) and split into runs by font: the standard PDF fonts
when WinAnsi can show the whole text (nothing embedded), else the bundled Noto fonts, the first that has
each character (``fonts/``, SIL OFL 1.1: Latin/Greek/Cyrillic, Arabic, Hebrew, CJK and Hangul).
"""

from __future__ import annotations

import functools
import io
import logging
import mmap
import os
import re
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from . import qr
from .templates import CourseLayout, certificate_context, course_layout, format_date

if TYPE_CHECKING:
    from arabic_reshaper import ArabicReshaper
    from django.http import HttpRequest

    from ..models import Certificate, CertificateTemplate

log = logging.getLogger(__name__)

PAGE_SIZE = landscape(A4)
NAVY = (0.12, 0.23, 0.37)
GOLD = (0.72, 0.58, 0.25)
INK = (0.15, 0.15, 0.18)
GREY = (0.4, 0.4, 0.45)
QR_SIZE = 90  # points
QR_MARGIN = QR_SIZE * 4 / 41  # the quiet zone
NAME_SIZE = 34  # points: a name that fits is printed this size…
NAME_MIN_SIZE = 20  # …shrunk down to this one, then wrapped onto more lines (smaller still if need be)
TEXT_FLOOR = 6  # no text is set smaller; what does not fit even so is cut with "…"
ELLIPSIS = "\u2026"


# --- fonts ---------------------------------------------------------------------------------------------

FONT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fonts")
#: The fonts shipped in ``fonts/`` (Noto, SIL Open Font License 1.1; ``fonts/build_fonts.py`` made them),
#: tried in this order for each character: (regular, bold, the code points it is limited to or None). No bold
#: file: the regular one is emboldened with a stroke (``FAKE_BOLD_STROKE``), which keeps the CJK font (9 MB,
#: 33,000 glyphs) to one weight. A font is read only when a character needs it: the CJK one costs ~15 MB.
BUNDLED_FONTS = (
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", None),
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", None),
    ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", None),
    (
        "NotoSansCJKsc-Regular-subset.ttf",
        None,
        ((0x3000, 0x318F), (0x31F0, 0x31FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFF00, 0xFFEF)),
    ),
)
FAKE_BOLD_STROKE = 0.045  # em: Noto Sans CJK Regular stroked this much is close to its Bold


class _MappedFont:
    """
    A font file handed to ReportLab mapped rather than read.

    Only the tables it parses and the glyphs it embeds are paged in (the CJK font's 9 MB are not all resident
    memory), and the pages are shared by every worker process that maps the file.
    """

    def __init__(self, path: str):
        self.name = path

    def read(self) -> mmap.mmap:
        with open(self.name, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _font_name(path: str) -> str:
    return f"CM{zlib.crc32(path.encode()):08x}-" + os.path.splitext(os.path.basename(path))[0]


class Face:
    """One TrueType font of a fallback chain, read and registered with ReportLab on first use."""

    def __init__(self, path: str, *, fake_bold: bool = False, ranges: tuple | None = None):
        self.path = path
        self.name = _font_name(path)  # the ReportLab font name
        self.fake_bold = fake_bold
        self.ranges = ranges
        self._chars: dict | None = None

    @property
    def chars(self) -> dict:
        """Code point -> glyph (ReportLab's charToGlyph); reading the font registers it."""
        if self._chars is None:
            with _font_lock:
                if self.name in pdfmetrics.getRegisteredFontNames():  # (getFont() of an unknown name searches disk)
                    font = pdfmetrics.getFont(self.name)
                else:
                    font = TTFont(self.name, _MappedFont(self.path))
                    pdfmetrics.registerFont(font)
                self._chars = font.face.charToGlyph
        return self._chars

    def has(self, code: int) -> bool:
        """Whether this font can draw code point ``code`` (within its ``ranges``); a broken file has nothing."""
        if self.ranges is not None and not any(low <= code <= high for low, high in self.ranges):
            return False
        try:
            return code in self.chars
        except Exception:  # a broken font file: it has nothing
            log.exception("cert_manager: cannot use the TrueType font %s", self.path)
            self._chars = {}
            return False


class FontChain:
    """Fonts tried in order; each character is drawn with the first that has it (cached per character)."""

    def __init__(self, faces: list[Face]):
        self.faces = faces
        self._index: dict[str, int] = {}

    def face_index(self, char: str) -> int:
        """Index of the first face that has ``char``, or -1."""
        found = self._index.get(char)
        if found is None:
            code = ord(char)
            found = next((i for i, face in enumerate(self.faces) if face.has(code)), -1)
            self._index[char] = found
        return found

    def fallback_index(self) -> int:
        """The face that draws a character no face has (as the blank box of .notdef): the first usable one."""
        return next((i for i, face in enumerate(self.faces) if face.has(0x41)), 0)


_font_lock = threading.RLock()
_chains: tuple[FontChain, FontChain] | None = None


def _configured_fonts() -> list[tuple[str, str | None, None]]:
    """``CERT_MANAGER_PDF_UNICODE_FONT``: a TrueType path, or a (regular, bold) pair of paths; tried first."""
    configured = getattr(settings, "CERT_MANAGER_PDF_UNICODE_FONT", None)
    if not configured:
        return []
    paths = [configured] if isinstance(configured, str | os.PathLike) else [*configured, None]
    regular, bold = paths[0], paths[1] if len(paths) > 1 else None
    if not os.path.isfile(regular):
        log.warning("cert_manager: CERT_MANAGER_PDF_UNICODE_FONT %s is not a file; using the bundled fonts", regular)
        return []
    return [(str(regular), str(bold) if bold and os.path.isfile(bold) else None, None)]


def font_chains() -> tuple[FontChain, FontChain]:
    """The regular and the bold fallback chains (each font read once per process, when first needed)."""
    global _chains  # noqa: PLW0603 - a process-wide registry, like ReportLab's own font registry
    if _chains is not None:
        return _chains
    with _font_lock:
        if _chains is None:
            fonts = _configured_fonts() + [
                (os.path.join(FONT_DIR, r), os.path.join(FONT_DIR, b) if b else None, ranges)
                for r, b, ranges in BUNDLED_FONTS
            ]
            regular = [Face(r, ranges=ranges) for r, _b, ranges in fonts]
            bold = [Face(b, ranges=ranges) if b else Face(r, fake_bold=True, ranges=ranges) for r, b, ranges in fonts]
            _chains = (FontChain(regular), FontChain(bold))
        return _chains


def reset_fonts() -> None:
    """Forget the chains (after ``CERT_MANAGER_PDF_UNICODE_FONT`` changed; tests)."""
    global _chains  # noqa: PLW0603
    with _font_lock:
        _chains = None


@functools.cache
def _warn_missing(char: str) -> None:
    log.warning(
        "cert_manager: no font has U+%04X (%s); it prints as a blank box. Set CERT_MANAGER_PDF_UNICODE_FONT to a "
        "TrueType font that has it.",
        ord(char),
        unicodedata.name(char, "?"),
    )


# --- text: clean, shape, measure, fit ---------------------------------------------------------------------

#: Characters that end a line or separate text: printed as one space.
_SPACES = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
#: Parts of emoji sequences that mean nothing without the emoji: variation selectors, keycap, skin tones.
_EMOJI_PARTS = frozenset([0x20E3, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400), *range(0xE0100, 0xE01F0)])
_JOINERS = frozenset("\u200c\u200d")  # kept through shaping (Persian ZWNJ), removed after
_ORPHAN_JOINER = re.compile(r"(?<!\w)[\u200c\u200d]+|[\u200c\u200d]+(?!\w)")


def clean_text(text: str) -> str:
    """
    ``text`` as it can be printed.

    NFC; line breaks, tabs and other separators as single spaces; control, format, private-use and unassigned
    characters removed; emoji — and any other symbol no font has — removed with the selectors and modifiers that
    go with them; no leading, trailing or double spaces.
    """
    if text.isascii() and text.isprintable():  # the common case, in C
        return " ".join(text.split()) if "  " in text or text[:1] == " " or text[-1:] == " " else text
    text = unicodedata.normalize("NFC", text)
    chain = None
    out = []
    for char in text:
        if char in _SPACES:
            out.append(" ")
            continue
        category = unicodedata.category(char)
        if category[0] == "Z":
            out.append(" ")
        elif category[0] == "C":  # Cc, Cf, Cs, Co, Cn
            if char in _JOINERS:
                out.append(char)
        elif ord(char) in _EMOJI_PARTS:
            continue
        elif category in ("So", "Sk"):
            chain = chain or font_chains()[0]
            if chain.face_index(char) >= 0:
                out.append(char)
        else:
            out.append(char)
    text = "".join(out)
    if "\u200c" in text or "\u200d" in text:  # a joiner joins letters; any other (an emoji's) goes
        text = _ORPHAN_JOINER.sub("", text)
    return " ".join(text.split())


@functools.cache
def _reshaper() -> ArabicReshaper:
    """
    The Arabic reshaper, made once (``arabic_reshaper`` is imported on first use).

    Arabic shaping: ``arabic_reshaper`` replaces each letter with its contextual presentation form (and
    lam-alef with its ligature), which the bundled Noto Sans Arabic maps, so the text then needs no OpenType
    shaping. Chosen over ReportLab's own HarfBuzz shaping because that needs ``uharfbuzz`` and ReportLab's
    ``rlbidi`` (not on PyPI), and its output is positioned glyph runs, which the streaming export writer
    would have to re-encode; presentation forms are plain text both writers encode, measure and wrap like
    any other, and that stays extractable (NFKC gives the letters back). Harakat are dropped (the PDF fonts
    cannot position marks). Scripts that need full OpenType shaping (Devanagari, …) are not covered.
    """
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper()


def shape(text: str) -> str:
    """Arabic letters joined into their presentation forms (logical order kept); the joiners then go."""
    if text.isascii():
        return text
    if any(unicodedata.bidirectional(c) == "AL" for c in text):
        text = _reshaper().reshape(text)
    if "\u200c" in text or "\u200d" in text:
        text = text.replace("\u200c", "").replace("\u200d", "")
    return text


def visual(line: str) -> str:
    """One line in display order (the Unicode bidi algorithm: python-bidi)."""
    if line.isascii() or not any(unicodedata.bidirectional(c) in ("R", "AL") for c in line):
        return line
    from bidi import get_display

    return get_display(line)


def _winansi(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


#: Glyph widths (1/1000 em) of the standard fonts by WinAnsi byte, for measuring without ReportLab's
#: pure-Python string-width routine.
_STANDARD = ("Helvetica", "Helvetica-Bold", "Times-Italic")
_WIDTHS = {name: pdfmetrics.getFont(name).widths for name in _STANDARD}

Run = tuple[str, str, bool]  # (font, text, fake bold)


def text_runs(text: str, *, bold: bool, standard: str | None) -> list[Run]:
    """
    ``text`` (one line, display order) split by font.

    One run in ``standard`` (a standard PDF font) when WinAnsi can show it all, else runs of the first font of
    the chain that has each character.
    """
    if standard is not None and _winansi(text):
        return [(standard, text, False)]
    chain = font_chains()[1 if bold else 0]
    faces = chain.faces
    runs: list[Run] = []
    current, start = -2, 0
    for i, char in enumerate(text):
        index = chain.face_index(char)
        if index < 0:
            _warn_missing(char)
            index = chain.fallback_index()
        if index != current:
            if i > start:
                face = faces[current]
                runs.append((face.name, text[start:i], face.fake_bold))
            current, start = index, i
    if text[start:] and faces:
        face = faces[current]
        runs.append((face.name, text[start:], face.fake_bold))
    return runs


def runs_width(runs: list[Run]) -> float:
    """Width of the runs at 1 pt."""
    total = 0.0
    for font, text, _fake in runs:
        widths = _WIDTHS.get(font)
        if widths is not None:
            total += sum(map(widths.__getitem__, text.encode("cp1252")))
        else:
            total += pdfmetrics.stringWidth(text, font, 1000)
    return total / 1000


class TextLine(NamedTuple):  # (a NamedTuple: built for every text of every page, it must be cheap)
    """One line of text in display order: its runs by font, and its width at 1 pt."""

    runs: tuple[Run, ...]
    width: float  # at 1 pt


class TextBlock(NamedTuple):
    """Lines of text at one size; ``leading`` is the distance between baselines."""

    lines: tuple[TextLine, ...]
    size: float

    @property
    def leading(self) -> float:
        """The distance between baselines (``LEADING`` em at this size)."""
        return self.size * LEADING

    @property
    def height(self) -> float:
        """The block's height from the first line's top to the last line's bottom (``block_height``)."""
        return block_height(len(self.lines), self.size)


ASCENT, DESCENT, LEADING = 0.95, 0.25, 1.15  # em: room above and below a line, and baseline to baseline


def block_height(lines: int, size: float) -> float:
    """The height of ``lines`` lines at ``size``: ascent and descent, plus a leading per further line; 0 if none."""
    return (ASCENT + DESCENT + (lines - 1) * LEADING) * size if lines else 0.0


def _line(logical: str, bold: bool, standard: str | None) -> TextLine:
    runs = text_runs(visual(logical), bold=bold, standard=standard)
    return TextLine(tuple(runs), runs_width(runs))


def _wrap(
    words: list[str], widths: list[float], space: float, limit: float, char_width: Callable[[str], float]
) -> list[str]:
    """Greedy wrap of ``words`` (widths at 1 pt) into lines of at most ``limit``; a longer word is split."""
    lines: list[str] = []
    current, used = "", 0.0
    for word, width in zip(words, widths, strict=True):
        if current and used + space + width <= limit:
            current, used = f"{current} {word}", used + space + width
            continue
        if current:
            lines.append(current)
        if width <= limit:
            current, used = word, width
            continue
        current, used = "", 0.0  # a word longer than the line (CJK has no spaces): split anywhere
        for char in word:
            w = char_width(char)
            if current and used + w > limit:
                lines.append(current)
                current, used = "", 0.0
            current, used = current + char, used + w
    if current:
        lines.append(current)
    return lines


def _cut(logical: str, limit: float, measure: Callable[[str], float]) -> str:
    """``logical`` shortened (from its logical end) with "…" so it measures at most ``limit``."""
    if measure(logical) <= limit:
        return logical
    low, high = 0, len(logical)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if measure(logical[:middle].rstrip() + ELLIPSIS) <= limit:
            low = middle
        else:
            high = middle - 1
    return logical[:low].rstrip() + ELLIPSIS


def fit_text(
    text: str,
    *,
    max_width: float,
    size: float,
    min_size: float,
    bold: bool = False,
    standard: str | None = "Helvetica",
    max_height: float | None = None,
    floor: float = TEXT_FLOOR,
    clean: bool = True,
) -> TextBlock:
    """
    ``text`` laid out to fit ``max_width``: one line at ``size``, shrunk as far as ``min_size``.

    When it needs less and ``max_height`` is given, it is wrapped at ``min_size`` (at word breaks; a word longer than a
    line, as CJK text without spaces, anywhere) onto as many lines as fit ``max_height``, set smaller (not
    below ``floor``) until it fits; whatever still does not fit is cut with "…". Without ``max_height``
    the text stays on one line and is cut at ``min_size``. ``standard`` is the standard PDF font used when
    WinAnsi can show the whole text (None: always the TrueType fonts). ``clean=False`` keeps the text's
    spacing: for wording composed here (labels, dates, URLs), not for what users typed.
    """
    if standard is not None and bold and standard == "Helvetica":
        standard = "Helvetica-Bold"
    if standard is not None:
        plain = _fit_plain(text, standard, max_width=max_width, size=size, min_size=min_size, clean=clean)
        if plain is not None:
            return plain
    logical = shape(clean_text(text) if clean else text)
    if not logical:
        return TextBlock((), size)
    standard = standard if standard is not None and _winansi(logical) else None
    line = _line(logical, bold, standard)
    if line.width * min_size <= max_width:
        fitted = min(size, max_width / line.width) if line.width else size
        return TextBlock((line,), fitted)

    def measure(value: str) -> float:
        return runs_width(text_runs(value, bold=bold, standard=standard))

    if max_height is None:
        return TextBlock((_line(_cut(logical, max_width / min_size, measure), bold, standard),), min_size)
    lines, current = _wrap_to_height(
        logical, measure, max_width=max_width, max_height=max_height, start=min(min_size, size), floor=floor
    )
    return TextBlock(tuple(_line(value, bold, standard) for value in lines), current)


def _fit_plain(
    text: str, standard: str, *, max_width: float, size: float, min_size: float, clean: bool
) -> TextBlock | None:
    """
    The common case, the export's hot path, measured without the pipeline; None when the text needs it.

    That is clean WinAnsi text (no control, format or separator characters: isprintable; with ``clean``, no
    doubled, leading or trailing space) that fits on one line at ``min_size`` in the standard font.
    """
    if not text.isprintable() or (clean and ("  " in text or text[:1] == " " or text[-1:] == " ")):
        return None
    try:
        data = text.encode("cp1252")
    except UnicodeEncodeError:
        return None
    width = sum(map(_WIDTHS[standard].__getitem__, data)) / 1000
    if 0 < width * min_size <= max_width:
        return TextBlock((TextLine(((standard, text, False),), width),), min(size, max_width / width))
    return None


def _wrap_to_height(
    logical: str,
    measure: Callable[[str], float],
    *,
    max_width: float,
    max_height: float,
    start: float,
    floor: float,
) -> tuple[list[str], float]:
    """
    ``logical`` wrapped onto lines of ``max_width`` that fit ``max_height``: the lines and their size.

    The lines start at ``start`` size and are set smaller by half points (not below ``floor``) until they fit;
    even at the floor, what does not fit is cut with "…".
    """
    words = logical.split(" ")
    widths = [measure(word) for word in words]
    space = measure(" ")
    current = start
    while True:
        lines = _wrap(words, widths, space, max_width / current, measure)
        if block_height(len(lines), current) <= max_height or current <= floor:
            break
        current = max(floor, current - 0.5)
    fitting = max(1, int((max_height / current - ASCENT - DESCENT) / LEADING) + 1)
    if len(lines) > fitting:  # even at the floor: keep what fits, cut the last line
        rest = " ".join(lines[fitting - 1 :])
        lines = [*lines[: fitting - 1], _cut(rest, max_width / current, measure)]
    return lines, current


def place(block: TextBlock, baseline: float, bottom: float, top: float) -> float:
    """The last line's baseline: ``baseline`` when the block fits there between ``bottom`` and ``top``."""
    above = block.height - DESCENT * block.size
    if baseline + above > top:
        baseline = top - above
    if baseline - DESCENT * block.size < bottom:
        baseline = bottom + DESCENT * block.size
    return baseline


# --- text: PDF operators -----------------------------------------------------------------------------------

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


def _pdf_string(data: bytes) -> bytes:
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
        shown = b" ".join(b"%s %.2f Tf %s Tj" % (i, size, _pdf_string(d)) for i, d in encode(font, text))
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
                out.append(b"%s %.2f Tf %s Tj" % (internal, size, _pdf_string(data)))
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


def _serialize(obj: PdfObject) -> bytes:
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
            shell = _Raw(_serialize(target))
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
    return _Raw(_serialize(obj))


def _fill(shell: pdfdoc.PDFObject, source: PdfObject, document: pdfdoc.PDFDocument, memo: dict) -> None:
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


# --- pages ---------------------------------------------------------------------------------------------


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
    parts = [block_operators(name, width / 2, place(name, baseline, bottom, top), encode=encode, colour=INK)]
    line = labels["issued"].format(date=page.issued) if page.issued else ""
    if page.grade and print_grade:
        grade = labels["grade"].format(grade=page.grade)
        line = f"{line}   \u00b7   {grade}" if line else grade
    if line:
        key = (line, width, height)
        drawn = cache.get(key) if cache is not None else None
        if drawn is None:
            block = fit_text(line, max_width=width * 0.8, size=12, min_size=7, clean=False)
            drawn = block_operators(block, width / 2, height * 0.25, encode=encode, colour=INK)
            if cache is not None:
                if len(cache) > 4096:
                    cache.clear()
                cache[key] = drawn
        parts.append(drawn)
    parts.append(qr.encode(url).pdf_operator_bytes(width - 48 - QR_SIZE, 48, QR_SIZE))
    small = _small_text_width(width)
    for label, y in ((labels["verify"].format(url=url), 58), (labels["id"].format(id=page.certificate_id), 48)):
        block = fit_text(label, max_width=small, size=7, min_size=4, clean=False)
        parts.append(block_operators(block, 48, y, encode=encode, colour=GREY, align="left"))
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
    draw_block(c, title, width / 2, height * 0.77, colour=NAVY)
    intro = fit_text(_("This is to certify that"), max_width=width * 0.8, size=16, min_size=9, standard="Times-Italic")
    draw_block(c, intro, width / 2, height * 0.66, colour=INK)
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(1)
    c.line(width * 0.25, height * 0.525, width * 0.75, height * 0.525)
    completed = fit_text(
        _("has successfully completed"), max_width=width * 0.8, size=16, min_size=9, standard="Times-Italic"
    )
    draw_block(c, completed, width / 2, height * 0.455, colour=INK)
    top = height * 0.455 - 16 * DESCENT - 3
    bottom = (height * 0.345 if layout.org else height * 0.25) + 12 * ASCENT + 3
    course = fit_text(
        layout.course_name, max_width=width * 0.8, size=22, min_size=14, bold=True, max_height=top - bottom
    )
    draw_block(c, course, width / 2, place(course, height * 0.39, bottom, top), colour=NAVY)
    if layout.org:
        offered = fit_text(_("offered by {org}").format(org=layout.org), max_width=width * 0.8, size=12, min_size=7)
        draw_block(c, offered, width / 2, height * 0.345, colour=GREY)
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
    draw_block(c, scan, width - 48, 48 + QR_SIZE + QR_MARGIN + 3, colour=GREY, align="right")


class CertificatePdfWriter:
    """
    Writes certificate pages into one PDF on one canvas.

    Static layers and backgrounds are registered on first use and reused by every later page with the same
    layout.

        writer = CertificatePdfWriter(fileobj, title="…")
        writer.add_page(layout, page_data)
        writer.close()
    """

    def __init__(self, output: BinaryIO | str, *, title: str = "", author: str = ""):
        self.canvas = Canvas(output, pagesize=PAGE_SIZE, pageCompression=1)
        if title:
            self.canvas.setTitle(clean_text(title))
        if author:
            self.canvas.setAuthor(clean_text(author))
        self.canvas.setCreator("cert_manager_plugin")
        self.pages = 0
        self.labels = page_labels()
        self._encode = DocumentEncoder(canvas_document(self.canvas))
        self._page_size: tuple[float, float] | None = None  # what the canvas's next page is set to
        self._lines: dict = {}
        self._static: dict[tuple, tuple[str, Background | None, tuple[float, float]]] = {}

    def static_layer(self, layout: CourseLayout) -> tuple[str, Background | None, tuple[float, float]]:
        """
        The layout's static layer as a form on this writer's document: its name, background and page size.

        The static layer is everything but the learner's lines (course name, labels, frame), drawn once per
        layout.
        """
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
        draw_static_layer(c, layout, width, height, framed=background is None)
        c.endForm()
        found = (name, background, size)
        self._static[key] = found
        return found

    def add_page(self, layout: CourseLayout, page: PageData) -> None:
        """Draw one certificate page."""
        static, background, (width, height) = self.static_layer(layout)
        c = self.canvas
        operators = page_operators(
            width,
            height,
            page,
            print_grade=layout.print_grade,
            labels=self.labels,
            encode=self._encode,
            cache=self._lines,
        )
        if (width, height) != self._page_size:
            c.setPageSize((width, height))
            self._page_size = (width, height)
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
        c.addLiteral(operators.decode("ascii"))
        c.showPage()
        self.pages += 1

    def close(self) -> None:
        """Finish the document (writes it to the output). A document needs at least one page."""
        if self.pages == 0:
            raise ValueError("a certificate PDF needs at least one certificate")
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


def render_certificate_pdf(
    certificate: Certificate, *, request: HttpRequest | None = None, layout: CourseLayout | None = None
) -> bytes:
    """The certificate as a one-page PDF (its links absolute: a base URL setting or ``request`` is needed)."""
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


# --- streaming writer (exports) ------------------------------------------------------------------------


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
        self, path: str, layouts: dict[str, CourseLayout], *, unicode_names: Iterable[str] = (), title: str = ""
    ):
        self.file = open(path, "wb")  # closed in close() or abort()
        self.offsets: dict[int, int] = {}
        self.position = 0
        self.kids: list[int] = []
        self.next_number = 3  # 1: catalog, 2: pages tree (written last)
        self.title = title
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

    def _build(self, layouts: dict[str, CourseLayout], unicode_names: list[str]) -> None:
        buffer = io.BytesIO()
        proto = CertificatePdfWriter(buffer)
        c = proto.canvas
        document = canvas_document(c)
        meta = []
        for key, layout in layouts.items():
            static, background, size = proto.static_layer(layout)
            c.setPageSize(size)
            bg_name = register_background(c, background) if background is not None else None
            if bg_name:
                c.doForm(bg_name)
            c.doForm(static)
            meta.append((key, layout, static, bg_name, background, size))
            c.showPage()
            proto.pages += 1
        standard = {font: document.getInternalFontName(font).encode() for font in _STANDARD}

        # Every TrueType character the pages will print gets its subset code now, before the fonts are
        # written: the names' characters (bold) and the wording's (regular), each in the font that has it.
        regular_chain, bold_chain = font_chains()
        needed: dict[str, set[str]] = {}

        def announce(text: str, chain: FontChain) -> None:
            for char in text:
                index = chain.face_index(char)
                face = chain.faces[index if index >= 0 else chain.fallback_index()]
                needed.setdefault(face.name, set()).add(char)

        for name in unicode_names:
            logical = shape(clean_text(name))
            if not _winansi(logical):
                announce(logical + ELLIPSIS, bold_chain)
        sample = self._wording_sample()
        if not all(map(_winansi, sample)):
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
        for (key, layout, static, bg_name, background, size), page in zip(meta, reader.pages, strict=True):
            resources = self._copy_value(page["/Resources"], memo, queue)
            self._drain(memo, queue)
            number = self._new_number()
            self._object(number, resources)
            self.layouts[key] = {
                "layout": layout,
                "resources": number,
                "size": size,
                "prefix": self._prefix(static, bg_name, background),
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
                _serialize(k) + b" " + self._copy_value(v, memo, queue) for k, v in obj.items() if k != "/Length"
            )
            return b"<< " + items + b" >>"
        if isinstance(obj, ArrayObject):
            return b"[" + b" ".join(self._copy_value(v, memo, queue) for v in obj) + b"]"
        return _serialize(obj)

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
    def _prefix(static: str, bg_name: str | None, background: Background | None) -> bytes:
        parts = []
        if bg_name:
            shift = f"1 0 0 1 {-background.x0:.2f} {-background.y0:.2f} cm " if (background.x0 or background.y0) else ""
            parts.append(f"q {shift}/{pdfdoc.xObjectName(bg_name)} Do Q")
        parts.append(f"q /{pdfdoc.xObjectName(static)} Do Q")
        return ("\n".join(parts) + "\n").encode()

    # pages
    def add_page(self, key: str, page: PageData) -> None:
        """Write one page with the layout registered under ``key``."""
        info = self.layouts[key]
        width, height = info["size"]
        content = zlib.compress(
            info["prefix"]
            + page_operators(
                width,
                height,
                page,
                print_grade=info["layout"].print_grade,
                labels=self.labels,
                encode=self.encoder,
                cache=self._lines,
            ),
            1,  # level 1: 3x faster than 6, pages ~10% larger
        )
        stream = self._new_number()
        self._object(
            stream, b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
        )
        number = self._new_number()
        box = b"[0 0 %.4f %.4f]" % (width, height)
        self._object(
            number,
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %d 0 R /Contents %d 0 R >>"
            % (box, info["resources"], stream),
        )
        self.kids.append(number)

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
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        info = self._new_number()
        title = _pdf_string(clean_text(self.title).encode("cp1252", "replace")) if self.title else b"()"
        self._object(info, b"<< /Producer (cert_manager_plugin) /Title %s >>" % title)
        xref_at = self.position
        count = self.next_number
        lines = [b"xref\n0 %d\n" % count, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, count)]
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, info, xref_at)
        )
        self.file.close()
