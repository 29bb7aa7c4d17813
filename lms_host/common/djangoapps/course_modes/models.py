# Stand-in for edx-platform common/djangoapps/course_modes/models.py at commit
# 6913dfd7cbf742e40041ce14b76df5072ba6e335 (openedx/openedx-platform).
"""
``CourseMode``'s mode slugs and mode groups, as edx-platform defines them on the model.

Reproduced: the slug constants, ``DEFAULT_MODE_SLUG`` (``settings.COURSE_MODE_DEFAULTS['slug']``, "audit"),
``ALL_MODES``, ``AUDIT_MODES``, ``VERIFIED_MODES``, ``NON_VERIFIED_MODES``, ``get_default_mode_slug()``,
``is_eligible_for_certificate()``. Omitted: the ``course_modes_coursemode`` table itself (every course has only
the default mode here), prices, expirations, SKUs, history.
"""

from django.conf import settings


class CourseMode:
    """The enrollment modes (a plain class here; a model with per-course rows in edx-platform)."""

    HONOR = "honor"
    PROFESSIONAL = "professional"
    VERIFIED = "verified"
    AUDIT = "audit"
    NO_ID_PROFESSIONAL_MODE = "no-id-professional"
    CREDIT_MODE = "credit"
    MASTERS = "masters"
    EXECUTIVE_EDUCATION = "executive-education"
    PAID_EXECUTIVE_EDUCATION = "paid-executive-education"
    UNPAID_EXECUTIVE_EDUCATION = "unpaid-executive-education"
    PAID_BOOTCAMP = "paid-bootcamp"
    UNPAID_BOOTCAMP = "unpaid-bootcamp"

    DEFAULT_MODE_SLUG = settings.COURSE_MODE_DEFAULTS["slug"]

    ALL_MODES = [
        AUDIT,
        CREDIT_MODE,
        HONOR,
        NO_ID_PROFESSIONAL_MODE,
        PROFESSIONAL,
        VERIFIED,
        MASTERS,
        EXECUTIVE_EDUCATION,
        PAID_EXECUTIVE_EDUCATION,
        UNPAID_EXECUTIVE_EDUCATION,
        PAID_BOOTCAMP,
        UNPAID_BOOTCAMP,
    ]

    # Modes utilized for audit/free enrollments
    AUDIT_MODES = [AUDIT, HONOR, UNPAID_EXECUTIVE_EDUCATION, UNPAID_BOOTCAMP]

    # Modes that allow a student to pursue a verified certificate
    VERIFIED_MODES = [VERIFIED, PROFESSIONAL, MASTERS, EXECUTIVE_EDUCATION, PAID_EXECUTIVE_EDUCATION, PAID_BOOTCAMP]

    # Modes that allow a student to pursue a non-verified certificate
    NON_VERIFIED_MODES = [HONOR, AUDIT, NO_ID_PROFESSIONAL_MODE]

    @classmethod
    def get_default_mode_slug(cls):
        """The default mode slug, used as the default of CourseEnrollment.mode."""
        return cls.DEFAULT_MODE_SLUG

    @classmethod
    def is_eligible_for_certificate(cls, mode_slug, status=None):
        """Every mode but audit grants a certificate (honor too unless DISABLE_HONOR_CERTIFICATES)."""
        ineligible_modes = [cls.AUDIT]

        if settings.FEATURES.get("DISABLE_HONOR_CERTIFICATES", False):
            from lms.djangoapps.certificates.data import CertificateStatuses

            if mode_slug == cls.HONOR and status != CertificateStatuses.downloadable:
                ineligible_modes.append(cls.HONOR)

        return mode_slug not in ineligible_modes
