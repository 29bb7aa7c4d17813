"""
Every certificate URL, from one place: one base-URL rule and one path per kind of page.

``web`` is the public web certificate (what the QR code on a PDF opens: it states the status first),
``verify_page`` the public verification page, ``pdf`` the PDF, ``verify_api`` the verification JSON of REST
API v1. Absolute when a base URL is known: ``CERT_MANAGER_BASE_URL``, else the LMS's ``LMS_ROOT_URL``, else
the request's scheme and host. REST API v1, the templates, the events and the exports all call this module.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .conf import cm_settings

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

WEB, VERIFY_PAGE, PDF, VERIFY_API = "web", "verify_page", "pdf", "verify_api"
ROUTES: dict[str, tuple[str, str]] = {
    WEB: ("cert_manager:certificate-web", "/cert_manager/certificates/{}/"),
    VERIFY_PAGE: ("cert_manager:certificate-verify", "/cert_manager/certificates/{}/verify/"),
    PDF: ("cert_manager:certificate-pdf", "/cert_manager/certificates/{}.pdf"),
    VERIFY_API: ("cert_manager:api-v1-verify", "/api/cert_manager/v1/verify/{}"),
}
#: The field name of each kind in API answers and template contexts (``certificate_links``).
FIELDS = {WEB: "web_url", VERIFY_PAGE: "verify_page_url", PDF: "pdf_url", VERIFY_API: "verify_api_url"}
_SLOT = uuid.UUID("00000000-0000-4000-8000-000000000000")


def base_url(request: HttpRequest | Request | None = None) -> str:
    """The scheme and host links are built on: the setting, else the LMS root, else the request's host, else ""."""
    configured = cm_settings.BASE_URL or getattr(settings, "LMS_ROOT_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def _path(kind: str, verify_uuid: uuid.UUID) -> str:
    name, fallback = ROUTES[kind]
    try:
        return reverse(name, kwargs={"verify_uuid": verify_uuid})
    except NoReverseMatch:  # URLs not mounted (a host without the plugin's URLconf)
        return fallback.format(verify_uuid)


def url_builder(
    kind: str, *, request: HttpRequest | Request | None = None, root: str | None = None
) -> Callable[[uuid.UUID | str], str]:
    """
    A function ``verify_uuid → URL`` of ``kind``: ``reverse()`` runs once, not per certificate.

    A batch or an export builds thousands. ``verify_uuid`` may be a UUID or its string (with or without dashes).
    """
    prefix = base_url(request) if root is None else root
    template = prefix + _path(kind, _SLOT)
    slot = str(_SLOT)

    def build(verify_uuid: uuid.UUID | str) -> str:
        if isinstance(verify_uuid, str) and len(verify_uuid) == 32:  # hex, as stored by the LMS: no parsing
            h = verify_uuid.lower()
            return template.replace(slot, f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        value = verify_uuid if isinstance(verify_uuid, uuid.UUID) else uuid.UUID(str(verify_uuid))
        return template.replace(slot, str(value))

    return build


def certificate_url(
    verify_uuid: uuid.UUID | str,
    kind: str = WEB,
    *,
    request: HttpRequest | Request | None = None,
    root: str | None = None,
) -> str:
    """One certificate's URL of ``kind`` (absolute when a base URL is known)."""
    return url_builder(kind, request=request, root=root)(verify_uuid)


def links_builder(
    *, request: HttpRequest | Request | None = None, root: str | None = None
) -> Callable[[uuid.UUID | str], dict[str, str]]:
    """A function ``verify_uuid → {web_url, verify_page_url, pdf_url, verify_api_url}``; one reverse() per kind."""
    builders = {field: url_builder(kind, request=request, root=root) for kind, field in FIELDS.items()}

    def build(verify_uuid: uuid.UUID | str) -> dict[str, str]:
        return {field: builder(verify_uuid) for field, builder in builders.items()}

    return build


def certificate_links(
    verify_uuid: uuid.UUID | str, *, request: HttpRequest | Request | None = None, root: str | None = None
) -> dict[str, str]:
    """A certificate's ``web_url``, ``verify_page_url``, ``pdf_url`` and ``verify_api_url``."""
    return links_builder(request=request, root=root)(verify_uuid)
