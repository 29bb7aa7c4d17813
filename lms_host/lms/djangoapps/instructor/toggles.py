# Stand-in for edx-platform lms/djangoapps/instructor/toggles.py at commit 4ad32dc5ceaf252866f2a9cb90c8eda0eb16fce5
# (openedx/openedx-platform).
"""
Waffle flags for instructor dashboard. Reproduced: ``instructor.legacy_instructor_dashboard`` (default off:
``/courses/<id>/instructor`` then redirects to the instructor MFE) and ``legacy_instructor_dashboard()``, read
with django-waffle for the current request (edx-toggles' WaffleFlag does the same). Turn it on in tests with
``waffle.testutils.override_flag("instructor.legacy_instructor_dashboard", active=True)`` or a waffle Flag row.
Omitted: the data-download-v2 and optimised-small-course flags.
"""

import crum
import waffle

# Namespace for instructor waffle flags.
WAFFLE_FLAG_NAMESPACE = "instructor"

# .. toggle_name: instructor.legacy_instructor_dashboard
# .. toggle_default: False
# .. toggle_description: Waffle flag to enable the legacy instructor experience
LEGACY_INSTRUCTOR_DASHBOARD = f"{WAFFLE_FLAG_NAMESPACE}.legacy_instructor_dashboard"


def legacy_instructor_dashboard():
    """Check if legacy instructor dashboard experience is enabled."""
    request = crum.get_current_request()
    if request is None:
        return waffle.get_waffle_flag_model().get(LEGACY_INSTRUCTOR_DASHBOARD).everyone is True
    return waffle.flag_is_active(request, LEGACY_INSTRUCTOR_DASHBOARD)
