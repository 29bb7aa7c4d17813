"""
Text as a certificate PDF can print it: cleaned, shaped, in display order, split into runs by font.

``clean_text`` (NFC; control and format characters removed; emoji and other symbols no font can draw removed),
``shape`` (Arabic joined into its presentation forms), ``visual`` (the Unicode bidi algorithm; ``logical`` undoes both
for a tagged PDF's ``/ActualText``) and ``text_runs``:
the standard PDF fonts when WinAnsi can show the whole text (nothing embedded), else the fonts of
:mod:`.pdf_fonts`, the first that has each character. ``runs_width`` measures the runs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from reportlab.pdfbase import pdfmetrics

from .pdf_fonts import font_chains, warn_missing

if TYPE_CHECKING:
    from arabic_reshaper import ArabicReshaper

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


#: Lines ``visual`` reordered, display order -> logical order (``logical``); cleared when it grows past 4096.
_LOGICAL: dict[str, str] = {}


#: A web address in a line, kept left to right as one run inside right-to-left text (``visual``)
#: (its last character not a sentence's punctuation).
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)\S*[^\s.,;:!?'\")\]\u00bb\u060c\u061b\u061f]")
#: The bidi isolates ``visual`` puts around web addresses, taken out again after reordering.
_ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def visual(line: str) -> str:
    """
    One line in display order (the Unicode bidi algorithm: python-bidi).

    A web address in right-to-left text is isolated as left-to-right first, so its trailing "/" or "." stays at
    its end instead of moving to the far side of the line (``clean_text`` has removed any isolate a text held).
    """
    if line.isascii() or not any(unicodedata.bidirectional(c) in ("R", "AL") for c in line):
        return line
    from bidi import get_display

    marked = _URL.sub(lambda match: f"\u2066{match.group(0)}\u2069", line) if "/" in line or "www." in line else line
    shown = get_display(marked)
    if marked is not line:
        shown = shown.translate(_ISOLATES)
    if shown != line:
        if len(_LOGICAL) > 4096:
            _LOGICAL.clear()
        _LOGICAL[shown] = line
    return shown


def logical(shown: str) -> str:
    """
    A line as a reader should hear it: back in logical order (if ``visual`` reordered it), letters unjoined.

    For a tagged PDF's ``/ActualText``: the page shows right-to-left text in display order and Arabic in its
    presentation forms, which a screen reader would read backwards or as unusual characters.
    """
    if shown.isascii():
        return shown
    text = _LOGICAL.get(shown, shown)
    if any(_presentation_form(c) for c in text):
        text = "".join(unicodedata.normalize("NFKC", c) if _presentation_form(c) else c for c in text)
    return text


def reordered(shown: str) -> bool:
    """Whether ``logical`` gives another text than ``shown`` (``visual`` reordered it, or it has Arabic forms)."""
    return not shown.isascii() and (shown in _LOGICAL or _FORMS.search(shown) is not None)


_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def _presentation_form(char: str) -> bool:
    """Whether ``char`` is an Arabic presentation form (what ``shape`` puts in the place of letters)."""
    return "\ufb50" <= char <= "\ufdff" or "\ufe70" <= char <= "\ufeff"


def winansi(text: str) -> bool:
    """Whether the standard PDF fonts can show ``text`` (it encodes in WinAnsi, cp1252)."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


#: Glyph widths (1/1000 em) of the standard fonts by WinAnsi byte, for measuring without ReportLab's
#: pure-Python string-width routine.
STANDARD_FONTS = ("Helvetica", "Helvetica-Bold", "Times-Italic")
STANDARD_WIDTHS = {name: pdfmetrics.getFont(name).widths for name in STANDARD_FONTS}

Run = tuple[str, str, bool]  # (font, text, fake bold)


def text_runs(text: str, *, bold: bool, standard: str | None) -> list[Run]:
    """
    ``text`` (one line, display order) split by font.

    One run in ``standard`` (a standard PDF font) when WinAnsi can show it all, else runs of the first font of
    the chain that has each character.
    """
    if standard is not None and winansi(text):
        return [(standard, text, False)]
    chain = font_chains()[1 if bold else 0]
    faces = chain.faces
    runs: list[Run] = []
    current, start = -2, 0
    for i, char in enumerate(text):
        index = chain.face_index(char)
        if index < 0:
            warn_missing(char)
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
        widths = STANDARD_WIDTHS.get(font)
        if widths is not None:
            total += sum(map(widths.__getitem__, text.encode("cp1252")))
        else:
            total += pdfmetrics.stringWidth(text, font, 1000)
    return total / 1000
