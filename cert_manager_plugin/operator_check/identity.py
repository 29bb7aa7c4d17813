"""
Who a learner is, as the LMS establishes it: the JWT key set its APIs check, and ID verification.

``check_jwt`` reads ``JWT_AUTH`` as edx-drf-extensions and the plugin's ``VerifiedJwtAuthentication`` do;
``check_idv`` reads ``ENABLE_CERTIFICATES_IDV_REQUIREMENT``, which the plugin does not honour.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .findings import ERROR, IDV, JWT, OK, WARNING, Finding
from .lms_pages import feature

# --- the JWT key set -----------------------------------------------------------------------------------------


def jwt_findings(jwt_auth: object) -> list[Finding]:
    """
    The JWT key set as edx-drf-extensions 10.9 and the plugin's ``VerifiedJwtAuthentication`` read it.

    Empty (None, ""): upstream accepts any signature; the plugin checks the issuers' secrets itself (a warning,
    an error when there is no secret either). Set but without a usable key: the plugin refuses every JWT (error).
    """
    import jwt

    jwt_auth = jwt_auth if isinstance(jwt_auth, dict) else {}
    raw = jwt_auth.get("JWT_PUBLIC_SIGNING_JWK_SET")
    setting = 'JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"]'
    set_it = _(
        'Set {setting} to the LMS\'s public JWK set (a JSON object whose "keys" hold the public half of '
        'JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"]); Tutor does.'
    ).format(setting=setting)
    if raw:
        try:
            count = len(jwt.PyJWKSet.from_json(raw).keys)
        except (jwt.PyJWKSetError, jwt.PyJWKError, json.JSONDecodeError, TypeError, AttributeError, KeyError) as exc:
            return [
                Finding(
                    check=JWT,
                    level=ERROR,
                    code="jwt.unusable",
                    message=_(
                        "{setting} holds no usable key ({error}): the plugin's REST API refuses every JWT (401), and "
                        "edx-drf-extensions fails on the LMS's own APIs."
                    ).format(setting=setting, error=f"{type(exc).__name__}: {exc}"),
                    fix=set_it,
                )
            ]
        return [
            Finding(
                check=JWT,
                level=OK,
                code="jwt.ok",
                message=ngettext(
                    "{setting} holds {count} key: JWT signatures are checked.",
                    "{setting} holds {count} keys: JWT signatures are checked.",
                    count,
                ).format(setting=setting, count=count),
            )
        ]
    issuers = jwt_auth.get("JWT_ISSUERS") or []
    secrets = [i for i in issuers if isinstance(i, dict) and i.get("SECRET_KEY")]
    if not secrets:
        return [
            Finding(
                check=JWT,
                level=ERROR,
                code="jwt.no_key",
                message=_(
                    "{setting} is empty and no JWT issuer has a SECRET_KEY: the plugin's REST API refuses every JWT."
                ).format(setting=setting),
                fix=set_it,
            )
        ]
    return [
        Finding(
            check=JWT,
            level=WARNING,
            code="jwt.empty",
            message=_(
                "{setting} is empty: edx-drf-extensions then accepts a JWT signed with any key on the LMS's APIs. The "
                "plugin's REST API checks such tokens against the issuers' secrets (JWT_ISSUERS) itself."
            ).format(setting=setting),
            fix=set_it,
        )
    ]


def check_jwt() -> list[Finding]:
    """``jwt_findings`` for this host's ``JWT_AUTH``."""
    return jwt_findings(getattr(settings, "JWT_AUTH", None))


# --- ID verification -------------------------------------------------------------------------------------


def idv_findings(required: bool) -> list[Finding]:
    """A warning when the LMS is set to hold certificates for ID verification, which the plugin does not do."""
    if not required:
        return [
            Finding(
                check=IDV,
                level=OK,
                code="idv.off",
                message=_("ENABLE_CERTIFICATES_IDV_REQUIREMENT is off, as the plugin expects."),
            )
        ]
    return [
        Finding(
            check=IDV,
            level=WARNING,
            code="idv.on",
            message=_(
                'FEATURES["ENABLE_CERTIFICATES_IDV_REQUIREMENT"] is on, but the plugin does not hold certificates '
                'for ID verification: learners in verified modes get theirs without it, and the "unverified" status '
                "the LMS writes (mark_unverified) is put back to the plugin's."
            ),
            fix=_("Turn it off, or know that the plugin does not require ID verification."),
        )
    ]


def check_idv() -> list[Finding]:
    """``idv_findings`` for this LMS."""
    return idv_findings(feature("ENABLE_CERTIFICATES_IDV_REQUIREMENT"))
