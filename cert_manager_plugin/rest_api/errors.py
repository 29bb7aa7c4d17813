"""
The REST API's error shape: ``{"code", "message", "field_errors"?, "details"?}`` with the error's HTTP status.

The same shape for ``CertManagerError`` (``api`` errors) and DRF's own exceptions alike.

The body also carries the Open edX ADR 0029 envelope keys (``type``, ``title``, ``status``, ``detail``,
``instance``, ``errors`` from edx-drf-extensions), so clients written to either convention can read it.
The handler is set per view (``get_exception_handler``), never host-wide. An exception no handler knows is,
with DEBUG off, a logged JSON 500 ``server_error`` carrying an ``error_id`` (``server_error``): the plugin
does not own the host's ``handler500``, so its views answer that themselves, inside the LMS as in the demo.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from django.core import signals
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext
from edx_rest_framework_extensions.errors import error_type_uri, normalize_validation_errors
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from cert_manager_plugin.errors import CertManagerError

from .parsers import RequestTooLarge

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

log = logging.getLogger(__name__)

#: ADR 0029 slug and title per HTTP status.
ENVELOPE = {
    400: ("validation", "Validation Error"),
    401: ("authn", "Authentication Required"),
    403: ("authz", "Permission Denied"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    406: ("not-acceptable", "Not Acceptable"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "Payload Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
    429: ("rate-limited", "Too Many Requests"),
}

#: Stable codes for DRF's exceptions.
DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    RequestTooLarge: "request_too_large",
    exceptions.ParseError: "invalid_input",
    exceptions.ValidationError: "invalid_input",
    exceptions.Throttled: "throttled",
}


def _message(detail: str | list | dict) -> str:
    """The first message of a DRF error detail (a string, a list of them, or a dict of either)."""
    if isinstance(detail, dict):
        detail = detail.get("detail", next(iter(detail.values()), ""))
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail)


def error_body(
    status_code: int, code: str, message: str, request: Request | HttpRequest | None = None, **extra: object
) -> dict:
    """The error JSON: our ``code``/``message`` plus the ADR 0029 envelope keys."""
    slug, title = ENVELOPE.get(status_code, ("internal", "Internal Server Error"))
    body = {"code": code, "message": message, **{k: v for k, v in extra.items() if v}}
    body.update({"type": error_type_uri(slug), "title": title, "status": status_code, "detail": message})
    if request is not None:
        body["instance"] = request.path
    return body


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """
    Turn any error a view raises into the JSON error shape; None for unknown exceptions, which propagate.

    ``BaseView`` answers those with ``server_error`` when DEBUG is off.
    """
    request = context.get("request")
    if isinstance(exc, CertManagerError):
        field_errors = exc.details.get("field_errors")
        if field_errors is None and isinstance(exc.details.get("field"), str):
            field_errors = {exc.details["field"]: [exc.message]}
        details = {k: v for k, v in exc.details.items() if k not in {"field_errors", "field"}}
        return Response(
            error_body(exc.http_status, exc.code, exc.message, request, field_errors=field_errors, details=details),
            status=exc.http_status,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):  # request.body / request.POST over DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = RequestTooLarge(str(exc) or RequestTooLarge.default_detail)
    elif isinstance(exc, SuspiciousOperation):  # e.g. too many form fields or files: Django answers 400 too
        exc = exceptions.ParseError(str(exc) or gettext("The request is malformed."))
    if not isinstance(exc, exceptions.APIException):
        return None
    code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["field_errors"] = normalize_validation_errors(exc.detail)
        extra["errors"] = extra["field_errors"]
        message = gettext("The request has invalid fields.")
        if isinstance(exc.detail, list | str) or set(extra["field_errors"]) == {"non_field_errors"}:
            message = _message(extra["field_errors"]["non_field_errors"])
    else:
        message = _message(exc.detail)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return Response(
        error_body(exc.status_code, code, message, request, **extra), status=exc.status_code, headers=headers
    )


def server_error(exc: Exception, context: dict) -> Response:
    """
    The JSON 500 for an exception no handler knows: ``server_error`` with an ``error_id``.

    The ``error_id`` is also in the log line carrying the traceback, so an operator can find it. Django's
    ``got_request_exception`` is sent as Django does for an uncaught exception (error trackers listen to it).
    Nothing about the exception is shown. The request's transaction (``ATOMIC_REQUESTS``, as the LMS sets it)
    is rolled back, as it would have been had the exception reached Django.
    """
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    error_id = uuid.uuid4().hex
    set_rollback()
    log.error(
        "cert_manager: unexpected error %s on %s %s",
        error_id,
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    signals.got_request_exception.send(sender=None, request=django_request)
    message = gettext(
        "The server met an unexpected error (error id %(error_id)s); it was logged. Quote the id to report it."
    ) % {"error_id": error_id}
    return Response(
        error_body(500, "server_error", message, request, details={"error_id": error_id}),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


class ErrorSerializer(serializers.Serializer):
    """The error body, for the OpenAPI schema."""

    code = serializers.CharField(help_text="Stable machine code, e.g. course_not_found, invalid_input.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    field_errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="Errors per field."
    )
    details = serializers.DictField(required=False, help_text="Extra context, e.g. the refusal reason.")
    type = serializers.CharField(help_text="ADR 0029 error-type URI.")
    title = serializers.CharField(help_text="ADR 0029 title.")
    status = serializers.IntegerField(help_text="The HTTP status.")
    detail = serializers.CharField(help_text="ADR 0029 detail (same as message).")
    instance = serializers.CharField(required=False, help_text="The request path.")


#: Shared OpenAPI error responses.
ERRORS_READ = {
    status.HTTP_400_BAD_REQUEST: ErrorSerializer,
    status.HTTP_401_UNAUTHORIZED: ErrorSerializer,
    status.HTTP_403_FORBIDDEN: ErrorSerializer,
    status.HTTP_404_NOT_FOUND: ErrorSerializer,
}
ERRORS_WRITE = {
    **ERRORS_READ,
    status.HTTP_409_CONFLICT: ErrorSerializer,
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: ErrorSerializer,
}
