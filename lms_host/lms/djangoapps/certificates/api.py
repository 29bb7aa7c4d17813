# Stand-in for edx-platform lms/djangoapps/certificates/api.py (stored at commit
# 672b2f0f57ff362558ac7581d4ad8ad0f8eb9d03, openedx/openedx-platform): the functions its callers use, with the
# behaviour read in their callers and in lms/djangoapps/certificates/models.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (get_certificate_allowlist, get_certificate_invalidations).
"""
Certificates API used by the instructor dashboard. Reproduced: ``is_certificate_generation_enabled()``
(``CertificateGenerationConfiguration.current().enabled``), ``has_html_certificates_enabled``,
``get_unique_certificate_statuses(course_key)``, ``get_allowlist(course_key)``,
``get_cert_invalidations_for_course(course_key)``; ``certificates_viewable_for_course(course)`` and
``get_active_web_certificate(course, is_preview_mode=None)`` exactly as edx-platform writes them (the web
certificate view's gates: the course's display behavior, available date and end; its ``certificates`` field).

The writers the instructor endpoints and the LMS's handlers call, copied from lms/djangoapps/certificates/api.py at
openedx/openedx-platform 21572afe319f6742dac1c181f6ca9b74d77b2e86: ``invalidate_certificate`` (skips allowlisted
learners; ``GeneratedCertificate.invalidate()``, no ``CertificateInvalidation`` row; the exam-rejection handler's
path), ``create_or_update_certificate_allowlist_entry`` / ``create_certificate_invalidation_entry``
(``update_or_create``), ``remove_allowlist_entry`` (``invalidate()`` the eligible certificate, then ``delete()`` the
entry), ``set_cert_generation_enabled`` (``CertificateGenerationCourseSetting.set_self_generation_enabled_for_course``;
its ``edx.certificate.generation.*`` tracking event omitted), ``is_on_allowlist``, ``get_allowlist_entry``,
``get_certificate_invalidation_entry``. Omitted: everything else (generation/regeneration, example certificates,
templates, display dates).
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from opaque_keys.edx.keys import CourseKey

from lms.djangoapps.certificates.models import (
    CertificateAllowlist,
    CertificateGenerationConfiguration,
    CertificateGenerationCourseSetting,
    CertificateInvalidation,
    GeneratedCertificate,
)
from lms.djangoapps.certificates.utils import has_html_certificates_enabled  # noqa: F401


def is_certificate_generation_enabled():
    """Whether certificate generation is enabled platform-wide."""
    return CertificateGenerationConfiguration.current().enabled


def get_unique_certificate_statuses(course_key):
    """``[{'status': ..., 'count': ...}, ...]`` of the course's certificates."""
    return GeneratedCertificate.get_unique_statuses(course_key=course_key)


def get_allowlist(course_key):
    """The course's allowlist as CertificateAllowlist.get_certificate_allowlist returns it (a list of dicts)."""
    allowlist = CertificateAllowlist.objects.filter(course_id=course_key, allowlist=True)
    generated = {
        certificate["user"]: certificate["created_date"]
        for certificate in GeneratedCertificate.eligible_certificates.filter(
            course_id=course_key,
            user__in=[item.user for item in allowlist],
            status="downloadable",
        ).values("user", "created_date")
    }
    result = []
    for item in allowlist:
        certificate_generated = generated.get(item.user.id, "")
        result.append(
            {
                "id": item.id,
                "user_id": item.user.id,
                "user_name": str(item.user.username),
                "user_email": str(item.user.email),
                "course_id": str(item.course_id),
                "created": item.created.strftime("%B %d, %Y"),
                "certificate_generated": certificate_generated and certificate_generated.strftime("%B %d, %Y"),
                "notes": str(item.notes or ""),
            }
        )
    return result


def get_cert_invalidations_for_course(course_key):
    """As CertificateInvalidation.get_certificate_invalidations: dicts of id, user, invalidated_by, created, notes."""
    return [
        {
            "id": invalidation.id,
            "user": invalidation.generated_certificate.user.username,
            "invalidated_by": invalidation.invalidated_by.username,
            "created": invalidation.created.strftime("%B %d, %Y"),
            "notes": invalidation.notes,
        }
        for invalidation in CertificateInvalidation.objects.filter(
            generated_certificate__course_id=course_key, active=True
        )
    ]


def certificates_viewable_for_course(course):
    """
    Returns True if certificates are viewable for any student enrolled in the course, False otherwise.

    Arguments:
        course (CourseOverview or course block): The course to check if certificates are viewable

    Returns:
        boolean: whether the certificates are viewable or not

    (edx-platform lms/djangoapps/certificates/api.py at openedx/openedx-platform
    672b2f0f57ff362558ac7581d4ad8ad0f8eb9d03, as written; the same at 21572afe319f6742dac1c181f6ca9b74d77b2e86.
    Its ``_should_certificate_be_visible`` is ``should_certificate_be_visible`` of
    lms/djangoapps/certificates/utils.py at e57a655d77b614f19223984e9805b1fb940ab192, copied inside;
    ``CertificatesDisplayBehaviors`` values "end", "end_with_date", "early_no_info" from xmodule/data.py at
    openedx/edx-platform 5acde7c01b705b1a05150782a5d0df5128132c7e.)
    """
    from datetime import UTC, datetime

    from openedx.core.djangoapps.content.course_overviews.api import get_course_overview_or_none
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    def _should_certificate_be_visible(
        certificates_display_behavior,
        certificates_show_before_end,
        has_ended,
        certificate_available_date,
        self_paced,
    ):
        show_early = certificates_display_behavior == "early_no_info" or certificates_show_before_end
        past_available_date = (
            certificates_display_behavior == "end_with_date"
            and certificate_available_date
            and certificate_available_date < datetime.now(UTC)
        )
        ended_without_available_date = certificates_display_behavior == "end" and has_ended
        return any((self_paced, show_early, past_available_date, ended_without_available_date))

    # The CourseOverview contains validation logic on the certificates_display_behavior and certificate_available_date
    # fields. Thus, we prefer to use the CourseOverview, but will fall back to the course in case the CourseOverview is
    # not available.
    if not isinstance(course, CourseOverview):
        course_overview = get_course_overview_or_none(course.id)
        if course_overview:
            course = course_overview

    return _should_certificate_be_visible(
        course.certificates_display_behavior,
        course.certificates_show_before_end,
        course.has_ended(),
        course.certificate_available_date,
        course.self_paced,
    )


def get_active_web_certificate(course, is_preview_mode=None):
    """
    Retrieves the active web certificate configuration for the specified course

    (edx-platform lms/djangoapps/certificates/api.py at openedx/openedx-platform
    672b2f0f57ff362558ac7581d4ad8ad0f8eb9d03 and 21572afe319f6742dac1c181f6ca9b74d77b2e86, as written: the
    course's ``certificates`` field, which Studio's Settings → Certificates page writes as
    ``{"certificates": [{..., "is_active": True}]}``. The host's course is the CourseOverview, whose host-only
    ``certificates`` property stands for that field.)
    """
    certificates = getattr(course, "certificates", {})
    configurations = certificates.get("certificates", [])
    for config in configurations:
        if config.get("is_active") or is_preview_mode:
            return config
    return None


def auto_certificate_generation_enabled():
    """The ``certificates.auto_certificate_generation`` waffle switch (edx-platform's certificates ``config``)."""
    from waffle import switch_is_active

    return switch_is_active("certificates.auto_certificate_generation")


log = logging.getLogger(__name__)


def _get_key(key_or_id, key_cls):
    """A key object from a key or its string."""
    return key_cls.from_string(key_or_id) if isinstance(key_or_id, str) else key_or_id


def is_on_allowlist(user, course_key):
    """Whether the user is on the course's certificate allowlist (``allowlist=True``)."""
    return CertificateAllowlist.objects.filter(user=user, course_id=course_key, allowlist=True).exists()


def _is_on_certificate_allowlist(user_id, course_key):
    return CertificateAllowlist.objects.filter(user_id=user_id, course_id=course_key, allowlist=True).exists()


def get_allowlist_entry(user, course_key):
    """The user's allowlist entry in the course, or None."""
    return CertificateAllowlist.objects.filter(user=user, course_id=course_key).first()


def invalidate_certificate(user_id, course_key_or_id, source):
    """
    Invalidate the learner's certificate (the exam-rejection handler and edx-proctoring's CertificateService).

    No ``CertificateInvalidation`` row; allowlisted learners are skipped.
    """
    course_key = _get_key(course_key_or_id, CourseKey)
    if _is_on_certificate_allowlist(user_id, course_key):
        log.info(f"User {user_id} is on the allowlist for {course_key}. The certificate will not be invalidated.")
        return False
    try:
        generated_certificate = GeneratedCertificate.objects.get(user=user_id, course_id=course_key)
        generated_certificate.invalidate(source=source)
    except ObjectDoesNotExist:
        log.warning(f"Invalidation failed for user {user_id} in course {course_key}: no certificate exists.")
        return False
    return True


def create_or_update_certificate_allowlist_entry(user, course_key, notes, enabled=True):
    """Add the user to the course's allowlist, or update the entry (``update_or_create``)."""
    certificate_allowlist, created = CertificateAllowlist.objects.update_or_create(
        user=user, course_id=course_key, defaults={"allowlist": enabled, "notes": notes}
    )
    return certificate_allowlist, created


def remove_allowlist_entry(user, course_key):
    """Remove the user's allowlist entry, invalidating their (eligible) certificate first."""
    deleted = False
    allowlist_entry = get_allowlist_entry(user, course_key)
    if allowlist_entry:
        certificate = GeneratedCertificate.eligible_certificates.filter(user=user, course_id=course_key).first()
        if certificate:
            certificate.invalidate(source="allowlist_removal")
        allowlist_entry.delete()
        deleted = True
    return deleted


def create_certificate_invalidation_entry(certificate, user_requesting_invalidation, notes):
    """Record an invalidation of ``certificate`` (``update_or_create``); the caller then ``invalidate()``-s it."""
    certificate_invalidation, __ = CertificateInvalidation.objects.update_or_create(
        generated_certificate=certificate,
        defaults={"active": True, "invalidated_by": user_requesting_invalidation, "notes": notes},
    )
    return certificate_invalidation


def get_certificate_invalidation_entry(certificate):
    """The certificate's invalidation entry, or None."""
    return CertificateInvalidation.objects.filter(generated_certificate=certificate).first()


def set_cert_generation_enabled(course_key, is_enabled):
    """Enable or disable self-generated certificates for the course."""
    CertificateGenerationCourseSetting.set_self_generation_enabled_for_course(course_key, is_enabled)
