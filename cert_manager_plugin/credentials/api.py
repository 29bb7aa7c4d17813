"""
What the plugin's API (``cert_manager_plugin.api``) exposes of credentials: plain data in, plain data out.

``credential_for`` (the signed credential of a certificate's current revision), ``issuer_did_document``,
``issuer_profile_data``, ``status_list_credential``, ``check_credential`` (the verify page: signature and
status in one word), the course's expiry setting, and ``retire_learner``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ..data import CertificateStatus
from ..models import Certificate
from . import credential, keys, proof, status_list
from .models import CourseCredentialSettings, CredentialSlot, CredentialVersion

VALID, SUSPENDED, REVOKED, SUPERSEDED, EXPIRED, INVALID = (
    "valid",
    "suspended",
    "revoked",
    "superseded",
    "expired",
    "invalid",
)


def credential_for(certificate_id: int) -> dict[str, Any]:
    """The signed OpenBadgeCredential of a valid certificate (``credential.NotIssuable`` otherwise)."""
    return credential.issue_credential(certificate_id)


def issuer_did_document() -> dict[str, Any]:
    """The DID document to serve at ``keys.did_document_url(keys.issuer_did())``."""
    return keys.did_document()


def issuer_profile_data() -> dict[str, Any]:
    """The issuer's OB 3.0 Profile."""
    return credential.issuer_profile()


def status_list_credential(course_key: CourseKey, purpose: str) -> dict[str, Any]:
    """A course's signed BitstringStatusListCredential (``KeyError`` for an unknown purpose)."""
    return status_list.list_credential(course_key, purpose)


def set_valid_for_days(course_key: CourseKey, days: int | None) -> None:
    """Set (or, with None, remove) the course's credential expiry, in days after issue."""
    CourseCredentialSettings.objects.update_or_create(course_key=course_key, defaults={"valid_for_days": days})


def valid_for_days(course_key: CourseKey) -> int | None:
    """The course's credential expiry in days (None: none)."""
    return (
        CourseCredentialSettings.objects.filter(course_key=course_key).values_list("valid_for_days", flat=True).first()
    )


def _version_of(document: dict[str, Any]) -> CredentialVersion | None:
    """The issued version a credential names through its revocation entry (None: not ours)."""
    for entry in document.get("credentialStatus", []):
        if entry.get("statusPurpose") == status_list.REVOCATION:
            prefix = status_list.status_list_url("", "").rsplit("/", 2)[0]
            course = entry.get("statusListCredential", "")[len(prefix) + 1 :].rsplit("/", 1)[0]
            return (
                CredentialVersion.objects.select_related("slot")
                .filter(course_key=course, revocation_index=int(entry.get("statusListIndex", -1)))
                .first()
            )
    return None


def check_credential(document: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """
    The verify page's answer for a pasted credential: ``{"state", "signature", "revision", "certificate_id"}``.

    ``state`` is ``valid``, ``suspended`` (grade below passing), ``revoked`` (invalidated or deleted),
    ``superseded`` (a newer version was issued), ``expired`` or ``invalid`` (bad signature, or not ours).
    """
    signature = proof.verify(document, keys.published_keys())
    version = _version_of(document) if signature else None
    answer: dict[str, Any] = {"state": INVALID, "signature": signature, "revision": None, "certificate_id": None}
    if version is None:
        return answer
    answer.update(revision=version.revision, certificate_id=version.slot.certificate_id)
    bits = status_list.statuses(version.course_key, document.get("credentialStatus", []))
    until = document.get("validUntil")
    if bits.get(status_list.REVOCATION):
        status = _certificate_status(version.slot)
        revoked = status in status_list.REVOKING
        answer["state"] = REVOKED if revoked else SUPERSEDED
    elif bits.get(status_list.SUSPENSION):
        answer["state"] = SUSPENDED
    elif until and datetime.fromisoformat(until.replace("Z", "+00:00")) < (now or timezone.now()):
        answer["state"] = EXPIRED
    else:
        answer["state"] = VALID
    return answer


def _certificate_status(slot: CredentialSlot) -> str:
    """The current status of the slot's certificate (one query)."""
    status = Certificate.objects.filter(pk=slot.certificate_id).values_list("status", flat=True).first()
    return status or CertificateStatus.DELETED.value


def retire_learner(user_id: int) -> int:
    """
    Empty the kept signed credentials of a retired learner's certificates (they hold a salted email hash).

    One UPDATE whose filter is a subquery (no join: one statement on every database, MySQL included); 0 on a
    second run.
    """
    certificates = Certificate.objects.filter(user_id=user_id).values("pk")
    slots = CredentialSlot.objects.filter(certificate_id__in=certificates).values("pk")
    return CredentialVersion.objects.filter(slot_id__in=slots).exclude(signed="").update(signed="")
