"""OpenAPI (drf-spectacular) descriptions of the LMS's authentication classes, for the schema's security schemes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema


def documented(**kwargs: Any) -> Callable[[Callable], Callable]:
    """
    drf-spectacular's ``extend_schema`` for a view method, on drf-spectacular's ``AutoSchema``.

    That holds whatever the host's ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`` is: the LMS leaves DRF's own, and
    ``extend_schema`` subclasses that default, so inside the LMS the schema endpoint failed with a TypeError.
    """

    def decorator(method: Callable) -> Callable:
        if not hasattr(method, "kwargs"):
            method.kwargs = {"schema": AutoSchema}
        return extend_schema(**kwargs)(method)

    return decorator


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    """edx-drf-extensions JWT: ``Authorization: JWT <token>`` (or the LMS's JWT cookies)."""

    target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
    match_subclasses = True  # the plugin's VerifiedJwtAuthentication
    name = "jwtAuth"
    priority = -1  # a host that describes it already wins

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        """The ``jwtAuth`` scheme: an API key in the ``Authorization`` header."""
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An Open edX JWT, sent as "JWT <token>".',
        }


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    """The LMS session cookie (CSRF token required on unsafe methods)."""

    target_class = "edx_rest_framework_extensions.auth.session.authentication.SessionAuthenticationAllowInactiveUser"
    name = "sessionAuth"
    priority = -1

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        """The ``sessionAuth`` scheme: the ``sessionid`` cookie."""
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
