"""PDF operators for text blocks and PDF literal strings (rendering/pdf_operators.py)."""

from cert_manager_plugin.rendering.pdf_fit import TextBlock, fit_text
from cert_manager_plugin.rendering.pdf_operators import (
    artifact,
    block_actual_text,
    block_operators,
    marked,
    pdf_string,
    text_string,
)


def plain(font: str, text: str) -> list[tuple[bytes, bytes]]:
    return [(b"/F1", text.encode("cp1252"))]


def test_pdf_strings_are_printable_ascii_with_escapes():
    assert pdf_string(b"Ada") == b"(Ada)"
    assert pdf_string(b"a(b)\\") == b"(a\\(b\\)\\\\)"
    assert pdf_string("é\n".encode("cp1252")) == b"(\\351\\012)"


def test_a_block_is_drawn_centred_left_or_right_of_x():
    block = fit_text("Ada", max_width=1000, size=10, min_size=10)
    width = block.lines[0].width * 10
    for align, start in (("centre", 100 - width / 2), ("left", 100), ("right", 100 - width)):
        ops = block_operators(block, 100, 50, encode=plain, colour=(0, 0, 0), align=align)
        assert b"1 0 0 1 %.2f 50.00 Tm /F1 10.00 Tf (Ada) Tj" % start in ops


def test_an_empty_block_draws_nothing():
    assert block_operators(TextBlock((), 10), 0, 0, encode=plain, colour=(0, 0, 0)) == b""


def test_a_tagged_block_is_marked_content_with_its_fixed_id_and_what_it_reads():
    block = fit_text("Ada", max_width=1000, size=10, min_size=10)
    ops = block_operators(block, 100, 50, encode=plain, colour=(0, 0, 0), tag="name")
    assert ops.startswith(b"/P <</MCID 0>> BDC q ") and ops.endswith(b" EMC")
    assert marked("qr", b"0 0 m") == b"/Figure <</MCID 4>> BDC 0 0 m EMC"
    assert marked("qr", b"") == b"" and artifact(b"") == b""
    assert block_actual_text(block) is None  # drawn as it reads
    hebrew = fit_text("שלום כהן", max_width=1000, size=10, min_size=10)
    assert block_actual_text(hebrew) == "שלום כהן"  # drawn right to left, read in logical order
    assert text_string("Ada") == b"(Ada)"
    assert text_string("é") == b"(\\376\\377\\000\\351)"  # UTF-16BE with its byte order mark
