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
