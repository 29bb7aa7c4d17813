"""
JWT authentication that never skips the signature check.

edx-drf-extensions 10.9's decoder first verifies a token against ``JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]``
and, when that set holds no key, its loop over the keys runs zero times and the token counts as verified: any
token with the right audience and issuer, signed with any key, is accepted (a forged ``administrator`` claim
then makes a staff user). edx-platform's test, devstack and Tutor settings set the key set; a host that leaves it
empty is exposed. ``VerifiedJwtAuthentication`` closes that hole for this plugin's API: with no public key
configured it checks the signature itself against the issuers' symmetric secrets (``JWT_ISSUERS[*].SECRET_KEY``),
so a symmetric-only LMS keeps working and a forged token is a 401. With public keys, upstream's check is used as is.
"""

from __future__ import annotations

import jwt
from django.conf import settings
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication


def public_signing_keys_configured() -> bool:
    """Whether ``JWT_PUBLIC_SIGNING_JWK_SET`` holds at least one key (upstream's check is then sound)."""
    raw = (getattr(settings, "JWT_AUTH", None) or {}).get("JWT_PUBLIC_SIGNING_JWK_SET")
    if not raw:
        return False
    try:
        return bool(jwt.PyJWKSet.from_json(raw).keys)
    except (jwt.PyJWKSetError, ValueError, TypeError):
        return False  # unreadable: upstream fails on it too, but never let it pass unchecked


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
        """Decode ``token`` with the host's handler, after checking its signature when no public key is set."""
        if not public_signing_keys_configured():
            check_symmetric_signature(token)  # InvalidTokenError: upstream answers 401 "Invalid token."
        return super().jwt_decode_token(token, *args, **kwargs)
