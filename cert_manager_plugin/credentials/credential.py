"""
The OpenBadgeCredential of a certificate revision: built once, signed once, kept (``CredentialVersion.signed``).

VC Data Model 2.0 and Open Badges 3.0.3 contexts, ``credentialSchema`` 1EdTechJsonSchemaValidator2019, the
issuer Profile, one stable Achievement per course, an AchievementSubject identified by a salted SHA-256 hash of
the learner's email (never the email), the grade as a ``result`` when the course prints grades, ``validFrom``
(when the revision was written), ``validUntil`` when the course sets an expiry (``CourseCredentialSettings``),
and a ``BitstringStatusListEntry`` per purpose.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import CourseKey

from .. import lms
from ..conf import cm_settings
from ..links import base_url
from ..models import Certificate, CourseCertificateSettings
from ..sql import retry_on_deadlock
from .contexts import OB_EXTENSIONS, OB_V3P0, VC_V2
from .keys import issuer_did, signing_key
from .models import CourseCredentialSettings, CredentialVersion
from .proof import sign, xsd_datetime
from .status_list import REVOCATION, SUSPENSION, VALID, allocate, ensure_lists, status_entry

OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ACHIEVEMENT_PATH = "/cert_manager/credentials/achievements/{course_key}"


class NotIssuable(ValueError):
    """The certificate is not valid (not downloadable): it has no credential."""


def credential_id(verify_uuid: uuid.UUID | str, revision: int) -> str:
    """A credential version's id: a UUID derived from the certificate's verify id and the revision."""
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(str(verify_uuid)), f'revision-{revision}')}"


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0's ``identityHash``: ``sha256$`` + the hex SHA-256 of the (lower-cased) email and the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def issuer_profile() -> dict[str, Any]:
    """The issuer's OB 3.0 Profile (id, name, url, image)."""
    profile: dict[str, Any] = {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": str(cm_settings.VC_ISSUER_NAME or getattr(settings, "PLATFORM_NAME", "") or "Open edX"),  # lazy
    }
    if base_url():
        profile["url"] = base_url() + "/"
    if cm_settings.VC_ISSUER_IMAGE:
        profile["image"] = {"id": cm_settings.VC_ISSUER_IMAGE, "type": "Image"}
    return profile


def achievement_id(course_key: CourseKey | str) -> str:
    """The course's achievement id: the same for every learner and every revision."""
    return base_url() + ACHIEVEMENT_PATH.format(course_key=course_key)


def achievement(course_key: CourseKey, course_name: str) -> dict[str, Any]:
    """The course's Achievement (name, description, criteria, result description, image when configured)."""
    achievement_url = achievement_id(course_key)
    with translation.override(settings.LANGUAGE_CODE):
        body: dict[str, Any] = {
            "id": achievement_url,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": course_name,
            "description": _("Certificate of achievement for the course %(course)s.") % {"course": course_name},
            "criteria": {"narrative": _("Earned a passing grade in %(course)s.") % {"course": course_name}},
            "resultDescription": [
                {
                    "id": f"{achievement_url}#grade",
                    "type": ["ResultDescription"],
                    "name": _("Final grade"),
                    "resultType": "Percent",
                }
            ],
        }
    if cm_settings.VC_ISSUER_IMAGE:
        body["image"] = {"id": cm_settings.VC_ISSUER_IMAGE, "type": "Image"}
    return body


def grade_text(grade: float) -> str:
    """A grade (0..1) as the percent a ``result`` holds: ``"87.5"``."""
    return f"{round(grade * 100, 2):g}"


def valid_until(issued: datetime | None, course_key: CourseKey) -> datetime | None:
    """When the course's credentials expire for a certificate issued at ``issued`` (None: no expiry)."""
    days = (
        CourseCredentialSettings.objects.filter(course_key=course_key).values_list("valid_for_days", flat=True).first()
    )
    if not days or issued is None:
        return None
    return issued + timedelta(days=days)


def build(cert: Certificate, version: CredentialVersion, *, email: str) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of ``cert`` at ``version``."""
    course_key = cert.course_key
    overview = lms.backend().course_overview(course_key)
    course_name = overview.display_name if overview and overview.display_name else str(course_key)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, version.slot.salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": version.slot.salt,
            }
        ],
        "achievement": achievement(course_key, course_name),
    }
    prints_grade = (
        CourseCertificateSettings.objects.filter(course_key=course_key).values_list("print_grade", flat=True).first()
    )
    if cert.grade is not None and prints_grade is not False:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{achievement_id(course_key)}#grade",
                "value": grade_text(cert.grade),
            }
        ]
    body: dict[str, Any] = {
        "@context": [VC_V2, OB_V3P0, OB_EXTENSIONS],
        "id": credential_id(cert.verify_uuid, version.revision),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": course_name,
        "issuer": issuer_profile(),
        "validFrom": xsd_datetime(cert.modified),
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": [
            status_entry(course_key, SUSPENSION, version.slot.suspension_index),
            status_entry(course_key, REVOCATION, version.revocation_index),
        ],
    }
    if cert.issued_date:
        subject["awardedDate"] = xsd_datetime(cert.issued_date)
    until = valid_until(cert.issued_date, course_key)
    if until is not None:
        body["validUntil"] = xsd_datetime(until)
    return body


def _allocated(certificate_id: int) -> tuple[Certificate, CredentialVersion]:
    """
    The certificate (locked, then released at commit) and its current revision's version, allocated if new.

    The course's lists are created first, in their own statement: two first credentials of a course at once
    would otherwise both insert under gap locks (MariaDB chose one as a deadlock victim).
    """
    ensure_lists(Certificate.objects.values_list("course_key", flat=True).get(pk=certificate_id))
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate_id)
        if cert.status != VALID:
            raise NotIssuable(_("Only a valid certificate has a credential."))
        return cert, allocate(cert.pk, cert.course_key, cert.revision)


def issue_credential(certificate_id: int) -> dict[str, Any]:
    """
    The signed credential of a certificate's current revision: the kept one, else built, signed and kept.

    Raises ``NotIssuable`` when the certificate is not downloadable (and ``Certificate.DoesNotExist``). The kept
    copy of a valid certificate's current revision costs one query and no lock.
    """
    kept = (
        CredentialVersion.objects.filter(
            slot__certificate_id=certificate_id,
            slot__certificate__status=VALID,
            revision=F("slot__certificate__revision"),
        )
        .exclude(signed="")
        .values_list("signed", flat=True)
        .first()
    )
    if kept:
        return json.loads(kept)
    cert, version = retry_on_deadlock(lambda: _allocated(certificate_id))
    if version.signed:
        return json.loads(version.signed)
    email = get_user_model().objects.filter(pk=cert.user_id).values_list("email", flat=True).first() or ""
    signed = sign(
        build(cert, CredentialVersion.objects.select_related("slot").get(pk=version.pk), email=email), signing_key()
    )
    CredentialVersion.objects.filter(pk=version.pk, signed="").update(signed=json.dumps(signed))
    return signed


def cached_credential(certificate_id: int, revision: int) -> dict[str, Any] | None:
    """The kept signed credential of a revision, or None (one query; no signing)."""
    text = (
        CredentialVersion.objects.filter(slot__certificate_id=certificate_id, revision=revision)
        .values_list("signed", flat=True)
        .first()
    )
    return json.loads(text) if text else None
