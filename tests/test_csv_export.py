"""Formula-escaped CSV: nothing a spreadsheet would evaluate survives as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from cert_manager_plugin.csv_export import escape_cell, iter_csv, to_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("   =cmd|' /C calc'!A0", "'   =cmd|' /C calc'!A0"),  # after leading spaces too
        (" -2", "' -2"),
        ("Bilbo Baggins", "Bilbo Baggins"),
        ("a=b", "a=b"),  # only a leading formula character matters
        ("bilbo@example.com", "bilbo@example.com"),
        ("", ""),
        (None, ""),
        (0.9, "0.9"),
        (-3, "'-3"),  # non-strings are escaped by their text
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_to_csv_escapes_header_and_cells_and_stays_parseable():
    text = to_csv(["name", "=evil"], [['=HYPERLINK("http://x","y")', 'quote " and, comma'], ["ok", None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["name", "'=evil"],
        ['\'=HYPERLINK("http://x","y")', 'quote " and, comma'],
        ["ok", ""],
    ]


def test_iter_csv_streams_one_line_per_row():
    lines = list(iter_csv(["a"], ([n] for n in range(3))))
    assert lines == ["a\r\n", "0\r\n", "1\r\n", "2\r\n"]


def test_a_download_starts_with_a_utf8_bom_and_says_its_charset():
    """Excel reads a CSV without a BOM in the ANSI code page: non-ASCII names came out as mojibake."""
    from cert_manager_plugin.csv_export import BOM, CONTENT_TYPE

    assert CONTENT_TYPE == "text/csv; charset=utf-8"
    lines = list(iter_csv(["name"], [["Éowyn"], ["=李"]], bom=True))
    assert lines == [BOM, "name\r\n", "Éowyn\r\n", "'=李\r\n"]
    data = to_csv(["name"], [["Éowyn"]], bom=True).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbfname")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["name"], ["Éowyn"]]
    assert not to_csv(["name"], []).startswith(BOM)  # only downloads ask for it
