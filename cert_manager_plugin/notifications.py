"""
Learner emails when a certificate is issued, updated (for example a new grade printed on it) or revoked.

Nothing is mailed inside a batch of certificate work. After a batch commits, ``enqueue_notifications``
keeps the changes a learner must hear about and sends Celery tasks
(``cert_manager_plugin.tasks.send_certificate_emails``) of at most ``CERT_MANAGER_EMAIL_BATCH_SIZE`` items
``[user_id, course_id, kind]``; the task calls ``send_certificate_emails``, which loads the batch's
certificates and users in one query, skips a learner whose certificate no longer matches the kind (revoked
again before the mail left, say) and sends each mail on its own: a failure is logged, never raised.

The channel: when the LMS adapter ``sends_mail_through_ace`` (inside the LMS) the mail goes through edx-ace
(``edx_ace.ace.send`` with one ``MessageType`` per kind, templates
``cert_manager_plugin/edx_ace/certificate_<kind>/email/``), so the LMS's ACE channels and policies (course email
opt-outs: the context carries ``course_ids``) apply and it is rendered in the learner's language (``pref-lang``)
when known. edx-ace is the LMS's own dependency and is
imported only on that path. Standalone, plain ``django.core.mail.send_mail`` with
``cert_manager_plugin/email/<kind>_subject.txt`` and ``<kind>_body.txt``.

Off unless ``CERT_MANAGER_EMAILS_ENABLED`` is true. ``notify_certificate_change`` / ``notify_changes``
send inline (management commands, tests; ``force=True`` ignores the switch).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from . import dispatch, lms
from .conf import cm_settings
from .data import TRANSITIONS, CertificateStatus, transition

if TYPE_CHECKING:
    from .models import Certificate
    from .rendering.templates import CourseLayout

log = logging.getLogger(__name__)

KINDS = tuple(dict.fromkeys(rule.mail for rule in TRANSITIONS.values() if rule.mail))  # issued, updated, revoked
ISSUED, UPDATED, REVOKED = KINDS
DOWNLOADABLE = CertificateStatus.DOWNLOADABLE
TASK_SEND_EMAILS = dispatch.TASK_SEND_EMAILS
#: edx-ace message names (templates ``cert_manager_plugin/edx_ace/<name>/email/``), one per kind.
ACE_MESSAGE_NAMES = {kind: f"certificate_{kind}" for kind in KINDS}
#: edx-platform's language preference (``openedx.core.djangoapps.lang_pref.LANGUAGE_KEY``).
LANGUAGE_PREFERENCE = "pref-lang"


def notification_kind(before_status: str | None, after_status: str) -> str | None:
    """Issued / updated / revoked for a status change, or None when the learner need not hear about it."""
    return TRANSITIONS[transition(before_status, after_status)].mail


def still_applies(kind: str, status: str) -> bool:
    """Whether a certificate now in ``status`` still deserves the ``kind`` mail decided earlier."""
    return (status == DOWNLOADABLE) == (kind != REVOKED)


def emails_enabled() -> bool:
    """Whether certificate emails are on (``CERT_MANAGER_EMAILS_ENABLED``, default off)."""
    return cm_settings.EMAILS_ENABLED


def email_batch_size() -> int:
    """Learners per ``send_certificate_emails`` task (``CERT_MANAGER_EMAIL_BATCH_SIZE``, default 200)."""
    return cm_settings.EMAIL_BATCH_SIZE


# --- after a batch commits: enqueue ------------------------------------------------------------------------


def enqueue_notifications(changes: Iterable) -> int:
    """
    Queue the mails a committed batch of engine changes (``engine.CertChange``) calls for; returns how many.

    Nothing when emails are off. Each task carries at most ``CERT_MANAGER_EMAIL_BATCH_SIZE`` items
    ``[user_id, course_id, kind]`` (JSON: no model instance crosses the broker); the task re-reads the
    certificates, so what it mails is their state when the mail leaves.
    """
    if not emails_enabled():
        return 0
    wanted: dict[tuple[int, str], str] = {}
    for change in changes:
        certificate = change.certificate
        kind = notification_kind(change.before_status, certificate.status)
        if kind is not None:
            wanted[(int(change.user_id), str(certificate.course_key))] = kind
    if not wanted:
        return 0
    items = [[user_id, course_id, kind] for (user_id, course_id), kind in wanted.items()]
    size = email_batch_size()
    for start in range(0, len(items), size):
        dispatch.send_task(dispatch.TASK_SEND_EMAILS, [items[start : start + size]])
    return len(items)


def on_certificates_committed(sender: object, *, changes: list, **kwargs: object) -> None:
    """``engine.certificates_committed`` receiver (connected in ``apps.ready``): queue the batch's emails."""
    enqueue_notifications(changes)


# --- the task's work: send ---------------------------------------------------------------------------------


def send_certificate_emails(items: Sequence[Sequence]) -> dict[str, int]:
    """
    Mail one batch of learners (``[user_id, course_id, kind]`` items); returns ``{"sent", "skipped", "failed"}``.

    A constant number of queries for the batch: certificates with their users (one), languages inside the
    LMS (one), and the course layout per course and mode. A learner whose certificate is gone, no longer
    matches the kind, or who has no email address is skipped; a failure is logged and the next learner
    is mailed.
    """
    from opaque_keys import InvalidKeyError
    from opaque_keys.edx.keys import CourseKey

    from .models import Certificate

    counts = {"sent": 0, "skipped": 0, "failed": 0}
    wanted: dict[tuple[int, str], str] = {}
    by_course: dict[str, set[int]] = {}
    keys: dict[str, CourseKey] = {}
    for item in items:
        try:
            user_id, kind = int(item[0]), str(item[2])
            if kind not in KINDS:
                raise ValueError(kind)
            course_key = CourseKey.from_string(str(item[1]))
            course_id = str(course_key)
            keys.setdefault(course_id, course_key)
        except (TypeError, ValueError, IndexError, InvalidKeyError):
            log.warning("cert_manager: ignoring a malformed email item %r", item)
            counts["skipped"] += 1
            continue
        wanted[(user_id, course_id)] = kind
        by_course.setdefault(course_id, set()).add(user_id)
    if not wanted:
        return counts
    query = Q()
    for course_id, user_ids in by_course.items():
        query |= Q(course_key=keys[course_id], user_id__in=sorted(user_ids))
    certificates = {
        (cert.user_id, str(cert.course_key)): cert for cert in Certificate.objects.filter(query).select_related("user")
    }
    inside = lms.backend().sends_mail_through_ace
    languages = learner_languages({uid for uid, _ in wanted}) if inside else {}
    layouts: dict = {}
    for key, kind in wanted.items():
        cert = certificates.get(key)
        if cert is None or not still_applies(kind, cert.status) or not getattr(cert.user, "email", ""):
            counts["skipped"] += 1
            continue
        layout_key = (key[1], cert.mode)
        try:
            if layout_key not in layouts:
                from .rendering.templates import course_layout

                layouts[layout_key] = course_layout(cert.course_key, mode=cert.mode, language="")
            deliver(cert, kind, language=languages.get(cert.user_id), layout=layouts[layout_key], via_ace=inside)
        except Exception:  # one learner's failure (template, mail server, channel) never stops the others
            log.exception("cert_manager: could not email user %s about certificate %s", cert.user_id, cert.pk)
            counts["failed"] += 1
        else:
            counts["sent"] += 1
    if counts["failed"] or counts["skipped"]:
        log.info("cert_manager: certificate emails %s", counts)
    return counts


def learner_languages(user_ids: Iterable[int]) -> dict[int, str]:
    """The learners' preferred languages (inside the LMS; none standalone), one query."""
    return lms.backend().preferred_languages(user_ids)


def email_context(certificate: Certificate, kind: str, *, layout: CourseLayout | None = None) -> dict:
    """The template variables of a certificate mail: ``certificate_context`` plus the kind and the learner."""
    from .rendering.templates import certificate_context

    user = certificate.user
    course_id = str(certificate.course_key)
    return {
        **certificate_context(certificate, layout=layout),
        "kind": kind,
        "username": getattr(user, "username", ""),
        "email": getattr(user, "email", ""),
        "platform_name": getattr(settings, "PLATFORM_NAME", ""),
        # edx-platform's CourseEmailOptout ACE policy reads this: a learner who opted out of the course's
        # emails gets none of ours either.
        "course_ids": [course_id],
    }


def deliver(
    certificate: Certificate,
    kind: str,
    *,
    language: str | None = None,
    layout: CourseLayout | None = None,
    via_ace: bool | None = None,
) -> None:
    """Send one certificate mail (edx-ace inside the LMS, Django mail otherwise); errors propagate."""
    via_ace = lms.backend().sends_mail_through_ace if via_ace is None else via_ace
    if via_ace:
        _send_with_ace(certificate, kind, language, layout)
        return
    with translation.override(language) if language else nullcontext():
        context = email_context(certificate, kind, layout=layout)
        subject = " ".join(render_to_string(f"cert_manager_plugin/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"cert_manager_plugin/email/{kind}_body.txt", context)
    send_mail(subject, body, getattr(settings, "DEFAULT_FROM_EMAIL", None), [certificate.user.email])


@functools.cache
def ace_message_types() -> dict:
    """One edx-ace ``MessageType`` per kind (built on first use: edx-ace is imported only inside the LMS)."""
    from edx_ace.message import MessageType

    def message_type(kind: str) -> type:
        return type(
            f"Certificate{kind.capitalize()}",
            (MessageType,),
            {
                "__module__": __name__,
                "__doc__": f"The learner's certificate was {kind}.",
                "NAME": ACE_MESSAGE_NAMES[kind],
                "APP_LABEL": "cert_manager_plugin",
            },
        )

    return {kind: message_type(kind) for kind in KINDS}


def _send_with_ace(certificate: Certificate, kind: str, language: str | None, layout: CourseLayout | None) -> None:
    from edx_ace import ace
    from edx_ace.recipient import Recipient

    user = certificate.user
    with translation.override(language) if language else nullcontext():
        context = email_context(certificate, kind, layout=layout)
    # Transactional: about the learner's own record (not marketing), so ACE_CHANNEL_TRANSACTIONAL_EMAIL.
    message = ace_message_types()[kind](options={"transactional": True}).personalize(
        recipient=Recipient(lms_user_id=user.id, email_address=user.email),
        language=language,
        user_context=context,
    )
    ace.send(message)


# --- inline (management commands, tests) -------------------------------------------------------------------


def notify_certificate_change(certificate: Certificate, before_status: str | None, *, force: bool = False) -> bool:
    """
    Email the learner about one certificate change now, in this process; True when a mail was sent.

    ``force`` sends even when ``CERT_MANAGER_EMAILS_ENABLED`` is off (tests, management commands).
    """
    if not (force or emails_enabled()):
        return False
    kind = notification_kind(before_status, certificate.status)
    user = certificate.user
    if kind is None or not getattr(user, "email", ""):
        return False
    try:
        deliver(certificate, kind)
    except Exception:  # a broken mail server must not break certificate processing
        log.exception("cert_manager: could not email user %s about certificate %s", user.pk, certificate.pk)
        return False
    return True


def notify_changes(changes: Iterable, *, force: bool = False) -> int:
    """
    Email the learners of a batch of engine changes now, in this process; returns how many mails went out.

    Loads the certificates' users in one query. (After a commit, ``enqueue_notifications`` is the way:
    it hands the mails to a Celery task.)
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
