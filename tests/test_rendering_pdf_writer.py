"""
The one-canvas writer's accessible PDF: language, title, viewer preference, marked content and a structure tree
with the certificate's parts in reading order (left to right and right to left) and the QR code's alternative text.
"""

import dataclasses
import io
import re
import unicodedata

import pytest
from django.utils import translation
from pypdf import PageObject, PdfReader
from pypdf.generic import DecodedStreamObject, NameObject
from reportlab.pdfgen.canvas import Canvas

from cert_manager_plugin.rendering import pdf
from cert_manager_plugin.rendering.pdf_fit import fit_text
from cert_manager_plugin.rendering.pdf_operators import draw_block, tagged
from cert_manager_plugin.rendering.pdf_writer import is_rtl, pdf_language
from cert_manager_plugin.rendering.templates import CourseLayout

URL = "https://lms.example.org/cert_manager/certificates/7b0c3a36-2f5e-4c1a-9a39-5f7f0a6f6b1e/"
LAYOUT = CourseLayout(
    course_id="course-v1:TestX+C101+2026", course_name="Certificates 101", org="TestX", print_grade=True
)
ARABIC_NAME = "محمد بن عبد الله"


def page_data(name: str = "Bilbo Baggins") -> pdf.PageData:
    return pdf.PageData(name, "May 1, 2026", "95%", URL, "id-1")


def render(language: str, pages: list[pdf.PageData], title: str = "") -> bytes:
    """``pages`` written by ``CertificatePdfWriter`` in ``language``."""
    with translation.override(language):
        buffer = io.BytesIO()
        writer = pdf.CertificatePdfWriter(buffer, title=title)
        for page in pages:
            writer.add_page(LAYOUT, page)
        writer.close()
    return buffer.getvalue()


def _string(raw: bytes) -> str:
    """A PDF literal string (as these writers write it: octal escapes; UTF-16BE after its byte order mark)."""
    data = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw[1:-1])
    data = re.sub(rb"\\(.)", rb"\1", data)
    return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


def marked_text(page: PageObject) -> dict[int, tuple[str, str | None]]:
    """
    Each marked-content sequence of ``page`` by its MCID: its text (its operators extracted on their own) and
    the /ActualText of its property list.
    """
    content = page.get_contents().get_data()
    texts = {}
    for match in re.finditer(rb"<</MCID (\d+)( /ActualText (\(.*?\)))?>> BDC\s(.*?)\sEMC(?=\s|$)", content, re.S):
        alone = PageObject.create_blank_page(width=page.mediabox.width, height=page.mediabox.height)
        alone[NameObject("/Resources")] = page["/Resources"]
        stream = DecodedStreamObject()
        stream.set_data(match.group(4))
        alone.replace_contents(stream)
        text = unicodedata.normalize("NFKC", alone.extract_text()).strip()
        texts[int(match.group(1))] = (text, _string(match.group(3)) if match.group(3) else None)
    return texts


def structure(data: bytes) -> list[list[dict]]:
    """Each page's structure elements in tree order: type, drawn text and /ActualText of each MCID, /Alt."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    document = root["/K"].get_object()
    assert document["/S"] == "/Document"
    nums = root["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    pages = []
    for number, section in enumerate(document["/K"]):
        section = section.get_object()
        assert section["/S"] == "/Sect"
        page = reader.pages[number]
        assert section["/Pg"].get_object() == page.get_object()
        marked = marked_text(page)
        by_mcid = parents[page["/StructParents"]]
        elements, seen = [], set()
        for ref in section["/K"]:
            element = ref.get_object()
            assert element["/Pg"].get_object() == page.get_object()
            mcids = [element["/K"]] if isinstance(element["/K"], int) else list(element["/K"])
            for mcid in mcids:
                assert by_mcid[mcid].get_object() == element, "the parent tree maps the MCID back to its element"
            seen.update(mcids)
            elements.append(
                {
                    "role": element["/S"][1:],
                    "mcids": mcids,
                    "text": [marked[m][0] for m in mcids],
                    "actual": [marked[m][1] for m in mcids],
                    "alt": element.get("/Alt"),
                }
            )
        assert set(marked) == seen, "every marked sequence is in the tree"
        pages.append(elements)
    return pages


def catalog(data: bytes) -> dict:
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def test_an_english_certificate_has_its_language_title_and_parts_in_reading_order():
    data = render("en", [page_data()], title="Bilbo Baggins — Certificates 101")
    root = catalog(data)
    reader = PdfReader(io.BytesIO(data))
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert root["/MarkInfo"]["/Marked"].value is True
    assert reader.metadata.title == "Bilbo Baggins — Certificates 101"
    assert reader.xmp_metadata.dc_title == {"x-default": "Bilbo Baggins — Certificates 101"}
    assert reader.xmp_metadata.dc_language == ["en"]
    assert reader.pages[0]["/StructParents"] == 0 and reader.pages[0]["/Tabs"] == "/S"
    [elements] = structure(data)
    statement = ["This is to certify that", "Bilbo Baggins", "has successfully completed", "Certificates 101"]
    assert [(e["role"], e["text"]) for e in elements] == [
        ("H1", ["CERTIFICATE OF ACHIEVEMENT"]),
        ("P", [*statement, "offered by TestX"]),  # the certifying sentence, one paragraph
        ("P", ["Issued May 1, 2026   ·   Grade: 95%"]),
        ("P", [f"Verify: {URL}"]),
        ("P", ["Certificate ID: id-1"]),
        ("Figure", ["Scan to verify", ""]),  # the QR code with its label
    ]
    assert elements[-1]["alt"] == f"QR code: verify this certificate at {URL}"
    assert not any(a for e in elements for a in e["actual"]), "Latin text is drawn as it reads: no /ActualText"


def test_an_arabic_certificate_reads_right_to_left_with_its_text_in_logical_order():
    data = render("ar", [page_data(ARABIC_NAME)], title=f"{ARABIC_NAME} — Certificates 101")
    root = catalog(data)
    reader = PdfReader(io.BytesIO(data))
    assert root["/Lang"] == "ar"
    assert reader.metadata.title == f"{ARABIC_NAME} — Certificates 101"  # UTF-16, not "?"
    assert reader.xmp_metadata.dc_title == {"x-default": f"{ARABIC_NAME} — Certificates 101"}
    [elements] = structure(data)
    with translation.override("ar"):
        title = translation.gettext("Certificate of Achievement").upper()
        scan = translation.gettext("Scan to verify")
        verify = translation.gettext("Verify: {url}").format(url=URL)
        certify = translation.gettext("This is to certify that")
        alt = translation.gettext("QR code: verify this certificate at {url}").format(url=URL)
    # the bottom row from the right: the QR code with its label, then the verify link and the id
    assert [e["role"] for e in elements] == ["H1", "P", "P", "Figure", "P", "P"]
    assert [e["mcids"] for e in elements][-3:] == [[10, 4], [2], [3]]
    assert elements[3]["alt"] == alt and URL in alt
    # Arabic is drawn in display order and presentation forms: /ActualText gives a reader the words in order
    assert elements[0]["actual"] == [title]
    assert elements[1]["actual"][:2] == [certify, ARABIC_NAME]
    assert elements[3]["actual"][0] == scan
    assert elements[4]["actual"] == [verify]  # (drawn, the URL's final "/" moves to its left)
    assert "id-1" in elements[5]["text"][0]


def test_an_arabic_name_on_an_english_certificate_is_read_in_logical_order_too():
    data = render("en", [page_data(ARABIC_NAME)])
    [elements] = structure(data)
    assert elements[1]["actual"] == [None, ARABIC_NAME, None, None, None]


def test_every_page_of_a_document_is_a_section_of_its_own():
    data = render("en", [page_data(f"Learner {i}") for i in range(3)])
    pages = structure(data)
    assert [page[1]["text"][1] for page in pages] == ["Learner 0", "Learner 1", "Learner 2"]
    reader = PdfReader(io.BytesIO(data))
    assert [p["/StructParents"] for p in reader.pages] == [0, 1, 2]
    assert catalog(data)["/StructTreeRoot"]["/ParentTreeNextKey"] == 3


def test_background_frame_and_rules_are_artifacts():
    data = render("en", [page_data()])
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    assert re.search(r"/Artifact BMC\s+/FormXob\.cmstatic0 Do\s+EMC", content)
    shown = re.sub(r"BDC.*?EMC|/Artifact BMC.*?EMC", "", content, flags=re.S)
    assert "Tj" not in shown and "Do" not in shown, "nothing is drawn outside marked content"


def test_language_tags_and_directions():
    assert pdf_language("en-us") == "en-US"
    assert pdf_language("zh-hans") == "zh-Hans"
    assert pdf_language("pt_BR") == "pt-BR"
    assert pdf_language("es") == "es"
    assert [is_rtl(code) for code in ("ar", "he", "fa", "ar-eg", "en", "es", "xx")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_tagging_draws_as_usual_on_a_canvas_no_writer_records():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    draw_block(canvas, fit_text("Hello", max_width=200, size=12, min_size=6), 100, 100, colour=(0, 0, 0), tag="title")
    with tagged(canvas, "logo", alt="Logo"):
        canvas.rect(0, 0, 10, 10)
    code = canvas.getCurrentPageContent()
    assert "(Hello) Tj" in code and "BDC" not in code and "Do" not in code


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_qr_codes_alternative_text_is_translated(language):
    data = render(language, [page_data()])
    [elements] = structure(data)
    [figure] = [e for e in elements if e["role"] == "Figure"]
    with translation.override(language):
        expected = translation.gettext("QR code: verify this certificate at {url}").format(url=URL)
    assert figure["alt"] == expected


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_logo_and_signatures_are_figures_with_alternative_text_and_signatories_read_in_order(
    settings, tmp_path, language
):
    from PIL import Image

    from cert_manager_plugin.lms import Signatory
    from cert_manager_plugin.rendering import pdf_images

    settings.MEDIA_ROOT, settings.MEDIA_URL = str(tmp_path), "/media/"
    Image.new("RGB", (120, 40), (20, 40, 160)).save(tmp_path / "sig.png")
    pdf_images.clear_image_cache()
    signatories = (
        Signatory("Ada Lovelace", "Dean", "Analytical Society", "/media/sig.png"),
        Signatory("Alan Turing", "Provost", "", ""),
    )
    layout = dataclasses.replace(LAYOUT, signatories=signatories, org_logo_url="/media/sig.png")
    with translation.override(language):
        buffer = io.BytesIO()
        writer = pdf.CertificatePdfWriter(buffer)
        writer.add_page(layout, page_data())
        writer.close()
        logo = translation.gettext("Logo of {organization}").format(organization="TestX")
        signature = translation.gettext("Signature of {name}").format(name="Ada Lovelace")
    pdf_images.clear_image_cache()
    [elements] = structure(buffer.getvalue())
    assert (elements[0]["role"], elements[0]["alt"]) == ("Figure", logo), "the logo above the title comes first"
    assert elements[1]["role"] == "H1"
    figures = [e["alt"] for e in elements if e["role"] == "Figure"]
    assert figures[:2] == [logo, signature]
    people = [e["text"] for e in elements if e["role"] == "P" and e["text"][0] in ("Ada Lovelace", "Alan Turing")]
    assert people == [["Ada Lovelace", "Dean", "Analytical Society"], ["Alan Turing", "Provost"]]
    names = [e["text"][0] for e in elements if e["text"][0] in ("Ada Lovelace", "Alan Turing")]
    assert names == ["Ada Lovelace", "Alan Turing"]  # in the order Studio lists them, whatever the direction
    signature_at = next(i for i, e in enumerate(elements) if e["alt"] == signature)
    assert elements[signature_at + 1]["text"][0] == "Ada Lovelace", "a signature, then its signatory's lines"
