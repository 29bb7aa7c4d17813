"""The export's streaming writer is tagged as the one-canvas writer is: language, title, one section per page."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader, PdfWriter

from cert_manager_plugin.rendering import pdf
from tests.test_rendering_pdf_writer import ARABIC_NAME, LAYOUT, URL, page_data, structure


def stream(tmp_path, language: str, names: list[str], title: str = "") -> bytes:
    """One page per name through ``StreamingCertificatePdf`` in ``language``."""
    path = tmp_path / "export.pdf"
    with translation.override(language):
        writer = pdf.StreamingCertificatePdf(str(path), {"": LAYOUT}, unicode_names=names, title=title)
        for name in names:
            writer.add_page("", page_data(name))
        writer.close()
    return path.read_bytes()


def test_an_export_has_language_title_and_one_section_per_certificate_in_reading_order(tmp_path):
    data = stream(tmp_path, "en", ["Ada Lovelace", "Alan Turing"], title="Certificates - course-v1:TestX+C101+2026")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert root["/MarkInfo"]["/Marked"].value is True
    assert reader.metadata.title == "Certificates - course-v1:TestX+C101+2026"
    assert reader.xmp_metadata.dc_title == {"x-default": "Certificates - course-v1:TestX+C101+2026"}
    assert [p["/StructParents"] for p in reader.pages] == [0, 1]
    pages = structure(data)
    for name, elements in zip(["Ada Lovelace", "Alan Turing"], pages, strict=True):
        assert [e["text"] for e in elements[:2]] == [
            ["CERTIFICATE OF ACHIEVEMENT"],
            ["This is to certify that", name, "has successfully completed", "Certificates 101", "offered by TestX"],
        ]
        assert [e["role"] for e in elements] == ["H1", "P", "P", "P", "P", "Figure"]
        assert elements[-1]["alt"] == f"QR code: verify this certificate at {URL}"


def test_an_arabic_export_reads_right_to_left_and_keeps_unicode_titles(tmp_path):
    data = stream(tmp_path, "ar", [ARABIC_NAME], title=f"شهادات {ARABIC_NAME}")
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert reader.metadata.title == f"شهادات {ARABIC_NAME}"
    [elements] = structure(data)
    assert [e["role"] for e in elements] == ["H1", "P", "P", "Figure", "P", "P"]  # QR code first, then the link
    assert [e["mcids"] for e in elements][-3:] == [[10, 4], [2], [3]]
    with translation.override("ar"):
        title = translation.gettext("Certificate of Achievement").upper()
    assert elements[0]["actual"] == [title]
    assert elements[1]["actual"][1] == ARABIC_NAME


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_one_canvas_and_the_streaming_writer_tag_a_page_alike(tmp_path, language):
    streamed = structure(stream(tmp_path, language, ["Bilbo Baggins"]))
    with translation.override(language):
        buffer = io.BytesIO()
        pdf.render_pages(LAYOUT, [page_data()], buffer)
    assert structure(buffer.getvalue()) == streamed


def test_what_a_pypdf_page_copy_keeps(tmp_path):
    """
    Copying a page with pypdf (``PdfWriter.add_page``) keeps its marked content and ``/StructParents``, but not
    the catalog's structure tree, language or viewer preference: a merge is no longer a tagged PDF.
    """
    data = stream(tmp_path, "en", ["Bilbo Baggins"])
    out = PdfWriter()
    out.add_page(PdfReader(io.BytesIO(data)).pages[0])
    buffer = io.BytesIO()
    out.write(buffer)
    copied = PdfReader(io.BytesIO(buffer.getvalue()))
    assert b"<</MCID 0>>" in copied.pages[0].get_contents().get_data()
    assert "/StructTreeRoot" not in copied.trailer["/Root"] and "/Lang" not in copied.trailer["/Root"]
