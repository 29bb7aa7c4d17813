"""Dates and grades on certificates, PDFs and emails follow the active language."""

from datetime import datetime

import pytest
from django.utils import translation

from cert_manager_plugin.rendering.templates import format_date, format_grade


@pytest.mark.parametrize(
    ("language", "date", "grade"),
    [
        ("en", "November 26, 2026", "85.5%"),  # the month written out, not "Nov. 26, 2026"
        ("fr", "26 novembre 2026", "85,5%"),
        ("de", "26. November 2026", "85,5%"),
        ("es", "26 de noviembre de 2026", "85,5%"),
        ("ja", "2026年11月26日", "85.5%"),
    ],
)
def test_a_date_and_a_grade_in_each_languages_own_order_and_separator(language, date, grade):
    with translation.override(language):
        assert format_date(datetime(2026, 11, 26, 12)) == date
        assert format_grade(0.855) == grade
        assert format_grade(0.9) == "90%"


def test_no_date_and_no_grade_print_nothing():
    assert format_date(None) == ""
    assert format_grade(None) is None


# --- Studio's configuration (inside the LMS, through the adapter) -------------------------------------------------


@pytest.fixture
def studio(monkeypatch):
    from cert_manager_plugin.lms import Signatory, StandaloneBackend, WebCertificateConfig

    config = {
        "value": WebCertificateConfig(
            "Studio Title", (Signatory("Ada", "Dean", "Org", "/static/a.png"),), "https://lms.example.org/logo.png"
        )
    }
    monkeypatch.setattr(StandaloneBackend, "web_certificate_config", lambda self, key, mode: config["value"])
    return config


@pytest.mark.django_db
def test_the_layout_takes_the_title_override_signatories_and_logo(course, studio):
    from cert_manager_plugin.rendering.templates import course_layout
    from tests.factories import COURSE_KEY

    layout = course_layout(COURSE_KEY, mode="verified")
    assert layout.course_name == "Studio Title"
    assert [s.name for s in layout.signatories] == ["Ada"]
    assert layout.org_logo_url == "https://lms.example.org/logo.png"
    assert layout.studio_fingerprint == studio["value"].fingerprint()
    studio["value"] = None
    plain = course_layout(COURSE_KEY, mode="verified")
    assert plain.course_name != "Studio Title" and plain.signatories == () and plain.studio_fingerprint == ""


@pytest.mark.django_db
def test_every_rendering_gets_the_signatories_and_the_logo(course, studio, settings):
    from cert_manager_plugin.rendering.templates import certificate_context
    from tests.factories import CertificateFactory

    settings.CERT_MANAGER_BASE_URL = "https://lms.example.org"
    context = certificate_context(CertificateFactory())
    assert context["course_name"] == "Studio Title"
    assert context["signatories"] == [
        {"name": "Ada", "title": "Dean", "organization": "Org", "signature_image_url": "/static/a.png"}
    ]
    assert context["org_logo_url"] == "https://lms.example.org/logo.png"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/static/sig.png", True),
        ("/asset-v1:Org+C+R+type@asset+block@sig.png", True),
        ("asset-v1:Org+C+R+type@asset+block@sig.png", True),
        ("https://cdn.example.org/logo.png", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:image/png;base64,AAAA", False),
        ("", False),
    ],
)
def test_only_relative_or_http_image_urls_reach_a_page(url, kept):
    from cert_manager_plugin.rendering.templates import safe_image_url

    assert (safe_image_url(url) != "") is kept
