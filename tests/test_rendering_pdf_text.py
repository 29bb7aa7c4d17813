"""Text as a PDF can print it (rendering/pdf_text.py)."""

from cert_manager_plugin.rendering import pdf_text
from tests.test_rendering_pdf import PERSIAN


def test_clean_text():
    assert pdf_text.clean_text("  Ada \t Lovelace\n") == "Ada Lovelace"
    assert pdf_text.clean_text("e\u0301cole") == "\u00e9cole"  # NFC
    assert pdf_text.clean_text(PERSIAN) == PERSIAN  # a joiner between letters stays (Persian)
    assert pdf_text.clean_text("😀🎉") == ""
    assert pdf_text.clean_text("©®™") == "©®™"  # symbols the fonts have stay


def test_logical_gives_back_what_visual_and_shape_changed():
    arabic = "محمد بن عبد الله"
    shown = pdf_text.visual(pdf_text.shape(arabic))
    assert shown != arabic and pdf_text.logical(shown) == arabic
    assert pdf_text.logical("Ada Lovelace") == "Ada Lovelace"
    assert pdf_text.logical(pdf_text.visual("שלום")) == "שלום"


def test_a_web_address_in_right_to_left_text_keeps_its_trailing_slash():
    """The verify link in an Arabic line: its final "/" stays at its end, not on the far side of the line."""
    line = "تحقق: https://lms.example/cert/abc/"
    shown = pdf_text.visual(line)
    assert "https://lms.example/cert/abc/" in shown
    assert not shown.startswith("/")
    assert "\u2066" not in shown and "\u2069" not in shown  # the isolates are taken out again
    assert pdf_text.logical(shown) == line


def test_a_sentence_s_full_stop_after_a_web_address_stays_with_the_sentence():
    shown = pdf_text.visual("تحقق من www.example.org.")
    assert shown.startswith(".www.example.org ")  # the full stop ends the right-to-left sentence, on its left
