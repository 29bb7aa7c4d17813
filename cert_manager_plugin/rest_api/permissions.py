"""
Authentication and permissions of the REST API, as the LMS's own APIs do them.

Authentication: JWT (edx-drf-extensions ``JwtAuthentication``; first, so an anonymous request gets 401 with
a ``WWW-Authenticate`` header) then the LMS session (``SessionAuthenticationAllowInactiveUser``, CSRF
enforced on unsafe methods).

Permissions: global staff and course instructors manage (every method), course staff read (safe methods),
learners reach only their own ``me`` resources, anonymous users only ``verify``.
"""

from __future__ import annotations

from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cert_manager_plugin import api

AUTHENTICATION_CLASSES = [JwtAuthentication, SessionAuthenticationAllowInactiveUser]

MANAGE, READ = "manage", "read"


def access_allows(access: str | None, method: str) -> bool:
    """Whether a course access level (``api.course_access``) allows an HTTP method."""
    if access == MANAGE:
        return True
    return access == READ and method in SAFE_METHODS


class IsCourseTeam(BasePermission):
    """
    Course team access to a course-scoped resource: reads for course staff, writes for instructors and
    global staff. The view resolves ``request.course_key`` first (400/404 before 403).
    """

    message = "You need a course instructor role (course staff may only read) for this course."

    def has_permission(self, request, view) -> bool:
        course_key = getattr(view, "course_key", None)
        if course_key is None:
            return False
        access = getattr(view, "course_access", None)
        if access is None:
            access = api.course_access(request.user, course_key)
            view.course_access = access
        return access_allows(access, request.method)
