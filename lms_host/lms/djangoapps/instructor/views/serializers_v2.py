# Stand-in for edx-platform lms/djangoapps/instructor/views/serializers_v2.py at commit
# 22004d805c6b69c2cb410c514248f82afb50e044 (skaschimer/edx-platform, a mirror of openedx-platform master: the
# first stored version that calls InstructorDashboardTabsRequested; the tabs otherwise match openedx/openedx-platform
# at commit 079afa4209b102c0ef3e11a5c3962161c536dbb9).
"""
``CourseInformationSerializerV2`` (the instructor MFE's course metadata), reduced to ``course_id``,
``display_name``, ``org``, ``course_number``, ``course_run``, ``start``, ``end``, ``pacing``, ``permissions`` and
``tabs``.

``get_tabs(data)`` exactly as edx-platform builds it: tab dicts ``{'tab_id', 'title', 'url', 'sort_order'}``;
staff (has_access staff) get course_info (10), enrollments (20), grading (40), cohorts (90); instructors (or staff
who are forum admins) course_team (30); ``certificates`` (80) when ``CertificateGenerationConfiguration.current()
.enabled and not CCX and user.is_staff``, OR when the user has instructor access and
``FEATURES['ENABLE_CERTIFICATES_INSTRUCTOR_MANAGE']`` (Python precedence: the second branch ignores the
configuration); data_downloads (60) for CAN_RESEARCH; special_exams (110) with ENABLE_SPECIAL_EXAMS on a proctored
course. URLs: ``_build_tab_url('INSTRUCTOR_MICROFRONTEND_URL', course_key, tab_id)`` = the MFE URL's path +
``/<course_key>/<tab_id>`` (``/<course_key>/<tab_id>`` when the setting is None). Then
``InstructorDashboardTabsRequested.run_filter(tabs=tabs, user=request.user, course_key=course_key)``: the returned
tabs (the original list when the pipeline returns None) or, on ``PreventTabsGeneration``, ``exc.tabs`` or [] —
then sorted by the historical tab order (unknown tab ids last, in their order).

Omitted: bulk email, date extensions and open responses tabs (their features are not reproduced), enrollment
counts, grade cutoffs, studio/gradebook/admin console URLs, the other serializers of the module.
"""

import logging
from urllib.parse import urlparse

from django.conf import settings
from django.utils.translation import gettext as _
from openedx_filters.learning.filters import InstructorDashboardTabsRequested
from rest_framework import serializers

from common.djangoapps.student.roles import (
    CourseFinanceAdminRole,
    CourseInstructorRole,
    CourseSalesAdminRole,
    CourseStaffRole,
)
from lms.djangoapps.certificates.models import CertificateGenerationConfiguration
from lms.djangoapps.courseware.access import has_access
from lms.djangoapps.instructor import permissions

log = logging.getLogger(__name__)


def has_forum_access(user, course_key, role):
    """edx-platform: lms.djangoapps.discussion.django_comment_client.utils.has_forum_access (no forums here)."""
    return False


FORUM_ROLE_ADMINISTRATOR = "Administrator"


class CourseInformationSerializerV2(serializers.Serializer):
    """Serializer for comprehensive course information (reduced; see the module docstring)."""

    course_id = serializers.SerializerMethodField(help_text="Course run key")
    display_name = serializers.SerializerMethodField(help_text="Course display name")
    org = serializers.SerializerMethodField(help_text="Organization identifier")
    course_number = serializers.SerializerMethodField(help_text="Course number")
    course_run = serializers.SerializerMethodField(help_text="Course run identifier")
    start = serializers.SerializerMethodField(help_text="Course start date (ISO 8601 with timezone)")
    end = serializers.SerializerMethodField(help_text="Course end date (ISO 8601 with timezone)")
    pacing = serializers.SerializerMethodField(help_text="Course pacing type (self or instructor)")
    permissions = serializers.SerializerMethodField(help_text="User permissions for instructor dashboard features")
    tabs = serializers.SerializerMethodField(help_text="List of course tabs with configuration and display information")

    @staticmethod
    def _build_tab_url(setting_name, *path_parts, strip_url=True):
        """Build a tab URL from a Django setting and path parts (only the setting's path unless strip_url=False)."""
        base_url = getattr(settings, setting_name, None)
        if base_url is None:
            log.warning("%s is not configured.", setting_name)
            base_part = ""
        elif strip_url and base_url:
            # Extract only the path component from the URL
            base_part = urlparse(base_url).path
        else:
            # Use the full URL as-is
            base_part = base_url

        parts = [base_part.rstrip("/")] + [str(part).strip("/") for part in path_parts]
        return "/".join(parts)

    def get_tabs(self, data):
        """Get serialized course tabs."""
        request = data["request"]
        course = data["course"]
        course_key = course.id

        access = {
            "admin": request.user.is_staff,
            "instructor": bool(has_access(request.user, "instructor", course)),
            "finance_admin": CourseFinanceAdminRole(course_key).has_user(request.user),
            "sales_admin": CourseSalesAdminRole(course_key).has_user(request.user),
            "staff": bool(has_access(request.user, "staff", course)),
            "forum_admin": has_forum_access(request.user, course_key, FORUM_ROLE_ADMINISTRATOR),
            "data_researcher": request.user.has_perm(permissions.CAN_RESEARCH, course_key),
        }
        tabs = []

        if access["staff"]:
            tabs.extend(
                [
                    {
                        "tab_id": "course_info",
                        "title": _("Course Info"),
                        "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "course_info"),
                        "sort_order": 10,
                    },
                    {
                        "tab_id": "enrollments",
                        "title": _("Enrollments"),
                        "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "enrollments"),
                        "sort_order": 20,
                    },
                    {
                        "tab_id": "grading",
                        "title": _("Grading"),
                        "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "grading"),
                        "sort_order": 40,
                    },
                    {
                        "tab_id": "cohorts",
                        "title": _("Cohorts"),
                        "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "cohorts"),
                        "sort_order": 90,
                    },
                ]
            )

        if access["instructor"] or (access["staff"] and access["forum_admin"]):
            tabs.append(
                {
                    "tab_id": "course_team",
                    "title": _("Course Team"),
                    "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "course_team"),
                    "sort_order": 30,
                }
            )

        if access["data_researcher"]:
            tabs.append(
                {
                    "tab_id": "data_downloads",
                    "title": _("Data Downloads"),
                    "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "data_downloads"),
                    "sort_order": 60,
                }
            )

        # Note: This is hidden for all CCXs
        certs_enabled = CertificateGenerationConfiguration.current().enabled and not hasattr(course_key, "ccx")
        certs_instructor_enabled = settings.FEATURES.get("ENABLE_CERTIFICATES_INSTRUCTOR_MANAGE", False)

        if (certs_enabled and access["admin"]) or (access["instructor"] and certs_instructor_enabled):
            tabs.append(
                {
                    "tab_id": "certificates",
                    "title": _("Certificates"),
                    "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "certificates"),
                    "sort_order": 80,
                }
            )

        user_has_access = any(
            [
                access["admin"],
                CourseStaffRole(course_key).has_user(request.user),
                access["instructor"],
            ]
        )
        course_has_special_exams = course.enable_proctored_exams or getattr(course, "enable_timed_exams", False)
        can_see_special_exams = (
            course_has_special_exams and user_has_access and settings.FEATURES.get("ENABLE_SPECIAL_EXAMS", False)
        )

        if can_see_special_exams:
            tabs.append(
                {
                    "tab_id": "special_exams",
                    "title": _("Special Exams"),
                    "url": self._build_tab_url("INSTRUCTOR_MICROFRONTEND_URL", course_key, "special_exams"),
                    "sort_order": 110,
                }
            )

        try:
            # .. filter_implemented_name: InstructorDashboardTabsRequested
            # .. filter_type: org.openedx.learning.instructor.dashboard.tabs.requested.v1
            filtered_tabs, _user, _course_key = InstructorDashboardTabsRequested.run_filter(
                tabs=tabs,
                user=request.user,
                course_key=course_key,
            )
            custom_tabs = filtered_tabs if filtered_tabs is not None else tabs
        except InstructorDashboardTabsRequested.PreventTabsGeneration as exc:
            # Plugin provided custom tabs or prevented tab generation
            custom_tabs = getattr(exc, "tabs", None) or []

        # We provide the tabs in a specific order based on how it was
        # historically presented in the frontend.  The frontend can use
        # this info or choose to ignore the ordering.
        tabs_order = [
            "course_info",
            "enrollments",
            "course_team",
            "grading",
            "date_extensions",
            "data_downloads",
            "open_responses",
            "certificates",
            "cohorts",
            "bulk_email",
            "special_exams",
        ]
        order_index = {tab: i for i, tab in enumerate(tabs_order)}
        return sorted(custom_tabs, key=lambda x: order_index.get(x["tab_id"], float("inf")))

    def get_course_id(self, data):
        """Get course ID as string."""
        return str(data["course"].id)

    def get_display_name(self, data):
        """Get course display name."""
        return data["course"].display_name

    def get_org(self, data):
        """Get organization identifier."""
        return data["course"].id.org

    def get_course_number(self, data):
        """Get course number."""
        return data["course"].id.course

    def get_course_run(self, data):
        """Get course run identifier"""
        course_id = data["course"].id
        return course_id.run if course_id.run is not None else ""

    def get_start(self, data):
        """Get course start date."""
        return data["course"].start

    def get_end(self, data):
        """Get course end date."""
        return data["course"].end

    def get_pacing(self, data):
        """Get course pacing type (self or instructor)."""
        return "self" if data["course"].self_paced else "instructor"

    def get_permissions(self, data):
        """Get user permissions for the course."""
        user = data["user"]
        course_key = data["course"].id
        return {
            "admin": user.is_staff,
            "instructor": CourseInstructorRole(course_key).has_user(user),
            "finance_admin": CourseFinanceAdminRole(course_key).has_user(user),
            "sales_admin": CourseSalesAdminRole(course_key).has_user(user),
            "staff": CourseStaffRole(course_key).has_user(user),
            "forum_admin": has_forum_access(user, course_key, FORUM_ROLE_ADMINISTRATOR),
            "data_researcher": user.has_perm(permissions.CAN_RESEARCH, course_key),
        }
