# Stand-in for edx-platform lms/djangoapps/instructor/permissions.py at commit
# 8fe0640e92a89c80864ceb3386bea570e536140b (openedx/openedx-platform).
"""
Permissions for the instructor dashboard and associated actions.

Reproduced: the permission names (``VIEW_DASHBOARD = 'instructor.dashboard'``, ``CAN_RESEARCH =
'instructor.research'``, ``SHOW_TASKS``, the certificate permissions), their rules, and ``InstructorPermission``
(DRF: ``request.user.has_perm(view.permission_name, course)``):

* VIEW_DASHBOARD: a course role staff/instructor/data_researcher, or has_access staff, or has_access instructor;
* CAN_RESEARCH, SHOW_TASKS, VIEW_ISSUED_CERTIFICATES: global staff or the course's data_researcher role;
* certificate permissions: global staff or has_access instructor.

edx-platform evaluates these bridgekeeper rules through ``bridgekeeper.backends.RulePermissionBackend``; the host
has no bridgekeeper, so ``InstructorRulesBackend`` (listed in AUTHENTICATION_BACKENDS in its place) answers
``user.has_perm(<name>, course or course_key)`` for exactly these names.
"""

from django.contrib.auth.backends import BaseBackend
from django.http import Http404
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from rest_framework.permissions import BasePermission

from common.djangoapps.student.models import CourseAccessRole
from lms.djangoapps.courseware.access import has_access
from openedx.core.lib.courses import get_course_by_id

# Certificate Management Permissions
ENABLE_CERTIFICATE_GENERATION = "instructor.enable_certificate_generation"
GENERATE_CERTIFICATE_EXCEPTIONS = "instructor.generate_certificate_exceptions"
GENERATE_BULK_CERTIFICATE_EXCEPTIONS = "instructor.generate_bulk_certificate_exceptions"
START_CERTIFICATE_GENERATION = "instructor.start_certificate_generation"
START_CERTIFICATE_REGENERATION = "instructor.start_certificate_regeneration"
CERTIFICATE_EXCEPTION_VIEW = "instructor.certificate_exception_view"
CERTIFICATE_INVALIDATION_VIEW = "instructor.certificate_invalidation_view"
VIEW_ISSUED_CERTIFICATES = "instructor.view_issued_certificates"

# Data and Research Permissions
CAN_RESEARCH = "instructor.research"

# Dashboard and Task Permissions
VIEW_DASHBOARD = "instructor.dashboard"
SHOW_TASKS = "instructor.show_tasks"

_CERTIFICATE_PERMISSIONS = {
    ENABLE_CERTIFICATE_GENERATION,
    GENERATE_CERTIFICATE_EXCEPTIONS,
    GENERATE_BULK_CERTIFICATE_EXCEPTIONS,
    START_CERTIFICATE_GENERATION,
    START_CERTIFICATE_REGENERATION,
    CERTIFICATE_EXCEPTION_VIEW,
    CERTIFICATE_INVALIDATION_VIEW,
}
_RESEARCH_PERMISSIONS = {CAN_RESEARCH, VIEW_ISSUED_CERTIFICATES, SHOW_TASKS}


def _course_key(obj):
    return getattr(obj, "id", obj)


def _has_roles(user, course_key, *roles):
    """bridgekeeper HasRolesRule: a CourseAccessRole of one of ``roles`` in the course."""
    return CourseAccessRole.objects.filter(user=user, role__in=roles, course_id=course_key).exists()


class InstructorRulesBackend(BaseBackend):
    """Answers ``user.has_perm`` for the instructor permissions above (stand-in for bridgekeeper's backend)."""

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or not user_obj.is_authenticated or not user_obj.is_active:
            return False
        course_key = _course_key(obj)
        if perm == VIEW_DASHBOARD:
            return (
                _has_roles(user_obj, course_key, "staff", "instructor", "data_researcher")
                or has_access(user_obj, "staff", obj, course_key)
                or has_access(user_obj, "instructor", obj, course_key)
            )
        if perm in _RESEARCH_PERMISSIONS:
            return user_obj.is_staff or _has_roles(user_obj, course_key, "data_researcher")
        if perm in _CERTIFICATE_PERMISSIONS:
            return user_obj.is_staff or has_access(user_obj, "instructor", obj, course_key)
        return False


class InstructorPermission(BasePermission):
    """Generic permissions"""

    def has_permission(self, request, view):
        try:
            course_key = CourseKey.from_string(view.kwargs.get("course_id"))
        except InvalidKeyError as exc:
            raise Http404("Invalid course key") from exc
        course = get_course_by_id(course_key)
        permission = getattr(view, "permission_name", None)
        return request.user.has_perm(permission, course)
