"""The PDF page's layout of Studio's configuration: the logo, and the signatories in reading order, fitted."""

import io

import pytest
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from cert_manager_plugin.lms import Signatory
from cert_manager_plugin.rendering import pdf, pdf_images
from cert_manager_plugin.rendering.pdf_layout import PAGE_SIZE, PageData, signatory_columns
from cert_manager_plugin.rendering.templates import CourseLayout

PAGE = PageData("Learner Name", "November 26, 2026", None, "https://lms.example.org/v/1", "abc")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(tmp_path), "/media/"
    Image.new("RGB", (120, 40), (20, 40, 160)).save(tmp_path / "sig.png")
    pdf_images.clear_image_cache()
    yield tmp_path
    pdf_images.clear_image_cache()


def layout(*signatories: Signatory, logo: str = "") -> CourseLayout:
    return CourseLayout("course-v1:A+B+C", "A Course", "A Org", True, signatories=signatories, org_logo_url=logo)


def render(course: CourseLayout) -> bytes:
    buffer = io.BytesIO()
    writer = pdf.CertificatePdfWriter(buffer)
    writer.add_page(course, PAGE)
    writer.close()
    return buffer.getvalue()


def test_columns_run_in_reading_order_left_to_right_and_right_to_left():
    width = PAGE_SIZE[0]
    ltr = signatory_columns(3, width)
    assert [c for c, _ in ltr] == sorted(c for c, _ in ltr)
    assert all(w == pytest.approx(ltr[0][1]) for _, w in ltr)
    assert ltr[-1][0] + ltr[-1][1] / 2 < width - 48 - pdf.QR_SIZE, "the row stops before the QR code"
    with translation.override("ar"):
        assert [c for c, _ in signatory_columns(3, width)] == [c for c, _ in reversed(ltr)]


def test_signatories_print_their_name_title_and_organization_and_images_are_drawn():
    data = render(
        layout(Signatory("Ada Lovelace", "Dean", "Analytical Society", "/media/sig.png"), logo="/media/sig.png")
    )
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    for line in ("Ada Lovelace", "Dean", "Analytical Society", "A Course"):
        assert line in text
    assert data.count(b"/Subtype /Image") == 1, "one image object, drawn twice (signature and logo)"


def test_long_and_right_to_left_names_are_cut_to_their_column_not_wrapped_over_the_page():
    long_name = "Bartholomew " * 40
    data = render(layout(Signatory(long_name, "", "", ""), Signatory("محمد عبد الله", "رئيس الجامعة", "", "")))
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "\u2026" in text and long_name.strip() not in text
    assert "Learner Name" in text and "Verify: https://lms.example.org/v/1" in text, "the rest of the page is intact"


def test_an_image_that_cannot_be_loaded_is_skipped_and_the_page_still_prints(caplog):
    data = render(layout(Signatory("Ada", "", "", "https://elsewhere.example/sig.png")))
    assert b"/Subtype /Image" not in data
    assert "Ada" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "skips the image" in caplog.text


def test_the_export_writer_prints_them_too(tmp_path):
    path = tmp_path / "export.pdf"
    course = layout(Signatory("Grace Hopper", "Rear Admiral", "Navy", "/media/sig.png"), logo="/media/sig.png")
    writer = pdf.StreamingCertificatePdf(str(path), {"": course})
    writer.add_page("", PAGE)
    writer.add_page("", PAGE)
    writer.close()
    reader = PdfReader(str(path))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert "Grace Hopper" in page.extract_text() and "Navy" in page.extract_text()


@pytest.mark.parametrize("base", ["classic", "modern", "minimal"])
def test_a_design_prints_studios_signatories_and_logo_in_its_colours(base):
    from cert_manager_plugin.rendering.pdf_design import designed_layout

    course = layout(Signatory("Ada Lovelace", "Dean", "Analytical Society", "/media/sig.png"), logo="/media/sig.png")
    document = {"base": base, "colours": {"text": "#102030"}}
    data = render(designed_layout(course, document, mode="verified", language="en"))
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    for line in ("Ada Lovelace", "Dean", "Analytical Society", "Learner Name"):
        assert line in text
    assert data.count(b"/Subtype /Image") == 1, "Studio's logo (no design logo) and the signature: one image"
    forms = b"".join(x.get_object().get_data() for x in reader.pages[0]["/Resources"]["/XObject"].values())
    assert b"0.063 0.125 0.188 rg" in reader.pages[0].get_contents().get_data() + forms, "the text colour #102030"


def test_a_design_in_the_export_writer_prints_the_same_page(tmp_path):
    from cert_manager_plugin.rendering.pdf_design import designed_layout

    course = layout(Signatory("Grace Hopper", "Rear Admiral", "Navy", ""))
    document = {"base": "modern", "blocks": {"title": "Well done {learner_name}", "footer": "{grade}"}}
    designed = designed_layout(course, document, mode="verified", language="en")
    path = tmp_path / "export.pdf"
    writer = pdf.StreamingCertificatePdf(str(path), {"plain": course, "designed": designed})
    writer.add_page("designed", PageData("Ada", "today", "91%", "https://lms.example.org/v/1", "x"))
    writer.add_page("plain", PAGE)
    writer.close()
    designed_text, plain_text = (p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Well done Ada" in designed_text and "91%" in designed_text and "Grace Hopper" in designed_text
    assert "CERTIFICATE OF ACHIEVEMENT" in plain_text and "Well done" not in plain_text
