"""
CSV export that spreadsheets cannot turn into formulas (CSV/formula injection, OWASP).

A cell whose first non-blank character is ``=``, ``+``, ``-`` or ``@``, or that starts with a tab or
carriage return, gets a leading apostrophe so Excel, LibreOffice and Sheets show it as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> str:
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


def iter_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield the CSV lines (header first) with every cell escaped; suited to a streaming response."""
    writer = csv.writer(_Echo())
    yield writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([escape_cell(cell) for cell in row])


def to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """The whole CSV document as one string."""
    return "".join(iter_csv(header, rows))
