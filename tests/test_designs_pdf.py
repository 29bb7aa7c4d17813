"""
Certificate PDFs with a course design (issue 17): the version a certificate records prints its colours, blocks,
logo and background; markup and unknown variables never print as typed; Arabic mirrors; the unsaved preview.

The modules: ``rendering.pdf_design`` (the design as PDF data), ``rendering.pdf_layout`` (drawing it),
``rendering.design_pdf`` (``preview_pdf``, exposed as ``api.design_preview_pdf``).
"""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from cert_manager_plugin import api, errors, lms
from cert_manager_plugin.designs.models import DesignVersion
from cert_manager_plugin.models import Certificate, CertificateTemplate, CourseCertificateSettings
from cert_manager_plugin.rendering import pdf, pdf_images
from cert_manager_plugin.rendering.pdf_design import designed_layout, parse
from cert_manager_plugin.rendering.pdf_layout import design_text
from cert_manager_plugin.rendering.templates import CourseLayout
from tests.factories import COURSE_KEY, CertificateFactory, UserFactory
from tests.test_rendering_pdf_writer import structure

pytestmark = pytest.mark.django_db

LOGO = "cert_manager/designs/0123456789abcdef/logo.png"
BACKGROUND = "cert_manager/designs/0123456789abcdef/paper.jpg"
PAGE = pdf.PageData("Ada Lovelace", "December 7, 2026", "92%", "https://lms.example.org/c/1/", "id-1")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(tmp_path), "/media/"
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    pdf_images.clear_image_cache()
    yield tmp_path
    pdf_images.clear_image_cache()


def store_image(name: str, colour: tuple, fmt: str = "PNG") -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), colour).save(buffer, fmt)
    default_storage.save(name, ContentFile(buffer.getvalue()))


def version(document: dict, number: int = 1) -> DesignVersion:
    return DesignVersion.objects.create(course_key=COURSE_KEY, number=number, document=document)


def render(layout: CourseLayout, page: pdf.PageData = PAGE, language: str = "en") -> bytes:
    with translation.override(language):
        buffer = io.BytesIO()
        writer = pdf.CertificatePdfWriter(buffer)
        writer.add_page(layout, page)
        writer.close()
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def page_content(data: bytes) -> bytes:
    """The page's own content stream and its forms' streams (the static layer), decoded."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    streams = [page.get_contents().get_data()]
    for xobject in page["/Resources"].get("/XObject", {}).values():
        streams.append(xobject.get_object().get_data())
    return b"\n".join(streams)


COURSE = CourseLayout("course-v1:A+B+C", "Analytical Engines", "A Org", True)


def test_a_certificate_with_a_design_version_prints_its_design(course):
    document = {
        "base": "modern",
        "colours": {"primary": "#123456", "accent": "#abcdef"},
        "blocks": {"title": "Well done, {learner_name}", "completion": "finished {course_name} with {grade}"},
    }
    certificate = CertificateFactory(design_version=version(document), grade=0.92)
    data = api.render_certificate_pdf(certificate)
    text = text_of(data)
    assert f"Well done, {certificate.name}" in text
    assert "finished" in text and "with 92%" in text
    assert "Certificate of Achievement".upper() not in text, "the built-in title is not printed"
    content = page_content(data)
    assert b"0.071 0.204 0.337 rg" in content, "the primary colour (#123456) draws the title"
    assert b".070588 .203922 .337255 rg" in content, "…and the band"
    assert b".670588 .803922 .937255 RG" in content, "the accent colour (#abcdef) strokes the rule"


def test_a_certificate_without_a_design_version_prints_as_before(course):
    certificate = CertificateFactory()
    before = api.render_certificate_pdf(certificate)
    version({"base": "minimal", "blocks": {"title": "Not this one"}})
    after = api.render_certificate_pdf(Certificate.objects.get(pk=certificate.pk))
    assert text_of(after) == text_of(before)
    assert "CERTIFICATE OF ACHIEVEMENT" in text_of(after) and "Not this one" not in text_of(after)
    assert PdfReader(io.BytesIO(after)).pages[0].get_contents().get_data() == (
        PdfReader(io.BytesIO(before)).pages[0].get_contents().get_data()
    )


def test_the_design_replaces_the_course_template_and_its_background(course):
    template = CertificateTemplate.objects.create(name="old", course_key=COURSE_KEY)
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, template=template)
    certificate = CertificateFactory(design_version=version({"base": "classic"}))
    layout = pdf.certificate_layout(certificate, pdf.course_layout(COURSE_KEY, mode="verified"))
    assert isinstance(layout, pdf.DesignedLayout) and layout.template is None
    assert layout.design_key.startswith(f"v{certificate.design_version_id}|verified|")


def test_learner_independent_blocks_are_static_and_the_others_drawn_per_page():
    document = {"blocks": {"title": "Award", "intro": "For {learner_name}", "footer": "On {issue_date}"}}
    design = designed_layout(COURSE, document, mode="verified", language="en").design
    assert dict(design.static_blocks)["title"] == "Award"
    assert "completion" in dict(design.static_blocks), "the default wording holds only {course_name}: static"
    assert dict(design.static_blocks)["completion"] == "has successfully completed Analytical Engines"
    assert [name for name, _parts in design.page_blocks] == ["intro", "footer"]
    operators = pdf.page_operators(
        *pdf.PAGE_SIZE, PAGE, print_grade=True, labels=pdf.page_labels(), encode=_plain_encode, design=design
    )
    assert b"For Ada Lovelace" in operators and b"On December 7, 2026" in operators
    assert b"Award" not in operators, "a static block is not in the per-page operators"


def _plain_encode(font: str, text: str) -> list[tuple[bytes, bytes]]:
    return [(b"/F1", text.encode("cp1252"))]


def test_the_course_name_is_filled_once_so_a_name_with_braces_stays_literal():
    assert parse("{course_name}: {grade}", "Course {learner_name}") == (
        ("Course {learner_name}", False),
        (": ", False),
        ("grade", True),
    )


def test_markup_prints_as_its_characters_and_unknown_variables_never_print(course):
    # A version saved under older rules may hold a variable that no longer exists: it is left out, never printed.
    document = {"base": "minimal", "blocks": {"title": "<b>Bold</b> {nickname}", "intro": "Dear {learner_name}"}}
    certificate = CertificateFactory(design_version=version(document))
    data = api.render_certificate_pdf(certificate)
    text = text_of(data)
    assert "{nickname}" not in text and "nickname" not in text
    assert "<b>Bold</b>" in text, "drawn as text: the characters, not applied as markup"
    assert re.search(rb"\(<b>Bold</b>\) Tj", page_content(data)), "one string in one font: no markup applied"
    assert "{learner_name}" not in text and f"Dear {certificate.name}" in text


def test_a_preview_refuses_an_unknown_variable_naming_the_field(course):
    with pytest.raises(errors.InvalidInput) as caught:
        api.design_preview_pdf(COURSE_KEY, {"blocks": {"title": "Hi {nickname}"}})
    assert caught.value.details["field"] == "blocks.title"


def test_the_logo_and_background_come_from_storage_and_the_logo_has_alt_text(course):
    store_image(LOGO, (200, 20, 20))
    store_image(BACKGROUND, (240, 235, 220), "JPEG")
    certificate = CertificateFactory(design_version=version({"logo": LOGO, "background": BACKGROUND}))
    data = api.render_certificate_pdf(certificate)
    images = [
        x.get_object()
        for form in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/XObject"].values()
        for x in form.get_object().get("/Resources", {}).get("/XObject", {}).values()
    ]
    assert data.count(b"/Subtype /Image") == 2, "the logo and the background"
    assert images, "drawn inside the static layer's forms"
    [elements] = structure(data)
    figures = [e for e in elements if e["role"] == "Figure" and e["alt"]]
    assert any(e["alt"].startswith("Logo of ") for e in figures), "the logo is a figure with its /Alt text"


def test_an_asset_outside_the_designs_folder_is_never_read(caplog):
    assert pdf_images.prepare_stored_image("../secrets.png", 1000) is None
    assert pdf_images.prepare_stored_image("cert_manager/exports/x/a.png", 1000) is None
    assert "not a design asset" in caplog.text


def test_without_the_qr_code_there_is_no_code_nor_label_and_the_link_still_prints():
    document = {"show_qr": False, "blocks": {"footer": "Issued {issue_date}"}}
    data = render(designed_layout(COURSE, document, mode="verified", language="en"))
    assert not re.search(rb"q 0 g [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n", page_content(data))
    text = text_of(data)
    assert "Scan to verify" not in text
    assert "Verify: https://lms.example.org/c/1/" in text, "no block prints the link: the small line does"


def test_with_the_qr_code_it_encodes_the_verify_link():
    data = render(designed_layout(COURSE, {"base": "minimal"}, mode="verified", language="en"))
    assert re.search(rb"q 0 g [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n", page_content(data))
    assert "Scan to verify" in text_of(data)
    assert "Verify: " not in text_of(data), "the default footer prints the link: no second line"


def _title_x(data: bytes) -> float:
    """Where the page's H1 (the title, drawn per page when it holds the learner's name) starts."""
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    match = re.search(rb"/H1 <</MCID 5[^>]*>> BDC q [^B]*BT 1 0 0 1 ([\d.]+) [\d.]+ Tm", content)
    assert match, "the title is tagged H1 with the design's per-page id"
    return float(match.group(1))


@pytest.mark.parametrize("base", ["modern", "classic", "minimal"])
def test_arabic_blocks_are_shaped_and_start_aligned_text_mirrors(base):
    title = "شهادة {learner_name}"
    with translation.override("ar"):
        layout = designed_layout(COURSE, {"base": base, "blocks": {"title": title}}, mode="verified", language="ar")
    page = pdf.PageData("محمد علي", "7 ديسمبر 2026", None, "https://lms.example.org/c/1/", "id-1")
    data = render(layout, page, language="ar")
    [elements] = structure(data)
    [heading] = [e for e in elements if e["role"] == "H1"]
    assert heading["actual"] == ["شهادة محمد علي"], "shaped and in visual order; read back in logical order"
    width = pdf.PAGE_SIZE[0]
    english = render(designed_layout(COURSE, {"base": base, "blocks": {"title": "Award {learner_name}"}}))
    if base == "modern":
        assert _title_x(english) == pytest.approx(width * 0.085, abs=0.01), "left-aligned to the band"
        assert _title_x(data) > width / 2, "right-aligned in Arabic"
        assert re.search(rb"n 825\.8\d* 0 16 595\.\d+ re", page_content(data)), "the band mirrors to the right edge"
        assert re.search(rb"n 0 0 16 595\.\d+ re", page_content(english)), "left to right: on the left edge"
    else:
        with translation.override("ar"):
            style = layout.design.arrangement.blocks["title"]
            block = design_text("شهادة محمد علي", style, layout.design, *pdf.PAGE_SIZE)
        centre = _title_x(data) + block.lines[0].width * block.size / 2
        assert centre == pytest.approx(width / 2, abs=0.5), "centred"
    assert PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"] == "ar"


def test_per_page_blocks_are_tagged_in_reading_order_with_unique_ids():
    document = {
        "base": "minimal",
        "blocks": {"title": "Award for {learner_name}", "footer": "On {issue_date} · {verify_url}"},
    }
    data = render(designed_layout(COURSE, document, mode="verified", language="en"))
    [elements] = structure(data)
    roles = [e["role"] for e in elements]
    assert roles[0] == "H1" and "Figure" in roles
    mcids = [m for e in elements for m in e["mcids"]]
    assert len(mcids) == len(set(mcids)), "every marked-content id once"
    texts = [" ".join(e["text"]) for e in elements]
    assert texts[0] == "Award for Ada Lovelace"
    assert any("On December 7, 2026" in t for t in texts)


def test_preview_pdf_prints_the_sample_learner_and_saves_nothing(course):
    certificates = Certificate.objects.count()
    data = api.design_preview_pdf(COURSE_KEY, {"base": "modern", "blocks": {"footer": "Grade {grade}"}})
    text = text_of(data)
    assert "Sample Learner" in text and "Grade 92%" in text
    assert Certificate.objects.count() == certificates and not DesignVersion.objects.exists()


def test_preview_pdf_prints_a_real_learner_of_the_course(course):
    user = UserFactory(username="frodo", first_name="Frodo", last_name="Baggins")
    CertificateFactory(user=user, grade=0.81)
    data = api.design_preview_pdf(COURSE_KEY, {"blocks": {"footer": "{grade}"}}, username="frodo")
    text = text_of(data)
    printed = lms.backend().display_names([user.pk]).get(user.pk) or "frodo"  # the name the host prints
    assert printed in text and "81%" in text
    with pytest.raises(errors.UserNotFound):
        api.design_preview_pdf(COURSE_KEY, {}, username="nobody-here")


def test_preview_pdf_in_arabic_says_so(course):
    data = api.design_preview_pdf(COURSE_KEY, {"base": "minimal"}, language="ar")
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert reader.metadata.title


def test_a_line_break_in_a_block_starts_a_new_line():
    document = {"base": "minimal", "blocks": {"completion": "has completed\n{course_name}"}}
    data = render(designed_layout(COURSE, document, mode="verified", language="en"))
    lines = text_of(data).splitlines()
    assert "has completed" in lines and "Analytical Engines" in lines, "two lines, not one joined by a space"


SIGNATURE = "cert_manager/designs/0123456789abcdef/signature.png"


def test_the_designs_signatories_print_with_their_signature_read_from_storage(course, monkeypatch):
    monkeypatch.setattr(type(lms.backend()), "web_certificate_config", lambda self, key, mode: None)  # no Studio's
    store_image(SIGNATURE, (20, 20, 200))
    document = {"signatories": [{"name": "Grace Hopper", "title": "Rear Admiral", "signature": SIGNATURE}]}
    data = api.render_certificate_pdf(CertificateFactory(design_version=version(document)))
    text = text_of(data)
    assert "Grace Hopper" in text and "Rear Admiral" in text
    assert data.count(b"/Subtype /Image") == 1, "the signature, read from the storage by its media URL"
    [elements] = structure(data)
    assert any(e["role"] == "Figure" and e["alt"] == "Signature of Grace Hopper" for e in elements)


def test_studios_signatories_win_over_the_designs_in_the_pdf(course, monkeypatch):
    config = lms.WebCertificateConfig("", (lms.Signatory("Studio Dean", "Dean", "Org", ""),), "")
    monkeypatch.setattr(type(lms.backend()), "web_certificate_config", lambda self, key, mode: config)
    document = {"signatories": [{"name": "Grace Hopper"}]}
    text = text_of(api.render_certificate_pdf(CertificateFactory(design_version=version(document))))
    assert "Studio Dean" in text and "Grace Hopper" not in text


def test_the_pdf_preview_prints_the_designs_signatories(course, monkeypatch):
    monkeypatch.setattr(type(lms.backend()), "web_certificate_config", lambda self, key, mode: None)
    data = api.design_preview_pdf(COURSE_KEY, {"signatories": [{"name": "Grace Hopper", "organization": "Navy"}]})
    assert "Grace Hopper" in text_of(data) and "Navy" in text_of(data)


def test_the_designs_course_title_prints_unless_studio_overrides_it(course, monkeypatch):
    config = {"value": None}
    monkeypatch.setattr(type(lms.backend()), "web_certificate_config", lambda self, key, mode: config["value"])
    cert = CertificateFactory(design_version=version({"course_title": "Difference Engines"}))
    text = text_of(api.render_certificate_pdf(cert))
    assert "Difference Engines" in text
    assert PdfReader(io.BytesIO(api.render_certificate_pdf(cert))).metadata.title.endswith(": Difference Engines")
    config["value"] = lms.WebCertificateConfig("Studio Title", (), "")
    text = text_of(api.render_certificate_pdf(cert))
    assert "Studio Title" in text and "Difference Engines" not in text
    preview = text_of(api.design_preview_pdf(COURSE_KEY, {"course_title": "Previewed Title"}))
    assert "Studio Title" in preview and "Previewed Title" not in preview
    config["value"] = None
    assert "Previewed Title" in text_of(api.design_preview_pdf(COURSE_KEY, {"course_title": "Previewed Title"}))
