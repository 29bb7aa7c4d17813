# Stand-in for edx-platform lms/djangoapps/certificates/api.py (stored at commit
# 672b2f0f57ff362558ac7581d4ad8ad0f8eb9d03, openedx/openedx-platform): the functions its callers use, with the
# behaviour read in their callers and in lms/djangoapps/certificates/models.py at commit
# e57a655d77b614f19223984e9805b1fb940ab192 (get_certificate_allowlist, get_certificate_invalidations).
"""
Certificates API used by the instructor dashboard. Reproduced: ``is_certificate_generation_enabled()``
(``CertificateGenerationConfiguration.current().enabled``), ``has_html_certificates_enabled``,
``get_unique_certificate_statuses(course_key)``, ``get_allowlist(course_key)``,
``get_cert_invalidations_for_course(course_key)``, ``certificates_viewable_for_course`` (always True here),
``get_active_web_certificate(course, is_preview_mode=None)`` (a fixed active configuration when the course has
HTML certificates enabled). Omitted: everything else (generation/regeneration, example certificates, templates,
display dates, course settings).
"""

from lms.djangoapps.certificates.models import (
    CertificateAllowlist,
    CertificateGenerationConfiguration,
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
    """edx-platform checks the course's display behavior and available date; the host always shows them."""
    return True


def get_active_web_certificate(course, is_preview_mode=None):
    """The course's active web certificate configuration (edx-platform: from the course's certificates field)."""
    if not course.cert_html_view_enabled:
        return None
    return {"id": 1, "name": "Certificate", "is_active": True, "course_title": "", "signatories": []}


def auto_certificate_generation_enabled():
    """The ``certificates.auto_certificate_generation`` waffle switch (edx-platform's certificates ``config``)."""
    from waffle import switch_is_active

    return switch_is_active("certificates.auto_certificate_generation")
