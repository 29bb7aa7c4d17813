"""
openedx-events receivers: a few lines each, storing what the LMS said and asking ``api`` to reconcile.

Connected by edx-django-utils ``connect_plugin_receivers`` from ``apps.CertManagerConfig.plugin_app``; the
LMS's own Django signals (user retirement) by ``connect_lms_signals`` from ``CertManagerConfig.ready``.
A malformed event or an unknown user is logged and ignored: nothing is raised into the sender.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import timezone

from . import api, wiring

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.dispatch import Signal
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.learning.data import (
        CourseData,
        CourseEnrollmentData,
        CoursePassingStatusData,
        PersistentCourseGradeData,
    )

log = logging.getLogger(__name__)


def _event_time(kwargs: Mapping[str, object]) -> datetime:
    """When the event happened (its ``metadata.time``), else now."""
    metadata = kwargs.get("metadata")
    return getattr(metadata, "time", None) or timezone.now()


def _safe(func: Callable[..., None]) -> Callable[..., None]:
    """Log and swallow every error: a certificate problem must never break enrollment or grading."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except Exception:
            log.exception("cert_manager: ignoring %s event that could not be applied", func.__name__)

    return wrapper


def _record(
    event: str, user_id: int | None, course_key: CourseKey, record: Callable[..., bool], **fields: object
) -> bool:
    """
    Store the event with ``api.record_*``, which marks the learner and schedules the course's sweep.

    ``record`` checks the user only when it has no record yet (the common path is two UPDATEs); an unknown user
    is logged. True when the event was applied.
    """
    try:
        if user_id is None:
            raise api.UserNotFound("no user id")
        return record(user_id, course_key, **fields)
    except api.UserNotFound:
        log.warning("cert_manager: %s for unknown user id %r ignored", event, user_id)
        return False


def _course_key(course: CourseData | None, event: str) -> CourseKey | None:
    """The event's course key without branch or version; None (logged) when it is malformed."""
    try:
        return api.parse_course_key(getattr(course, "course_key", None))
    except api.CertManagerError:
        log.warning(
            "cert_manager: %s with a malformed course key %r ignored", event, getattr(course, "course_key", None)
        )
        return None


def _enrollment(enrollment: CourseEnrollmentData, kwargs: Mapping[str, object], event: str) -> None:
    """Store an enrollment event (mode, active or not, when) for its learner."""
    course_key = _course_key(enrollment.course, event)
    user_id = enrollment.user.id
    if course_key is None:
        return
    fields = {"mode": enrollment.mode, "is_active": enrollment.is_active, "at": _event_time(kwargs)}
    _record(event, user_id, course_key, api.record_enrollment, **fields)


@_safe
def on_enrollment_created(sender: object, enrollment: CourseEnrollmentData | None = None, **kwargs: Any) -> None:
    """COURSE_ENROLLMENT_CREATED."""
    _enrollment(enrollment, kwargs, "COURSE_ENROLLMENT_CREATED")


@_safe
def on_enrollment_changed(sender: object, enrollment: CourseEnrollmentData | None = None, **kwargs: Any) -> None:
    """COURSE_ENROLLMENT_CHANGED (mode change, deactivation)."""
    _enrollment(enrollment, kwargs, "COURSE_ENROLLMENT_CHANGED")


@_safe
def on_unenrollment_completed(sender: object, enrollment: CourseEnrollmentData | None = None, **kwargs: Any) -> None:
    """COURSE_UNENROLLMENT_COMPLETED: the enrollment is inactive whatever the payload says."""
    from attr import evolve

    _enrollment(evolve(enrollment, is_active=False), kwargs, "COURSE_UNENROLLMENT_COMPLETED")


@_safe
def on_persistent_grade_summary_changed(
    sender: object, grade: PersistentCourseGradeData | None = None, **kwargs: Any
) -> None:
    """PERSISTENT_GRADE_SUMMARY_CHANGED: percent grade and passed timestamp."""
    event = "PERSISTENT_GRADE_SUMMARY_CHANGED"
    course_key = _course_key(grade.course, event)
    if course_key is None:
        return
    fields = {
        "percent_grade": grade.percent_grade,
        "passed_timestamp": grade.passed_timestamp,
        "letter_grade": grade.letter_grade,
    }
    _record(event, grade.user_id, course_key, api.record_grade, **fields, at=_event_time(kwargs))


@_safe
def on_course_passing_status_updated(
    sender: object, course_passing_status: CoursePassingStatusData | None = None, **kwargs: Any
) -> None:
    """COURSE_PASSING_STATUS_UPDATED: the learner crossed the passing threshold (either way)."""
    event = "COURSE_PASSING_STATUS_UPDATED"
    status = course_passing_status
    course_key = _course_key(status.course, event)
    if course_key is None:
        return
    fields = {"is_passing": status.is_passing, "at": _event_time(kwargs)}
    _record(event, status.user.id, course_key, api.record_passing_status, **fields)


# --- the LMS's Django signals: user retirement ----------------------------------------------------------

RETIREMENT_DISPATCH_UID = "cert_manager_plugin.on_user_retired"


def on_user_retired(sender: object, user: AbstractBaseUser | None = None, **kwargs: Any) -> None:
    """
    USER_RETIRE_LMS_CRITICAL / USER_RETIRE_LMS_MISC: scrub the learner's PII (idempotent: both may call).

    Not ``_safe``: the LMS sends these with ``send()``, so a failure fails that retirement step and the
    retirement driver retries it, rather than reporting success while the learner's name is still here.
    """
    user_id = getattr(user, "pk", None)
    if user_id is None:
        log.warning("cert_manager: retirement signal without a user ignored")
        return
    counts = api.retire_user(user_id)
    log.info("cert_manager: retired user %s: %s", user_id, counts)


# --- the LMS's own writes: its certificate row, its lists, its course setting, the learner's profile ---------------

LMS_WRITES_DISPATCH_PREFIX = "cert_manager_plugin.lms_writes"


class LmsRow(Protocol):
    """What the receivers read of the LMS's rows (``GeneratedCertificate``, ``CertificateAllowlist``, …)."""

    user_id: int


def _course_of(instance: object) -> CourseKey | None:
    """The course of an LMS row: its ``course_id`` or ``course_key``, or its certificate's (an invalidation)."""
    raw = getattr(instance, "course_id", None) or getattr(instance, "course_key", None)
    if raw is None:
        raw = getattr(getattr(instance, "generated_certificate", None), "course_id", None)
    return api.parse_course_key(raw) if raw is not None else None


@_safe
def on_lms_certificate_saved(sender: type, instance: LmsRow | None = None, **kwargs: Any) -> None:
    """``post_save`` of ``GeneratedCertificate`` (only the LMS's own ``save()``): honour or repair (``lms_sync``)."""
    if instance is not None:
        api.lms_certificate_saved(instance.user_id, _course_of(instance), getattr(instance, "status", ""))


@_safe
def on_lms_list_written(sender: type, instance: LmsRow | None = None, **kwargs: Any) -> None:
    """``post_save``/``post_delete`` of the LMS's allowlist, ``post_save`` of its invalidations: mirror them."""
    if instance is None:
        return
    user_id = getattr(instance, "user_id", None)
    if user_id is None:
        user_id = getattr(getattr(instance, "generated_certificate", None), "user_id", None)
    api.lms_lists_changed(user_id, _course_of(instance))


@_safe
def on_lms_generation_setting_saved(sender: type, instance: object | None = None, **kwargs: Any) -> None:
    """``post_save`` of ``CertificateGenerationCourseSetting``: the LMS's self-generation switch becomes ours."""
    if instance is not None:
        api.lms_self_generation_changed(_course_of(instance), instance.self_generation_enabled)


@_safe
def on_lms_profile_saved(sender: type, instance: LmsRow | None = None, **kwargs: Any) -> None:
    """``post_save`` of ``UserProfile``: the printed name may have changed; certificates that show another follow."""
    if instance is not None:
        api.name_may_have_changed(instance.user_id)


LMS_WRITE_RECEIVERS = {
    "certificate_saved": on_lms_certificate_saved,
    "allowlist_saved": on_lms_list_written,
    "allowlist_deleted": on_lms_list_written,
    "invalidation_saved": on_lms_list_written,
    "generation_setting_saved": on_lms_generation_setting_saved,
    "profile_saved": on_lms_profile_saved,
}


def connect_lms_signals() -> list[Signal]:
    """
    Connect to edx-platform's Django signals (none outside the LMS); returns the retirement signals connected.

    They are retirement (``on_user_retired``) and the LMS's own writes (``LMS_WRITE_RECEIVERS``, on the model
    signals of its tables). They cannot go in ``plugin_app["signals_config"]``: edx-django-utils imports every
    signal path listed there, and the demo host and the tests have no edx-platform.
    """
    signals = wiring.retirement_signals()
    for signal in signals:
        signal.connect(on_user_retired, dispatch_uid=RETIREMENT_DISPATCH_UID)
    wiring.connect_lms_writes(LMS_WRITE_RECEIVERS, LMS_WRITES_DISPATCH_PREFIX)
    silenced = wiring.silence_lms_certificate_handlers()
    if silenced:
        log.info(
            "cert_manager: the LMS's certificate handlers %s are disconnected (the plugin owns certificates)", silenced
        )
    return signals
