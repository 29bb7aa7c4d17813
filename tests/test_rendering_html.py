"""The web certificate's body: Studio's configuration (override, signatories, logo) and its design version."""

import pytest

from cert_manager_plugin.lms import Signatory, StandaloneBackend, WebCertificateConfig
from cert_manager_plugin.rendering.html import render_body, web_certificate_context
from tests.factories import COURSE_KEY, CertificateFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def studio(monkeypatch, settings):
    """The adapter answers with a Studio configuration (as ``EdxPlatformBackend`` does inside the LMS)."""
    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    config = {
        "value": WebCertificateConfig(
            "Override Title",
            (
                Signatory(HOSTILE, "Dean & Chair", "Org <b>", "/static/sig.png"),
                Signatory("Grace Hopper", "", "", "javascript:alert(1)"),
            ),
            "/media/logo.png",
        )
    }
    monkeypatch.setattr(StandaloneBackend, "web_certificate_config", lambda self, key, mode: config["value"])
    return config


def test_the_body_shows_the_override_the_signatories_in_order_and_the_logo(course, studio):
    context = web_certificate_context(CertificateFactory())
    body = str(context["body"])
    assert "Override Title" in body
    assert body.index("Dean &amp; Chair") < body.index("Grace Hopper"), "Studio's order"
    assert '<img src="/media/logo.png"' in body and 'src="/static/sig.png"' in body
    assert "javascript:" not in body, "an unsafe image URL is dropped"
    assert 'dir="auto"' in body, "each name keeps its own direction in an RTL or LTR page"


def test_what_a_course_team_typed_is_escaped(course, studio):
    body = str(web_certificate_context(CertificateFactory())["body"])
    assert HOSTILE not in body and "onerror=&quot;alert(1)&quot;" in body
    assert "Org &lt;b&gt;" in body


def test_without_a_configuration_the_body_is_as_before(course, studio):
    studio["value"] = None
    body = str(web_certificate_context(CertificateFactory())["body"])
    assert "cm-cert-signatories" not in body and "cm-cert-logo" not in body


def test_a_revoked_certificate_shows_no_body_at_all(course, studio):
    context = web_certificate_context(CertificateFactory(status="notpassing"))
    assert context["body"] is None


def test_a_custom_template_gets_the_variables_escaped():
    html = "{% for s in signatories %}[{{ s.name }}|{{ s.title }}]{% endfor %}{{ org_logo_url }}"
    template = type("T", (), {"html": html})()
    context = {"signatories": [{"name": "<b>", "title": "T"}], "org_logo_url": "/x.png"}
    assert str(render_body(template, context)) == "[&lt;b&gt;|T]/x.png"


# --- certificate designs (issue 17): a certificate renders the design version it records ------------------------


def _design(number: int, document: dict):
    from cert_manager_plugin.designs.models import DesignVersion

    return DesignVersion.objects.create(course_key=COURSE_KEY, number=number, document=document)


def test_a_certificate_with_a_design_renders_it_with_the_blocks_escaped(course, studio):
    studio["value"] = None
    blocks = {"title": "<script>alert(1)</script>", "completion": "finished {course_name} with {grade}"}
    design = _design(1, {"base": "modern", "colours": {"primary": "#123456"}, "blocks": blocks})
    body = str(web_certificate_context(CertificateFactory(design_version=design, grade=0.9))["body"])
    assert "cm-design-modern" in body and "--cm-d-primary: #123456" in body
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body, "a block prints as text"
    assert "finished" in body and ">90%</span>" in body, "the variables are filled"
    assert "cm-design-grade" not in body, "a block that prints the grade replaces the grade line"


def test_a_certificate_keeps_the_version_it_was_issued_with(course, studio):
    first = _design(1, {"blocks": {"title": "Version one"}})
    cert = CertificateFactory(design_version=first)
    _design(2, {"base": "minimal", "blocks": {"title": "Version two"}})
    body = str(web_certificate_context(cert)["body"])
    assert "Version one" in body and "Version two" not in body and "cm-design-classic" in body


def test_a_certificate_without_a_version_renders_as_before(course, studio):
    _design(1, {"blocks": {"title": "A later design"}})
    body = str(web_certificate_context(CertificateFactory())["body"])
    assert "cm-design" not in body and "A later design" not in body and "cm-cert-title" in body


def test_an_arabic_page_renders_the_design_right_to_left(course, studio):
    from django.utils import translation

    design = _design(1, {"overrides": {"lang:ar": {"blocks": {"title": "شهادة إتمام"}}}})
    cert = CertificateFactory(design_version=design)
    with translation.override("ar"):
        body = str(web_certificate_context(cert)["body"])
    assert 'dir="rtl"' in body and 'lang="ar"' in body and "شهادة إتمام" in body
    with translation.override("en"):
        assert 'dir="ltr"' in str(web_certificate_context(cert)["body"])


def test_a_design_shows_studios_signatories_and_escapes_them(course, studio):
    body = str(web_certificate_context(CertificateFactory(design_version=_design(1, {})))["body"])
    assert "cm-design-signatories" in body and "Dean &amp; Chair" in body and HOSTILE not in body
    assert '<img src="/media/logo.png"' in body, "Studio's logo when the design has none"


def test_a_designs_course_title_prints_standalone_and_studios_override_wins_inside_the_lms(course, studio):
    design = _design(1, {"course_title": "Engines <i>", "blocks": {"completion": "completed {course_name}"}})
    cert = CertificateFactory(design_version=design)
    studio["value"] = None  # standalone: no Studio configuration
    context = web_certificate_context(cert)
    assert context["course_name"] == "Engines <i>", "the page's own title too, not only the body"
    assert "completed" in str(context["body"]) and "Engines &lt;i&gt;" in str(context["body"])
    studio["value"] = WebCertificateConfig("Override Title", (), "")
    context = web_certificate_context(cert)
    assert context["course_name"] == "Override Title" and "Engines" not in str(context["body"])
    studio["value"] = WebCertificateConfig("", (), "")  # a Studio configuration without a title override
    assert web_certificate_context(cert)["course_name"] == "Engines <i>"
