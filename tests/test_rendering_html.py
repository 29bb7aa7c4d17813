"""The web certificate's body with Studio's configuration: override, signatories and logo, escaped, in order."""

import pytest

from cert_manager_plugin.lms import Signatory, StandaloneBackend, WebCertificateConfig
from cert_manager_plugin.rendering.html import render_body, web_certificate_context
from tests.factories import CertificateFactory

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
