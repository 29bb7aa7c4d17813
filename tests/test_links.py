"""Every certificate URL from one rule: the base URL (setting, LMS root, request) and one path per kind."""

import uuid

import pytest
from django.test import RequestFactory

from cert_manager_plugin import links

UID = uuid.UUID("12345678-1234-4234-8234-123456789abc")


@pytest.fixture(autouse=True)
def no_base(settings):
    settings.CERT_MANAGER_BASE_URL = ""
    settings.LMS_ROOT_URL = ""


@pytest.mark.parametrize(
    ("cert_manager_base_url", "lms_root_url", "expected"),
    [
        ("https://certs.example.org/", "https://lms.example.org", "https://certs.example.org"),
        ("", "https://lms.example.org/", "https://lms.example.org"),
        ("", "", "http://testserver"),  # the request's own scheme and host
    ],
)
def test_one_base_url_rule(settings, cert_manager_base_url, lms_root_url, expected):
    settings.CERT_MANAGER_BASE_URL, settings.LMS_ROOT_URL = cert_manager_base_url, lms_root_url
    assert links.base_url(RequestFactory().get("/")) == expected


def test_without_a_base_url_or_a_request_links_are_paths():
    assert links.certificate_url(UID, links.PDF) == f"/cert_manager/certificates/{UID}.pdf"


def test_each_kind_has_its_own_field_and_path(settings):
    settings.LMS_ROOT_URL = "https://lms.example.org"
    assert links.certificate_links(UID) == {
        "web_url": f"https://lms.example.org/cert_manager/certificates/{UID}/",
        "verify_page_url": f"https://lms.example.org/cert_manager/certificates/{UID}/verify/",
        "pdf_url": f"https://lms.example.org/cert_manager/certificates/{UID}.pdf",
        "verify_api_url": f"https://lms.example.org/api/cert_manager/v1/verify/{UID}",
    }


@pytest.mark.parametrize("value", [UID, str(UID), UID.hex, UID.hex.upper()])
def test_a_builder_takes_a_uuid_or_its_string(value):
    assert (
        links.url_builder(links.WEB, root="https://x.org")(value) == f"https://x.org/cert_manager/certificates/{UID}/"
    )


def test_a_builder_reverses_once_for_a_whole_batch(monkeypatch):
    calls = []
    real = links.reverse
    monkeypatch.setattr(links, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    build = links.links_builder(root="https://x.org")
    urls = [build(uuid.uuid4()) for _ in range(100)]
    assert len(calls) == len(links.FIELDS) and len({u["pdf_url"] for u in urls}) == 100
