"""Certificate PDFs: content, grade policy, QR code, background merge, template choice."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from cert_manager_plugin import api
from cert_manager_plugin.models import CertificateTemplate, CourseCertificateSettings
from cert_manager_plugin.rendering import pdf, qr
from cert_manager_plugin.rendering.templates import course_layout, format_grade, template_for
from tests.factories import COURSE_KEY, CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    pdf._bg_cache.clear()


def background_pdf(label: str = "ACME Background Seal") -> bytes:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=pdf.PAGE_SIZE)
    c.setFillColorRGB(0.9, 0.85, 0.7)
    c.rect(0, 0, pdf.PAGE_SIZE[0], pdf.PAGE_SIZE[1], fill=1, stroke=0)
    c.setFont("Times-Bold", 18)
    c.drawString(40, 560, label)
    c.showPage()
    c.save()
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def qr_modules(data: bytes) -> set[tuple[int, int]]:
    """The dark modules drawn by the page's QR operator block."""
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    block = re.search(r"q 0 g [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n(.*?)\nf Q", content, re.S)
    assert block, "no QR drawing on the page"
    numbers = block.group(1).split()
    modules = set()
    for i in range(0, len(numbers), 5):
        x, y, w = int(numbers[i]), int(numbers[i + 1]), int(numbers[i + 2])
        modules.update((y, x + k) for k in range(w))
    return modules


def test_pdf_has_name_course_date_and_grade(course):
    cert = CertificateFactory(user=UserFactory(first_name="Bilbo", last_name="Baggins"), grade=0.95)
    data = api.render_certificate_pdf(cert)
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "Bilbo Baggins" in text
    assert "Certificates 101" in text
    assert "Grade: 95%" in text
    assert str(cert.issued_date.year) in text
    assert f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/" in text


def test_grade_is_printed_only_when_the_course_says_so(course):
    CourseCertificateSettings.objects.create(course_key=COURSE_KEY, print_grade=False)
    cert = CertificateFactory(grade=0.87)
    text = text_of(api.render_certificate_pdf(cert)).replace(str(cert.verify_uuid), "")  # a uuid may hold "87"
    assert "Grade" not in text and "87" not in text


def test_qr_code_encodes_the_verify_url(course):
    cert = CertificateFactory()
    data = api.render_certificate_pdf(cert)
    url = f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/"
    code = qr.encode(url)
    expected = {(code.size - 1 - r, c) for r, row in enumerate(code.rows) for c, ch in enumerate(row) if ch == "1"}
    assert qr_modules(data) == expected


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler and zbar")
def test_qr_code_scans(course, tmp_path):
    cert = CertificateFactory()
    (tmp_path / "c.pdf").write_bytes(api.render_certificate_pdf(cert))
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True)
    [png] = list(tmp_path.glob("c*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"https://lms.example.org/cert_manager/certificates/{cert.verify_uuid}/"


def test_background_pdf_is_merged_once_as_a_form(course):
    template = CertificateTemplate.objects.create(name="org", organization="TestX")
    template.background_pdf.save("bg.pdf", ContentFile(background_pdf()))
    cert = CertificateFactory()
    data = api.render_certificate_pdf(cert)
    reader = PdfReader(io.BytesIO(data))
    assert "ACME Background Seal" in reader.pages[0].extract_text()
    forms = reader.pages[0]["/Resources"]["/XObject"]
    assert any(name.startswith("/FormXob.cmbg_") for name in forms)
    assert "Certificates 101" in reader.pages[0].extract_text()


def test_parsed_background_is_cached_per_template_version(course):
    template = CertificateTemplate.objects.create(name="org")
    template.background_pdf.save("bg.pdf", ContentFile(background_pdf()))
    first = pdf.background_for(template)
    assert pdf.background_for(template) is first
    template.background_pdf.save("bg2.pdf", ContentFile(background_pdf("Second")))
    assert pdf.background_for(template) is not first


def test_unreadable_background_falls_back_to_the_built_in_layout(course):
    template = CertificateTemplate.objects.create(name="broken")
    template.background_pdf.save("bg.pdf", ContentFile(b"not a pdf"))
    text = text_of(api.render_certificate_pdf(CertificateFactory()))
    assert "CERTIFICATE OF ACHIEVEMENT" in text
    with pytest.raises(ValueError):
        pdf.parse_background(b"not a pdf")


def test_non_latin_names_use_an_embedded_unicode_font(course):
    cert = CertificateFactory(name="Дмитрий Иванов")
    data = api.render_certificate_pdf(cert)
    assert "Дмитрий Иванов" in text_of(data)


def test_many_pages_share_one_static_layer(course):
    layout = course_layout(COURSE_KEY)
    buffer = io.BytesIO()
    pages = [pdf.PageData(f"Learner {i}", "May 1, 2026", "90%", f"https://x.org/{i}", str(i)) for i in range(30)]
    assert pdf.render_pages(layout, pages, buffer) == 30
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert len(reader.pages) == 30
    names = {tuple(p["/Resources"]["/XObject"].keys()) for p in reader.pages}
    assert len(names) == 1, "every page references the same static form"
    assert "Learner 29" in reader.pages[29].extract_text()


def test_template_choice_prefers_the_most_specific(course):
    generic = CertificateTemplate.objects.create(name="generic")
    org = CertificateTemplate.objects.create(name="org", organization="TestX")
    org_mode = CertificateTemplate.objects.create(name="org verified", organization="TestX", mode="verified")
    CertificateTemplate.objects.create(name="other org", organization="OtherX", mode="verified")
    CertificateTemplate.objects.create(name="inactive", course_key=COURSE_KEY, is_active=False)
    french = CertificateTemplate.objects.create(name="fr", course_key=COURSE_KEY, language="fr")
    assert template_for(COURSE_KEY, mode="verified", org="TestX", language="en") == org_mode
    assert template_for(COURSE_KEY, mode="honor", org="TestX", language="en") == org
    assert template_for(COURSE_KEY, mode="honor", org="NoneX", language="en") == generic
    assert template_for(COURSE_KEY, mode="honor", org="TestX", language="fr-ca") == french
    assert template_for(COURSE_KEY, mode="honor", org="TestX", course_template=generic) == generic


def test_format_grade():
    assert format_grade(0.855) == "85.5%"
    assert format_grade(1.0) == "100%"
    assert format_grade(None) is None
