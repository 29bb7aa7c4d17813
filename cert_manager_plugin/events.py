"""Outgoing openedx-events: CERTIFICATE_CREATED / CHANGED / REVOKED, only for certificates that changed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning import signals as learning_signals
from openedx_events.learning.data import CertificateData, CourseData, UserData, UserPersonalData

from . import links, lms
from .data import TRANSITIONS, CertificateStatus, transition
from .models import Certificate
from .sql import ids_in

if TYPE_CHECKING:
    from openedx_events.tooling import OpenEdxPublicSignal

log = logging.getLogger(__name__)
DOWNLOADABLE = CertificateStatus.DOWNLOADABLE


#: ``data.TRANSITIONS``' event names as openedx-events signals.
SIGNALS = {kind: getattr(learning_signals, rule.event) for kind, rule in TRANSITIONS.items()}


def signal_for(before: str | None, after: str) -> OpenEdxPublicSignal:
    """CREATED when a certificate becomes downloadable, REVOKED when it stops being, else CHANGED."""
    return SIGNALS[transition(before, after)]


def pdf_url(verify_uuid: uuid.UUID | str) -> str:
    """The certificate's PDF URL (``links``: absolute with CERT_MANAGER_BASE_URL or LMS_ROOT_URL)."""
    return links.certificate_url(verify_uuid, links.PDF)


def emit_certificate_events(course_key: CourseKey, changes: Sequence) -> int:
    """Send one event per changed certificate (after commit); a failing receiver never breaks the caller."""
    if not changes:
        return 0
    # As Django's Signal.send does, skip the work for a signal nobody listens to (the LMS's event-bus
    # producer and every plugin receiver are listeners): a 100k job need not build 100k unheard payloads.
    listening = {sig: sig.has_listeners() for sig in set(SIGNALS.values())}
    pending = [(c, sig) for c in changes if listening[sig := signal_for(c.before_status, c.certificate.status)]]
    if not pending:
        return 0
    user_ids = [c.user_id for c, _ in pending]
    users = user_rows(user_ids)
    # a batch does not load verify ids (converting 1,000 of them cost a tenth of it); the pending ones here
    verify_uuids = dict(
        ids_in(Certificate.objects.filter(course_key=course_key), Certificate, "user_id", user_ids).values_list(
            "user_id", "verify_uuid"
        )
    )
    download_url = links.url_builder(links.PDF)  # one reverse() per batch, not per certificate
    overview = lms.backend().course_overview(course_key)
    course = CourseData(
        course_key=course_key,
        display_name=overview.display_name if overview else "",
        start=overview.start if overview else None,
        end=overview.end if overview else None,
    )
    sent = 0
    for change, signal in pending:
        cert = change.certificate
        user = users.get(change.user_id)
        if user is None:
            continue
        verify_uuid = cert.verify_uuid or verify_uuids.get(change.user_id)
        data = CertificateData(
            user=UserData(
                id=user["id"],
                is_active=user["is_active"],
                pii=UserPersonalData(username=user["username"], email=user["email"], name=cert.name),
            ),
            course=course,
            mode=cert.mode,
            grade="" if cert.grade is None else str(cert.grade),
            download_url=download_url(verify_uuid) if verify_uuid else "",
            name=cert.name,
            current_status=cert.status,
            previous_status=change.before_status or "",
        )
        try:
            signal.send_event(certificate=data, time=cert.modified)
            sent += 1
        except Exception:
            log.exception("cert_manager: sending the certificate event for user %s failed", change.user_id)
    return sent


def user_rows(user_ids: Sequence[int]) -> dict[int, dict]:
    """id, username, email, is_active of users, one query."""
    return {
        u["id"]: u
        for u in get_user_model().objects.filter(pk__in=list(user_ids)).values("id", "username", "email", "is_active")
    }
