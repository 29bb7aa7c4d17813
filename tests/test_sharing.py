"""A learner's share actions: the verification link to copy and LinkedIn's add-to-profile URL (as edx-platform's)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from cert_manager_plugin import lms, sharing
from cert_manager_plugin.data import CertificateStatus
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

VERIFY_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
ISSUED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
VERIFY_URL = f"https://certs.example.com/cert_manager/certificates/{VERIFY_ID}/verify/"
ENCODED_VERIFY_URL = f"https%3A%2F%2Fcerts.example.com%2Fcert_manager%2Fcertificates%2F{VERIFY_ID}%2Fverify%2F"


@pytest.fixture
def standalone(settings, monkeypatch):
    """Standalone (no LMS configuration), a known base URL and platform name, LinkedIn sharing unconfigured."""
    settings.CERT_MANAGER_BASE_URL = "https://certs.example.com"
    settings.PLATFORM_NAME = "Edu"
    settings.SOCIAL_SHARING_SETTINGS = {}
    settings.CERT_MANAGER_LINKEDIN = {}
    monkeypatch.setattr(type(lms.backend()), "linkedin_configuration", lambda self: None)


def valid_cert(**kw):
    return CertificateFactory(**{"verify_uuid": VERIFY_ID, "issued_date": ISSUED, "mode": "verified", **kw})


def test_linkedin_url_is_built_as_edx_platform_builds_it(course, standalone):
    """
    Pinned against ``LinkedInAddToProfileConfiguration.add_to_profile_url`` (common/djangoapps/student/models/user.py,
    openedx/edx-platform 01d40bd4255131e3f5391a2b648a49ff00d09f3e): startTask first, then name, certUrl,
    organizationName (no company id), certId, issueYear, issueMonth, urlencoded in that order.
    """
    share = sharing.share_actions(valid_cert(), course_name="Sample Course", org="EduOrg")

    assert share.verify_url == VERIFY_URL
    assert share.linkedin_url == (
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
        "&name=Edu+Verified+Certificate+for+Sample+Course"
        f"&certUrl={ENCODED_VERIFY_URL}"
        "&organizationName=Edu"
        f"&certId={VERIFY_ID}"
        "&issueYear=2026&issueMonth=3"
    )


def test_a_company_identifier_replaces_the_organization_name(course, standalone, settings):
    settings.CERT_MANAGER_LINKEDIN = {"company_identifier": "1337"}
    url = sharing.share_actions(valid_cert(mode="honor"), course_name="Été & Co", org="EduOrg").linkedin_url

    query = parse_qsl(urlsplit(url).query)
    assert [key for key, _ in query] == [
        "startTask",
        "name",
        "certUrl",
        "organizationId",
        "certId",
        "issueYear",
        "issueMonth",
    ]
    assert dict(query)["organizationId"] == "1337"
    assert dict(query)["name"] == "Edu Honor Code Certificate for Été & Co"
    assert "&name=Edu+Honor+Code+Certificate+for+%C3%89t%C3%A9+%26+Co&" in url


def test_social_sharing_settings_rename_or_turn_linkedin_off(course, standalone, settings):
    """As edx-platform: SOCIAL_SHARING_SETTINGS' CERTIFICATE_LINKEDIN_MODE_TO_CERT_NAME and CERTIFICATE_LINKEDIN."""
    cert = valid_cert()
    settings.SOCIAL_SHARING_SETTINGS = {"CERTIFICATE_LINKEDIN_MODE_TO_CERT_NAME": {"verified": "{course_name} ✓"}}
    url = sharing.share_actions(cert, course_name="Sample", org="X").linkedin_url
    assert dict(parse_qsl(urlsplit(url).query))["name"] == "Sample ✓"
    settings.SOCIAL_SHARING_SETTINGS = {"CERTIFICATE_LINKEDIN": False}
    assert sharing.share_actions(cert, course_name="Sample", org="X").linkedin_url == ""
    settings.SOCIAL_SHARING_SETTINGS = {}
    settings.CERT_MANAGER_LINKEDIN = {"enabled": False}
    share = sharing.share_actions(cert, course_name="Sample", org="X")
    assert (share.verify_url, share.linkedin_url) == (VERIFY_URL, ""), "copy link stays"


def test_without_a_platform_name_the_issuer_is_the_course_organization(course, standalone, settings):
    settings.PLATFORM_NAME = ""
    url = sharing.share_actions(valid_cert(), course_name="Sample", org="EduOrg").linkedin_url
    assert dict(parse_qsl(urlsplit(url).query))["organizationName"] == "EduOrg"


@pytest.mark.parametrize("status", [s.value for s in CertificateStatus if s != CertificateStatus.DOWNLOADABLE])
def test_only_a_valid_certificate_has_share_actions(course, standalone, status):
    cert = CertificateFactory(status=status, issued_date=None)
    assert sharing.share_actions(cert, course_name="Sample", org="X") is None


class _LmsConfig:
    """What the LMS's ``LinkedInAddToProfileConfiguration.current()`` offers (recording its calls)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.calls = enabled, []

    def is_enabled(self) -> bool:
        return self.enabled

    def add_to_profile_url(self, course_name, cert_mode, cert_url, certificate=None):
        self.calls.append((course_name, cert_mode, cert_url, certificate.verify_uuid, certificate.created_date))
        return "https://www.linkedin.com/profile/add?from=lms"


def test_inside_the_lms_its_own_configuration_builds_the_url(course, standalone, monkeypatch):
    config = _LmsConfig(enabled=True)
    monkeypatch.setattr(type(lms.backend()), "linkedin_configuration", lambda self: config)
    share = sharing.share_actions(valid_cert(), course_name="Sample", org="X")
    assert share.linkedin_url == "https://www.linkedin.com/profile/add?from=lms"
    assert config.calls == [("Sample", "verified", VERIFY_URL, str(VERIFY_ID), ISSUED)]
    config.enabled = False  # the LMS's flag (its model's, or SOCIAL_SHARING_SETTINGS') turns LinkedIn off
    off = sharing.share_actions(CertificateFactory(issued_date=ISSUED), course_name="S", org="X")
    assert off.linkedin_url == "" and off.verify_url.startswith("https://certs.example.com/")
    assert len(config.calls) == 1
