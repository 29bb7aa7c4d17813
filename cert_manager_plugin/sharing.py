"""
A learner's share actions for their own valid certificate: the public link to copy and LinkedIn's add-to-profile URL.

The LinkedIn URL is built as edx-platform builds it: ``LinkedInAddToProfileConfiguration.add_to_profile_url`` in
``common/djangoapps/student/models/user.py`` (openedx/edx-platform 01d40bd4255131e3f5391a2b648a49ff00d09f3e):
``https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&`` then ``urlencode`` of, in this order,
``name`` (``_cert_name``: the mode's "{platform_name} … Certificate for {course_name}", overridable by
``SOCIAL_SHARING_SETTINGS["CERTIFICATE_LINKEDIN_MODE_TO_CERT_NAME"]``), ``certUrl``, ``organizationId`` (the company
identifier) or else ``organizationName`` (the platform name), then ``certId``, ``issueYear``, ``issueMonth``.

Inside the LMS its own ``LinkedInAddToProfileConfiguration`` decides (enabled flag, company identifier, site
configuration) and builds the URL itself; standalone, ``CERT_MANAGER_LINKEDIN`` does (``enabled``, default True;
``company_identifier``; ``platform_name``, default ``PLATFORM_NAME``, else the course's organization).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import links, lms
from .conf import cm_settings
from .data import CertificateStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Certificate

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&{params}"

#: edx-platform's ``LinkedInAddToProfileConfiguration.MODE_TO_CERT_NAME`` (same words, same placeholders).
MODE_TO_CERT_NAME = {
    "honor": _("{platform_name} Honor Code Certificate for {course_name}"),
    "verified": _("{platform_name} Verified Certificate for {course_name}"),
    "professional": _("{platform_name} Professional Certificate for {course_name}"),
    "no-id-professional": _("{platform_name} Professional Certificate for {course_name}"),
}
DEFAULT_CERT_NAME = _("{platform_name} Certificate for {course_name}")


@dataclass(frozen=True)
class ShareActions:
    """What the owner of a valid certificate may share: its verification page, and LinkedIn's URL ("" when off)."""

    verify_url: str
    linkedin_url: str


@dataclass(frozen=True)
class _AsLmsCertificate:
    """What ``add_to_profile_url`` reads of its ``certificate`` argument (a ``GeneratedCertificate`` in the LMS)."""

    verify_uuid: str
    created_date: datetime


def _share_settings() -> dict:
    value = getattr(settings, "SOCIAL_SHARING_SETTINGS", None)
    return value if isinstance(value, dict) else {}


def _plugin_settings() -> dict:
    return cm_settings.LINKEDIN


def linkedin_enabled() -> bool:
    """Standalone: ``CERT_MANAGER_LINKEDIN["enabled"]`` (default on), unless SOCIAL_SHARING_SETTINGS says otherwise."""
    enabled = bool(_plugin_settings().get("enabled", True))
    return bool(_share_settings().get("CERTIFICATE_LINKEDIN", enabled))


def cert_name(course_name: str, mode: str, platform_name: str) -> str:
    """edx-platform's ``_cert_name``: the mode's name template (or the setting's override), filled in."""
    default = MODE_TO_CERT_NAME.get(mode, DEFAULT_CERT_NAME)
    template = _share_settings().get("CERTIFICATE_LINKEDIN_MODE_TO_CERT_NAME", {}).get(mode, default)
    return str(template).format(platform_name=platform_name, course_name=course_name)


def add_to_profile_url(
    *,
    course_name: str,
    mode: str,
    cert_url: str,
    verify_id: str,
    issued: datetime,
    platform_name: str,
    company_identifier: str = "",
) -> str:
    """edx-platform's ``add_to_profile_url(course_name, cert_mode, cert_url, certificate)``, parameter for parameter."""
    params: dict[str, object] = {"name": cert_name(course_name, mode, platform_name), "certUrl": cert_url}
    params.update({"organizationId": company_identifier} if company_identifier else {"organizationName": platform_name})
    params.update({"certId": verify_id, "issueYear": issued.year, "issueMonth": issued.month})
    return LINKEDIN_ADD_URL.format(params=urlencode(params))


def linkedin_url(certificate: Certificate, *, course_name: str, org: str, cert_url: str) -> str:
    """LinkedIn's add-to-profile URL of a certificate; "" when LinkedIn sharing is off (the LMS's flag or ours)."""
    issued = certificate.issued_date or certificate.modified
    lms_config = lms.backend().linkedin_configuration()
    if lms_config is not None:  # inside the LMS: its configuration, its own method
        if not lms_config.is_enabled():
            return ""
        shim = _AsLmsCertificate(str(certificate.verify_uuid), issued)
        return str(lms_config.add_to_profile_url(course_name, certificate.mode, cert_url, certificate=shim))
    if not linkedin_enabled():
        return ""
    plugin = _plugin_settings()
    return add_to_profile_url(
        course_name=course_name,
        mode=certificate.mode,
        cert_url=cert_url,
        verify_id=str(certificate.verify_uuid),
        issued=issued,
        platform_name=str(plugin.get("platform_name") or getattr(settings, "PLATFORM_NAME", "") or org),
        company_identifier=str(plugin.get("company_identifier") or ""),
    )


def share_actions(
    certificate: Certificate, *, course_name: str, org: str, request: HttpRequest | None = None
) -> ShareActions | None:
    """The share actions of a valid certificate (None for any other status): its verify page and LinkedIn's URL."""
    if certificate.status != CertificateStatus.DOWNLOADABLE:
        return None
    verify_url = links.certificate_url(certificate.verify_uuid, links.VERIFY_PAGE, request=request)
    return ShareActions(verify_url, linkedin_url(certificate, course_name=course_name, org=org, cert_url=verify_url))
