"""PDF operators for text blocks and PDF literal strings (rendering/pdf_operators.py)."""

from cert_manager_plugin.rendering.pdf_fit import TextBlock, fit_text
from cert_manager_plugin.rendering.pdf_operators import block_operators, pdf_string


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
