"""
What the plugin's API (``cert_manager_plugin.api``) exposes of credentials: plain data in, plain data out.

``credential_for`` (the signed credential of a certificate's current revision), ``issuer_did_document``,
``issuer_profile_data``, ``status_list_credential``, ``check_credential`` (the verify page: signature and
status in one word), ``credential_states`` (the course team's list: each certificate's credential in one word), the
course's expiry setting, and ``retire_learner``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Max
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ..data import CertificateStatus
from ..models import Certificate
from . import credential, keys, proof, status_list
from .models import CourseCredentialSettings, CredentialSlot, CredentialVersion

log = logging.getLogger(__name__)

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


#: The name and media type of the credential a certificate PDF carries (``application/vc``: IANA, VC Data Model 2.0).
PDF_ATTACHMENT_NAME = "credential.json"
PDF_ATTACHMENT_TYPE = "application/vc"


def credential_bytes(certificate_id: int, status: str) -> bytes | None:
    """
    The signed credential of a certificate as the UTF-8 JSON a PDF carries; None when there is none to carry.

    None without a signing key, for a certificate that is not valid (``status``, or one that changed since), and
    when the key file cannot be read (logged: the PDF is still worth having without its credential).
    """
    if status != status_list.VALID or not keys.signing_configured():
        return None
    try:
        document = credential.issue_credential(certificate_id)
    except (credential.NotIssuable, keys.SigningKeyMissing):
        return None
    except (OSError, ValueError):
        log.exception("The credential of certificate %s could not be signed for its PDF", certificate_id)
        return None
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


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


def expiry_dates(issued: Sequence[tuple[CourseKey, datetime | None]]) -> list[datetime | None]:
    """
    When each (course, issue date)'s credential expires under its course's setting today (None: never), one query.

    The words the learner's pages print beside "Download credential"; a copy signed before the setting changed
    keeps the ``validUntil`` it was signed with.
    """
    keys_ = {key for key, _ in issued}
    days = (
        dict(
            CourseCredentialSettings.objects.filter(course_key__in=keys_, valid_for_days__isnull=False).values_list(
                "course_key", "valid_for_days"
            )
        )
        if keys_
        else {}
    )
    return [when + timedelta(days=days[key]) if when and days.get(key) else None for key, when in issued]


#: A valid certificate's credential that nothing suspends, revokes, supersedes or expires (the panel's word).
ACTIVE = "active"
#: What the course team's list says of a certificate's credential (``labels.CREDENTIAL_STATE_LABELS`` words each).
CREDENTIAL_STATES: tuple[str, ...] = (ACTIVE, SUSPENDED, REVOKED, EXPIRED, SUPERSEDED)


class CertificateState(NamedTuple):
    """What ``credential_states`` reads of one certificate: its learner, status, revision and issue date."""

    user_id: int
    status: str
    revision: int
    issued_date: datetime | None


def credential_states(
    course_key: CourseKey, certificates: Sequence[CertificateState], *, now: datetime | None = None
) -> dict[int, str | None]:
    """
    The state of each certificate's credential, by learner (``CREDENTIAL_STATES``; None: it never had one).

    A valid certificate: ``superseded`` when the last version issued is of an older revision (the learner's copy
    is out of date), ``expired`` past the course's current expiry, else ``active``. A certificate that is no
    longer valid but had a credential: ``revoked`` (withdrawn: invalidated, deleted) or ``suspended`` (below
    passing). Two queries whatever the number of certificates (the issued versions, the course's expiry).
    """
    user_ids = [c.user_id for c in certificates]
    latest = dict(
        CredentialSlot.objects.filter(certificate__course_key=course_key, certificate__user_id__in=user_ids)
        .annotate(latest=Max("versions__revision"))
        .values_list("certificate__user_id", "latest")
    )
    days = valid_for_days(course_key) if any(c.status == status_list.VALID for c in certificates) else None
    now = now or timezone.now()
    out: dict[int, str | None] = {}
    for cert in certificates:
        issued = latest.get(cert.user_id)
        if cert.status in status_list.REVOKING:
            out[cert.user_id] = REVOKED if issued is not None else None
        elif cert.status != status_list.VALID:
            out[cert.user_id] = SUSPENDED if issued is not None else None
        elif issued is not None and issued < cert.revision:
            out[cert.user_id] = SUPERSEDED
        elif days and cert.issued_date and cert.issued_date + timedelta(days=days) < now:
            out[cert.user_id] = EXPIRED
        else:
            out[cert.user_id] = ACTIVE
    return out


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
