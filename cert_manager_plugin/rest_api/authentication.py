"""
JWT authentication that never skips the signature check.

edx-drf-extensions 10.9's decoder first verifies a token against ``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]``
and, when that set holds no key, its loop over the keys runs zero times and the token counts as verified: any
token with the right audience and issuer, signed with any key, is accepted (a forged ``administrator`` claim
then makes a staff user). edx-platform's test, devstack and Tutor settings set the key set; a host that leaves it
empty is exposed. ``VerifiedJwtAuthentication`` closes that hole for this plugin's API: with no public key
configured it checks the signature itself against the issuers' symmetric secrets (``JWT_ISSUERS[*].SECRET_KEY``),
so a symmetric-only LMS keeps working and a forged token is a 401. With public keys, upstream's check is used as is.

A key set that is set but holds no usable key (``'{"keys": []}'``, unreadable JSON, only unknown key types) made
upstream raise ``PyJWKSetError`` (or a JSON error) outside its own error handling: a 500 for every JWT, even a
correctly signed one. Such a set is now an error in the log for the operator and a 401 ``authentication_failed``
for the client ("The token could not be verified"), and no token is accepted with it.
"""

from __future__ import annotations

import json
import logging

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from rest_framework import exceptions

log = logging.getLogger(__name__)

UNVERIFIABLE = gettext_lazy("The token could not be verified: this server has no usable key to check its signature.")


def _public_signing_jwk_set() -> object:
    """The raw ``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]`` setting (None when unset)."""
    return (getattr(settings, "JWT_AUTH", None) or {}).get("JWT_PUBLIC_SIGNING_JWK_SET")


def public_signing_key_set_problem() -> str | None:
    """
    Why a configured ``JWT_PUBLIC_SIGNING_JWK_SET`` cannot verify any token, or None (usable, or not set at all).

    Upstream reads a set that is not empty as a ``PyJWKSet`` before any check: a failure there is a 500.
    """
    raw = _public_signing_jwk_set()
    if not raw:
        return None
    try:
        jwt.PyJWKSet.from_json(raw)
    except (jwt.PyJWKSetError, jwt.PyJWKError, json.JSONDecodeError, TypeError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def public_signing_keys_configured() -> bool:
    """Whether ``JWT_PUBLIC_SIGNING_JWK_SET`` holds at least one key (upstream's check is then sound)."""
    # PyJWKSet refuses a set without a usable key; unreadable never counts, so it never passes unchecked
    return bool(_public_signing_jwk_set()) and public_signing_key_set_problem() is None


def symmetric_secrets() -> list[str]:
    """The issuers' shared secrets (``JWT_AUTH["JWT_ISSUERS"][*]["SECRET_KEY"]``), in settings order."""
    issuers = (getattr(settings, "JWT_AUTH", None) or {}).get("JWT_ISSUERS") or []
    return [issuer["SECRET_KEY"] for issuer in issuers if isinstance(issuer, dict) and issuer.get("SECRET_KEY")]


def check_symmetric_signature(token: str) -> None:
    """Raise ``jwt.InvalidSignatureError`` unless one issuer secret signed ``token`` (HS256, signature only)."""
    options = {"verify_aud": False, "verify_iss": False, "verify_exp": False, "verify_iat": False}
    for secret in symmetric_secrets():
        try:
            jwt.decode(token, secret, algorithms=["HS256"], options=options)
        except jwt.InvalidSignatureError:
            continue
        return
    raise jwt.InvalidSignatureError("The JWT is not signed with a key this server knows.")


class VerifiedJwtAuthentication(JwtAuthentication):
    """edx-drf-extensions' ``JwtAuthentication``, with the signature always checked (module docstring)."""

    @classmethod
    def jwt_decode_token(cls, token: str, *args: object, **kwargs: object) -> dict:
        """
        Decode ``token`` with the host's handler, after checking its signature when no public key is set.

        Raises:
            AuthenticationFailed: the public key set is set but unusable (logged as an error), whatever the token.
            jwt.InvalidTokenError: the token is forged, expired or malformed (upstream answers 401).
        """
        problem = public_signing_key_set_problem()
        if problem is not None:
            log.error("cert_manager: JWT_AUTH['JWT_PUBLIC_SIGNING_JWK_SET'] holds no usable key (%s)", problem)
            raise exceptions.AuthenticationFailed(UNVERIFIABLE)
        if not public_signing_keys_configured():
            check_symmetric_signature(token)  # InvalidTokenError: upstream answers 401 "Invalid token."
        return super().jwt_decode_token(token, *args, **kwargs)
