"""
Text fitted into a box of a certificate PDF: measured, shrunk, wrapped, cut with "…", placed.

``fit_text`` takes a text through :mod:`.pdf_text` (clean, shape, bidi, runs by font) and lays it out in a
``TextBlock``: one line at its size, shrunk as far as a minimum size, then wrapped onto lines that fit a height
(smaller still, not below ``TEXT_FLOOR``), and what still does not fit cut with an ellipsis. ``place`` puts a
block between a bottom and a top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .pdf_text import STANDARD_WIDTHS, Run, clean_text, runs_width, shape, text_runs, visual, winansi

TEXT_FLOOR = 6  # no text is set smaller; what does not fit even so is cut with "…"
ELLIPSIS = "\u2026"


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
    standard = standard if standard is not None and winansi(logical) else None
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
    width = sum(map(STANDARD_WIDTHS[standard].__getitem__, data)) / 1000
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
