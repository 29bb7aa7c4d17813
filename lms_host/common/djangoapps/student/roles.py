# Stand-in for edx-platform common/djangoapps/student/roles.py at commit c6607476c5fd8e206a850203fd97512edaffa7c1
# (openedx/openedx-platform).
"""
Course roles backed by ``CourseAccessRole`` rows (edx-platform's "legacy" path, used while the
``authz.enable_course_authoring`` waffle flag is off, its default).

Reproduced: ``AccessRole`` (has_user/add_users/remove_users/users_with_role), ``GlobalStaff``
(``has_user(user) == bool(user and user.is_staff)``), ``RoleBase``/``CourseRole``/``OrgRole`` and the course roles
(``CourseStaffRole`` "staff", ``CourseLimitedStaffRole`` "limited_staff" inheriting staff, ``CourseInstructorRole``
"instructor", finance/sales admin, beta testers, data researcher, CCX coach), ``RoleCache`` and
``register_access_role``. ``has_user(user, check_user_activation=True)`` is False for anonymous or inactive users,
caches the user's roles on ``user._roles`` (add_users/remove_users clear it; rows written directly need a fresh
user object), and matches a row on role (or a role inheriting it), ``course_id`` and ``org == course_key.org``;
an instructor is NOT a staff member by role (edx-platform's ``has_access(user, 'staff', course)`` is what lets
instructors in). ``add_users`` ignores anonymous and inactive users.

Omitted: the openedx-authz path, BulkRoleCache, UserBasedRole, org content creator/library roles.
"""

import logging
from abc import ABCMeta, abstractmethod

from django.contrib.auth.models import User

from common.djangoapps.student.models import CourseAccessRole

log = logging.getLogger(__name__)

# A list of registered access roles.
REGISTERED_ACCESS_ROLES = {}

# A mapping of roles to the roles that they inherit permissions from.
ACCESS_ROLES_INHERITANCE = {}

# The key used to store roles for a user in the cache that do not belong to a course or do not have a course id.
ROLE_CACHE_UNGROUPED_ROLES__KEY = "ungrouped"


def register_access_role(cls):
    """Register an access role by its ROLE, and its BASE_ROLE inheritance."""
    try:
        role_name = cls.ROLE
        REGISTERED_ACCESS_ROLES[role_name] = cls
    except AttributeError:
        log.exception("Unable to register Access Role with attribute 'ROLE'.")

    if base_role := getattr(cls, "BASE_ROLE", None):
        ACCESS_ROLES_INHERITANCE.setdefault(base_role, set()).add(cls.ROLE)

    return cls


def get_role_cache_key_for_course(course_key=None):
    """Get the cache key for the course key."""
    return str(course_key) if course_key else ROLE_CACHE_UNGROUPED_ROLES__KEY


class RoleCache:
    """A cache of the (role, org, course_id) rows held by a particular user."""

    def __init__(self, user):
        self._roles_by_course_id = {}
        for role in CourseAccessRole.objects.filter(user=user).all():
            course_id = get_role_cache_key_for_course(role.course_id)
            self._roles_by_course_id.setdefault(course_id, set()).add((role.role, role.org, str(role.course_id)))
        self._roles = set()
        for roles_for_course in self._roles_by_course_id.values():
            self._roles.update(roles_for_course)

    @staticmethod
    def get_roles(role):
        """Return the roles that should have the same permissions as the specified role."""
        return ACCESS_ROLES_INHERITANCE.get(role, set()) | {role}

    def has_role(self, role, course_id, org):
        """Whether this cache holds ``role`` (or a role inheriting it) for this course_id and org."""
        course_roles = self._roles_by_course_id.get(get_role_cache_key_for_course(course_id), [])
        return any(
            access_role in self.get_roles(role) and access_org == org for access_role, access_org, _ in course_roles
        )


class AccessRole(metaclass=ABCMeta):
    """Object representing a role with particular access to a resource"""

    @abstractmethod
    def has_user(self, user):
        """Return whether the supplied django user has access to this role."""
        return False

    @abstractmethod
    def add_users(self, *users):
        """Add the role to the supplied django users."""

    @abstractmethod
    def remove_users(self, *users):
        """Remove the role from the supplied django users."""

    @abstractmethod
    def users_with_role(self):
        """Return a django QuerySet for all of the users with this role"""
        return User.objects.none()


class GlobalStaff(AccessRole):
    """The global staff role"""

    def has_user(self, user):
        return bool(user and user.is_staff)

    def add_users(self, *users):
        for user in users:
            if user.is_authenticated and user.is_active:
                user.is_staff = True
                user.save()

    def remove_users(self, *users):
        for user in users:
            # don't check is_authenticated nor is_active on purpose
            user.is_staff = False
            user.save()

    def users_with_role(self):
        raise Exception("This operation is un-indexed, and shouldn't be used")


class RoleBase(AccessRole):
    """Roles by type (e.g., instructor, beta_user) and optionally org, course_key"""

    def __init__(self, role_name, org="", course_key=None):
        super().__init__()

        self.org = org
        self.course_key = course_key
        self._role_name = role_name

    def has_user(self, user, check_user_activation=True):
        """Check if the supplied django user has access to this role."""
        if check_user_activation and not (user.is_authenticated and user.is_active):
            return False

        if not hasattr(user, "_roles"):
            # Cache a list of tuples identifying the particular roles that a user has
            user._roles = RoleCache(user)

        return user._roles.has_role(self._role_name, self.course_key, self.org)

    def add_users(self, *users):
        """Add the supplied django users to this role (anonymous and inactive users are silently ignored)."""
        for user in users:
            if user.is_authenticated and user.is_active:
                CourseAccessRole.objects.get_or_create(
                    user=user, role=self._role_name, course_id=self.course_key, org=self.org
                )
                if hasattr(user, "_roles"):
                    del user._roles

    def remove_users(self, *users):
        """Remove the supplied django users from this role."""
        entries = CourseAccessRole.objects.filter(
            user__in=users, role=self._role_name, org=self.org, course_id=self.course_key
        )
        entries.delete()
        for user in users:
            if hasattr(user, "_roles"):
                del user._roles

    def users_with_role(self):
        """Return a django QuerySet for all of the users with this role"""
        return User.objects.filter(
            courseaccessrole__role=self._role_name,
            courseaccessrole__org=self.org,
            courseaccessrole__course_id=self.course_key,
        )


class CourseRole(RoleBase):
    """A named role in a particular course"""

    def __init__(self, role, course_key):
        super().__init__(role, course_key.org, course_key)

    @classmethod
    def course_group_already_exists(cls, course_key):
        return CourseAccessRole.objects.filter(org=course_key.org, course_id=course_key).exists()

    def __repr__(self):
        return f"<{self.__class__.__name__}: course_key={self.course_key}>"


class OrgRole(RoleBase):
    """A named role in a particular org independent of course"""

    def __repr__(self):
        return f"<{self.__class__.__name__}>"


@register_access_role
class CourseStaffRole(CourseRole):
    """A Staff member of a course"""

    ROLE = "staff"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseLimitedStaffRole(CourseStaffRole):
    """A Staff member of a course without access to Studio."""

    ROLE = "limited_staff"
    BASE_ROLE = CourseStaffRole.ROLE


@register_access_role
class CourseInstructorRole(CourseRole):
    """A course Instructor"""

    ROLE = "instructor"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseFinanceAdminRole(CourseRole):
    """A course staff member with privileges to review financial data."""

    ROLE = "finance_admin"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseSalesAdminRole(CourseRole):
    """A course staff member with privileges to perform sales operations."""

    ROLE = "sales_admin"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseBetaTesterRole(CourseRole):
    """A course Beta Tester"""

    ROLE = "beta_testers"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


class CourseCcxCoachRole(CourseRole):
    """A CCX Coach"""

    ROLE = "ccx_coach"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseDataResearcherRole(CourseRole):
    """A Data Researcher"""

    ROLE = "data_researcher"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


class OrgStaffRole(OrgRole):
    """An organization staff member"""

    def __init__(self, *args, **kwargs):
        super().__init__("staff", *args, **kwargs)


class OrgInstructorRole(OrgRole):
    """An organization instructor"""

    def __init__(self, *args, **kwargs):
        super().__init__("instructor", *args, **kwargs)
