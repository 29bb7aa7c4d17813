"""
Views of the verifiable credentials (issue 16: Open Badges 3.0 credentials with Bitstring Status Lists).

The credential of a certificate: the course team's (``courses/{course_id}/certificates/{username}/credential``,
course staff read as on the other course endpoints) and the learner's own (``courses/{course_id}/me/certificate/
credential``: a course the learner is not in, or another learner's certificate, is a 404). The course's credential
expiry (``courses/{course_id}/credentials/settings``: staff read, instructors write).

Public, without sign-in, with the public pages' caching headers (an ``ETag`` of the body, ``Cache-Control:
public, max-age=CERT_MANAGER_PUBLIC_MAX_AGE, must-revalidate``; a matching conditional GET gets a 304): the
issuer's DID document and Profile, a course's Achievement and its status list credentials. The same views also
answer at the URLs the credentials name (``public_urlpatterns``, mounted under ``/cert_manager/`` by the
dashboard's URLconf): ``/cert_manager/issuer/did.json`` (the did:web document), ``/cert_manager/credentials/
status/{course_key}/{purpose}`` and ``/cert_manager/credentials/achievements/{course_key}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cert_manager_plugin import api, errors

from ... import errors as rest_errors
from ...schema import documented
from ..serializers import credentials as cs
from .base import BaseView, CourseView, validated
from .learner import MyCourseCertificateView
from .params import COURSE_ID, ERR_R, ERR_W, USERNAME

if TYPE_CHECKING:
    from django.http.response import HttpResponseBase
    from opaque_keys.edx.keys import CourseKey
    from rest_framework.request import Request


class CredentialNotIssuable(errors.CertManagerError):
    """The certificate is not valid (not downloadable): it has no credential: 409."""

    code = "credential_not_issuable"
    http_status = status.HTTP_409_CONFLICT


class CredentialsNotConfigured(errors.CertManagerError):
    """No signing key is configured (``CERT_MANAGER_VC_KEY_FILE``): 503."""

    code = "credentials_not_configured"
    http_status = status.HTTP_503_SERVICE_UNAVAILABLE


#: The credential answers' errors: the reads', 409 for a certificate that is not valid, 503 without a key.
CREDENTIAL_ERRORS = {
    **ERR_R,
    status.HTTP_409_CONFLICT: rest_errors.ErrorSerializer,
    status.HTTP_503_SERVICE_UNAVAILABLE: rest_errors.ErrorSerializer,
}
PUBLIC_ERRORS = {
    status.HTTP_404_NOT_FOUND: rest_errors.ErrorSerializer,
    status.HTTP_503_SERVICE_UNAVAILABLE: rest_errors.ErrorSerializer,
}
PURPOSE = OpenApiParameter(
    "purpose", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["suspension", "revocation"], description="The list."
)


def signed(fetch: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
    """``fetch()``'s signed document; 409 ``credential_not_issuable``, 503 ``credentials_not_configured``."""
    try:
        return fetch()
    except api.CredentialNotIssuable as exc:
        raise CredentialNotIssuable(gettext("This certificate is not valid: it has no credential.")) from exc
    except api.SigningKeyMissing as exc:
        raise CredentialsNotConfigured(
            gettext("Credentials are not available on this site: no signing key is configured.")
        ) from exc


def private_credential(document: dict[str, Any]) -> Response:
    """A learner's credential: JSON, never kept by a shared cache."""
    response = Response(document)
    patch_cache_control(response, private=True, no_store=True)
    return response


def public_document(request: Request, document: dict[str, Any] | None, missing: str) -> HttpResponseBase:
    """
    A public document with the public pages' caching headers, or a 304 when the client's copy is current.

    The ``ETag`` is a hash of the document: a status list's changes when its bits change (it is signed again).
    404 ``not_found`` (``missing``) for None.
    """
    if document is None:
        raise errors.NotFound(missing)
    digest = hashlib.blake2b(json.dumps(document, sort_keys=True).encode(), digest_size=16).hexdigest()
    etag = f'W/"{digest}"'
    response = get_conditional_response(request, etag=etag) or Response(document)
    response["ETag"] = etag
    return api.add_cache_headers(response)


class PublicView(BaseView):
    """A public document: no sign-in, no authentication attempted."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


def course_key_of(course_id: str, missing: str) -> CourseKey:
    """The course key in a public document's path: 404 ``not_found`` (``missing``) when it is not one."""
    try:
        return api.parse_course_key(course_id)
    except errors.InvalidCourseKey as exc:
        raise errors.NotFound(missing) from exc


class CertificateCredentialView(CourseView):
    """One learner's credential in the course, for the course team."""

    @documented(
        operation_id="certificate_credential_retrieve",
        parameters=[COURSE_ID, USERNAME],
        responses={200: cs.CredentialSerializer, **CREDENTIAL_ERRORS},
    )
    def get(self, request: Request, course_id: str, username: str) -> Response:
        """
        The signed Open Badges 3.0 credential (OpenBadgeCredential) of a learner's valid certificate.

        The current revision's credential, signed once and kept. For the course team (course staff may read).
        404 ``user_not_found`` or ``certificate_not_found``; 409 ``credential_not_issuable`` when the certificate
        is not valid; 503 ``credentials_not_configured`` when the site has no signing key.
        """
        self.check_learner(username)
        document = signed(lambda: api.certificate_credential(self.course_key, api.resolve_user(username).pk))
        if document is None:
            raise errors.CertificateNotFound(
                gettext("'%(user)s' has no certificate in %(course_id)s.")
                % {"user": username, "course_id": self.course_key},
                user=username,
            )
        return private_credential(document)


class MyCourseCredentialView(MyCourseCertificateView):
    """The signed-in learner's own credential in one course."""

    http_method_names = ["get", "head", "options"]

    @documented(
        operation_id="my_course_credential_retrieve",
        parameters=[COURSE_ID],
        responses={200: cs.CredentialSerializer, **CREDENTIAL_ERRORS},
    )
    def get(self, request: Request, course_id: str) -> Response:
        """
        The signed-in learner's own credential (OpenBadgeCredential) in the course, while the certificate is valid.

        404 ``not_found`` for a course the learner is not in, ``certificate_not_found`` without a certificate;
        409 ``credential_not_issuable`` when it is not valid; 503 ``credentials_not_configured`` without a key.
        """
        document = signed(lambda: api.certificate_credential(self.course_key, request.user.pk))
        if document is None:
            raise errors.CertificateNotFound(gettext("You have no certificate in this course."))
        return private_credential(document)


class CredentialSettingsView(CourseView):
    """The course's credential expiry (staff read, instructors write)."""

    @documented(
        operation_id="credential_settings_retrieve",
        parameters=[COURSE_ID],
        responses={200: cs.CredentialSettingsSerializer, **ERR_R},
    )
    def get(self, request: Request, course_id: str) -> Response:
        """How many days after issue the course's credentials stay valid (``valid_for_days``; null: no expiry)."""
        days = api.credential_valid_for_days(self.course_key)
        return Response({"course_id": str(self.course_key), "valid_for_days": days})

    @documented(
        operation_id="credential_settings_update",
        parameters=[COURSE_ID],
        request=cs.CredentialSettingsSerializer,
        responses={200: cs.CredentialSettingsSerializer, **ERR_W},
    )
    def patch(self, request: Request, course_id: str) -> Response:
        """
        Set the course's credential expiry (``valid_for_days``, 1 to 36500, or null for none).

        Credentials issued from now on carry ``validUntil`` that many days after the certificate was issued;
        a version already signed keeps what it says. Instructors and global staff (403 for course staff).
        """
        days = validated(cs.CredentialSettingsSerializer, request.data)["valid_for_days"]
        saved = api.set_credential_valid_for_days(self.course_key, days)
        return Response({"course_id": str(self.course_key), "valid_for_days": saved})


class IssuerProfileView(PublicView):
    """The issuer's Open Badges Profile (public)."""

    @documented(
        operation_id="credential_issuer_retrieve",
        responses={200: cs.IssuerProfileSerializer, **PUBLIC_ERRORS},
        auth=[],
    )
    def get(self, request: Request) -> HttpResponseBase:
        """The issuer Profile every credential carries: its DID, name, URL and image (public, cached)."""
        return public_document(request, api.issuer_profile_data(), gettext("No issuer."))


class IssuerDidDocumentView(PublicView):
    """The issuer's DID document (public): also at ``/cert_manager/issuer/did.json``, where did:web resolves it."""

    @documented(
        operation_id="credential_issuer_did_retrieve",
        responses={200: cs.DidDocumentSerializer, **PUBLIC_ERRORS},
        auth=[],
    )
    def get(self, request: Request) -> HttpResponseBase:
        """
        The issuer's did:web DID document: every key that ever signed, so older credentials still verify.

        The same document did:web resolution fetches at ``/cert_manager/issuer/did.json`` (public, cached).
        """
        return public_document(request, api.issuer_did_document(), gettext("No issuer."))


class AchievementView(PublicView):
    """A course's Achievement (public): also at ``/cert_manager/credentials/achievements/{course_key}``."""

    @documented(
        operation_id="credential_achievement_retrieve",
        parameters=[COURSE_ID],
        responses={200: cs.AchievementSerializer, **PUBLIC_ERRORS},
        auth=[],
    )
    def get(self, request: Request, course_id: str) -> HttpResponseBase:
        """
        The course's Open Badges Achievement: name, description, criteria (public, cached).

        The id every credential of the course names (``/cert_manager/credentials/achievements/{course_key}``).
        404 ``not_found`` for an unknown course or a malformed course key.
        """
        missing = gettext("No such course.")
        return public_document(request, api.achievement_document(course_key_of(course_id, missing)), missing)


class StatusListView(PublicView):
    """A course's status list credential (public): also at ``/cert_manager/credentials/status/{course}/{purpose}``."""

    @documented(
        operation_id="credential_status_list_retrieve",
        parameters=[COURSE_ID, PURPOSE],
        responses={200: cs.StatusListCredentialSerializer, **PUBLIC_ERRORS},
        auth=[],
    )
    def get(self, request: Request, course_id: str, purpose: str) -> HttpResponseBase:
        """
        A course's signed BitstringStatusListCredential for ``suspension`` or ``revocation`` (public, cached).

        The URL each credential's ``credentialStatus`` names is ``/cert_manager/credentials/status/{course_key}/
        {purpose}``; this is the same document. 404 ``not_found`` for another purpose, a malformed course key or
        a course that never issued a credential.
        """
        missing = gettext("No such status list.")
        course_key = course_key_of(course_id, missing)
        return public_document(request, signed(lambda: api.status_list_document(course_key, purpose)), missing)
