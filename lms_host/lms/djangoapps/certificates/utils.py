# Stand-in for edx-platform lms/djangoapps/certificates/utils.py: the functions that generation.py and
# generation_handler.py (commit e57a655d77b614f19223984e9805b1fb940ab192) and views/webview.py (commit
# fcf8867dd2ddd00cfe6c1a4ff41ae61bdc149c53) import, reproduced from those callers (openedx/openedx-platform).
"""
Certificates utilities. Reproduced: ``get_certificate_url(user_id=None, course_id=None, uuid=None)`` for web
certificates (``/certificates/<verify_uuid>``), ``has_html_certificates_enabled(course_overview)``
(``CERTIFICATES_HTML_VIEW`` and the course's ``cert_html_view_enabled``), ``get_preferred_certificate_name(user)``
(the verified name when name affirmation says to use it for certificates, else the profile name, else '').
Omitted: tracking events, PDF certificate URLs.
"""

from django.conf import settings
from django.urls import reverse

from common.djangoapps.student.models import UserProfile
from openedx.features.name_affirmation_api.utils import get_name_affirmation_service


def get_certificate_url(user_id=None, course_id=None, uuid=None, user_certificate=None):
    """The web certificate URL of a certificate's verify_uuid."""
    return reverse("certificates:render_cert_by_uuid", kwargs={"certificate_uuid": uuid})


def has_html_certificates_enabled(course_overview):
    """Whether HTML certificates are enabled (platform-wide and for this course)."""
    if not settings.FEATURES.get("CERTIFICATES_HTML_VIEW", False):
        return False
    return course_overview.cert_html_view_enabled


def get_preferred_certificate_name(user):
    """
    If the verified name feature is enabled and the user has their preference set to use their verified name for
    certificates, return their verified name. Else, return the user's profile name, or an empty string if it doesn't
    exist. (edx-platform: lms/djangoapps/certificates/utils.py at openedx/openedx-platform
    e57a655d77b614f19223984e9805b1fb940ab192; ``student_api.get_name`` is ``UserProfile.name or None``.)
    """
    name_to_use = UserProfile.objects.filter(user_id=user.id).values_list("name", flat=True).first() or None
    name_affirmation_service = get_name_affirmation_service()
    if name_affirmation_service and name_affirmation_service.should_use_verified_name_for_certs(user):
        verified_name_obj = name_affirmation_service.get_verified_name(user, is_verified=True)
        if verified_name_obj:
            name_to_use = verified_name_obj.verified_name

    if not name_to_use:
        name_to_use = ""

    return name_to_use
