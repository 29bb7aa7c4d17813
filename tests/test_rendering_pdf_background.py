"""The background PDF of a template: parsed once per template version, drawn as a form (rendering/pdf_background.py)."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from cert_manager_plugin import api
from cert_manager_plugin.models import CertificateTemplate
from cert_manager_plugin.rendering import pdf_background
from tests.factories import CertificateFactory
from tests.test_rendering_pdf import background_pdf, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    pdf_background._bg_cache.clear()


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
    first = pdf_background.background_for(template)
    assert pdf_background.background_for(template) is first
    template.background_pdf.save("bg2.pdf", ContentFile(background_pdf("Second")))
    assert pdf_background.background_for(template) is not first


def test_unreadable_background_falls_back_to_the_built_in_layout(course):
    template = CertificateTemplate.objects.create(name="broken")
    template.background_pdf.save("bg.pdf", ContentFile(b"not a pdf"))
    text = text_of(api.render_certificate_pdf(CertificateFactory()))
    assert "CERTIFICATE OF ACHIEVEMENT" in text
    with pytest.raises(ValueError):
        pdf_background.parse_background(b"not a pdf")
