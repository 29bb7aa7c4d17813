"""
Learner emails when a certificate is issued, updated (for example a new grade printed on it) or revoked.

Receiver-free: the engine (or anything else) calls ``notify_certificate_change`` / ``notify_changes``
after its transaction commits. Plain ``django.core.mail.send_mail`` with Django templates
(``cert_manager_plugin/email/<kind>_subject.txt`` and ``<kind>_body.txt``). Off unless
``CERT_MANAGER_EMAILS_ENABLED`` is true; a failing mail server is logged, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .data import CertificateStatus

log = logging.getLogger(__name__)

ISSUED, UPDATED, REVOKED = "issued", "updated", "revoked"
DOWNLOADABLE = CertificateStatus.DOWNLOADABLE


def notification_kind(before_status: str | None, after_status: str) -> str | None:
    """issued / updated / revoked for a status change, or None when the learner need not hear about it."""
    if after_status == DOWNLOADABLE:
        return UPDATED if before_status == DOWNLOADABLE else ISSUED
    if before_status == DOWNLOADABLE:
        return REVOKED
    return None


def emails_enabled() -> bool:
    return bool(getattr(settings, "CERT_MANAGER_EMAILS_ENABLED", False))


def notify_certificate_change(certificate, before_status: str | None, *, force: bool = False) -> bool:
    """
    Email the learner about one certificate change; True when a mail was sent.

    ``force`` sends even when ``CERT_MANAGER_EMAILS_ENABLED`` is off (tests, management commands).
    """
    if not (force or emails_enabled()):
        return False
    kind = notification_kind(before_status, certificate.status)
    user = certificate.user
    if kind is None or not getattr(user, "email", ""):
        return False
    from .rendering.templates import certificate_context

    context = {**certificate_context(certificate), "kind": kind, "username": user.username}
    subject = " ".join(render_to_string(f"cert_manager_plugin/email/{kind}_subject.txt", context).split())
    body = render_to_string(f"cert_manager_plugin/email/{kind}_body.txt", context)
    try:
        send_mail(subject, body, getattr(settings, "DEFAULT_FROM_EMAIL", None), [user.email])
    except Exception:  # a broken mail server must not break certificate processing
        log.exception("cert_manager: could not email user %s about certificate %s", user.pk, certificate.pk)
        return False
    return True


def notify_changes(changes: Iterable, *, force: bool = False) -> int:
    """
    Email the learners of a batch of engine changes (``engine.CertChange``: ``before_status`` and
    ``certificate``); returns how many mails went out. Loads the certificates' users in one query.
    """
    from .models import Certificate

    changes = list(changes)
    if not changes or not (force or emails_enabled()):
        return 0
    wanted = {
        (c.certificate.user_id, str(c.certificate.course_key)): c.before_status
        for c in changes
        if notification_kind(c.before_status, c.certificate.status)
    }
    if not wanted:
        return 0
    course_keys = {c.certificate.course_key for c in changes}
    user_ids = {uid for uid, _ in wanted}
    sent = 0
    for cert in Certificate.objects.filter(course_key__in=course_keys, user_id__in=user_ids).select_related("user"):
        key = (cert.user_id, str(cert.course_key))
        if key in wanted:
            sent += notify_certificate_change(cert, wanted[key], force=force)
    return sent
