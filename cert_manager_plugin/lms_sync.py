"""
The LMS's own writes flow into the plugin: one truth whichever page the course team uses.

Inside the LMS, its certificate row, its allowlist and invalidation lists and its self-generation setting can be
written by the LMS itself: the instructor MFE's built-in Certificates page (v2 endpoints), the legacy dashboard's
(v1), a rejected proctored exam, the LMS's generator. ``receivers`` connects the Django model signals of those writes
(``lms.connect_lms_writes``) to the functions here. What each upstream write path means to the plugin, honoured or
repaired, is decided in docs/decisions/0007-lms-write-paths.rst:

* an ``invalidate()`` of the LMS's row (status ``unavailable``) is an invalidation: the LMS's own list entry when it
  has one (its notes), else the row itself (``ListSource.LMS_CERTIFICATE``: a rejected proctored exam through
  ``certificates.api.invalidate_certificate``); except while the learner is still on the LMS's allowlist, which is
  ``remove_allowlist_entry`` (the entry's deletion follows and says what happened);
* the LMS's allowlist and invalidation list are mirrored (``ListSource.LMS_LIST``): an entry added there is added
  here, one lifted or removed there is lifted or removed here, if it came from there;
* its course setting ``self_generation_enabled`` becomes ours;
* any other write to its row (``mark_notpassing``, ``mark_unverified``, a generation) is repaired: the learner is
  reconciled and the row shows the plugin's certificate again;
* a profile save may change the printed name: the learner's certificates are reconciled (a new revision).

And the other way (``push_invalidation``, ``push_exceptions``): what the course team puts on or takes off the
plugin's lists is written to the LMS's (``CertificateAllowlist``, ``CertificateInvalidation``, without signals), so the
LMS's built-in Certificates page lists it too. An entry the LMS's list holds (``in_lms``: pushed there or mirrored
from there) that the LMS then removes is removed here; one never pushed (made before this version) is kept.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import lms
from .data import CertificateStatus, ListSource, Source
from .models import Certificate, CertificateException, CertificateInvalidation, CourseCertificateSettings
from .reconcile import learner_changed, reconcile_learner

if TYPE_CHECKING:
    from opaque_keys.edx.keys import CourseKey

log = logging.getLogger(__name__)

#: The status ``GeneratedCertificate.invalidate()`` writes.
LMS_INVALIDATED = "unavailable"


def lms_certificate_saved(user_id: int, course_key: CourseKey, status: str) -> None:
    """The LMS saved its certificate row itself: honour an invalidation, repair anything else."""
    if status == LMS_INVALIDATED:
        lists = lms.backend().lms_learner_lists(course_key, user_id)
        if lists.invalidated:
            _ensure_invalidation(user_id, course_key, lists.invalidation_notes, ListSource.LMS_LIST)
        elif not lists.allowlisted:
            notes = _("Invalidated in the LMS (for example, a rejected proctored exam attempt).")
            _ensure_invalidation(user_id, course_key, notes, ListSource.LMS_CERTIFICATE)
        else:  # remove_allowlist_entry: the entry's delete() follows and reconciles; a repair now would be undone
            log.info(
                "cert_manager: LMS invalidation of allowlisted user %s in %s: its removal follows", user_id, course_key
            )
            return
    _reconcile(user_id, course_key, Source.LMS)


def lms_lists_changed(user_id: int, course_key: CourseKey) -> bool:
    """
    The LMS's allowlist or invalidation list may have changed for the learner: mirror it; reconcile if ours changed.

    Four statements when nothing changed (the creation filter calls it on every LMS generation attempt, i.e. on every
    passing grade update while the LMS's auto-generation switch is on). True when ours changed.
    """
    lists = lms.backend().lms_learner_lists(course_key, user_id)
    with transaction.atomic():
        changed = _mirror_allowlist(user_id, course_key, lists)
        if lists.invalidated:
            changed |= _ensure_invalidation(user_id, course_key, lists.invalidation_notes, ListSource.LMS_LIST)
        else:
            changed |= _lift_lms_invalidation(user_id, course_key)
    if changed:
        _reconcile(user_id, course_key, Source.LMS)
    return changed


def lms_self_generation_changed(course_key: CourseKey, enabled: bool) -> None:
    """The LMS's ``CertificateGenerationCourseSetting.self_generation_enabled`` of the course becomes ours."""
    row, _created = CourseCertificateSettings.objects.get_or_create(course_key=course_key)
    if row.self_generation_enabled != bool(enabled):
        row.self_generation_enabled = bool(enabled)
        row.save(update_fields=["self_generation_enabled", "modified"])


def name_may_have_changed(user_id: int) -> list[str]:
    """The printed name of the learner may have changed: reconcile each certificate that shows another."""
    name = lms.backend().display_names([user_id]).get(user_id, "")
    courses = list(
        Certificate.objects.filter(user_id=user_id)
        .exclude(name=name)
        .exclude(status=CertificateStatus.DELETED)
        .values_list("course_key", flat=True)
    )
    for course_key in courses:
        learner_changed(user_id, course_key, Source.NAME_CHANGE)
    return [str(c) for c in courses]


def _reconcile(user_id: int, course_key: CourseKey, source: str) -> None:
    """Reconcile now when the learner has a certificate (keeps the LMS row true at once), else mark them pending."""
    if Certificate.objects.filter(user_id=user_id, course_key=course_key).exists():
        reconcile_learner(user_id, course_key, source=source)
    else:
        learner_changed(user_id, course_key, source)


def _certificate(user_id: int, course_key: CourseKey) -> Certificate | None:
    """The learner's certificate, seeded from the LMS's row (same verify id) when the plugin has none yet."""
    cert = Certificate.objects.filter(user_id=user_id, course_key=course_key).first()
    if cert is not None:
        return cert
    row = lms.backend().lms_certificate(course_key, user_id)
    if row is None:
        return None
    from .backfill import seed_from_lms  # the backfill's seeding, for one learner

    seed_from_lms(course_key, certificates=[row], allowlist=[])
    return Certificate.objects.filter(user_id=user_id, course_key=course_key).first()


def _ensure_invalidation(user_id: int, course_key: CourseKey, notes: str, source: ListSource) -> bool:
    """An active invalidation of the learner's certificate, from ``source``; True when ours changed."""
    cert = _certificate(user_id, course_key)
    if cert is None:
        return False
    active = CertificateInvalidation.objects.filter(certificate=cert, active=True).first()
    if active is None:
        in_lms = source == ListSource.LMS_LIST
        CertificateInvalidation.objects.create(certificate=cert, notes=notes or "", source=source, in_lms=in_lms)
        return True
    # the LMS's list entry: its notes win over those of its mirror or of the row's own invalidation it explains
    if source == ListSource.LMS_LIST and active.source != ListSource.COURSE_TEAM:
        if (active.source, active.notes, active.in_lms) != (source, notes or "", True):
            active.source, active.notes, active.in_lms = source, notes or "", True
            active.save(update_fields=["source", "notes", "in_lms", "modified"])
    return False


def _lift_lms_invalidation(user_id: int, course_key: CourseKey) -> bool:
    """The LMS lifted its list entry: lift ours that its list held (never one it did not); True when one was."""
    now = timezone.now()
    return bool(
        CertificateInvalidation.objects.filter(
            Q(source=ListSource.LMS_LIST) | Q(in_lms=True),
            certificate__user_id=user_id,
            certificate__course_key=course_key,
            active=True,
        ).update(active=False, revalidated_at=now, modified=now)
    )


def _mirror_allowlist(user_id: int, course_key: CourseKey, lists: lms.LmsLearnerLists) -> bool:
    """Add, update or remove the exception that mirrors the LMS's allowlist entry; True when one came or went."""
    mine = CertificateException.objects.filter(user_id=user_id, course_key=course_key).first()
    if lists.allowlisted and mine is None:
        CertificateException.objects.create(
            user_id=user_id,
            course_key=course_key,
            notes=lists.allowlist_notes,
            source=ListSource.LMS_LIST,
            in_lms=True,
        )
        return True
    if lists.allowlisted and mine.source == ListSource.LMS_LIST and mine.notes != lists.allowlist_notes:
        mine.notes = lists.allowlist_notes
        mine.save(update_fields=["notes", "modified"])
    elif not lists.allowlisted and mine is not None and (mine.source == ListSource.LMS_LIST or mine.in_lms):
        mine.delete()
        return True
    return False


# --- the other way: the plugin's lists written to the LMS's ------------------------------------------------------


def push_invalidation(user_id: int, course_key: CourseKey) -> None:
    """Write the learner's active invalidation (or its absence: a re-validation) to the LMS's invalidation list."""
    backend = lms.backend()
    if not backend.writes_lms_certificates:
        return
    active = (
        CertificateInvalidation.objects.filter(
            certificate__user_id=user_id, certificate__course_key=course_key, active=True
        )
        .values_list("pk", "notes", "invalidated_by_id")
        .first()
    )
    notes, by = (active[1] or "", active[2]) if active else (None, None)
    if backend.push_invalidation(course_key, user_id, notes, by) and active:
        CertificateInvalidation.objects.filter(pk=active[0]).update(in_lms=True)


def push_exceptions(course_key: CourseKey, user_ids: list[int]) -> int:
    """Write these learners' exceptions (or their absence) to the LMS's allowlist, set-based; returns how many."""
    backend = lms.backend()
    if not backend.writes_lms_certificates:
        return 0
    pushed = 0
    for start in range(0, len(user_ids), lms.LOOKUP_CHUNK):  # below SQLite's host-parameter limit
        chunk = user_ids[start : start + lms.LOOKUP_CHUNK]
        exceptions = CertificateException.objects.filter(course_key=course_key, user_id__in=chunk)
        mine = dict(exceptions.values_list("user_id", "notes"))
        listed = backend.push_allowlist(course_key, {u: (mine[u] or "") if u in mine else None for u in chunk})
        if listed:
            exceptions.filter(user_id__in=list(listed)).update(in_lms=True)
        pushed += len(listed)
    return pushed
