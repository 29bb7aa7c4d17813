"""
The fonts of certificate PDFs and which script each covers.

The bundled Noto fonts (``fonts/``, SIL OFL 1.1: Latin/Greek/Cyrillic, Arabic, Hebrew, CJK and Hangul), after
the one in ``CERT_MANAGER_PDF_UNICODE_FONT`` if set, form a fallback chain (``FontChain``) per weight: each
character is drawn with the first font that has it. A font is read and registered with ReportLab only when a
character needs it, and mapped rather than read into memory.
"""

from __future__ import annotations

import functools
import logging
import mmap
import os
import threading
import unicodedata
import zlib

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..conf import cm_settings

log = logging.getLogger(__name__)

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
    configured = cm_settings.PDF_UNICODE_FONT
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
def warn_missing(char: str) -> None:
    """Log, once per character, that no font has ``char``."""
    log.warning(
        "cert_manager: no font has U+%04X (%s); it prints as a blank box. Set CERT_MANAGER_PDF_UNICODE_FONT to a "
        "TrueType font that has it.",
        ord(char),
        unicodedata.name(char, "?"),
    )
