"""Text fitted into a box: shrunk, wrapped, cut with an ellipsis, placed (rendering/pdf_fit.py)."""

from cert_manager_plugin.rendering import pdf_fit
from cert_manager_plugin.rendering.pdf_fit import ELLIPSIS, TEXT_FLOOR, fit_text, place


def text(line: pdf_fit.TextLine) -> str:
    return "".join(run[1] for run in line.runs)


def test_a_text_that_fits_keeps_its_size():
    block = fit_text("Ada Lovelace", max_width=1000, size=34, min_size=20)
    assert [text(line) for line in block.lines] == ["Ada Lovelace"] and block.size == 34


def test_a_text_a_little_too_wide_is_shrunk_to_the_width():
    wide = fit_text("Ada Lovelace", max_width=1000, size=34, min_size=20).lines[0].width
    block = fit_text("Ada Lovelace", max_width=wide * 25, size=34, min_size=20)
    assert len(block.lines) == 1 and 20 <= block.size < 34
    assert block.lines[0].width * block.size <= wide * 25 + 1e-6


def test_without_a_height_a_long_text_is_cut_with_an_ellipsis_at_the_minimum_size():
    block = fit_text("word " * 60, max_width=300, size=34, min_size=20)
    [line] = block.lines
    assert block.size == 20 and text(line).endswith(ELLIPSIS) and line.width * 20 <= 300


def test_with_a_height_a_long_text_wraps_onto_lines_that_fit_the_box():
    block = fit_text("Bartholomew Featherstonehaugh " * 4, max_width=300, size=34, min_size=20, max_height=200)
    assert len(block.lines) > 1 and block.height <= 200
    assert all(line.width * block.size <= 300 + 1e-6 for line in block.lines)
    assert ELLIPSIS not in "".join(text(line) for line in block.lines)


def test_a_word_longer_than_a_line_is_split_and_what_never_fits_is_cut_at_the_floor():
    cjk = fit_text("李小龍" * 40, max_width=200, size=34, min_size=20, max_height=80, bold=True)
    assert len(cjk.lines) > 1 and all(line.width * cjk.size <= 200 + 1e-6 for line in cjk.lines)
    huge = fit_text("word " * 2000, max_width=200, size=34, min_size=20, max_height=40)
    assert huge.size == TEXT_FLOOR and text(huge.lines[-1]).endswith(ELLIPSIS) and huge.height <= 40


def test_place_keeps_a_block_between_bottom_and_top():
    block = fit_text("Ada Lovelace", max_width=1000, size=20, min_size=10)
    assert place(block, 100, 50, 200) == 100
    high = place(block, 195, 50, 200)
    assert high + block.height - pdf_fit.DESCENT * block.size <= 200 + 1e-9
    low = place(block, 40, 50, 200)
    assert low - pdf_fit.DESCENT * block.size >= 50 - 1e-9
