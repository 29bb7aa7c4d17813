"""
Authentication and permissions of the REST API, as the LMS's own APIs do them.

Authentication: JWT (edx-drf-extensions ``JwtAuthentication`` with its signature always checked:
``authentication.VerifiedJwtAuthentication``; first, so an anonymous request gets 401 with a ``WWW-Authenticate``
header) then the LMS session (``SessionAuthenticationAllowInactiveUser``, CSRF
enforced on unsafe methods).

OAuth applications: a JWT whose ``is_restricted`` claim is set comes from a *restricted* application (an
edx-platform ``RestrictedApplication``, e.g. a partner's client-credentials app). As edx-platform's APIs that
accept JWTs, such a token must carry the view's ``required_scopes`` and, for course resources, a
``content_org:<org>`` filter naming the course's organization (``JwtApplicationAccess`` below). That filter is
compared with the course the view acts on, not with the URL's spelling of it (``JwtHasContentOrgFilterForCourse``).
Sessions and the LMS's own, unrestricted JWTs are not limited by scopes.

Permissions, on top: global staff and course instructors manage (every method), course staff read (safe
methods), learners reach only their own ``me`` resources, anonymous users only ``verify``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy
from edx_rest_framework_extensions.auth.jwt.decoder import decode_jwt_filters
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.permissions import (
    JwtHasContentOrgFilterForRequestedCourse,
    JwtHasScope,
    JwtHasUserFilterForRequestedUser,
    JwtRestrictedApplication,
    NotJwtRestrictedApplication,
)
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cert_manager_plugin import api

from .authentication import VerifiedJwtAuthentication

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from opaque_keys.edx.keys import CourseKey
    from rest_framework.request import Request
    from rest_framework.views import APIView

log = logging.getLogger(__name__)

AUTHENTICATION_CLASSES = [VerifiedJwtAuthentication, SessionAuthenticationAllowInactiveUser]

MANAGE, READ = "manage", "read"

#: edx-platform's OAuth scope for certificates (``OAUTH2_PROVIDER["SCOPES"]`` in ``lms/envs/common.py``,
#: openedx/edx-platform fc4ce97da5c2da90d6e91453648f2c97f54d215f; the certificates API v0 requires it,
#: openedx/openedx-platform e57a655d77b614f19223984e9805b1fb940ab192).
READ_SCOPE = "certificates:read"
#: The scope a restricted application needs to change anything. edx-platform does not define it: until an
#: operator adds it to ``OAUTH2_PROVIDER["SCOPES"]`` and to the application's ``ApplicationAccess`` scopes,
#: restricted applications can only read.
WRITE_SCOPE = "certificates:write"


def access_allows(access: str | None, method: str) -> bool:
    """Whether a course access level (``api.course_access``) allows an HTTP method."""
    if access == MANAGE:
        return True
    return access == READ and method in SAFE_METHODS


class ScopesByMethod:
    """
    A view's ``required_scopes`` that depend on the request: the read scopes for safe methods, else the write ones.

    edx-drf-extensions' ``JwtHasScope`` reads ``view.required_scopes`` unchanged.
    """

    def __init__(self, read: list[str], write: list[str]) -> None:
        self.read, self.write = tuple(read), tuple(write)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys((*self.read, *self.write)))

    def __get__(self, view: APIView | None, owner: type | None = None) -> ScopesByMethod | list[str]:
        if view is None:
            return self  # on the class: every scope the view may ask for
        method = getattr(getattr(view, "request", None), "method", None)
        if method is None:
            return list(self)
        return list(self.read if method in SAFE_METHODS else self.write)


#: ``required_scopes`` of every view: ``certificates:read`` to read, ``certificates:write`` to write.
CERTIFICATE_SCOPES = ScopesByMethod(read=[READ_SCOPE], write=[WRITE_SCOPE])


class JwtHasUserFilterForRequestUser(JwtHasUserFilterForRequestedUser):
    """
    edx-drf-extensions' user filter check for the ``me`` resources, whose requested user is the signed-in user.

    There is no ``{username}`` in their URL: a ``user:me`` filter always matches, a ``user:<username>`` filter
    must name the token's own user, a token without a user filter passes.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Whether the token's user filter, if any, names the signed-in user (``user:me`` always does)."""
        user_filter = self._get_user_filter(request)
        return not user_filter or user_filter == request.user.username.lower()


def known_course(course_id: str | None) -> CourseKey | None:
    """
    The course's own CourseKey (the LMS's spelling) when ``course_id`` names a course that exists; else None.

    400 ``invalid_course_key`` when malformed. Global staff's views use ``api.resolve_course`` instead, whose 404
    ``course_not_found`` says the course does not exist.
    """
    info = api.course_info(api.parse_course_key(course_id))
    return info.course_key if info is not None else None


def in_course(user: AbstractBaseUser, course_key: CourseKey) -> bool:
    """Whether ``user`` is a learner of the course or on its team (global staff aside)."""
    return user.pk in api.learners_among(course_key, [user.pk]) or api.course_access(user, course_key) is not None


def _may_see_course(user: AbstractBaseUser, course_key: CourseKey) -> bool:
    """Whether the learner's course views show the course to ``user``: global staff, its learners, its team."""
    return api.is_global_staff(user) or in_course(user, course_key)


def course_in_view(request: Request, view: APIView) -> CourseKey | None:
    """
    The course's own key, which the view acts on whatever the URL's case; None when the view answers 404 for it.

    ``CourseView`` resolves the course and the caller's access before its permission classes (``view.course_key``);
    the learner's course views do it after them, so the same lookup is made here (``MyCourseCertificateView``).
    """
    resolved = getattr(view, "course_key", None)
    if resolved is not None:
        return resolved
    course_key = known_course(view.kwargs.get("course_id"))
    if course_key is None or not _may_see_course(request.user, course_key):
        return None
    return course_key


class JwtHasContentOrgFilterForCourse(JwtHasContentOrgFilterForRequestedCourse):
    """
    edx-drf-extensions' ``content_org`` check, on the course the view acts on instead of the URL's spelling.

    The course lookup finds a course in any case (``course-v1:secx+a101+2026`` reaches ``course-v1:SecX+A101+2026``),
    so upstream's check of the URL's org let ``content_org:secx`` act on SecX's course. The filter is compared, as
    upstream does (case-sensitive), with the org of the course's own key. A course the caller cannot see (unknown,
    or not theirs) passes here and gets the view's 404, alike for both: no course oracle.
    """

    course_key: CourseKey | None = None

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Whether a ``content_org`` filter of the token names the org of the course the view acts on."""
        self.course_key = course_in_view(request, view)
        if self.course_key is None:
            return True  # the view answers 404, as for any course the caller cannot see
        orgs = {value for kind, value in decode_jwt_filters(request.auth) if kind == "content_org"}
        if self.course_key.org in orgs:
            return True
        log.warning("Permission JwtHasContentOrgFilterForCourse: no filter found for %s.", self.course_key.org)
        return False


def _check_course_key(view: APIView) -> None:
    """A malformed ``course_id`` is a 400 ``invalid_course_key`` (edx-drf-extensions would raise a 500)."""
    api.parse_course_key(view.kwargs.get("course_id"))


class JwtApplicationAccess(NotJwtRestrictedApplication):
    """
    ``NotJwtRestrictedApplication | (JwtRestrictedApplication & <restricted_permissions>)``, in that order.

    It answers with the message of the edx-drf-extensions permission that refused (the ``|``/``&``
    composition would answer DRF's generic message).

    A subclass of ``NotJwtRestrictedApplication`` on purpose: the LMS runs edx-drf-extensions'
    ``EnsureJWTAuthSettingsMiddleware``, which appends ``NotJwtRestrictedApplication`` to every JWT view whose
    permissions do not include it (refusing every restricted application, with DRF's generic message).
    Being that class, extended with the restricted branch, tells the middleware this view decides itself.

    Mirrors ``permission_classes`` of edx-platform's certificates API v0 ``CertificatesListView`` and of the
    grades API v1 ``CourseGradesView`` (``JWT_RESTRICTED_APPLICATION_OR_USER_ACCESS``), read at
    openedx/openedx-platform e57a655d77b614f19223984e9805b1fb940ab192, with edx-drf-extensions'
    ``permissions.py`` at 9abb4cc7c489fd7dc71ac9d12e3d3abc24bd3504 (10.9.0 installed). Not restricted (a
    session, the LMS's own JWTs): allowed here, the course role decides. Put ``IsAuthenticated`` first.
    """

    restricted_permissions: tuple = (JwtHasScope,)
    message = gettext_lazy("This OAuth application is restricted.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        """
        True for anything but a restricted application's JWT; for one, whether it passes every restricted check.

        A refusal names what the token lacks (``message``); for course resources a malformed course id is a 400 first.
        """
        if not JwtRestrictedApplication().has_permission(request, view):
            return True  # NotJwtRestrictedApplication
        if JwtHasContentOrgFilterForCourse in self.restricted_permissions:
            _check_course_key(view)
        for permission_class in self.restricted_permissions:
            permission = permission_class()
            if not permission.has_permission(request, view):
                self.message = gettext("This OAuth application is restricted: %(refusal)s %(hint)s") % {
                    "refusal": permission.message,
                    "hint": _hint(permission, view),
                }
                return False
        return True


def _hint(permission: BasePermission, view: APIView) -> str:
    """What the refused token lacks, in words an integrator can act on."""
    if isinstance(permission, JwtHasScope):
        return gettext("This request needs the scope %(scopes)s.") % {
            "scopes": ", ".join(getattr(view, "required_scopes", []))
        }
    if isinstance(permission, JwtHasContentOrgFilterForCourse):
        return gettext("This course needs the filter content_org:%(org)s.") % {"org": permission.course_key.org}
    return gettext("A user filter must name the token's own user (user:me).")


class CourseJwtApplicationAccess(JwtApplicationAccess):
    """Course resources: a restricted application needs the scope and the course's ``content_org`` filter."""

    restricted_permissions = (JwtHasScope, JwtHasContentOrgFilterForCourse)


class LearnerJwtApplicationAccess(JwtApplicationAccess):
    """The learner's own ``me`` resources: the scope, and any ``user`` filter must be the token's user."""

    restricted_permissions = (JwtHasScope, JwtHasUserFilterForRequestUser)


class LearnerCourseJwtApplicationAccess(JwtApplicationAccess):
    """The learner's own resource in a course: the scope, the course's ``content_org`` filter, the user."""

    restricted_permissions = (JwtHasScope, JwtHasContentOrgFilterForCourse, JwtHasUserFilterForRequestUser)


class IsCourseTeam(BasePermission):
    """
    Course team access to a course-scoped resource: reads for course staff, writes for instructors and global staff.

    The view resolves ``request.course_key`` first (400/404 before 403).
    """

    message = gettext_lazy("You need a course instructor role (course staff may only read) for this course.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Whether the caller's access to the view's course (``view.course_access``) allows the request's method."""
        course_key = getattr(view, "course_key", None)
        if course_key is None:
            return False
        access = getattr(view, "course_access", None)
        if access is None:
            access = api.course_access(request.user, course_key)
            view.course_access = access
        return access_allows(access, request.method)
