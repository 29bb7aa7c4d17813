# Stand-in for edx-platform lms/djangoapps/instructor/settings/common.py at commit
# 32ad8dd701f44d2865a62902303002a84fb63c1e (openedx/openedx-platform).
"""
Common environment variables unique to the instructor plugin (run by ``add_plugins(..., COMMON)`` in
lms/envs/common.py, in the same pass as every other plugin's COMMON hook). Reproduced: every setting it sets.
"""

from django.utils.translation import gettext_lazy as _


def plugin_settings(settings):
    """Settings for the instructor plugin."""
    ### Analytics Dashboard (Insights) settings
    settings.ANALYTICS_DASHBOARD_URL = ""
    settings.ANALYTICS_DASHBOARD_NAME = _("Your Platform Insights")
    settings.DISPLAY_ANALYTICS_ENROLLMENTS = True
    settings.ENABLE_CCX_ANALYTICS_DASHBOARD_URL = False
    # Courses exceeding this many active enrollments have disabled buttons at the instructor dashboard.
    settings.MAX_ENROLLMENT_INSTR_BUTTONS = 200
    settings.ENABLE_GRADE_DOWNLOADS = False
    settings.ALLOW_COURSE_STAFF_GRADE_DOWNLOADS = False
    settings.ALLOW_AUTOMATED_SIGNUPS = False
    settings.ENABLE_AUTOMATED_SIGNUPS_EXTRA_FIELDS = False
    # Enable to allow batch generation of certificates from the instructor dashboard.
    settings.CERTIFICATES_INSTRUCTOR_GENERATION = False
    # Allow course instructors to manage certificates from the instructor dashboard.
    settings.ENABLE_CERTIFICATES_INSTRUCTOR_MANAGE = False
    settings.BATCH_ENROLLMENT_NOTIFY_USERS_DEFAULT = True
