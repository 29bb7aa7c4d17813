"""
CSV export that spreadsheets cannot turn into formulas (CSV/formula injection, OWASP).

A cell whose first non-blank character is ``=``, ``+``, ``-`` or ``@``, or that starts with a tab or
carriage return, gets a leading apostrophe so Excel, LibreOffice and Sheets show it as text.

Downloads are ``text/csv; charset=utf-8`` and start with a UTF-8 byte order mark (``bom=True``): without it
Excel reads a CSV file in the machine's ANSI code page, so non-ASCII names show as mojibake.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The media type of CSV downloads, with its charset.
CONTENT_TYPE = "text/csv; charset=utf-8"
#: The UTF-8 byte order mark (as text: it is encoded with the rest) that tells Excel the file is UTF-8.
BOM = "\ufeff"


def escape_cell(value: object) -> str:
    """The cell as text, prefixed with ``'`` when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(("\t", "\r")) or text.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` returns the line: lets ``csv.writer`` feed a generator."""

    def write(self, value: str) -> str:
        return value


def iter_csv(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> Iterator[str]:
    """
    Yield the CSV lines (header first) with every cell escaped; suited to a streaming response.

    ``bom``: the byte order mark comes first (a file for download, served as ``CONTENT_TYPE``).
    """
    writer = csv.writer(_Echo())
    if bom:
        yield BOM
    yield writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([escape_cell(cell) for cell in row])


def to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = False) -> str:
    """The whole CSV document as one string (``bom``: with the byte order mark first)."""
    return "".join(iter_csv(header, rows, bom=bom))
