# Stand-in for edx-platform common/djangoapps/course_modes/api.py, as stored in the search index without a
# commit id (openedx/edx-platform); CourseMode itself at commit 6913dfd7cbf742e40041ce14b76df5072ba6e335.
"""Python APIs exposed by the course_modes app. Reproduced: ``is_eligible_for_certificate``."""

from common.djangoapps.course_modes.models import CourseMode as _CourseMode


def is_eligible_for_certificate(mode_slug, status=None):
    """Whether the given mode_slug is eligible for a certificate (all modes other than 'audit')."""
    return _CourseMode.is_eligible_for_certificate(mode_slug, status)
